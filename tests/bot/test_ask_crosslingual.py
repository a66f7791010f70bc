"""/ask end to end: a passage in the other language than the question's shows its meeting's
release in the asker's language and a gloss of its quote, within Discord's limits, pinging
nobody; ``secbrief ask`` prints and emits the same (the real model, the bot's small index)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botcheck import NO_PINGS, answer_of, assert_verbatim, content_bodies
from fakediscord import FakeDiscord, message_limit_errors

from bot.cli import main

TMM_JA = "039-tmm-2024-07-mod-ja.txt"
TMM_EN = "040-tmm-2024-07-dod-en.txt"
RELEASE_JA = (
    "日米韓防衛相会談について, 2024-07-28, "
    "<https://www.mod.go.jp/j/approach/anpo/2024/0728c_usa_kor-j.html>"
)
RELEASE_EN = (
    "Japan-US-S. Korea Trilateral Ministerial Joint Statement, 2024-07-28, "
    "<https://miragenews.com/japan-us-s-korea-trilateral-ministerial-joint-1284500>"
)
DIRECTIONS = [
    pytest.param(
        "日米韓防衛相会談で、3閣僚は何に署名しましたか？",
        TMM_EN,
        "この会合の日本語の発表",
        RELEASE_JA,
        "対訳",
        id="ja-question-en-passage",
    ),
    pytest.param(
        "What did the Japanese, U.S. and South Korean defense ministers sign in Tokyo in "
        "July 2024?",
        TMM_JA,
        "English release of this meeting",
        RELEASE_EN,
        "Gloss",
        id="en-question-ja-passage",
    ),
]


@pytest.mark.parametrize(("question", "other", "label", "release", "gloss"), DIRECTIONS)
async def test_other_language_passages_link_the_readers_release(
    fake: FakeDiscord,
    run_bot,
    small_index,
    question: str,
    other: str,
    label: str,
    release: str,
    gloss: str,
) -> None:
    corpus, _ = small_index
    await run_bot()
    inter = await fake.slash("ask", {"question": question, "k": 5, "public": True})
    await answer_of(fake, inter)
    answer = inter.original
    assert answer is not None
    embeds = answer.embeds + [e for m in inter.followups for e in m.embeds]
    shown = [(assert_verbatim(e, corpus), e) for e in embeds]
    others = [e for path, e in shown if path == other]
    assert others, [path for path, _ in shown]
    glossed = 0
    for embed in others:
        fields = {f["name"]: f["value"] for f in embed["fields"]}
        assert fields[label] == release
        glossed += gloss in fields
    assert glossed  # a name or date of some quote, in the asker's language
    for path, embed in shown:
        if path != other:  # a passage in the asker's language needs neither
            assert "fields" not in embed or not embed["fields"]
    bodies = content_bodies(fake)
    assert all(body.get("allowed_mentions") == NO_PINGS for body in bodies)
    assert all(message_limit_errors(body) == [] for body in bodies)


def test_the_command_line_shows_and_emits_them(
    small_index: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    corpus, index = small_index
    monkeypatch.setenv("SECBRIEF_CORPUS_DIR", str(corpus))
    question = DIRECTIONS[1].values[0]
    assert main(["ask", "--index", str(index), "-k", "5", "--json", str(question)]) == 0
    passages = json.loads(capsys.readouterr().out)["passages"]
    others = [p for p in passages if p["path"] == TMM_JA]
    assert others and all(p["counterpart"]["path"] == TMM_EN for p in others)
    assert any(g["kind"] in ("name", "date") for p in others for g in p["gloss"])
    assert all(p["counterpart"] is None and p["gloss"] == [] for p in passages if p["lang"] == "en")

    assert main(["ask", "--index", str(index), "-k", "5", str(question)]) == 0
    text = capsys.readouterr().out
    assert (
        "    English release of this meeting: Japan-US-S. Korea Trilateral Ministerial Joint "
        "Statement, 2024-07-28, https://miragenews.com/" in text
    )
    assert "    Gloss: " in text
