"""Okapi BM25 over a sparse term-weight matrix (scipy), saved as plain arrays."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse


class BM25:
    """BM25 with the document weights precomputed: a query is a sum of matrix columns.

    Args:
        weights: CSC matrix (documents x vocabulary) of BM25 term weights.
        vocab: term -> column.
    """

    def __init__(self, weights: sparse.csc_matrix, vocab: dict[str, int]) -> None:
        weights.sort_indices()  # postings() searches each column's rows
        self.weights = weights
        self.vocab = vocab

    @classmethod
    def fit(cls, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> BM25:
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[float] = []
        lengths = np.zeros(len(docs), dtype=np.float32)
        for i, terms in enumerate(docs):
            lengths[i] = len(terms)
            for term, count in Counter(terms).items():
                rows.append(i)
                cols.append(vocab.setdefault(term, len(vocab)))
                tfs.append(count)
        n = len(docs)
        row = np.asarray(rows, dtype=np.int64)
        col = np.asarray(cols, dtype=np.int64)
        tf = np.asarray(tfs, dtype=np.float32)
        df = np.bincount(col, minlength=len(vocab)).astype(np.float32)
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        avgdl = float(lengths.mean()) if n else 1.0
        norm = k1 * (1.0 - b + b * lengths[row] / max(avgdl, 1e-9))
        data = idf[col] * tf * (k1 + 1.0) / (tf + norm)
        weights = sparse.csc_matrix(
            (data.astype(np.float32), (row, col)), shape=(n, len(vocab)), dtype=np.float32
        )
        return cls(weights, vocab)

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for the query terms (repeats count once)."""
        cols = sorted({self.vocab[t] for t in terms if t in self.vocab})
        if not cols:
            return np.zeros(self.weights.shape[0], dtype=np.float32)
        summed = self.weights[:, cols].sum(axis=1)
        return np.asarray(summed, dtype=np.float32).ravel()

    def postings(self, terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray] | None:
        """The documents holding every one of ``terms`` and their summed weights of them;
        None when ``terms`` is empty or one of them is in no document."""
        cols = {self.vocab.get(t) for t in terms}
        if not cols or None in cols:
            return None
        w = self.weights
        rows = np.zeros(0, dtype=w.indices.dtype)
        weights = np.zeros(0, dtype=np.float64)
        for i, col in enumerate(sorted(c for c in cols if c is not None)):
            r = w.indices[w.indptr[col] : w.indptr[col + 1]]
            d = w.data[w.indptr[col] : w.indptr[col + 1]]
            if i == 0:
                rows, weights = r, d.astype(np.float64)
                continue
            at = np.minimum(np.searchsorted(r, rows), max(len(r) - 1, 0))
            found = r[at] == rows if len(r) else np.zeros(len(rows), dtype=bool)
            rows, weights = rows[found], weights[found] + d[at[found]]
        return rows, weights

    def max_score(self, terms: Sequence[str]) -> float:
        """The score a document holding every query term at its best weight would get."""
        total = 0.0
        for col in sorted({self.vocab[t] for t in terms if t in self.vocab}):
            column = self.weights.getcol(col)
            total += float(column.max()) if column.nnz else 0.0
        return total

    def save(self, folder: Path) -> None:
        sparse.save_npz(folder / "bm25.npz", self.weights)
        (folder / "bm25_vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> BM25:
        weights = sparse.load_npz(folder / "bm25.npz").tocsc()
        vocab = json.loads((folder / "bm25_vocab.json").read_text(encoding="utf-8"))
        return cls(weights, vocab)
