#!/usr/bin/env bash
# Install everything the tests need, then run the format check, lint, type check and tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh dev
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
.venv/bin/ruff format --no-cache --check .
.venv/bin/ruff check --no-cache .
.venv/bin/mypy
.venv/bin/pytest -q "$@"
