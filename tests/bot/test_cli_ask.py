"""``secbrief ask`` refuses a bad question before it loads the model or the index."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from index.errors import ModelError

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 500
BAD = [
    pytest.param("", "the question is empty", id="empty"),
    pytest.param("  \n ", "the question is empty", id="blank"),
    pytest.param(
        "x" * (LIMIT + 1), f"is {LIMIT + 1} characters long; the limit is {LIMIT}", id="long"
    ),
    pytest.param("what\x07 happened?", "control characters", id="control"),
    pytest.param("a\x1b[31mred", "control characters", id="escape"),
]


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """What the command tried to load; every loader fails at once instead of loading."""
    calls: list[str] = []

    def refuse(what: str) -> Any:
        def loader(*args: Any, **kwargs: Any) -> Any:
            calls.append(what)
            raise ModelError(f"{what} is not loaded in this test")

        return loader

    monkeypatch.setattr("index.model.embed.load_embedder", refuse("model"))
    monkeypatch.setattr("index.store.resolve", refuse("index"))
    monkeypatch.setattr("index.store.load", refuse("index"))
    monkeypatch.setenv("SECBRIEF_MAX_QUESTION_CHARS", str(LIMIT))
    monkeypatch.setenv("SECBRIEF_INDEX_DIR", str(tmp_path / "index"))
    return calls


@pytest.mark.parametrize(("question", "reason"), BAD)
def test_a_bad_question_is_refused_before_anything_loads(
    question: str, reason: str, loads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", question]) == 1
    err = capsys.readouterr().err
    assert err.startswith("secbrief: error: ") and reason in err and err.count("\n") == 1
    assert loads == []


def test_a_good_question_goes_on_to_load(
    loads: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # the same path with a question of exactly the limit reaches the loaders
    assert main(["ask", "x" * LIMIT]) == 1
    assert loads == ["index"]
    assert "index is not loaded in this test" in capsys.readouterr().err


def test_questions_from_stdin_are_checked_before_loading(
    loads: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n\x07\n" + "y" * (LIMIT + 1) + "\n"))
    assert main(["ask", "-"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "control characters" in err[0] and "the limit is" in err[1]
    assert loads == []

    monkeypatch.setattr("sys.stdin", io.StringIO("\x07\nWho co-chaired the EDD?\n"))
    assert main(["ask", "-"]) == 1
    assert loads == ["index"]


def test_refusing_imports_nothing_heavy() -> None:
    """In a fresh process: neither the model's libraries nor the index's modules are imported."""
    heavy = [
        "numpy",
        "torch",
        "faiss",
        "transformers",
        "sentence_transformers",
        "index.model.embed",
        "index.store",
        "index.retrieval.search",
    ]
    code = (
        "import json, sys\n"
        "from bot.cli import main\n"
        f"status = main(['ask', 'x' * {LIMIT + 1}])\n"
        f"print(json.dumps([status, [m for m in {heavy!r} if m in sys.modules]]))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "SECBRIEF_MAX_QUESTION_CHARS": str(LIMIT)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    assert json.loads(result.stdout) == [1, []], result.stderr
    assert "the limit is" in result.stderr
