"""Embedders: the real default model and the deterministic fake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.errors import ModelError
from index.model.embed import (
    DEFAULT_MODEL,
    Embedder,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    load_embedder,
)

ROOT = Path(__file__).parents[2]


def _assert_unit_rows(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.dtype == np.float32
    assert vectors.shape == (n, dim)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_importing_embed_loads_no_torch():
    code = (
        "import sys, index.model.embed; "
        "print(*(m in sys.modules for m in ('torch', 'transformers')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_hashing_embedder_is_deterministic_and_normalised():
    texts = ["日米拡大抑止協議", "Extended Deterrence Dialogue", ""]
    first = HashingEmbedder().encode_passages(texts)
    second = HashingEmbedder().encode_passages(texts)
    np.testing.assert_array_equal(first, second)
    _assert_unit_rows(first, 3, 256)
    assert isinstance(HashingEmbedder(), Embedder)


def test_hashing_embedder_prefers_shared_characters():
    emb = HashingEmbedder(dim=512)
    query = emb.encode_queries(["拡大抑止協議はいつ開催されたか"])[0]
    passages = emb.encode_passages(["日米拡大抑止協議を開催した。", "The weather was fine."])
    near, far = passages @ query
    assert near > far


def test_hashing_embedder_reports_progress():
    seen: list[tuple[int, int]] = []
    HashingEmbedder().encode_passages(["a", "b"], progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (2, 2)


def test_load_embedder_hashing():
    emb = load_embedder("hashing-test")
    assert isinstance(emb, HashingEmbedder)
    assert emb.model_id == "hashing-test"


def test_missing_model_folder_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="no such folder"):
        SentenceTransformerEmbedder(str(tmp_path / "missing"))


def test_folder_without_a_model_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="cannot load embedding model"):
        SentenceTransformerEmbedder(str(tmp_path))


@pytest.mark.slow
def test_real_embedder_describes_itself(real_embedder):
    from index.model.e5convert import file_sha256, source_path

    assert isinstance(real_embedder, Embedder)
    assert real_embedder.model_id == DEFAULT_MODEL
    assert real_embedder.dim == 384
    assert real_embedder.max_chars == 600
    assert real_embedder.checksum == file_sha256(source_path())


@pytest.mark.slow
def test_real_embedder_output_shape(real_embedder):
    _assert_unit_rows(real_embedder.encode_queries(["拡大抑止とは", "What is EDD?"]), 2, 384)
    _assert_unit_rows(real_embedder.encode_passages(["日米は協議した。"]), 1, 384)
    assert real_embedder.encode_passages([]).shape == (0, 384)
    assert real_embedder.encode_queries([]).shape == (0, 384)


@pytest.mark.slow
def test_query_and_passage_prompts_differ(real_embedder):
    text = "日米拡大抑止協議を東京で開催した。"
    query = real_embedder.encode_queries([text])[0]
    passage = real_embedder.encode_passages([text])[0]
    assert float(query @ passage) < 0.999


@pytest.mark.slow
def test_japanese_question_is_closest_to_its_english_translation(real_embedder):
    question = real_embedder.encode_queries(["日米はどのミサイルを共同生産することに合意したか"])[0]
    passages = real_embedder.encode_passages(
        [
            "Which missiles did Japan and the United States agree to co-produce?",
            "The Prime Minister visited a flower exhibition in Kyoto on Sunday.",
            "Tomorrow's weather will be sunny with a chance of rain in the evening.",
        ]
    )
    scores = passages @ question
    assert int(np.argmax(scores)) == 0
    assert scores[0] - max(scores[1:]) > 0.03


@pytest.mark.slow
def test_passages_come_back_in_order_with_progress(real_embedder):
    texts = [
        "短い。",
        "日米両政府は、2023年12月5日から6日まで、拡大抑止協議を実施しました。" * 3,
        "A medium length English sentence about the alliance.",
        "x",
    ]
    seen: list[tuple[int, int]] = []
    together = real_embedder.encode_passages(texts, progress=lambda d, t: seen.append((d, t)))
    alone = np.vstack([real_embedder.encode_passages([t]) for t in texts])
    np.testing.assert_allclose((together * alone).sum(axis=1), 1.0, atol=1e-4)
    assert seen[-1] == (4, 4)
