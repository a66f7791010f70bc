"""The evaluation's hit rule: the gold release, with a passage over the answer span."""

from __future__ import annotations

from index.retrieval.evaluate import QAItem, evaluate, read_qa
from index.schema import Answer, Chunk, Document, Hit

LEAD = "主に拡大抑止協議を通じて蓄積された議論に基づき、ガイドラインを作成しました。"
TEXT = (
    f"報道発表\n\n{LEAD}概要は以下のとおりです。\n\n"
    f"1. 日米同盟は厳しい環境に直面しています。\n2. {LEAD}\n"
)
DOC = Document("g.txt", "g.txt", "ガイドライン", None, None, "ja", None, TEXT)


def _answer(start: int, end: int) -> Answer:
    chunk = Chunk(0, DOC.id, start, end, TEXT[start:end], "ja")
    return Answer("q", "ja", True, [Hit(chunk, DOC, 1.0, chunk.text, start, end)])


def _rank(start: int, end: int, span: str = LEAD) -> int | None:
    item = QAItem("x1", "ja", "q", DOC.path, span, "fact")
    report = evaluate([item], lambda q: _answer(start, end), {DOC.path: TEXT})
    return report.outcomes[0].rank


def test_a_passage_over_the_second_occurrence_of_the_span_is_a_hit() -> None:
    second = TEXT.rindex(LEAD)
    assert second != TEXT.index(LEAD)
    assert _rank(second, second + len(LEAD)) == 1


def test_a_passage_of_the_gold_release_away_from_the_span_is_no_hit() -> None:
    other = TEXT.index("1. 日米同盟")
    assert _rank(other, other + 10) is None


def test_a_span_the_release_lacks_counts_any_passage_of_it() -> None:
    assert _rank(0, 4, span="どこにもない文") == 1


def test_the_marked_sentence_is_checked_against_the_span() -> None:
    item = QAItem("x1", "ja", "q", DOC.path, LEAD, "fact")
    second = TEXT.rindex(LEAD)
    start = TEXT.index("1. 日米同盟")
    chunk = Chunk(0, DOC.id, start, len(TEXT), TEXT[start:], "ja")

    def marking(a: int, b: int) -> Answer:
        return Answer("q", "ja", True, [Hit(chunk, DOC, 1.0, TEXT[a:b], a, b)])

    right = evaluate([item], lambda q: marking(second, second + 5), {DOC.path: TEXT})
    wrong = evaluate([item], lambda q: marking(start, start + 5), {DOC.path: TEXT})
    assert right.quotes() == (1, 1) and wrong.quotes() == (0, 1)
    assert "marked sentence holds the answer: 0/1" in wrong.table()


def test_rows_waiting_for_an_answer_are_skipped_and_counted(tmp_path) -> None:
    qa = tmp_path / "qa.tsv"
    qa.write_text(
        "id\tlang\tquestion\tdoc_file\tanswer_span\tkind\n"
        f"a1\tja\tq1\tg.txt\t{LEAD}\tfact\n"
        "n1\ten\tq2\t-\t-\tnone\n"  # unanswerable: kept, scored as a decline
        "t1\tja\tq3\t?\t?\ttriage\n",  # not filled in yet: skipped
        encoding="utf-8",
    )
    skipped: list[str] = []
    items = read_qa(qa, skipped)
    assert [(i.id, i.doc_file) for i in items] == [("a1", "g.txt"), ("n1", None)]
    assert skipped == ["t1"]
    assert [i.id for i in read_qa(qa)] == ["a1", "n1"]
