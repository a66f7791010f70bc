"""How long ``secbrief ask`` takes to refuse a bad question (empty, too long, control character).

Each row runs ``secbrief ask`` as a fresh process, as a user would, and times it to exit: the
refusal must come before the model or the index is loaded. For scale, ``secbrief --help`` (the
interpreter and the CLI's imports) and, when an index exists, one question within the limit
(which loads the model and the index and answers) are timed the same way.

    .venv/bin/python benchmarks/bench_refuse.py [--runs 5] [--no-answer]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path

from _common import ROOT, p50, table

SECBRIEF = ROOT / ".venv" / "bin" / "secbrief"


def max_chars() -> int:
    """The configured longest question (the settings' default unless the environment says)."""
    from bot.settings import Settings

    return Settings().max_question_chars


def timed(argv: list[str], runs: int) -> tuple[list[float], int, str]:
    """Wall times of ``runs`` runs of ``argv``, the last exit status and stderr's first line."""
    times: list[float] = []
    status, first = 0, ""
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=600)
        times.append(time.perf_counter() - start)
        status = result.returncode
        first = (result.stderr.strip().splitlines() or [""])[0]
    return times, status, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each refusal (median)")
    parser.add_argument(
        "--no-answer", action="store_true", help="skip the question within the limit"
    )
    args = parser.parse_args()
    limit = max_chars()
    cases = [
        ("empty", ""),
        (f"too long ({limit + 1} characters)", "x" * (limit + 1)),
        ("control character (BEL)", "What was agreed\x07 at the EDD?"),
        ("control character (ESC)", "\x1b[31mWhat was agreed at the EDD?"),
    ]
    rows: list[list[object]] = []
    times, status, _ = timed([str(SECBRIEF), "--help"], args.runs)
    rows.append(["`secbrief --help` (for scale)", args.runs, p50(times), max(times), status, ""])
    for name, question in cases:
        times, status, first = timed([str(SECBRIEF), "ask", question], args.runs)
        rows.append([name, args.runs, p50(times), max(times), status, first[:60]])
    index = Path(os.environ.get("SECBRIEF_INDEX_DIR", ROOT / "data" / "index"))
    if not args.no_answer and index.exists():
        question = "Who co-chaired the December 2024 EDD for Japan?"
        times, status, _ = timed([str(SECBRIEF), "ask", "-k", "1", question], 1)
        rows.append(
            ["a question within the limit (answered)", 1, p50(times), max(times), status, ""]
        )
    print(f"secbrief ask: time to exit, each run a fresh process (limit {limit} characters)\n")
    print(table(["question", "runs", "median s", "max s", "exit", "stderr"], rows))


if __name__ == "__main__":
    main()
