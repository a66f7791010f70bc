"""Round numbers in questions and releases."""

from __future__ import annotations

from index.meetings.names import name_mentions
from index.retrieval.ordinals import ordinals, round_named, states_round


def _named(question: str) -> int | None:
    return round_named(question, [(m.start, m.end) for m in name_mentions(question)])


def test_the_round_a_question_names_just_before_its_meeting() -> None:
    assert _named("When was the fourth Japan-UK 2+2 held?") == 4
    assert _named("第4回日英外務・防衛閣僚会合はいつ開かれたか") == 4
    assert _named("第十三回日米拡大抑止協議の議題は？") == 13
    assert _named("Where was the 11th Japan-Australia 2+2?") == 11
    # an ordinal that qualifies something else, and "the first" (the inaugural), are no round
    assert _named("Which was the second topic of the Japan-UK 2+2?") is None
    assert _named("the first Japan-U.S. ministerial meeting on extended deterrence") is None


def test_a_release_states_its_round_in_either_script() -> None:
    assert states_round("第６回日豪外務・防衛閣僚協議（「２＋２」）", 6)
    assert states_round("the Thirteenth Extended Deterrence Dialogue", 13)
    assert states_round("the 5th Japan-U.K. 2+2", 5)
    assert not states_round("第6回日豪2+2", 4)
    assert [n for n, _, _ in ordinals("第二十回と21st")] == [20, 21]
