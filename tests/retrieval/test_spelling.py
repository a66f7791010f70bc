"""Misspelt words read as the corpus's words (index.retrieval.spelling)."""

from __future__ import annotations

import pytest

from index.retrieval.spelling import Speller

VOCAB = {"austin": 30, "blinken": 12, "exercise": 8, "trilateral": 9, "kihara": 20, "talk": 5}


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (
            "What did Ausitn and blinkin agree?",
            "What did Austin and blinken agree?",
        ),  # swap, change
        ("the excercise planned for 2027", "the exercise planned for 2027"),  # a letter too many
        ("the trilatral meeting", "the trilateral meeting"),  # a letter missing
        ("kiahra and austin", "kihara and austin"),
    ],
)
def test_a_misspelt_word_is_read_as_the_corpus_word(typed: str, read: str) -> None:
    assert Speller(VOCAB).correct(typed) == read


@pytest.mark.parametrize(
    "typed",
    [
        "Austin and Blinken",  # known words stay as typed
        "futenma",  # no corpus word is one edit away
        "talks",  # too short to guess (and a plural of a known word)
        "frigates",  # a real word the corpus lacks
    ],
)
def test_what_is_not_a_typo_stays(typed: str) -> None:
    speller = Speller({**VOCAB, "frigatex": 3}, is_word=lambda w: w in {"frigate", "frigates"})
    assert speller.correct(typed) == typed


def test_the_most_frequent_of_two_candidates_wins() -> None:
    assert Speller({"nakatani": 9, "nakatane": 1}).suggest("nakatanu") == "nakatani"
