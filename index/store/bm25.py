"""Okapi BM25 over a sparse term-weight matrix (scipy), saved as raw term counts.

The index keeps the counts (units x vocabulary) rather than the weights: idf and the average
length depend on the whole corpus, so an update that adds or drops units recomputes the
weights from the counts (:meth:`BM25.from_counts`) and tokenizes only the new units. The
vocabulary is in sorted term order, so the same units give the same matrix however they were
gathered (a full build or a sequence of updates).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

K1, B = 1.2, 0.75
COUNTS_FILE = "bm25_counts.npz"
VOCAB_FILE = "bm25_vocab.json"


@dataclass(frozen=True)
class TermCounts:
    """How often each term occurs in each unit.

    Args:
        counts: CSR matrix (units x vocabulary), int32, column indices sorted within each row.
        terms: the vocabulary in sorted order; column ``j`` counts ``terms[j]``.
    """

    counts: sparse.csr_matrix
    terms: list[str]

    @classmethod
    def of(cls, docs: Sequence[Sequence[str]]) -> TermCounts:
        """The counts of tokenized units (a term in no unit is not in the vocabulary)."""
        bags = [Counter(terms) for terms in docs]
        vocab = sorted({t for bag in bags for t in bag})
        column = {t: j for j, t in enumerate(vocab)}
        indptr = np.zeros(len(bags) + 1, dtype=np.int64)
        indices: list[int] = []
        data: list[int] = []
        for i, bag in enumerate(bags):
            for col, n in sorted((column[t], n) for t, n in bag.items()):
                indices.append(col)
                data.append(n)
            indptr[i + 1] = len(indices)
        counts = sparse.csr_matrix(
            (np.asarray(data, np.int32), np.asarray(indices, np.int32), indptr),
            shape=(len(bags), len(vocab)),
        )
        return cls(counts, vocab)

    def rows(self, start: int, end: int) -> TermCounts:
        """Units ``start:end``, over the same vocabulary."""
        return TermCounts(self.counts[start:end], self.terms)

    @classmethod
    def stack(cls, blocks: Sequence[TermCounts]) -> TermCounts:
        """The units of ``blocks``, one after the other, over the terms they hold (the
        vocabularies are merged; a term no unit holds any more is left out)."""
        vocabs: dict[int, tuple[list[str], np.ndarray]] = {}
        for block in blocks:  # blocks cut from one index share its vocabulary list
            terms, used = vocabs.setdefault(
                id(block.terms), (block.terms, np.zeros(len(block.terms), dtype=bool))
            )
            used[block.counts.indices] = True
        live: set[str] = set()
        for terms, used in vocabs.values():
            live.update(t for t, u in zip(terms, used.tolist(), strict=True) if u)
        vocab = sorted(live)
        column = {t: j for j, t in enumerate(vocab)}
        remap = {
            key: np.fromiter((column.get(t, -1) for t in terms), np.int32, len(terms))
            for key, (terms, _) in vocabs.items()
        }
        # both vocabularies are sorted, so remapping keeps each row's columns sorted
        parts = [
            sparse.csr_matrix(
                (b.counts.data, remap[id(b.terms)][b.counts.indices], b.counts.indptr),
                shape=(b.counts.shape[0], len(vocab)),
            )
            for b in blocks
        ]
        if not parts:
            return cls(sparse.csr_matrix((0, 0), dtype=np.int32), [])
        counts = sparse.vstack(parts, format="csr", dtype=np.int32)
        return cls(counts, vocab)

    def save(self, folder: Path) -> None:
        # uncompressed: an update rewrites this file, and zlib at 100k units costs seconds
        sparse.save_npz(folder / COUNTS_FILE, self.counts, compressed=False)
        vocab = {t: j for j, t in enumerate(self.terms)}
        (folder / VOCAB_FILE).write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> TermCounts:
        counts = sparse.load_npz(folder / COUNTS_FILE).tocsr()
        vocab = json.loads((folder / VOCAB_FILE).read_text(encoding="utf-8"))
        terms = sorted(vocab, key=vocab.__getitem__)
        if counts.shape[1] != len(terms) or terms != sorted(terms):
            raise ValueError("BM25 counts and vocabulary disagree")
        return cls(counts.astype(np.int32), terms)


class BM25:
    """BM25 with the document weights precomputed: a query is a sum of matrix columns.

    Args:
        weights: CSC matrix (documents x vocabulary) of BM25 term weights; None to compute
            them from ``counts`` when first needed.
        vocab: term -> column.
        counts: the raw term counts the weights come from (what :meth:`save` writes); None
            when the weights were given directly.
    """

    def __init__(
        self,
        weights: sparse.csc_matrix | None,
        vocab: dict[str, int],
        counts: TermCounts | None = None,
        k1: float = K1,
        b: float = B,
    ) -> None:
        if weights is None and counts is None:
            raise ValueError("BM25 needs its weights or the term counts they come from")
        if weights is not None:
            weights.sort_indices()  # postings() searches each column's rows
        self._weights = weights
        self.vocab = vocab
        self.counts = counts
        self.k1, self.b = k1, b

    @property
    def weights(self) -> sparse.csc_matrix:
        if self._weights is None:
            assert self.counts is not None
            self._weights = _weights(self.counts.counts, self.k1, self.b)
        return self._weights

    @property
    def units(self) -> int:
        """How many units (rows) the index holds."""
        return self.counts.counts.shape[0] if self.counts is not None else self.weights.shape[0]

    @classmethod
    def fit(cls, docs: Sequence[Sequence[str]], k1: float = K1, b: float = B) -> BM25:
        return cls.from_counts(TermCounts.of(docs), k1, b)

    @classmethod
    def from_counts(cls, counts: TermCounts, k1: float = K1, b: float = B) -> BM25:
        """BM25 over the units of ``counts`` (the weights are computed when first used)."""
        return cls(None, {t: j for j, t in enumerate(counts.terms)}, counts, k1, b)

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
        """Write the term counts and vocabulary (the weights are computed again at load)."""
        if self.counts is None:
            raise ValueError("a BM25 made from weights alone cannot be saved; use fit")
        self.counts.save(folder)

    @classmethod
    def load(cls, folder: Path, keep_counts: bool = False) -> BM25:
        """Read the counts; without ``keep_counts`` (an update keeps them, and has no use for
        the weights) compute the weights now and let the counts go."""
        counts = TermCounts.load(folder)
        if keep_counts:
            return cls.from_counts(counts)
        return cls(_weights(counts.counts, K1, B), {t: j for j, t in enumerate(counts.terms)})


def _weights(c: sparse.csr_matrix, k1: float, b: float) -> sparse.csc_matrix:
    """The weight of every unit and term from the raw counts ``c``: idf x tf (k1 + 1) /
    (tf + k1 (1 - b + b length / average length))."""
    n = c.shape[0]
    tf = c.data.astype(np.float32)
    col = c.indices
    row = np.repeat(np.arange(n), np.diff(c.indptr))
    lengths = np.asarray(c.sum(axis=1), dtype=np.float32).ravel()
    df = np.bincount(col, minlength=c.shape[1]).astype(np.float32)
    idf = np.log1p((n - df + 0.5) / (df + 0.5))
    avgdl = float(lengths.mean()) if n else 1.0
    norm = k1 * (1.0 - b + b * lengths[row] / max(avgdl, 1e-9))
    data = idf[col] * tf * (k1 + 1.0) / (tf + norm)
    weights = sparse.csr_matrix(
        (data.astype(np.float32), col, c.indptr), shape=c.shape, dtype=np.float32
    ).tocsc()
    weights.sort_indices()  # postings() searches each column's rows
    return weights
