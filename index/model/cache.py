"""A persistent cache of passage embeddings keyed by (model checksum, text)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np


class EmbeddingCache:
    """SQLite file of float32 vectors; a rebuild re-embeds only texts it has not seen."""

    def __init__(self, path: Path, model_checksum: str, dim: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.model_checksum = model_checksum
        self.dim = dim
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB)")

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_checksum}\0{text}".encode()).hexdigest()

    def get_many(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            batch = keys[i : i + 500]
            marks = ",".join("?" * len(batch))
            query = f"SELECT key, vec FROM vectors WHERE key IN ({marks})"
            for key, blob in self._db.execute(query, batch):
                vec = np.frombuffer(blob, dtype=np.float32)
                if vec.shape == (self.dim,):
                    found[key] = vec
        return [found.get(k) for k in keys]

    def put_many(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        rows = [
            (self._key(t), np.ascontiguousarray(v, dtype=np.float32).tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)

    def close(self) -> None:
        self._db.close()
