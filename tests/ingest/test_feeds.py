"""Telling feeds, listings and pages apart, and reading the release links they hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from index.errors import FetchError
from index.ingest.feeds import Link, feed_links, listing_links, sniff_kind
from index.ingest.http import Fetcher, FetchPolicy

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
MOFA = "https://www.mofa.go.jp/mofaj/press/release/"
STATE = "https://www.state.gov/"


def data(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


# --- feeds ------------------------------------------------------------------------------------


def test_rss_1_0_in_shift_jis_as_japanese_ministries_publish():
    links = feed_links(data("mofa-press-sjis.rdf"), "https://www.mofa.go.jp/mofaj/rss/press.rdf")
    assert links == [
        # ① is Windows-31J, not strict Shift_JIS; dc:date is Japan time (UTC would say 1 May)
        Link(f"{MOFA}pressit_000001_00123.html", "日米外相会談（①概要）", dt.date(2024, 5, 2)),
        # a relative link, resolved against the feed's URL
        Link(f"{MOFA}pressit_000001_00122.html", "日米豪印外相会合の開催", dt.date(2024, 5, 1)),
        # 髙 (Windows-31J again); a title over two lines joins without a space; no #fragment
        Link(
            f"{MOFA}pressit_000001_00121.html",
            "髙木外務大臣政務官のフィリピン訪問",
            dt.date(2024, 4, 30),
        ),
    ]  # and the repeated first item is left out


def test_rss_2_0_in_utf8_as_the_state_department_publishes():
    links = feed_links(data("state-press-rss20.xml"), f"{STATE}rss-feed/press-releases/feed/")
    assert links == [
        Link(
            f"{STATE}secretary-blinkens-meeting-with-japanese-foreign-minister-kamikawa/",
            "Secretary Blinken’s Meeting with Japanese Foreign Minister Kamikawa",
            dt.date(2024, 5, 2),
        ),
        Link(
            f"{STATE}u-s-japan-extended-deterrence-dialogue/",
            "U.S.-Japan Extended Deterrence Dialogue",
            dt.date(2024, 12, 13),  # 16:30 in Washington, already the 14th in UTC
        ),
        Link(  # no <link>: the permalink guid
            f"{STATE}joint-statement-of-the-security-consultative-committee-2plus2/",
            "Joint Statement of the U.S.-Japan Security Consultative Committee (“2+2”) & Fact "
            "Sheet",
            None,
        ),
    ]  # the repeat with #comments and the item without a link are left out


def test_atom_with_xml_base_and_an_html_title():
    links = feed_links(data("defense-releases-atom.xml"), "https://www.defense.gov/rss.ashx")
    article = "https://www.defense.gov/News/Releases/Release/Article/"
    assert links == [
        Link(
            # the rel=alternate link, not the photo
            f"{article}3761234/readout-of-secretary-austins-meeting/",
            "Readout of Secretary of Defense Lloyd J. Austin III's Meeting With Japan's "
            "Minister of Defense",
            dt.date(2024, 7, 28),  # published (Japan time), not updated
        ),
        Link(
            f"{article}3761300/joint-statement/",
            "Joint Statement of the Security Consultative Committee",
            dt.date(2024, 7, 28),  # updated, when there is no published
        ),
    ]


def test_a_feed_without_entries_is_empty_not_an_error():
    assert feed_links(data("empty-rss20.xml"), "https://www.example.gov/press/rss.xml") == []


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (data("malformed-rss20.xml"), "malformed feed: no element found at line 7"),
        (data("state-listing.html"), "malformed feed: not an RSS or Atom feed"),
        (b"", "malformed feed: not an RSS or Atom feed"),
        # feedparser opens bytes as a file name: the body must never be taken for one
        (str(FEEDS / "state-press-rss20.xml").encode(), "malformed feed"),
    ],
)
def test_what_is_no_feed_is_refused(body, said):
    with pytest.raises(FetchError) as refused:
        feed_links(body, "https://www.example.gov/rss.xml")
    assert refused.value.url == "https://www.example.gov/rss.xml"
    assert refused.value.reason.startswith(said)


def test_a_slightly_broken_feed_still_gives_its_entries():
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        b"<item><title>Japan & the U.S.</title><link>https://www.example.gov/a</link></item>"
        b"</channel></rss>"
    )
    assert feed_links(body, "https://www.example.gov/rss") == [
        Link("https://www.example.gov/a", "Japan & the U.S.", None)
    ]


def test_a_feed_fetched_from_a_site(site):
    site.route("/mofaj/rss/press.rdf", data("mofa-press-sjis.rdf"), content_type="text/xml")
    with Fetcher(FetchPolicy(min_interval=0, allow_private=True)) as fetcher:
        response = fetcher.get(site.url("/mofaj/rss/press.rdf"))
    assert sniff_kind(response.content_type, response.body, response.url) == "feed"
    links = feed_links(response.body, response.url)
    assert links[0].title == "日米外相会談（①概要）"
    assert links[1].url == site.url("/mofaj/press/release/pressit_000001_00122.html")


# --- listing pages ----------------------------------------------------------------------------

MOFA_LISTING = [
    Link(
        f"{MOFA}pressit_000001_00123.html",
        "日米外相会談（①概要）の開催について",
        dt.date(2024, 5, 2),
    ),
    Link(
        f"{MOFA}pressit_000001_00122.html",
        "日米豪印外相会合の開催（結果概要）",
        dt.date(2024, 5, 1),
    ),
    # first linked by a thumbnail: the title is the text link's, the date is after it
    Link(
        f"{MOFA}pressit_000001_00121.html",
        "髙木外務大臣政務官のフィリピン訪問（結果）",
        dt.date(2024, 4, 30),
    ),
    Link(
        "https://www.mofa.go.jp/mofaj/files/100654321.pdf",
        "日米首脳共同声明「未来のためのグローバル・パートナー」（PDF）",
        dt.date(2024, 4, 26),
    ),
    # under a date heading
    Link(
        f"{MOFA}pressit_000001_00119.html",
        "第１回日米拡大抑止協議の開催について",
        dt.date(2024, 4, 25),
    ),
    Link(
        f"{MOFA}pressit_000001_00118.html",
        "日豪外務・防衛閣僚協議（2+2）の開催",
        dt.date(2024, 4, 25),
    ),
    # a table row
    Link(
        f"{MOFA}pressit_000001_00117.html",
        "日・フィリピン首脳会談及びワーキング・ディナー",
        dt.date(2024, 4, 24),
    ),
    # <dt>date</dt><dd>link</dd>
    Link(
        f"{MOFA}pressit_000001_00116.html", "日英外相会談及び日英外相戦略対話", dt.date(2024, 4, 23)
    ),
]


def test_a_japanese_listing_gives_its_releases_with_titles_and_dates():
    """Left out: the header, navigation, breadcrumbs, side bar and footer; the page itself and
    its folder, the site root, an index of another year; mailto, tel, javascript and #links;
    another site; Word files, images and the RSS feed."""
    links = listing_links(data("mofa-listing-sjis.html"), f"{MOFA}index.html")
    assert links == MOFA_LISTING


@pytest.mark.parametrize("charset", [None, "shift_jis", "Windows-31J", "utf-8", "iso-8859-1"])
def test_a_listing_is_decoded_whatever_the_server_says(charset):
    """The charset the server gives, when it decodes the page; else the page's own meta tag."""
    assert listing_links(data("mofa-listing-sjis.html"), f"{MOFA}index.html", None, charset) == (
        MOFA_LISTING
    )


