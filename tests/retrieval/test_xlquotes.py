"""Quotes a reader can check in their own language, with the real model on the sample corpus:
a passage in the other language than the question's comes with its meeting's release in the
question's language and a gloss of its quote; one in the question's language with neither."""

from __future__ import annotations

import json

import pytest

from index.retrieval.search import Retriever
from index.schema import Hit

pytestmark = pytest.mark.slow

EDD_JA = "001-edd-2024-12-jdefense-raw.txt"
EDD_EN = "002-edd-2024-12-state-en.txt"
DMM_JA = "028-dmm-2024-12-jdefense-ja.txt"
DMM_EN = "029-dmm-2024-12-dod-news-en.txt"


def hit_of(retriever: Retriever, question: str, path: str, k: int = 3) -> tuple[Hit, list[Hit]]:
    answer = retriever.ask(question, k=k)
    assert answer.answered, question
    found = [h for h in answer.hits if h.doc.path == path]
    assert found, [h.doc.path for h in answer.hits]
    return found[0], answer.hits


def test_english_question_japanese_quote(retriever: Retriever) -> None:
    hit, _ = hit_of(
        retriever,
        "Which Ground Self-Defense Force camp did the delegations visit during the December "
        "2024 EDD?",
        EDD_JA,
    )
    assert "健軍駐屯地" in hit.quote
    assert hit.counterpart is not None and hit.counterpart.path == EDD_EN
    assert hit.counterpart.lang == "en" and hit.counterpart.url
    glossed = {(g.text, g.gloss) for g in hit.gloss}
    assert ("熊本県", "Kumamoto Prefecture") in glossed
    assert all(g.text in hit.quote for g in hit.gloss)  # each as the quote writes it
    passage = hit.to_json()
    assert passage["counterpart"]["path"] == EDD_EN  # type: ignore[index]
    assert {"text": "熊本県", "gloss": "Kumamoto Prefecture", "kind": "name"} in passage["gloss"]  # type: ignore[operator]
    json.dumps(passage, ensure_ascii=False)  # plain data


def test_japanese_question_english_quote(retriever: Retriever) -> None:
    hit, hits = hit_of(
        retriever,
        "2024年12月の東京での防衛相会談の日、オースティン長官は石破首相とも会ったか？",
        DMM_EN,
    )
    assert hit.counterpart is not None and hit.counterpart.path == DMM_JA
    names = {g.text: g.gloss for g in hit.gloss if g.kind == "name"}
    assert names.get("Austin") == "オースティン"  # as the Japanese release writes him
    # a passage in the question's own language needs neither
    for same in (h for h in hits if h.doc.lang == "ja"):
        assert same.counterpart is None and same.gloss == ()


def test_a_meeting_reported_in_one_language_has_no_link_but_a_gloss(retriever: Retriever) -> None:
    hit, _ = hit_of(
        retriever,
        "When did Japan publish the summary of the Japan-U.S. extended deterrence guidelines?",
        "019-guidelines-2024-12-mofa-ja.txt",
    )
    assert hit.counterpart is None  # the catalogue holds no English release of it
    assert ("令和6年12月27日", "2024-12-27") in {(g.text, g.gloss) for g in hit.gloss}
