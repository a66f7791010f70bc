"""Questions that only a figure answers: asked for, stated, and declined when no passage states
one (index.retrieval.answertype, in Retriever.ask)."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.retrieval.answertype import (
    DURATION,
    HEADCOUNT,
    MONEY,
    NEXT_MEETING,
    PERCENT,
    asks_for_person,
    expected_type,
    holds,
    names_person,
    sought,
)
from index.retrieval.search import Retriever
from index.store.build import build_index
from index.tokenize import JapaneseEnglishTokenizer

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What was the budget for the new joint force headquarters in Japan for 2025?", "amount"),
        ("How much will Japan contribute to the relocation?", "amount"),
        ("在日米軍の統合軍司令部への改編にかかる予算はいくらとされたか。", "amount"),
        ("What defense spending target, as a share of GDP, did Hegseth raise?", "percentage"),
        ("防衛費の対GDP比は何%とされたか", "percentage"),
        ("How many officials were in the Japanese delegation?", "headcount"),
        ("日本側代表団は何人だったか。", "headcount"),
        # figures are not what these ask for
        ("What did the ministers say about cost-sharing?", None),
        ("What did the ministers say about the defense budget?", None),
        ("How many U.S.-Japan-Australia defense ministers' meetings had been held?", None),
        ("Who co-chaired the December 2024 EDD?", None),
        ("2024年12月のEDDはどこで開催されたか。", None),
        ("When and where will the next EDD be held?", "next"),
        ("2024年12月の日米拡大抑止協議の後、次回のEDDはいつ開催される予定か。", "next"),
        ("Is an upcoming 2+2 planned?", "next"),
        ("What did the ministers agree to do next?", None),  # "next", not a next meeting
        ("How long did the defense ministers' meeting last?", "duration"),
        ("2025年3月の日米防衛相会談は何分間行われたか", "duration"),
        ("how long has the EDD existed", None),  # a date answers that, not a length of time
    ],
)
def test_expected_type(question: str, kind: str | None) -> None:
    found = expected_type(question)
    assert (found.name if found else None) == kind


@pytest.mark.parametrize(
    ("answer_type", "text", "stated"),
    [
        (MONEY, "総額約1兆550億円を負担する。", True),
        (DURATION, "会談は約85分間行われました。", True),
        (DURATION, "The two leaders met for about 40 minutes.", True),
        (DURATION, "The meeting was held in Tokyo on July 28.", False),
        (MONEY, "a contribution of $1.5 billion", True),
        (MONEY, "USD 5 million in grants", True),
        (MONEY, "2,110 billion yen over five years", True),
        (MONEY, "令和6年12月10日、防衛省において", False),
        (PERCENT, "ＧＤＰ比２％に達する", True),
        (PERCENT, "3.5 percent of GDP", True),
        (PERCENT, "2024年の会談で", False),
        (HEADCOUNT, "代表団15名が訪問した", True),
        (HEADCOUNT, "a delegation of about 30 senior officials", True),
        (HEADCOUNT, "the two delegations held discussions", False),
        (NEXT_MEETING, "次回の協議を東京で開催することで一致した。", True),
        (NEXT_MEETING, "The next EDD will be held in Tokyo.", True),
        (NEXT_MEETING, "Japan will host the dialogue in 2025.", True),
        (NEXT_MEETING, "The EDD was held in Tokyo on December 10-12.", False),
    ],
)
def test_stated_in(answer_type, text: str, stated: bool) -> None:  # type: ignore[no-untyped-def]
    assert answer_type.stated_in(text) is stated


RELEASE = """title: Japan and the United States sign the host nation support agreement
date: 2026-01-20
publisher: Ministry of Foreign Affairs of Japan
lang: en