def test_match_keeps_only_the_links_it_finds():
    body = data("mofa-listing-sjis.html")
    pdfs = listing_links(body, f"{MOFA}index.html", match=r"\.pdf$")
    assert [link.url for link in pdfs] == ["https://www.mofa.go.jp/mofaj/files/100654321.pdf"]
    pages = listing_links(body, f"{MOFA}index.html", match=r"/press/release/pressit_\d+_0011")
    assert [link.url[-9:] for link in pages] == ["0119.html", "0118.html", "0117.html", "0116.html"]


def test_an_invalid_match_says_so():
    with pytest.raises(ValueError, match="invalid match pattern '\\(unclosed'"):
        listing_links(data("state-listing.html"), f"{STATE}press-releases/", match="(unclosed")


def test_an_english_listing_of_articles():
    """Each release is an <article> whose own <header> holds the link (kept, unlike the page's
    header); the pagination, breadcrumb and footer are left out."""
    links = listing_links(data("state-listing.html"), f"{STATE}press-releases/")
    assert [(link.url.removeprefix(STATE), link.published) for link in links] == [
        (
            "secretary-blinkens-meeting-with-japanese-foreign-minister-kamikawa/",
            dt.date(2024, 5, 2),
        ),
        ("u-s-japan-extended-deterrence-dialogue/", dt.date(2024, 12, 13)),
        ("joint-statement-of-the-security-consultative-committee-2plus2/", dt.date(2024, 7, 28)),
        ("secretary-blinkens-call-with-japanese-foreign-minister-iwaya/", dt.date(2024, 10, 3)),
        ("deputy-secretary-campbells-travel-to-japan/", dt.date(2024, 6, 10)),
    ]
    assert links[0].title == "Secretary Blinken’s Meeting with Japanese Foreign Minister Kamikawa"


