"""The sources file: readable JSON, names that are safe folder names, no duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.errors import BuildInProgress, SourceError
from index.sources.registry import Registry, Source, name_for


def test_sources_round_trip_through_a_readable_file(tmp_path: Path) -> None:
    registry = Registry.at(tmp_path)
    assert registry.load() == []
    registry.add(Source(name="mofa-press", url="https://www.mofa.go.jp/rss/press.rdf", kind="feed"))
    registry.add(
        Source(name="mod", url="https://www.mod.go.jp/j/press/", kind="listing", match="/news/")
    )
    raw = json.loads((tmp_path / "sources.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in raw["sources"]] == ["mofa-press", "mod"]
    assert raw["sources"][1]["match"] == "/news/" and raw["sources"][0]["added_at"]
    assert "\n  " in (tmp_path / "sources.json").read_text(encoding="utf-8")  # indented
    registry.record("mod", status="failed: HTTP 404 Not Found", last_fetch="2026-12-03T10:00:00")
    assert registry.get("mod").status.startswith("failed")
    assert registry.remove("mofa-press").url.endswith("press.rdf")
    assert [s.name for s in registry.load()] == ["mod"]


def test_duplicates_bad_names_and_bad_patterns_are_refused(tmp_path: Path) -> None:
    registry = Registry.at(tmp_path)
    registry.add(Source(name="a", url="https://example.org/feed", kind="feed"))
    with pytest.raises(SourceError, match="exists already"):
        registry.add(Source(name="a", url="https://example.org/other", kind="feed"))
    with pytest.raises(SourceError, match="followed already"):
        registry.add(Source(name="b", url="https://example.org/feed", kind="feed"))
    for bad in ("../etc", "A B", "", ".hidden", "x" * 65):
        with pytest.raises(SourceError, match="not allowed"):
            registry.add(Source(name=bad or "?", url=f"https://example.org/{bad}", kind="page"))
    with pytest.raises(SourceError, match="regular expression"):
        registry.add(Source(name="c", url="https://example.org/c", kind="listing", match="(["))
    with pytest.raises(SourceError, match="no source named 'zzz'"):
        registry.remove("zzz")
    assert [s.name for s in registry.load()] == ["a"]


def test_a_damaged_sources_file_is_named_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "sources.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SourceError, match=r"sources\.json cannot be read"):
        Registry.at(tmp_path).load()
    assert (tmp_path / "sources.json").read_text(encoding="utf-8") == "{not json"


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.mofa.go.jp/rss/press.rdf", "mofa.go.jp-press-rdf"),
        ("https://www.defense.gov/News/Releases/", "defense.gov-news-releases"),
        ("http://127.0.0.1:8000/feed.xml", "127.0.0.1-feed"),
    ],
)
def test_default_names_come_from_the_url(url: str, name: str) -> None:
    assert name_for(url) == name


def test_one_fetch_at_a_time(tmp_path: Path) -> None:
    registry = Registry.at(tmp_path)
    with registry.lock(), pytest.raises(BuildInProgress), Registry.at(tmp_path).lock():
        pass
    with registry.lock():  # released
        pass
