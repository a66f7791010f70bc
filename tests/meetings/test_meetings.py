"""Meeting extraction: the seed EDD release, date forms, unseen formats, grouping, JSON."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from index.ingest.loaders import load_corpus
from index.meetings.catalogue import Meeting, extract_meetings, meeting_for_question
from index.meetings.quotes import near_duplicate
from index.model.embed import HashingEmbedder
from index.schema import Document
from index.store.build import embedding_text, split_corpus

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).parents[1] / "data" / "meetings"
GOLD = Path(__file__).parents[1] / "data" / "meetings_gold.json"
TODAY = dt.date(2026, 11, 26)


def extract(docs: list[Document]) -> list[Meeting]:
    embedder = HashingEmbedder()
    unit_doc, unit_span = split_corpus(docs, embedder.max_chars)
    texts = [embedding_text(docs[d], s, e) for d, (s, e) in zip(unit_doc, unit_span, strict=True)]
    return extract_meetings(docs, unit_doc, unit_span, embedder.encode_passages(texts))


@pytest.fixture(scope="module")
def corpus_docs(sample_corpus: Path) -> list[Document]:
    return load_corpus(sample_corpus)[0]


@pytest.fixture(scope="module")
def corpus_meetings(corpus_docs: list[Document]) -> list[Meeting]:
    return extract(corpus_docs)


@pytest.fixture(scope="module")
def fixture_docs() -> list[Document]:
    return load_corpus(FIXTURES)[0]


@pytest.fixture(scope="module")
def fixture_meetings(fixture_docs: list[Document]) -> list[Meeting]:
    return extract(fixture_docs)


def with_source(meetings: list[Meeting], path: str) -> list[Meeting]:
    return [m for m in meetings if any(s.path == path for s in m.sources)]


def test_seed_edd_release_is_one_meeting_with_its_english_release(
    corpus_meetings: list[Meeting],
) -> None:
    [edd] = with_source(corpus_meetings, "001-edd-2024-12-jdefense-raw.txt")
    assert {s.path for s in edd.sources} == {
        "001-edd-2024-12-jdefense-raw.txt",
        "002-edd-2024-12-state-en.txt",
    }
    assert (edd.date_start, edd.date_end) == (dt.date(2024, 12, 10), dt.date(2024, 12, 12))
    assert edd.name_ja == "日米拡大抑止協議"
    assert edd.name_en == "Japan-U.S. Extended Deterrence Dialogue (EDD)"
    assert edd.place_in("ja") == "外務省"
    assert "Ministry of Foreign Affairs" in (edd.place_in("en") or "")
    assert edd.countries == ("JP", "US")
    people = " | ".join(edd.participants)
    for name in (
        "熊谷直樹",
        "上田幸司",
        "KUMAGAI Naoki",
        "UEDA Koji",
        "Alexandra Bell",
        "Richard Johnson",
    ):
        assert name in people
    assert not any("総理大臣" in p or "President" in p for p in edd.participants)


def test_a_meeting_mentioned_in_passing_gets_no_source(corpus_meetings: list[Meeting]) -> None:
    # the Dec 2024 EDD releases recall the July 2024 "2+2" and ministerial meeting
    for path in ("001-edd-2024-12-jdefense-raw.txt", "002-edd-2024-12-state-en.txt"):
        assert [m.kind.family for m in with_source(corpus_meetings, path)] == ["dialogue"]
    [two_plus_two] = [
        m for m in corpus_meetings if m.kind.family == "2+2" and m.date_start.year == 2024
    ]
    assert {s.path for s in two_plus_two.sources} == {
        "023-2plus2-2024-07-mod-en.txt",
        "025-2plus2-2024-07-dod-news-en.txt",
    }
    assert with_source(corpus_meetings, "019-guidelines-2024-12-mofa-ja.txt") == []


@pytest.mark.parametrize(
    ("path", "start", "end"),
    [
        ("027-dmm-2024-07-jdefense-ja-raw.txt", "2024-07-29", "2024-07-29"),  # 令和6年7月29日
        ("005-edd-2024-06-mod-ja.txt", "2024-06-13", "2024-06-14"),  # 2024年6月13日から14日まで
        ("006-edd-2024-06-state-en.txt", "2024-06-13", "2024-06-14"),  # June 13-14, 2024
        ("035-japhus-2024-05-joint-readout-en.txt", "2024-05-02", "2024-05-02"),  # 2 May
        # 「1月12日(現地時間11日)」: held on the 11th where it took place
        ("022-2plus2-2023-01-mofa-announce-ja.txt", "2023-01-11", "2023-01-11"),
    ],
)
def test_meeting_dates_in_every_form(
    corpus_meetings: list[Meeting], path: str, start: str, end: str
) -> None:
    [meeting] = with_source(corpus_meetings, path)
    assert (meeting.date_start.isoformat(), meeting.date_end.isoformat()) == (start, end)


def test_unseen_uk_two_plus_two_with_era_date_and_local_time(
    fixture_meetings: list[Meeting],
) -> None:
    [uk] = with_source(fixture_meetings, "uk-2plus2-ja.txt")
    assert {s.path for s in uk.sources} == {"uk-2plus2-ja.txt", "uk-2plus2-en.txt"}
    # 「令和7年2月10日（現地時間9日）」 and "on 9 February 2025": held on the 9th in London
    assert uk.date_start == uk.date_end == dt.date(2025, 2, 9)
    assert uk.name_ja == "日英外務・防衛閣僚会合（「2+2」）"
    assert uk.name_en == 'Japan-UK Foreign and Defense Ministers\' Meeting ("2+2")'
    assert uk.countries == ("JP", "GB")
    assert (uk.place_in("ja"), uk.place_in("en")) == ("ロンドン", "London")
    assert any("山田一郎外務大臣" in p for p in uk.participants)


@pytest.mark.parametrize(
    ("path", "name_en", "countries", "start", "end"),
    [
        ("ph-dmm-en.txt", "Japan-Philippines Defense Ministers' Meeting", ("JP", "PH"),
         "2025-03-04", "2025-03-04"),
        # announced in advance: 「令和7年11月1日（土）から2日（日）まで…開催する予定です」
        ("asean-announce-ja.txt", "Japan-ASEAN Defense Ministers' Meeting", ("JP", "ASEAN"),
         "2025-11-01", "2025-11-02"),
        ("nato-dialogue-en.txt", "Japan-NATO Security Dialogue", ("JP", "NATO"),
         "2024-10-14", "2024-10-14"),
        ("au-summit-ja.txt", "Japan-Australia Summit Meeting", ("JP", "AU"),
         "2024-10-09", "2024-10-09"),
    ],
)  # fmt: skip
def test_formats_and_partners_absent_from_the_corpus(
    fixture_meetings: list[Meeting],
    path: str,
    name_en: str,
    countries: tuple[str, ...],
    start: str,
    end: str,
) -> None:
    [meeting] = with_source(fixture_meetings, path)
    assert meeting.name_en == name_en
    assert meeting.countries == countries
    assert (meeting.date_start.isoformat(), meeting.date_end.isoformat()) == (start, end)


def test_fixture_grouping_and_passing_mentions(fixture_meetings: list[Meeting]) -> None:
    [summit] = with_source(fixture_meetings, "au-summit-en.txt")
    assert {s.path for s in summit.sources} == {"au-summit-ja.txt", "au-summit-en.txt"}
    assert summit.name_ja == "日豪首脳会談"
    # a guideline change and a dialogue that recall the UK 2+2 are not its sources
    assert with_source(fixture_meetings, "exports-ja.txt") == []
    [nato] = with_source(fixture_meetings, "nato-dialogue-en.txt")
    assert nato.kind.family == "dialogue"
    assert len(fixture_meetings) == 11


def test_key_sentences_are_verbatim_and_not_redundant(
    corpus_docs: list[Document], corpus_meetings: list[Meeting]
) -> None:
    texts = {d.path: d.text for d in corpus_docs}
    for meeting in corpus_meetings:
        assert meeting.summary, meeting.name
        for lang in {s.lang for s in meeting.sources}:
            quotes = [q for q in meeting.summary if meeting.source(q.path).lang == lang]  # type: ignore[union-attr]
            assert 1 <= len(quotes) <= 4
            if len({s.path for s in meeting.sources if s.lang == lang}) > 1:
                assert len(quotes) >= 2
        for q in meeting.summary:
            assert q.quote in texts[q.path]
            assert q.quote == q.quote.strip() and "\n" not in q.quote
        for i, a in enumerate(meeting.summary):
            for b in meeting.summary[i + 1 :]:
                assert not near_duplicate(a.quote, b.quote), (a.quote, b.quote)


def test_key_sentences_are_not_just_the_opening(corpus_meetings: list[Meeting]) -> None:
    [edd] = with_source(corpus_meetings, "001-edd-2024-12-jdefense-raw.txt")
    ja = edd.quotes_in("ja")
    assert len(ja) == 4
    text = next(s for s in edd.sources if s.lang == "ja")
    assert text.path == "001-edd-2024-12-jdefense-raw.txt"
    # the raw page opens with the site's headline and the ministry's announcement line
    assert not any(q.quote.startswith(("防衛省は", "日本の防衛")) for q in ja)


def test_json_shape_and_round_trip(corpus_meetings: list[Meeting]) -> None:
    for meeting in corpus_meetings:
        data = json.loads(json.dumps(meeting.to_json(), ensure_ascii=False))
        assert set(data) == {
            "name", "date_start", "date_end", "place", "participants", "countries", "sources",
            "summary",
        }  # fmt: skip
        for source in data["sources"]:
            assert set(source) == {"path", "title", "date", "lang", "url"}
        for quote in data["summary"]:
            assert set(quote) == {"quote", "path"}
        back = Meeting.from_json(data)
        assert back.to_json() == data
        assert back.kind.key == meeting.kind.key
        assert back.name_in("ja") == meeting.name_ja and back.name_in("en") == meeting.name_en


@pytest.mark.parametrize(
    ("question", "today", "expected"),
    [
        ("What was discussed at the latest EDD?", TODAY, "2024-12-10"),
        ("直近の日米2+2では何が合意されましたか", TODAY, "2024-07-28"),
        ("What did the July 2024 2+2 decide about U.S. Forces Japan?", TODAY, "2024-07-28"),
        ("2022年6月の日米拡大抑止協議はどこで開催されましたか", TODAY, "2022-06-21"),
        ("the most recent Extended Deterrence Dialogue", dt.date(2024, 11, 1), "2024-06-13"),
        ("最新の日米韓防衛相会談", TODAY, "2024-07-28"),
        ("What is the EDD?", TODAY, None),
        ("What did Japan say about North Korea?", TODAY, None),
        ("the latest Japan-UK 2+2", TODAY, None),
    ],
)
def test_meeting_for_question(
    corpus_meetings: list[Meeting], question: str, today: dt.date, expected: str | None
) -> None:
    records = [m.to_json() for m in corpus_meetings]
    found = meeting_for_question(question, records, today=today)
    assert (found["date_start"] if found else None) == expected


def test_benchmark_on_the_shipped_corpus_meets_the_target(sample_corpus: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "bench", ROOT / "benchmarks" / "bench_meetings.py"
    )
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    docs = load_corpus(sample_corpus)[0]
    predicted = [m.to_json() for m in extract(docs)]
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["meetings"]
    result = bench.score(predicted, gold)
    assert min(result["extraction"]) >= 0.9
    assert min(result["grouping_pairs"][:2]) >= 0.9


def test_built_index_stores_meetings_consistent_with_it(tmp_path: Path) -> None:
    from index import store
    from index.meetings.catalogue import load_meetings
    from index.store.build import build_index

    report = build_index(FIXTURES, tmp_path / "index", HashingEmbedder())
    data = store.load(tmp_path / "index")
    meetings = load_meetings(data.meetings, data.docs)
    assert report.meetings == len(meetings) == 11
    paths = {d.path for d in data.docs}
    for m in meetings:
        assert {s.path for s in m.sources} <= paths
        assert m.date_start >= m.date_end - dt.timedelta(days=7)
    assert np.all(np.diff([m.date_start.toordinal() for m in meetings]) <= 0)  # newest first


def test_key_sentences_say_what_was_decided(
    corpus_docs: list[Document], corpus_meetings: list[Meeting], monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.meetings import quotes as meetings_quotes
    from index.meetings.quotes import says_outcome

    assert says_outcome("The ministers reaffirmed their commitment to the Alliance.")
    assert says_outcome("両大臣は、日米同盟の抑止力・対処力を強化していくことで一致した。")
    assert not says_outcome("Japan and the United States established the EDD in 2010.")

    def outcomes(meetings: list[Meeting]) -> int:
        return sum(says_outcome(q.quote) for m in meetings for q in m.summary)

    # what was decided comes before the background (with the real model: 28 -> 46 of 118)
    monkeypatch.setattr(meetings_quotes, "OUTCOME_BONUS", 0.0)
    assert outcomes(corpus_meetings) > outcomes(extract(corpus_docs))


def test_a_meeting_only_one_language_reports_says_so(corpus_meetings: list[Meeting]) -> None:
    from index.meetings.summary import render_text, summarize

    [only_en] = [
        m for m in corpus_meetings if m.sources and all(s.lang == "en" for s in m.sources)
    ][:1]
    text = render_text(summarize([only_en], since=None, lang="ja", today=TODAY))
    assert "日本語の発表はありません" in text
    assert "日本語の発表はありません" not in render_text(
        summarize([only_en], since=None, lang="en", today=TODAY)
    )


def test_the_catalogue_reads_releases_it_was_never_built_on() -> None:
    # the held-out releases (tests/data/heldout: partners, publishers and years the catalogue was
    # not developed on) against their meetings as written down by reading them; a guard under
    # the figures measured when this test was written (0.904 found, 0.781 grouped with their
    # partners, none named without its kind)
    spec = importlib.util.spec_from_file_location(
        "bench", ROOT / "benchmarks" / "bench_meetings.py"
    )
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    heldout = ROOT / "tests" / "data" / "heldout"
    predicted = [m.to_json() for m in extract(load_corpus(heldout / "releases")[0])]
    gold = json.loads((heldout / "meetings_gold.json").read_text(encoding="utf-8"))["meetings"]
    result = bench.score(predicted, gold)
    assert result["found_any"] >= 0.88
    assert result["grouped_right"] >= 0.75
    assert result["kindless"] == 0
