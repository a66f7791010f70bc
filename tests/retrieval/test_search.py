"""Retrieval with the real model on the shipped corpus: the behaviour a user notices."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.errors import EmptyQuery, QueryError, QueryTooLong
from index.retrieval.search import Retriever, validate_question
from index.store.build import build_index

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
SEED_JA = "001-edd-2024-12-jdefense-raw.txt"
SEED_EN = "002-edd-2024-12-state-en.txt"

pytestmark = pytest.mark.slow


def _top(retriever: Retriever, question: str, k: int = 3) -> list[str]:
    answer = retriever.ask(question, k=k)
    assert answer.answered, question
    return [h.doc.path for h in answer.hits]


def test_japanese_question_finds_the_seed_release(retriever: Retriever) -> None:
    answer = retriever.ask("2024年12月の日米拡大抑止協議で代表団が訪問した駐屯地は？", k=3)
    assert answer.answered and answer.lang == "ja"
    first = answer.hits[0]
    assert first.doc.path == SEED_JA
    assert "健軍駐屯地" in first.quote


def test_english_question_finds_the_english_release(retriever: Retriever) -> None:
    answer = retriever.ask(
        "Who co-chaired the December 2024 Extended Deterrence Dialogue for Japan?", k=3
    )
    assert answer.lang == "en"
    assert SEED_EN in [h.doc.path for h in answer.hits]
    assert any("KUMAGAI" in h.chunk.text for h in answer.hits if h.doc.path == SEED_EN)


def test_english_question_finds_the_japanese_answer(retriever: Retriever) -> None:
    answer = retriever.ask(
        "During the December 2024 Extended Deterrence Dialogue, which Ground Self-Defense "
        "Force camp did the two delegations visit?",
        k=3,
    )
    seed = [h for h in answer.hits if h.doc.path == SEED_JA]
    assert seed and any("健軍駐屯地" in h.chunk.text for h in seed)
    assert any("健軍駐屯地" in h.quote for h in seed)
    # the marked sentence is the answer, not the short one merged before it that merely
    # shares the acronym "EDD" with the question
    hits = retriever.ask(
        "Which camp did the delegations visit during the December 2024 EDD?", k=3, lang="ja"
    ).hits
    assert hits[0].doc.path == SEED_JA and "健軍駐屯地" in hits[0].quote


def test_japanese_question_finds_the_english_answer(retriever: Retriever) -> None:
    hits = retriever.ask(
        "2024年12月の日米拡大抑止協議で米国側の共同議長を務めた国務省の人物は誰か", k=3
    ).hits
    texts = [h.chunk.text for h in hits]
    assert any(h.doc.path == SEED_EN for h in hits)
    assert any("Alexandra Bell" in t or "アレクサンドラ・ベル" in t for t in texts)


def test_a_word_only_the_other_language_holds(retriever: Retriever) -> None:
    # "Futenma" is in no English release; the dictionary gives 普天間, and the Japanese
    # sentence about it is found and marked
    hits = retriever.ask(
        "What did Kihara and Austin agree about Futenma at their July 2024 defense ministers' "
        "meeting?",
        k=5,
    ).hits
    futenma = [h for h in hits if h.doc.path == "027-dmm-2024-07-jdefense-ja-raw.txt"]
    assert any("普天間" in h.quote for h in futenma)
    # ... and the passage says which word found it
    assert any(("Futenma", "普天間") in h.matched for h in futenma)
    assert all(not h.matched for h in hits if h.doc.lang == "en")
    # without the translations, nor the event's other-language slots, it is not among the
    # first five
    question = (
        "What did Kihara and Austin agree about Futenma at their July 2024 defense ministers' "
        "meeting?"
    )
    plain = retriever.with_params(translate_weight=0.0, event_slots=False)
    assert not any("普天間" in h.chunk.text for h in plain.ask(question, k=5).hits)
    # the event alone finds it: the Japanese release of the meeting the English ones report
    # fills the other-language slots, its sentences ranked within that meeting
    evented = retriever.with_params(translate_weight=0.0)
    assert any("普天間" in h.chunk.text for h in evented.ask(question, k=5).hits)


def test_headings_and_captions_give_way_to_sentences(retriever: Retriever) -> None:
    # the release's heading lines ranked above the sentences around the answer and took its
    # passage slots; cut back, they let the passage with the answer come first
    question = (
        "How many U.S.-Japan-Australia defense ministers' meetings had been held as of May 2024?"
    )
    first = retriever.ask(question, k=5).hits[0]
    assert first.doc.path == "036-tdmm-2024-05-joint-statement-en.txt"
    assert "thirteenth meeting" in first.chunk.text
    # the Kantei page opens with its title line and a date line: not cut back, they take the
    # first passage and the sentence with the answer comes third instead of second
    question = (
        "What personal occasion did everyone mark during the July 29, 2024 courtesy call on "
        "Kishida?"
    )

    def answer_rank(r: Retriever) -> int:
        hits = r.ask(question, k=5).hits
        return next(i for i, h in enumerate(hits, 1) if "congratulated the birthday" in h.quote)

    plain = retriever.with_params(fragment_penalty=0.0)
    assert plain.ask(question, k=5).hits[0].chunk.text.startswith("Courtesy Call on")
    assert answer_rank(retriever) < answer_rank(plain)


def test_a_translated_word_pointing_at_one_passage_puts_it_first(retriever: Retriever) -> None:
    # the English releases of the June 2023 EDD do not name the base; the Japanese one does,
    # in one passage, and 空軍基地 ("air base") stands in no other passage of that time
    question = "Which U.S. air base hosted the EDD in June 2023?"
    first = retriever.ask(question, k=3).hits[0]
    assert first.doc.path == "010-edd-2023-06-mod-ja.txt"
    assert "ホワイトマン空軍基地" in first.chunk.text
    assert ("air base", "空軍基地") in first.matched
    plain = retriever.with_params(translate_units=0, translate_weight=0.5)
    assert plain.ask(question, k=3).hits[0].doc.path != "010-edd-2023-06-mod-ja.txt"


def test_the_release_about_the_question_as_a_whole_comes_first(retriever: Retriever) -> None:
    # two releases of the May 2024 Hawaii meetings match the question's names; the one whose
    # best sentences are about it (the arrangement signed) ranks first
    question = "What arrangement did Austin, Marles and Kihara sign at the May 2024 TDMM in Hawaii?"
    first = retriever.ask(question, k=3).hits[0]
    assert "technology research and testing arrangement" in first.chunk.text
    plain = retriever.with_params(release_weight=0.0).ask(question, k=3)
    assert "technology research and testing arrangement" not in plain.hits[0].chunk.text


def test_a_body_named_as_the_source_is_quoted_first(retriever: Retriever) -> None:
    # the Japanese readout of the same meeting ranks first unless the asker names the source
    question = "米国防総省の発表によると、2024年7月の日米防衛相会談で両者は何を歓迎したか。"
    assert _top(retriever, question, 1) == ["026-dmm-2024-07-dod-readout-en-raw.txt"]
    plain = retriever.with_params(publisher_bonus=0.0).ask(question, k=1)
    assert plain.hits[0].doc.path != "026-dmm-2024-07-dod-readout-en-raw.txt"


def test_the_question_s_month_is_preferred(retriever: Retriever) -> None:
    # four EDD rounds are in the corpus; the question's date picks the right one
    assert _top(retriever, "2023年12月の日米拡大抑止協議は何日から何日まで行われたか。", 1) == [
        "003-edd-2023-12-mod-ja.txt"
    ]
    assert "006-edd-2024-06-state-en.txt" in _top(retriever, "Where was the June 2024 EDD held?", 3)


def test_quotes_are_verbatim_from_the_files(retriever: Retriever) -> None:
    for question in ["Who co-chaired the EDD?", "日米韓防衛相会談で署名された文書は何か"]:
        for hit in retriever.ask(question, k=5).hits:
            raw = (CORPUS / hit.doc.path).read_text(encoding="utf-8")
            assert hit.chunk.text in raw
            assert hit.quote in hit.chunk.text


def test_off_topic_question_is_declined(retriever: Retriever) -> None:
    for question in ["What is the best way to cook rice?", "明日の大阪の天気を教えて"]:
        answer = retriever.ask(question)
        assert not answer.answered and not answer.hits


def test_question_about_a_time_no_release_covers_is_declined(retriever: Retriever) -> None:
    answer = retriever.ask("2019年の日米拡大抑止協議はどこで開催されたか。")
    assert not answer.answered and answer.missing == "period"
    assert answer.period == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert answer.held is not None and answer.held[0].year == 2022  # the corpus's first release
    assert answer.suggestions  # closest releases are still offered


def test_filters(retriever: Retriever) -> None:
    hits = retriever.ask("Extended Deterrence Dialogue", k=5, lang="ja").hits
    assert hits and all(h.doc.lang == "ja" for h in hits)
    since = dt.date(2024, 12, 1)
    hits = retriever.ask("日米拡大抑止協議", k=5, since=since).hits
    assert hits and all(h.doc.date and h.doc.date >= since for h in hits)
    until = dt.date(2023, 12, 31)
    hits = retriever.ask("EDD", k=5, until=until).hits
    assert hits and all(h.doc.date and h.doc.date <= until for h in hits)


def test_the_answer_beside_a_shown_passage_gets_its_own(retriever: Retriever) -> None:
    # The DoD story's opening passage (its first two sentences) comes first; the sentence
    # after them answers. Its passage would take in the second sentence, already shown, and
    # so was dropped: it now comes without it.
    question = (
        "Which accomplishments of the previous four years did Austin point to when he met "
        "Nakatani in December 2024?"
    )
    hits = retriever.ask(question, k=5).hits
    story = [h for h in hits if h.doc.path == "029-dmm-2024-12-dod-news-en.txt"]
    assert any("Those accomplishments, he said" in h.quote for h in story)
    for i, a in enumerate(story):
        assert all(
            a.chunk.end <= b.chunk.start or b.chunk.end <= a.chunk.start for b in story[i + 1 :]
        )


def test_the_title_does_not_outrank_the_answer_within_a_release(retriever: Retriever) -> None:
    # The statement's first sentence repeats its title's words ("ministerial meeting on
    # extended deterrence"); every passage of it now holds them, through the title, so the
    # passage naming the threats ranks on the question's other words.
    question = (
        "Which regional threats did the July 2024 extended deterrence ministerial statement cite?"
    )
    hits = retriever.ask(question, k=5).hits[:3]
    assert any(
        h.doc.path == "018-edm-2024-07-joint-statement-en.txt"
        and "North Korea's continued destabilizing behavior" in h.chunk.text
        for h in hits
    )


@pytest.mark.parametrize(
    ("question", "path", "marked"),
    [
        # the background paragraph shares more of the question's words than the co-chairs'
        (
            "Who co-chaired the December 2024 EDD for the United States?",
            "002-edd-2024-12-state-en.txt",
            "Ms. Alexandra Bell",
        ),
        # the opening sentence names the three ministers; the next one counts the meetings
        (
            "How many U.S.-Japan-Australia defense ministers' meetings had been held as of "
            "May 2024?",
            "036-tdmm-2024-05-joint-statement-en.txt",
            "thirteenth meeting",
        ),
    ],
)
def test_the_marked_sentence_holds_what_is_asked(
    retriever: Retriever, question: str, path: str, marked: str
) -> None:
    hits = [h for h in retriever.ask(question, k=5).hits if h.doc.path == path]
    assert any(marked in h.chunk.text for h in hits)
    assert all(marked in h.quote for h in hits if marked in h.chunk.text)


def test_reprints_are_shown_once(retriever: Retriever) -> None:
    hits = retriever.ask("日米拡大抑止協議はいつ設立されたか", k=10).hits
    texts = [h.chunk.text for h in hits]
    assert len(texts) == len(set(texts))


@pytest.mark.parametrize(
    ("text", "error"),
    [("", EmptyQuery), ("   \n", EmptyQuery), ("x" * 1001, QueryTooLong), ("a\x00b", QueryError)],
)
def test_bad_questions_are_refused(text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        validate_question(text)


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_cli_json_contract(corpus_index: Path) -> None:
    result = _cli(
        "ask",
        "--index",
        str(corpus_index),
        "--json",
        "-k",
        "2",
        "-",
        stdin="Who co-chaired the December 2024 EDD?\n2024年12月のEDDで訪問した駐屯地は？\n",
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["lang"] for a in lines] == ["en", "ja"]
    for answer in lines:
        assert set(answer) == {"question", "lang", "answered", "passages"}
        for p in answer["passages"]:
            assert set(p) == {
                "doc_id",
                "path",
                "title",
                "date",
                "publisher",
                "url",
                "lang",
                "score",
                "text",
                "quote",
                "start",
                "end",
                # for a passage in the other language: its meeting's release in the
                # question's language, and its quote's gloss (tests/retrieval/test_xlquotes.py)
                "counterpart",
                "gloss",
            }
            raw = (CORPUS / p["path"]).read_text(encoding="utf-8")
            assert p["text"] in raw and p["quote"] in p["text"]
            if p["lang"] == answer["lang"]:
                assert p["counterpart"] is None and p["gloss"] == []


def test_cli_plain_output_and_errors(corpus_index: Path, tmp_path: Path) -> None:
    result = _cli("ask", "--index", str(corpus_index), "2024年12月のEDDで訪問した駐屯地は？")
    assert result.returncode == 0
    assert "[1]" in result.stdout and "**" in result.stdout and "健軍駐屯地" in result.stdout
    missing = _cli("ask", "--index", str(tmp_path / "none"), "anything")
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1 and "secbrief index build" in missing.stderr
    empty = _cli("ask", "--index", str(corpus_index), "  ")
    assert empty.returncode == 1 and "empty" in empty.stderr and "Traceback" not in empty.stderr


def test_cli_eval_table(corpus_index: Path, tmp_path: Path) -> None:
    qa = tmp_path / "qa.tsv"
    qa.write_text(
        "id\tlang\tquestion\tdoc_file\tanswer_span\tkind\n"
        f"a\tja\t2024年12月のEDDで訪問した駐屯地は？\t{SEED_JA}\t健軍駐屯地\tfact\n"
        "b\ten\tWhat is the recipe for chocolate cake?\t-\t-\tnone\n",
        encoding="utf-8",
    )
    result = _cli("eval", str(qa), "--index", str(corpus_index))
    assert result.returncode == 0, result.stderr
    assert "all                       1  1.000  1.000  1.000   1.000" in result.stdout
    assert "unanswerable declined: 1/1" in result.stdout
    # --seen splits by whether the answering release is in a folder: here it is not
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "other.txt").write_text("x", encoding="utf-8")
    split = _cli("eval", str(qa), "--index", str(corpus_index), "--seen", str(elsewhere))
    assert "release=unseen            1  1.000  1.000  1.000   1.000" in split.stdout
    assert "answerable wrongly declined, unseen releases: 0/1" in split.stdout


def test_latest_meeting_and_quotes_are_sentences(retriever: Retriever) -> None:
    # "直近" names the newest 2+2 (July 2024); its release opens with a heading line, which is
    # context for the passage but not the quote
    hits = retriever.ask("直近の日米2+2では何が議論されたか", k=3).hits
    assert hits[0].doc.path == "023-2plus2-2024-07-mod-en.txt"
    for hit in hits:
        assert hit.quote.rstrip().endswith(("。", ".")), hit.quote


def test_held_out_questions(retriever: Retriever) -> None:
    # tests/data/heldout-qa.tsv was written after the ranking was tuned on the dev set, and
    # never tuned on: a regression guard, with room below the measured R@5 0.90
    from index.retrieval.evaluate import evaluate, read_qa

    items = read_qa(ROOT / "tests" / "data" / "heldout-qa.tsv")
    texts = {d.path: d.text for d in retriever.docs}
    report = evaluate(items, lambda q: retriever.ask(q, k=10), texts)
    rows = {r.group: r.r5 for r in report.rows()}
    assert rows["all"] >= 0.85
    assert rows["kind=cross-lingual"] >= 0.5
    _, _, wrongly_declined, _ = report.declined()
    assert wrongly_declined == 0


@pytest.mark.parametrize("name", ["heldout-qa.tsv", "unseen-qa.tsv", "fresh-qa.tsv"])
def test_the_held_out_sets_quote_their_releases_verbatim(retriever: Retriever, name: str) -> None:
    # each answer span stands in its release's text as loaded; unanswerable rows name none
    from index.retrieval.evaluate import read_qa

    items = read_qa(ROOT / "tests" / "data" / name)
    texts = {d.path: d.text for d in retriever.docs}
    assert len(items) >= 24 and any(item.doc_file is None for item in items)
    for item in items:
        if item.doc_file is None:
            assert item.answer_span is None and item.kind == "none", item.id
        else:
            assert item.answer_span and item.answer_span in texts[item.doc_file], item.id


def test_the_meeting_preference_resolves_a_meeting_named_without_a_time(
    retriever: Retriever,
) -> None:
    def bonus(r: Retriever, question: str) -> float:
        fused = np.ones(len(r.data.unit_doc))
        unit = r._units_of_doc[r.doc_by_id["023-2plus2-2024-07-mod-en.txt"]][0]
        return float(r._preferences(r.read(question), fused)[unit])

    p = retriever.params
    # "the latest 2+2" names no time: the catalogue's newest 2+2 (July 2024) gives it that
    # meeting's days as its time, and of that time's releases the meeting's own come first
    latest = "What was agreed at the latest 2+2?"
    assert retriever.read(latest).period is not None
    assert bonus(retriever, latest) == pytest.approx(p.date_bonus + p.meeting_bonus)
    # without that reading, the meeting preference alone finds it
    untimed = retriever.with_params(latest_as_time=False)
    assert untimed.read(latest).period is None
    assert bonus(untimed, latest) == pytest.approx(p.meeting_bonus)
    # with a time named, the date preference holds that meeting already
    timed = "What was agreed at the July 2024 2+2?"
    assert bonus(retriever, timed) == pytest.approx(p.date_bonus)
    both = retriever.with_params(meeting_with_time=True)
    assert bonus(both, timed) == pytest.approx(p.date_bonus + p.meeting_bonus)


def test_a_round_the_corpus_does_not_hold_is_declined_with_the_rounds_it_does(
    retriever: Retriever,
) -> None:
    # the corpus reports the Japan-U.S.-Australia defence ministers' meetings of 2022 and 2024
    for question in (
        "Where was the 2023 Japan-U.S.-Australia defense ministers' meeting held?",
        "2023年の日米豪防衛相会談はどこで開かれたか",
    ):
        answer = retriever.ask(question)
        assert not answer.answered and answer.missing == "round" and not answer.hits
        assert [r.date.year for r in answer.rounds] == [2024, 2022]
        assert answer.period == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    # a round it holds is answered, typed however ("tdmm", a month in lower case)
    held = retriever.ask("where was the may 2024 tdmm held")
    assert held.answered and held.hits[0].doc.date and held.hits[0].doc.date.year == 2024
    # a series named without a time is no round to miss
    assert retriever.ask(
        "Where are the Japan-U.S.-Australia defense ministers' meetings held?"
    ).answered


def test_a_meeting_of_partners_no_release_reports_is_declined_saying_so(
    retriever: Retriever,
) -> None:
    # no release reports a Japan-U.K. or a Japan-India meeting (the corpus writes
    # "Japan-U.S.-Australia-India" once, another meeting)
    for question, partners in (
        ("What did the Japan-U.K. defense ministers agree on at their 2024 meeting?", ("JP", "GB")),
        ("2024年の日印防衛相会談では何が合意されたか", ("JP", "IN")),
        ("what came out of the japan-india 2+2", ("JP", "IN")),
    ):
        answer = retriever.ask(question)
        assert not answer.answered and answer.missing == "partners" and not answer.hits
        assert answer.partners == partners and not answer.suggestions
    # partners of a meeting the corpus reports, all or some of them, are answered
    for question in (
        "When was the last U.S.-Japan-ROK defense ministers meeting?",
        "日米韓防衛相会談で署名された文書は何か",
        "What did the Japan-Philippines defense ministers discuss in May 2024?",
    ):
        assert retriever.ask(question).answered, question
    # without the check, passages about other meetings were quoted
    assert (
        retriever.with_params(partner_check=False)
        .ask("What did the Japan-U.K. defense ministers agree on at their 2024 meeting?")
        .answered
    )


def test_the_decline_names_the_rounds_in_the_terminal(retriever: Retriever) -> None:
    from bot.cli import format_answer

    text = format_answer(retriever.ask("what happened at the 2022 2+2"))
    assert "No release about a Japan-U.S. Security Consultative Committee" in text
    assert "from 2022" in text and "- 2024-07-28" in text and "- 2023-01-11" in text
    ja = format_answer(retriever.ask("2026年のEDDでは何が話し合われたか"))
    assert "2026年の発表はコーパスにありません" in ja and "2025-" in ja
    # a time the subject follows is an open span: no release from 2026 on
    later = format_answer(retriever.ask("What happened at the EDD after 2026?"))
    assert "No release in the corpus is from 2026-01-01 or later" in later
    partners = format_answer(retriever.ask("When did the Japan-UK 2+2 last meet?"))
    assert "No release in the corpus reports a meeting of Japan and the United Kingdom." in partners


def test_a_time_of_another_event_the_subject_follows_is_no_period_to_decline(
    retriever: Retriever,
) -> None:
    # no release is from April 2024: the 2+2 that followed that month's summit is later
    for question in (
        "Which 2+2 followed the April 2024 summit?",
        "2024年4月の首脳会談を受けて開かれた日米2+2では何が決まったか",
    ):
        answer = retriever.ask(question)
        assert answer.answered, question
        assert all(h.doc.date and h.doc.date >= dt.date(2024, 4, 1) for h in answer.hits[:3])


def test_a_time_named_ranks_that_times_releases_first(retriever: Retriever) -> None:
    for question in (
        "what did the dec 2024 edd discuss",
        "2023年6月の日米拡大抑止協議では何が話し合われたか",
    ):
        answer = retriever.with_params(min_other=0).ask(question, k=8)
        days = [h.doc.date for h in answer.hits]
        period = answer.hits and retriever.score(question).period
        assert period
        inside = [
            period.start - dt.timedelta(days=3) <= d <= period.end + dt.timedelta(days=10)
            for d in days
            if d
        ]
        # every release from that time comes before any release from another
        assert inside == sorted(inside, reverse=True) and inside[0]


def test_passages_hold_no_page_furniture(retriever: Retriever) -> None:
    from index.store.units import is_boilerplate

    for question in (
        "2024年12月のEDDで代表団はどこを訪問したか",
        "2024年12月の日米防衛相会談で何が確認されたか",
        "石破総理大臣はヘグセス長官と何を話したか",
    ):
        for hit in retriever.ask(question, k=10).hits:
            lines = [line for line in hit.chunk.text.splitlines() if line.strip()]
            assert not any(is_boilerplate(line) for line in lines), hit.chunk.text
            assert "写真:防衛省" not in hit.chunk.text and "(以上)" not in hit.chunk.text


def test_a_round_the_catalogue_missed_is_not_declined(retriever: Retriever) -> None:
    # the catalogue without the 2024 EDDs: the releases of December 2024 still name the EDD,
    # so the passages, not the catalogue, decide
    import copy

    from index.ingest.dates import query_period
    from index.meetings.catalogue import meetings_named, series_index

    missed = copy.copy(retriever)
    missed._meetings = [
        m for m in retriever._meetings if not (m.abbr == "EDD" and m.date_start.year == 2024)
    ]
    missed._series = series_index(missed._meetings)
    question = "What did the December 2024 EDD discuss?"
    period = query_period(question)
    assert period is not None
    named = meetings_named(question, missed._meetings)
    assert named and not any(period.start <= m.date_start <= period.end for m in named)
    assert missed._missing_round(question, period) is None
    # a time from which no release names the series is declined, with the rounds held
    assert missed._missing_round("What did the March 2025 EDD discuss?", query_period("March 2025"))


def test_a_figure_no_release_of_the_event_states_is_declined_with_its_releases(
    retriever: Retriever,
) -> None:
    # the December 2024 EDD's releases, in both languages, give no length of time
    answer = retriever.ask("How long did the December 2024 EDD last?")
    assert not answer.answered and answer.missing == "duration"
    paths = {d.path for d in answer.suggestions}
    assert {"001-edd-2024-12-jdefense-raw.txt", "002-edd-2024-12-state-en.txt"} <= paths
    # a length the other language's release of the event gives is no reason to decline
    assert retriever.ask("2025年3月のヘグセス長官と中谷大臣の会談は何分間だったか").answered


REPRINT = """title: {title}
date: 2026-02-{day}
publisher: {publisher}
lang: en

