"""Writing releases into the corpus folder: atomic, with the URL kept, refusing non-articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.errors import FetchError
from index.ingest.loaders import load_corpus
from index.sources.corpus import (
    delete_releases,
    file_name,
    held_urls,
    read_release,
    save_release,
    sweep,
    text_key,
)

ARTICLE = (
    b"<html><head><title>Japan-Australia Defence Ministers' Meeting</title>"
    b'<meta name="date" content="2024-09-05"></head><body><nav>Home | News</nav><article>'
    b"<h1>Japan-Australia Defence Ministers' Meeting</h1>"
    b"<p>On September 5, 2024, the Ministers met in Qingdao and agreed to deepen cooperation in "
    b"maritime security, including reciprocal access for training and joint exercises.</p>"
    b"<p>They also affirmed their commitment to a free and open Indo-Pacific.</p>"
    b"</article></body></html>"
)


def test_a_saved_release_is_loaded_with_the_url_it_was_fetched_from(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    url = "https://www.example.go.jp/press/2024/0905-1.html"
    name = file_name(url, ".html")
    assert name.startswith("0905-1-") and name.endswith(".html")
    assert file_name(url, ".html") == name != file_name(url + "?x=1", ".html")
    meta = {"url": url, "requested_url": url, "fetched_at": "2026-12-03T10:00:00+00:00"}
    saved = save_release(corpus / "sources" / "mod", name, ARTICLE, corpus, meta)
    assert saved.rel == f"sources/mod/{name}" and not saved.replaced
    docs, skipped = load_corpus(corpus)
    assert skipped == [] and len(docs) == 1  # the sidecar is not a release
    assert docs[0].url == url and docs[0].id == saved.rel
    side = json.loads((saved.path.parent / ".meta" / f"{name}.json").read_text(encoding="utf-8"))
    assert side["fetched_at"].startswith("2026-12-03")
    assert held_urls(corpus) == {url: saved.rel}
    assert [p.name for p in saved.path.parent.iterdir() if p.name.startswith(".tmp")] == []
    assert save_release(saved.path.parent, name, ARTICLE, corpus, meta).replaced
    assert delete_releases(corpus / "sources" / "mod") == [name]
    assert not (corpus / "sources" / "mod").exists() and held_urls(corpus) == {}


def test_a_sidecar_without_its_release_is_ignored(tmp_path: Path) -> None:
    (tmp_path / ".meta").mkdir()
    (tmp_path / ".meta" / "gone.html.json").write_text('{"url": "https://x.jp/a"}')
    assert held_urls(tmp_path) == {}


@pytest.mark.parametrize(
    ("data", "suffix", "reason"),
    [
        (b"", ".txt", "empty"),
        (b"<html><body><p>Short.</p></body></html>", ".html", "no article text"),
        (
            b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1><p>"
            + b"The page you requested could not be found on this server. " * 3
            + b"</p></body></html>",
            ".html",
            "error page",
        ),
        (b"%PDF-1.4 not really a pdf", ".pdf", "unreadable PDF"),
        (b"\x00\x01\x02\x03" * 100, ".txt", "binary"),
    ],
)
def test_what_is_not_an_article_is_refused_with_a_reason(
    tmp_path: Path, data: bytes, suffix: str, reason: str
) -> None:
    with pytest.raises(FetchError, match=reason) as err:
        read_release(data, suffix, tmp_path, "https://example.org/x")
    assert err.value.url == "https://example.org/x" and err.value.reason
    assert list((tmp_path / ".incoming").iterdir()) == []  # the probe file is gone


def test_the_same_text_however_spaced_or_wide_has_one_key() -> None:
    assert text_key("日米 防衛相会談\n\n 2024年") == text_key("日米防衛相会談 ２０２４年")
    assert text_key("Talks held.") != text_key("Talks were held.")


def test_leftovers_of_killed_fetches_are_swept_once_old(tmp_path: Path) -> None:
    import os

    (tmp_path / ".incoming").mkdir()
    folder = tmp_path / "sources" / "mod"
    folder.mkdir(parents=True)
    old = [tmp_path / ".incoming" / "1-abc.html", folder / ".tmp-1-x.html"]
    fresh = folder / ".tmp-2-y.html"
    for path in [*old, fresh]:
        path.write_text("half")
    for path in old:
        os.utime(path, (1, 1))
    (folder / "kept.html").write_text("a release")
    os.utime(folder / "kept.html", (1, 1))
    assert sweep(tmp_path) == 2
    assert fresh.exists() and (folder / "kept.html").exists()
    assert not any(p.exists() for p in old)
