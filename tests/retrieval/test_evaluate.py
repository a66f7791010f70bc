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


def test_recall_at_3_and_the_seen_split() -> None:
    # two questions: one answered at rank 2 from a seen release, one at rank 4 from an unseen one
    other = Document("o.txt", "o.txt", "他", None, None, "ja", None, "別の発表です。")
    miss = Hit(Chunk(0, other.id, 0, 4, "別の発表", "ja"), other, 1.0, "別の発表", 0, 4)
    at = TEXT.index(LEAD)
    chunk = Chunk(1, DOC.id, at, at + len(LEAD), LEAD, "ja")
    hit = Hit(chunk, DOC, 0.5, LEAD, at, at + len(LEAD))
    seen_doc = QAItem("s1", "ja", "seen", DOC.path, LEAD, "fact")
    unseen_doc = QAItem("u1", "ja", "unseen", "new/" + DOC.path, LEAD, "fact")
    new = Document("new/g.txt", "new/g.txt", "ガイドライン", None, None, "ja", None, TEXT)
    new_hit = Hit(Chunk(2, new.id, at, at + len(LEAD), LEAD, "ja"), new, 0.4, LEAD, at, at + 5)
    answers = {
        "seen": Answer("seen", "ja", True, [miss, hit]),
        "unseen": Answer("unseen", "ja", True, [miss, miss, miss, new_hit]),
    }
    report = evaluate(
        [seen_doc, unseen_doc],
        lambda q: answers[q],
        {DOC.path: TEXT, new.path: TEXT},
        seen=lambda path: not path.startswith("new/"),
    )
    rows = {r.group: r for r in report.rows()}
    assert (rows["all"].r1, rows["all"].r3, rows["all"].r5) == (0.0, 0.5, 1.0)
    assert rows["release=seen"].r3 == 1.0 and rows["release=unseen"].r3 == 0.0
    assert rows["release=unseen"].r5 == 1.0
    assert "R@3" in report.table().splitlines()[0]


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
