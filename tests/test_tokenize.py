"""The BM25 tokenizer: one MeCab tagger per process, safe across threads (index.tokenize)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from index.tokenize import JapaneseEnglishTokenizer, shared_tagger


def test_every_tokenizer_and_thread_shares_one_tagger() -> None:
    # each Tagger maps unidic-lite's 188 MB dictionary and fugashi never unmaps it: one per
    # tokenizer or thread made the test suite and the bot grow with every index load
    first, second = JapaneseEnglishTokenizer(), JapaneseEnglishTokenizer("surface")
    first("日米防衛相会談")
    second("日米防衛相会談")
    with ThreadPoolExecutor(4) as pool:
        taggers = set(pool.map(lambda _: id(shared_tagger()), range(16)))
    assert taggers == {id(shared_tagger())}


def test_tokens_are_right_when_threads_tag_at_once() -> None:
    tokenizer = JapaneseEnglishTokenizer()
    texts = ["日米拡大抑止協議を開催しました。", "木原防衛大臣はオースティン長官と会談した。"] * 50
    expected = [tokenizer(t) for t in texts[:2]] * 50
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(tokenizer, texts)) == expected


def test_a_words_features_survive_the_next_parse() -> None:
    tokenizer = JapaneseEnglishTokenizer()
    words = tokenizer.tag("木原防衛大臣は会談した")
    tokenizer.tag("オースティン長官がワシントンで記者会見を行いました。" * 20)
    assert (words[0].surface, words[0].feature.pos3) == ("木原", "人名")


def test_loading_indexes_and_tokenizers_maps_the_dictionary_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from index.model.embed import HashingEmbedder
    from index.retrieval.search import Retriever
    from index.store.build import build_index

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    embedder = HashingEmbedder()
    build_index(corpus, tmp_path / "index", embedder)

    def mapped() -> int:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            return sum(1 for line in maps if line.rstrip().endswith("sys.dic"))

    for _ in range(5):  # as the bot does on every /reindex
        retriever = Retriever.load(tmp_path / "index", embedder)
        retriever.tokenizer("日米拡大抑止協議")
        JapaneseEnglishTokenizer()("防衛相会談")
    assert mapped() == 1
