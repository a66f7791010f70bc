"""Reading a question once: chat shorthand written out as releases write it."""

from __future__ import annotations

from index.retrieval.query import parse, written_out
from index.tokenize import JapaneseEnglishTokenizer


def test_chat_shorthand_is_written_out() -> None:
    assert written_out("kono & kang fm mtg in manila") == (
        "kono and kang foreign minister meeting in manila"
    )
    assert written_out("canada's def min blair met phl def sec teodoro") == (
        "canada's defense minister blair met phl defense secretary teodoro"
    )
    assert written_out("what did the PM say, how many yrs") == (
        "what did the prime minister say, how many years"
    )


def test_what_is_no_shorthand_stays() -> None:
    # a clock time, whole words, a Japanese question
    for question in (
        "the call began at 5 pm",
        "When did the Japan-Australia defence ministers' meeting take place?",
        "What is the Foreign Ministry's firm position?",
        "日豪外相会談（FM）はいつ？",
    ):
        assert written_out(question) == question


def test_the_query_reads_the_written_out_question_and_keeps_the_typed_one() -> None:
    tokenizer = JapaneseEnglishTokenizer()
    q = parse("fm mtg in aug 2017?", tokenizer)
    assert q.text == "fm mtg in aug 2017?"
    assert "foreign" in q.terms and "meeting" in q.terms
    assert parse("fm mtg?", tokenizer, shorthand=False).terms == tokenizer("fm mtg?")
