#!/usr/bin/env bash
# Install secbrief as a user would: a fresh venv with the pip `python3 -m venv` gives (not
# upgraded), `pip install .` (not editable), then read the shipped .html fixtures and start the
# CLI. Catches dependencies an older pip does not resolve and packages left out of the wheel.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
venv="$work/venv"
# a copy, so that pip's build folder is not left in the work tree
mkdir "$work/src"
tar --exclude=./.venv --exclude=./data --exclude=./build --exclude=./.git -cf - . \
  | tar -xf - -C "$work/src"
python3 -m venv "$venv"
"$venv/bin/pip" --version
"$venv/bin/pip" install --quiet "torch==2.13.0"
"$venv/bin/pip" install --quiet "$work/src"
cd "$work"
"$venv/bin/python" - "$work/src/tests/data/loaders" <<'PY'
import sys
from pathlib import Path

from index.ingest.loaders import load_corpus

docs, skipped = load_corpus(Path(sys.argv[1]))
html = [d for d in docs if d.path.endswith(".html")]
assert len(html) == 2 and all(d.text.strip() for d in html), (html, skipped)
import bot.cogs.ask  # noqa: F401,E402  (subpackages are in the wheel)
from index.meetings.timeline import font_path  # noqa: E402

font_path()  # the timeline's Japanese font came with the dependencies
print(f"install check: {len(docs)} fixtures read, {len(html)} of them HTML; font {font_path().name}")
PY
"$venv/bin/secbrief" --help > /dev/null
rm -rf "$work"
echo "install check passed"