Japan and the United States signed the Special Measures Agreement on host nation support.
Under the agreement, Japan will contribute 2,110 billion yen over five years.
The Japanese delegation of 12 officials was led by the Director-General.
The two sides confirmed that they will continue close consultations on the Alliance's posture.
The next round of consultations will be held in Washington in 2027.
"""


@pytest.mark.slow
def test_figure_questions_on_a_corpus(tmp_path: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "hns-2026-01-mofa-en.txt").write_text(RELEASE, encoding="utf-8")
    for name in ("001-edd-2024-12-jdefense-raw.txt", "002-edd-2024-12-state-en.txt"):
        (corpus / name).write_bytes((ROOT / "corpus" / name).read_bytes())
    build_index(corpus, tmp_path / "index", real_embedder)
    retriever = Retriever.load(tmp_path / "index", real_embedder)

    stated = retriever.ask(
        "How much will Japan contribute under the host nation support agreement?"
    )
    assert stated.answered and stated.missing is None
    assert any("2,110 billion yen" in h.chunk.text for h in stated.hits)
    # the figure stands in an English release: a Japanese question is answered too
    assert retriever.ask("在日米軍駐留経費の負担額はいくらか。").answered
    assert retriever.ask(
        "How many officials were in the Japanese delegation for the agreement?"
    ).answered

    # the releases are found, but none gives the figure asked for (the 12 officials of 2026 do
    # not answer for December 2024)
    for question, kind in [
        ("What share of GDP will Japan spend on host nation support?", "percentage"),
        ("2024年12月の拡大抑止協議の日本側代表団は何人だったか。", "headcount"),
    ]:
        declined = retriever.ask(question)
        assert not declined.answered and declined.missing == kind and not declined.hits
        assert declined.suggestions  # the closest releases are still named
    # a next meeting: the 2026 release names one, the December 2024 EDD releases do not
    assert retriever.ask("When will the next round of host nation support talks be held?").answered
    nxt = retriever.ask("2024年12月の日米拡大抑止協議の後、次回のEDDはいつ開催される予定か。")
    assert not nxt.answered and nxt.missing == "next"
    # the same questions are answered with the check turned off
    assert (
        retriever.with_params(figure_depth=0)
        .ask("What share of GDP will Japan spend on host nation support?")
        .answered
    )


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Who co-chaired the December 2024 EDD?", True),
        ("To whom will the new headquarters report?", True),
        ("2024年12月に東京を訪れた長官は、誰と会ったか。", True),
        ("Where was the June 2024 EDD held?", False),
        ("What did the ministers welcome?", False),
        ("代表団はどの駐屯地を訪問したか。", False),
    ],
)
def test_asks_for_person(question: str, asks: bool) -> None:
    assert asks_for_person(question) is asks


@pytest.mark.parametrize(
    ("text", "lang", "named"),
    [
        (
            "The U.S. side was co-chaired by Ms. Alexandra Bell, Deputy Assistant Secretary.",
            "en",
            True,
        ),
        ("Secretary Austin also met Japanese Prime Minister Shigeru Ishiba today.", "en", True),
        ("Japan Minister of Defense Kihara Minoru hosted the meeting.", "en", True),
        ("Japan and the United States established the EDD in 2010.", "en", False),
        ("The delegations visited a submarine base in Georgia.", "en", False),
        ("日本側は、熊谷直樹外務省北米局審議官が出席しました。", "ja", True),
        ("中谷防衛大臣とオースティン米国防長官は会談を行った。", "ja", True),
        ("日米は、2010年にEDDを設立しました。", "ja", False),
    ],
)
def test_names_person(text: str, lang: str, named: bool) -> None:
    assert names_person(text, lang, JapaneseEnglishTokenizer().tag) is named


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who co-chaired the December 2024 EDD for the United States?", "person"),
        ("2022年6月の日米豪防衛相会談に出席した日本の防衛大臣は誰か。", "person"),
        ("When did Japan and the United States release their guidelines?", "date"),
        ("Where and on what date did the January 2023 U.S.-Japan 2+2 convene?", "date"),
        ("2024年7月28日の外相会談は、何時から何分間行われたか。", "duration"),
        ("拡大抑止に関する初の日米閣僚会合はいつ、どこで開催されたか。", "date"),
        ("How many U.S.-Japan-Australia defense ministers' meetings had been held?", "count"),
        ("By May 2025, how many times had the four defense ministers met?", "count"),
        ("2022年6月の日米豪防衛相会談は、通算何回目の会談だったか。", "count"),
        ("How many officials were in the Japanese delegation?", "headcount"),
        # "when" joining two clauses does not ask for a date
        ("What did Kamikawa and Blinken confirm about the Taiwan Strait when they met?", None),
        ("Which regional threats did the ministerial statement cite?", None),
    ],
)
def test_sought(question: str, kind: str | None) -> None:
    assert sought(question) == kind


@pytest.mark.parametrize(
    ("kind", "text", "lang", "held"),
    [
        ("date", "令和6年12月27日", "ja", True),
        ("date", "7月28日午後5時00分から、東京において、約20分", "ja", True),
        ("date", "On July 29, 2024, commencing at 3:10 pm", "en", True),
        ("date", "The ministers reaffirmed their commitment.", "en", False),
        ("count", "This was the thirteenth meeting among the defense leaders.", "en", True),
        ("count", "日米豪防衛大臣による第10回目の会談", "ja", True),
        ("count", "4か国の防衛閣僚による4回目の会合", "ja", True),
        ("count", "The ministers discussed regional security.", "en", False),
        ("person", "The U.S. side was co-chaired by Ms. Alexandra Bell.", "en", True),
        ("person", "Japan and the United States established the EDD in 2010.", "en", False),
    ],
)
def test_holds(kind: str, text: str, lang: str, held: bool) -> None:
    assert holds(kind, text, lang) is held
