#!/usr/bin/env bash
# Install, build the index from corpus/, and answer a Japanese and an English question. Offline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export HF_HUB_OFFLINE=1
.venv/bin/secbrief index build
.venv/bin/secbrief ask -k 3 "2024年12月の日米拡大抑止協議で代表団が訪問した駐屯地は？"
.venv/bin/secbrief ask -k 3 "Who co-chaired the December 2024 Extended Deterrence Dialogue for Japan?"