def test_links_to_other_ports_and_hosts_are_not_the_same_site():
    body = b"""<html><body><main><ul>
      <li><a href="http://news.example:8080/a.html">other port</a></li>
      <li><a href="https://www.news.example/b.html">other host</a></li>
      <li><a href="https://news.example/c.html">https, same host</a></li>
      <li><a href="HTTP://NEWS.EXAMPLE/d.html">same host, upper case</a></li>
      <li><a href="&#10;/e.html ">spaces around</a></li>
    </ul></main></body></html>"""
    links = listing_links(body, "http://news.example/list.html")
    assert [link.url for link in links] == [
        "https://news.example/c.html",
        "http://news.example/d.html",
        "http://news.example/e.html",
    ]


def test_an_empty_page_lists_nothing():
    assert listing_links(b"", "https://www.example.gov/") == []
    assert listing_links(b"   \n", "https://www.example.gov/") == []


# --- what a source is -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body", "kind"),
    [
        ("application/rss+xml", data("state-press-rss20.xml"), "feed"),
        ("text/xml", data("mofa-press-sjis.rdf"), "feed"),  # by the root element
        ("application/xml", data("defense-releases-atom.xml"), "feed"),
        ("text/html; charset=utf-8", data("state-press-rss20.xml"), "feed"),  # mislabelled
        ("", data("defense-releases-atom.xml"), "feed"),
        ("application/rdf+xml", data("mofa-press-sjis.rdf"), "feed"),
        ("text/html; charset=Shift_JIS", data("mofa-listing-sjis.html"), "listing"),
        ("text/html", data("state-listing.html"), "listing"),
        ("application/xhtml+xml", data("state-listing.html"), "listing"),
        ("text/html", data("state-listing.html").replace(b"https://www.state.gov", b""), "listing"),
        ("text/html", data("mofa-release.html"), "page"),  # a release with related links
        ("application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "page"),
        ("text/plain; charset=utf-8", "日米外相会談\n令和6年5月2日\n".encode(), "page"),
        ("text/html", b"<html><body><p>Short.</p><a href='/a.html'>A</a></body></html>", "page"),
    ],
)
def test_sniff_kind(content_type, body, kind):
    url = f"{STATE}press-releases/" if b"state.gov" in body else f"{MOFA}index.html"
    assert sniff_kind(content_type, body, url) == kind
