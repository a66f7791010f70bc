"""``secbrief feedback stats`` / ``export`` print what the bot stored, and ``secbrief eval``
reads the export: the answered question as a gold row, the unanswered one skipped."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from botcheck import OFF_TOPIC_JA, QUESTION_EN, vote_twice
from fakediscord import FakeDiscord

import bot.cli.common
from bot.cli import main


async def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = await asyncio.to_thread(main, list(argv))  # the bot's loop keeps running meanwhile
    out, err = capsys.readouterr()
    return code, out, err


async def test_stats_export_and_eval_read_what_the_bot_stored(
    fake: FakeDiscord,
    run_bot,
    make_settings,
    small_index,
    bot_embedder,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus, index = small_index
    settings = make_settings()
    db = str(settings.feedback_path)
    await run_bot(settings)
    await vote_twice(fake)

    code, out, _ = await run(capsys, "feedback", "stats", "--db", db)
    assert code == 0
    assert "Feedback: 2 answer(s) shown, 2 rated, 2 vote(s)" in out
    assert "Answered: 1/2 (50%)" in out and "By language: en 1/1 (100%) · ja 0/1 (0%)" in out
    assert f"- 1 × [ja] {OFF_TOPIC_JA}" in out

    code, out, _ = await run(
        capsys, "feedback", "stats", "--db", db, "--json", "--since", "2000-01-01"
    )
    stats = json.loads(out)
    assert (stats["since"], stats["votes"], stats["answered"], stats["share"]) == (
        "2000-01-01",
        2,
        1,
        0.5,
    )
    assert stats["by_lang"] == {
        "en": {"votes": 1, "answered": 1, "share": 1.0},
        "ja": {"votes": 1, "answered": 0, "share": 0.0},
    }
    assert stats["unanswered"] == [{"question": OFF_TOPIC_JA, "lang": "ja", "votes": 1}]
    assert len(stats["by_week"]) == 1
    code, out, _ = await run(capsys, "feedback", "stats", "--db", db, "--since", "2099-01-01")
    assert "0 vote(s)" in out and "No votes yet." in out

    qa = tmp_path / "feedback-qa.tsv"
    code, out, _ = await run(capsys, "feedback", "export", str(qa), "--db", db)
    assert code == 0 and "wrote 2 question(s)" in out and "1 answered, 1 to triage" in out
    header, gold, triage = [line.split("\t") for line in qa.read_text("utf-8").splitlines()]
    assert header == ["id", "lang", "question", "doc_file", "answer_span", "kind"]
    assert gold[1:3] == ["en", QUESTION_EN] and gold[5] == "feedback"
    assert gold[4] in (corpus / gold[3]).read_text("utf-8")  # the sentence shown, verbatim
    assert triage[1:] == ["ja", OFF_TOPIC_JA, "?", "?", "triage"]

    # eval reads the export: the answered question counts, the one to triage is skipped
    monkeypatch.setattr(bot.cli.common, "load_embedder", lambda settings: bot_embedder)
    code, out, _ = await run(capsys, "eval", str(qa), "--index", str(index))
    assert code == 0
    assert "(1 questions," in out and "skipped 1 question(s) still waiting for an answer" in out
    all_row = next(line.split() for line in out.splitlines() if line.startswith("all "))
    # n, R@1, R@3, R@5, MRR@10: the passage readers chose ranks 1st
    assert all_row[1:] == ["1", "1.000", "1.000", "1.000", "1.000"]


async def test_stats_without_a_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = await run(capsys, "feedback", "stats", "--db", str(tmp_path / "none.sqlite3"))
    assert code == 1 and out == ""
    assert err.startswith("secbrief: error: no feedback database at ") and err.count("\n") == 1
    assert not (tmp_path / "none.sqlite3").exists()
