"""Fetching sources into the corpus and the index, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.errors import FetchError, SourceError, UnsafeURL
from index.ingest.http import Fetcher, FetchPolicy
from index.model.embed import load_embedder
from index.retrieval.search import Retriever
from index.sources.fetch import add_source, fetch_sources, remove_source, source_rows
from index.sources.ingest import ingest
from index.sources.registry import Registry
from index.store.build import build_index

ROOT = Path(__file__).resolve().parents[2]
SEED = ["002-edd-2024-12-state-en.txt", "039-tmm-2024-07-mod-ja.txt"]
NEW = ["028-dmm-2024-12-jdefense-ja.txt", "029-dmm-2024-12-dod-news-en.txt"]


def rss(site, paths: list[str]) -> str:
    items = "".join(
        f"<item><title>{p}</title><link>{site.url(p)}</link>"
        f"<pubDate>Tue, 10 Dec 2024 09:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Releases</title><link>{site.url('/')}</link>{items}</channel></rss>"
    )


def serve_release(site, path: str, name: str) -> None:
    body = (ROOT / "corpus" / name).read_bytes()
    site.route(path, body, content_type="text/plain; charset=utf-8")


@pytest.fixture(scope="module")
def embedder():
    return load_embedder("hashing-test")


@pytest.fixture
def corpus(tmp_path: Path, embedder) -> tuple[Path, Path]:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for name in SEED:
        (corpus / name).write_bytes((ROOT / "corpus" / name).read_bytes())
    build_index(corpus, index, embedder)
    return corpus, index


@pytest.fixture
def fetcher():
    with Fetcher(FetchPolicy(min_interval=0, allow_private=True)) as f:
        yield f


def test_a_feed_brings_its_new_releases_into_corpus_and_index(
    site, corpus, fetcher, embedder
) -> None:
    corpus_dir, index_dir = corpus
    serve_release(site, "/r/dmm-ja.txt", NEW[0])
    serve_release(site, "/r/dmm-en.txt", NEW[1])
    site.route(
        "/feed.xml",
        rss(site, ["/r/dmm-ja.txt", "/r/dmm-en.txt"]),
        content_type="application/rss+xml",
        etag='"v1"',
    )
    source = add_source(index_dir, site.url("/feed.xml"), fetcher, name="dod")
    assert source.kind == "feed"

    report = fetch_sources(corpus_dir, index_dir, embedder, fetcher)
    assert report.summary() == "fetched 2 new, 0 unchanged, 0 failed"
    assert sorted(Path(p).parent.as_posix() for p in report.new) == ["sources/dod"] * 2
    assert report.update is not None and sorted(report.update.added) == sorted(report.new)
    retriever = Retriever.load(index_dir, embedder)
    fetched = [d for d in retriever.docs if d.id.startswith("sources/dod/")]
    assert sorted(d.url for d in fetched) == [site.url("/r/dmm-en.txt"), site.url("/r/dmm-ja.txt")]
    assert len(retriever.docs) == 4
    row = source_rows(corpus_dir, index_dir)[0]
    assert row["releases"] == 2 and row["status"] == "ok" and row["last_fetch"]

    # again: the feed answers 304 to the conditional request, nothing is fetched or rebuilt
    served = len(site.paths())
    again = fetch_sources(corpus_dir, index_dir, embedder, fetcher)
    assert again.new == [] and again.failed == [] and again.unchanged == 2
    assert site.requests_for("/feed.xml")[-1].headers.get("if-none-match") == '"v1"'
    assert len(site.paths()) == served + 1
    assert Registry.at(index_dir).get("dod").status == "unchanged"


def test_a_failing_source_is_reported_and_the_others_go_on(site, corpus, fetcher, embedder) -> None:
    corpus_dir, index_dir = corpus
    serve_release(site, "/ok.txt", NEW[1])
    site.route("/feed.xml", rss(site, ["/ok.txt", "/missing.txt"]), content_type="text/xml")
    site.route("/gone.xml", "", status=404)
    site.route("/broken.xml", "<rss><channel><item><title>x", content_type="application/rss+xml")
    add_source(index_dir, site.url("/feed.xml"), fetcher, name="good", kind="feed")
    add_source(index_dir, site.url("/gone.xml"), fetcher, name="gone", kind="feed")
    add_source(index_dir, site.url("/broken.xml"), fetcher, name="broken", kind="feed")

    report = fetch_sources(corpus_dir, index_dir, embedder, fetcher)
    assert report.summary() == "fetched 1 new, 0 unchanged, 3 failed"
    reasons = {f.source: f.reason for f in report.failed if f.source != "good"}
    assert reasons["gone"].startswith("HTTP 404")
    assert "feed" in reasons["broken"]
    missing = next(f for f in report.failed if f.source == "good")
    assert missing.url == site.url("/missing.txt") and "404" in missing.reason
    assert Registry.at(index_dir).get("gone").status.startswith("failed: HTTP 404")
    assert report.update is not None and len(report.update.added) == 1


def test_a_reprint_in_two_feeds_is_held_once(site, corpus, fetcher, embedder) -> None:
    corpus_dir, index_dir = corpus
    serve_release(site, "/a/release.txt", NEW[1])
    serve_release(site, "/b/copy-of-release.txt", NEW[1])
    site.route("/a.xml", rss(site, ["/a/release.txt"]), content_type="application/rss+xml")
    site.route("/b.xml", rss(site, ["/b/copy-of-release.txt"]), content_type="application/rss+xml")
    add_source(index_dir, site.url("/a.xml"), fetcher, name="a", kind="feed")
    add_source(index_dir, site.url("/b.xml"), fetcher, name="b", kind="feed")
    report = fetch_sources(corpus_dir, index_dir, embedder, fetcher)
    assert report.summary() == "fetched 1 new, 1 unchanged, 0 failed"
    # and the seed releases themselves are not taken again from a feed
    serve_release(site, "/c/seed.txt", SEED[0])
    site.route("/c.xml", rss(site, ["/c/seed.txt"]), content_type="application/rss+xml")
    add_source(index_dir, site.url("/c.xml"), fetcher, name="c", kind="feed")
    assert fetch_sources(corpus_dir, index_dir, embedder, fetcher, names=["c"]).new == []


def test_a_listing_page_with_a_pattern(site, corpus, fetcher, embedder) -> None:
    corpus_dir, index_dir = corpus
    serve_release(site, "/press/2024/dmm-ja.txt", NEW[0])
    serve_release(site, "/press/2024/dmm-en.txt", NEW[1])
    links = "".join(
        f'<li><a href="/press/2024/{n}">Release {n} of the ministry, December 2024</a></li>'
        for n in ("dmm-ja.txt", "dmm-en.txt")
    )
    site.route(
        "/press/",
        f"<html><body><nav><a href='/about.html'>About the ministry</a></nav><main><ul>{links}"
        "<li><a href='/other/x.html'>An unrelated page of the ministry site</a></li></ul>"
        "</main></body></html>",
    )
    add_source(
        index_dir, site.url("/press/"), fetcher, name="mod", kind="listing", match=r"/press/\d{4}/"
    )
    report = fetch_sources(corpus_dir, index_dir, embedder, fetcher)
    assert report.summary() == "fetched 2 new, 0 unchanged, 0 failed"
    assert "/other/x.html" not in site.paths() and "/about.html" not in site.paths()


def test_a_page_source_follows_its_changes(site, corpus, fetcher, embedder) -> None:
    corpus_dir, index_dir = corpus
    text = (ROOT / "corpus" / NEW[1]).read_text(encoding="utf-8")
    site.route("/page.txt", text, content_type="text/plain")
    add_source(index_dir, site.url("/page.txt"), fetcher, name="page", kind="page")
    assert fetch_sources(corpus_dir, index_dir, embedder, fetcher).new
    assert fetch_sources(corpus_dir, index_dir, embedder, fetcher).unchanged == 1
    site.route(
        "/page.txt",
        text + "\nCorrection: the meeting lasted two hours.\n",
        content_type="text/plain",
    )
    report = fetch_sources(corpus_dir, index_dir, embedder, fetcher)
    assert len(report.changed) == 1 and report.summary().endswith("(1 changed)")
    assert report.update is not None and report.update.changed == report.changed
    doc = next(d for d in Retriever.load(index_dir, embedder).docs if d.id == report.changed[0])
    assert "lasted two hours" in doc.text


def test_remove_keeps_or_purges_the_releases(site, corpus, fetcher, embedder) -> None:
    corpus_dir, index_dir = corpus
    serve_release(site, "/r.txt", NEW[1])
    site.route("/feed.xml", rss(site, ["/r.txt"]), content_type="application/rss+xml")
    add_source(index_dir, site.url("/feed.xml"), fetcher, name="f", kind="feed")
    fetch_sources(corpus_dir, index_dir, embedder, fetcher)
    _, deleted, update = remove_source(corpus_dir, index_dir, "f", embedder)
    assert deleted == [] and update is None and len(list((corpus_dir / "sources").rglob("*.txt")))
    add_source(index_dir, site.url("/feed.xml"), fetcher, name="f", kind="feed")
    _, deleted, update = remove_source(corpus_dir, index_dir, "f", embedder, purge=True)
    assert len(deleted) == 1 and update is not None and len(update.removed) == 1
    assert not (corpus_dir / "sources" / "f").exists()
    assert len(Retriever.load(index_dir, embedder).docs) == 2
    with pytest.raises(SourceError):
        remove_source(corpus_dir, index_dir, "f", embedder)


def test_ingest_a_url_and_a_file_once(site, corpus, fetcher, embedder, tmp_path) -> None:
    corpus_dir, index_dir = corpus
    serve_release(site, "/one.txt", NEW[1])
    report = ingest(site.url("/one.txt"), corpus_dir, index_dir, embedder, fetcher)
    assert report.duplicate_of is None and report.path.startswith("ingested/")
    assert report.doc.url == site.url("/one.txt") and report.doc.date is not None
    assert report.doc.title and report.doc.lang == "en"
    again = ingest(site.url("/one.txt"), corpus_dir, index_dir, embedder, fetcher)
    assert again.duplicate_of == report.path

    local = tmp_path / "upload.txt"
    local.write_bytes((ROOT / "corpus" / NEW[0]).read_bytes())
    added = ingest(str(local), corpus_dir, index_dir, embedder, fetcher)
    assert added.path == "ingested/upload.txt" and added.doc.lang == "ja"
    same = ingest("other-name.txt", corpus_dir, index_dir, embedder, data=local.read_bytes())
    assert same.duplicate_of == "ingested/upload.txt"
    assert len(Retriever.load(index_dir, embedder).docs) == 4

    with pytest.raises(FetchError, match="unsupported file type"):
        ingest("x.exe", corpus_dir, index_dir, embedder, data=b"MZ")
    site.route("/empty.html", "<html><body></body></html>")
    with pytest.raises(FetchError, match="no text in the page"):
        ingest(site.url("/empty.html"), corpus_dir, index_dir, embedder, fetcher)
    assert sorted(p.name for p in (corpus_dir / "ingested").iterdir() if p.is_file()) == [
        report.path.split("/")[-1],
        "upload.txt",
    ]


def test_private_addresses_are_refused_unless_allowed(site, corpus) -> None:
    _, index_dir = corpus
    with Fetcher(FetchPolicy(min_interval=0)) as strict, pytest.raises(UnsafeURL):
        add_source(index_dir, site.url("/feed.xml"), strict, name="x")
    assert site.paths() == [] and Registry.at(index_dir).load() == []


def test_a_fetch_killed_half_way_leaves_no_partial_file_and_the_index_catches_up(
    site, corpus, fetcher, embedder
) -> None:
    corpus_dir, index_dir = corpus
    serve_release(site, "/1.txt", NEW[0])
    serve_release(site, "/2.txt", NEW[1])
    site.route("/feed.xml", rss(site, ["/1.txt", "/2.txt"]), content_type="application/rss+xml")
    add_source(index_dir, site.url("/feed.xml"), fetcher, name="f", kind="feed")
    real_get = fetcher.get
    calls = []

    def dying_get(url, **kwargs):
        calls.append(url)
        if url.endswith("/2.txt"):
            raise KeyboardInterrupt  # the process is stopped mid-fetch
        return real_get(url, **kwargs)

    fetcher.get = dying_get
    with pytest.raises(KeyboardInterrupt):
        fetch_sources(corpus_dir, index_dir, embedder, fetcher)
    files = sorted(p.name for p in (corpus_dir / "sources" / "f").iterdir() if p.is_file())
    assert len(files) == 1 and not any(n.startswith(".tmp") for n in files)
    assert len(Retriever.load(index_dir, embedder).docs) == 2  # the old index still serves
    fetcher.get = real_get
    report = fetch_sources(corpus_dir, index_dir, embedder, fetcher)
    assert report.summary() == "fetched 1 new, 1 unchanged, 0 failed"
    assert len(Retriever.load(index_dir, embedder).docs) == 4


def test_sources_list_json_is_stable(site, corpus, fetcher) -> None:
    corpus_dir, index_dir = corpus
    site.route("/feed.xml", rss(site, []), content_type="application/rss+xml")
    add_source(index_dir, site.url("/feed.xml"), fetcher)
    rows = source_rows(corpus_dir, index_dir)
    assert list(rows[0]) == ["name", "url", "kind", "match", "last_fetch", "status", "releases"]
    assert rows[0]["name"] == "127.0.0.1-feed" and rows[0]["status"] == "never fetched"
    json.dumps(rows)