The two ministers agreed to establish a standing consultation on maritime security.
The first session will be held in Manila in the spring.
They also welcomed the progress of the joint patrols in the South China Sea.
"""


def test_a_reprint_is_shown_once_and_says_who_else_published_it(tmp_path: Path) -> None:
    from index.model.embed import HashingEmbedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, title, day, publisher in (
        ("a.txt", "Ministers agree on maritime consultation", "10", "Ministry of Defense"),
        ("b.txt", "Ministers agree on maritime consultation", "11", "Example Wire"),
        ("c.txt", "Maritime consultation one year on", "28", "Example Wire"),
    ):
        (corpus / name).write_text(
            REPRINT.format(title=title, day=day, publisher=publisher), encoding="utf-8"
        )
    (corpus / "c.txt").write_text(
        (corpus / "c.txt").read_text(encoding="utf-8").replace("2026-02-28", "2027-02-28"),
        encoding="utf-8",
    )
    embedder = HashingEmbedder()
    build_index(corpus, tmp_path / "index", embedder)
    # the hashing embedder's similarities mean nothing to the noise floor: no declining here
    retriever = Retriever.load(tmp_path / "index", embedder).with_params(decline=False)
    hits = retriever.ask("What did the ministers agree on maritime security?", k=5).hits
    first = hits[0]
    # the same passage from the other publisher a day later is not shown again, but named;
    # the release of a year later repeating it is no reprint
    shown = [h.doc.path for h in hits if "standing consultation" in h.chunk.text]
    assert len(shown) == 1
    assert [d.path for d in first.also] in (["b.txt"], ["a.txt"])
    from bot.cli import format_answer

    assert "also published by: " in format_answer(retriever.ask("maritime security agreed"))


def test_build_progress_is_a_bar_on_a_terminal_and_silent_elsewhere() -> None:
    import io

    from bot.cli import ProgressLine
    from index.store.build import BuildProgress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    steps = [BuildProgress("embed", n, 4) for n in range(5)] + [BuildProgress("done", 1, 1)]
    shown, piped = Terminal(), io.StringIO()
    for progress in (ProgressLine(shown), ProgressLine(piped)):
        for step in steps:
            progress(step)
    assert "embed" in shown.getvalue() and "4/4" in shown.getvalue()
    assert piped.getvalue() == ""


def test_a_question_is_read_once(retriever: Retriever) -> None:
    q = retriever.read("what did ausitn and nakatani agree at the dec 2024 dmm? 防衛省の発表")
    assert q.read.startswith("what did austin and nakatani")  # the corpus's spelling
    assert q.period is not None and (q.period.start.month, q.period.end.day) == (12, 31)
    assert "2024" not in q.focus and "austin" in q.terms
    assert [s.key for s in q.sources]  # the body named as the source
    assert retriever.read("How long did the meeting last?").figure is not None
    # every later step reads the parsed question: the scores carry it
    assert retriever.score(q).query is q


def test_names_rescue_a_question_below_the_noise_floor_but_no_probe(retriever: Retriever) -> None:
    # names: proper nouns to MeCab, English words the dictionary does not know
    names = retriever._names_in("Did Kihara and Shin Won-sik meet in Tokyo? 木原防衛大臣と岸田総理")
    assert {"kihara", "sik", "木原", "岸田"} <= names  # "shin" and "won" are English words too
    assert not names & {"meet", "tokyo", "防衛", "大臣", "総理"}
    # a question naming what one release reports together is not off-topic, however loosely
    # it is typed; the off-topic probes the floor is made of name nothing: still declined
    from index.store.probes import PROBES

    assert not [q for q in PROBES if retriever.ask(q).answered]
    strict = retriever.with_params(name_terms=0)
    typed = "kihara shin won-sik mtg jul 2024 what signed"
    scores = retriever.score(retriever.read(typed))
    assert retriever._names_what_a_release_reports(scores)
    assert strict._names_what_a_release_reports(scores) is False
