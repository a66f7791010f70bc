"""``secbrief sources``, ``fetch``, ``ingest`` and ``index update`` as other tools call them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(cwd: Path, *args: str, private: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SECBRIEF_MODEL": "hashing-test",
        "SECBRIEF_CORPUS_DIR": str(cwd / "corpus"),
        "SECBRIEF_INDEX_DIR": str(cwd / "index"),
        "SECBRIEF_ALLOW_PRIVATE_URLS": "1" if private else "0",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_command_line_follows_a_feed(site, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    name = "002-edd-2024-12-state-en.txt"
    (corpus / name).write_bytes((ROOT / "corpus" / name).read_bytes())
    assert cli(tmp_path, "index", "build").returncode == 0

    served = "029-dmm-2024-12-dod-news-en.txt"
    site.route("/r/1.txt", (ROOT / "corpus" / served).read_bytes(), content_type="text/plain")
    item = f"<item><title>one</title><link>{site.url('/r/1.txt')}</link></item>"
    missing = f"<item><title>two</title><link>{site.url('/r/2.txt')}</link></item>"
    site.route(
        "/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{item}{missing}'
        "</channel></rss>",
        content_type="application/rss+xml",
    )
    added = cli(tmp_path, "sources", "add", site.url("/feed.xml"), "--name", "dod")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(f"added source dod (feed): {site.url('/feed.xml')}")

    fetched = cli(tmp_path, "fetch")
    assert fetched.returncode == 0, fetched.stderr
    lines = fetched.stdout.splitlines()
    assert lines[0].startswith("fetched 1 new, 0 unchanged, 1 failed; index updated: +1")
    assert lines[1] == f"  failed: dod: {site.url('/r/2.txt')}: HTTP 404 Not Found"

    rows = json.loads(cli(tmp_path, "sources", "list", "--json").stdout)
    assert [(r["name"], r["kind"], r["releases"], r["status"]) for r in rows] == [
        ("dod", "feed", 1, "ok")
    ]
    again = cli(tmp_path, "fetch", "--source", "dod")
    assert again.stdout.splitlines()[0] == "fetched 0 new, 1 unchanged, 1 failed"

    upload = tmp_path / "release.txt"
    upload.write_bytes((ROOT / "corpus" / "039-tmm-2024-07-mod-ja.txt").read_bytes())
    ingested = cli(tmp_path, "ingest", str(upload))
    assert ingested.returncode == 0, ingested.stderr
    assert ingested.stdout.startswith("added ingested/release.txt; index updated: +1")
    assert "  date: 2024-07-28" in ingested.stdout and "  meeting: " in ingested.stdout

    (corpus / name).unlink()
    updated = cli(tmp_path, "index", "update")
    assert updated.stdout.startswith("index updated: +0 ~0 -1 releases (2 in all)")
    assert cli(tmp_path, "index", "update").stdout.startswith("index is up to date (2 releases)")

    removed = cli(tmp_path, "sources", "remove", "dod", "--purge")
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.startswith("removed source dod; deleted 1 releases; index updated")
    assert cli(tmp_path, "sources", "list").stdout.startswith("no sources yet")


def test_errors_are_one_line(site, tmp_path: Path) -> None:
    unknown = cli(tmp_path, "fetch", "--source", "nope")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "secbrief: error: no source named 'nope' (sources: none yet)"
    private = cli(tmp_path, "sources", "add", site.url("/feed.xml"), private=False)
    assert private.returncode == 1 and len(private.stderr.strip().splitlines()) == 1
    assert "private" in private.stderr or "loopback" in private.stderr
    assert site.paths() == []
    bad = cli(tmp_path, "sources", "add", "file:///etc/passwd")
    assert bad.returncode == 1 and "http" in bad.stderr
