"""What a fetched source is, and the release links it lists.

- :func:`sniff_kind` tells a feed (RSS 0.9x/1.0/2.0, Atom) from an HTML page that lists
  releases (a *listing*) and from a single release (a *page*: HTML, PDF or plain text);
- :func:`feed_links` reads a feed's entries with feedparser;
- :func:`listing_links` reads the release links of a listing page with lxml, leaving out the
  site's navigation, header, footer and side bars, links off the site and links to files that
  are no release.

Nothing here touches the network; the bytes come from :mod:`index.ingest.http`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import SplitResult, urldefrag, urljoin, urlsplit, urlunsplit

from index.errors import FetchError
from index.ingest.dates import parse_date
from index.ingest.decoding import NotText, decode_bytes, html_charset

if TYPE_CHECKING:
    from lxml.html import HtmlElement

log = logging.getLogger(__name__)

Kind = Literal["feed", "listing", "page"]

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
XML_TYPES = frozenset({"application/xml", "text/xml"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PAGE_TYPES = frozenset({"application/pdf", "text/plain", "text/markdown"})
_FEED_ROOTS = {
    "rss": "application/rss+xml",
    "feed": "application/atom+xml",
    "rdf": "application/rdf+xml",
}

MIN_LISTING_LINKS = 5  # fewer release links than this: a page, not a listing
LISTING_LINK_SHARE = 0.4  # of a listing's main text, at least this much is link text

# Files a release can be; any other extension (images, office files, archives, feeds) is not.
RELEASE_EXTENSIONS = frozenset(
    {"", "html", "htm", "shtml", "xhtml", "php", "asp", "aspx", "jsp", "cfm", "pdf", "txt"}
)
_EXTENSION = re.compile(r"\.([A-Za-z][A-Za-z0-9]{0,5})$")
_INDEX_FILE = re.compile(r"(?:index|default)\.(?:html?|shtml|php|aspx?|jsp)", re.I)
_SKIPPED_HREF = re.compile(r"(?:mailto|javascript|tel|sms|data|file|ftp):", re.I)
_FURNITURE_TAGS = ("script", "style", "noscript", "template", "nav", "aside", "form", "select")
_FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})
_FURNITURE_NAME = re.compile(
    r"(?:g|global|site|l|local|sub|side|top|main|head|foot)?[-_]?"
    r"(?:nav|navi|navigation|menu|header|footer|breadcrumbs?|sidebar|pankuzu|topicpath|skip"
    r"|pager|paging|pagination)",
    re.I,
)
_SJIS_NAMES = frozenset(
    {"shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "cp932"}
)
_XML_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)[\"']")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


@dataclass(frozen=True)
class Link:
    """A release a feed or a listing page points to."""

    url: str  # absolute, without a fragment
    title: str | None
    published: dt.date | None


def _collapse(text: str) -> str:
    """White space collapsed to one space, and none left between two Japanese characters (a
    title broken over two lines in the source)."""
    return _CJK_GAP.sub("", " ".join(text.split()))


def _absolute(base: str, href: str) -> str:
    """``href`` made absolute against ``base``, without its fragment, scheme and host in lower
    case (so one release is one URL however a page writes it)."""
    parts = urlsplit(urldefrag(urljoin(base, href))[0])
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def _xml_root(body: bytes) -> str | None:
    """The local name of the first element (``"rss"``, ``"feed"``, ``"rdf"``, ``"html"``)."""
    head = body[:4096].removeprefix(b"\xef\xbb\xbf")
    for _ in range(20):  # skip the declaration, comments, processing instructions, DOCTYPE
        head = head.lstrip()
        if head.startswith(b"<?"):
            end, size = head.find(b"?>"), 2
        elif head.startswith(b"<!--"):
            end, size = head.find(b"-->"), 3
        elif head.startswith(b"<!"):
            end, size = head.find(b">"), 1
        else:
            break
        if end < 0:
            return None
        head = head[end + size :]
    m = _ROOT.match(head)
    return m.group(1).decode("ascii").lower() if m else None


def sniff_media_type(body: bytes) -> str | None:
    """The media type of a body served without a useful one: PDF, a feed, XML or HTML."""
    if b"%PDF-" in body[:1024]:
        return "application/pdf"
    root = _xml_root(body)
    if root in _FEED_ROOTS:
        return _FEED_ROOTS[root]
    xml = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml")
    if root == "html":
        return "application/xhtml+xml" if xml else "text/html"
    return "application/xml" if xml and root else None


def sniff_kind(content_type: str, body: bytes, url: str) -> Kind:
    """What a fetched source is.

    Args:
        content_type: the media type served (parameters are ignored).
        body: the bytes served.
        url: where they came from (the base of relative links).

    Returns:
        ``"feed"`` for RSS 0.9x, RSS 1.0 (RDF), RSS 2.0 and Atom, by content type or by the
        XML root element; ``"listing"`` for an HTML page that indexes releases (at least
        ``MIN_LISTING_LINKS`` release links on the site, whose text makes up at least
        ``LISTING_LINK_SHARE`` of the page's main text); ``"page"`` for anything else (a
        release page, a PDF, plain text).
    """
    media = content_type.split(";")[0].strip().lower()
    if media in PAGE_TYPES:
        return "page"
    root = _xml_root(body)
    if root in _FEED_ROOTS or (media in FEED_TYPES and root != "html"):
        return "feed"
    if root == "html" or media in HTML_TYPES or (not media and root is None):
        return "listing" if _is_listing(body, url) else "page"
    return "page"


def _is_listing(body: bytes, url: str) -> bool:
    try:
        doc = _parse_html(body, None, url)
    except FetchError:
        return False
    if doc is None:
        return False
    content = _content(doc)
    links = list(_release_anchors(content, _base(doc, url), url))
    if len({u for _, u in links}) < MIN_LISTING_LINKS:
        return False
    link_chars = sum(_chars(a.text_content()) for a in content.iter("a"))
    return link_chars >= LISTING_LINK_SHARE * _chars(content.text_content())


def feed_links(body: bytes, base_url: str) -> list[Link]:
    """The releases a feed lists, in feed order, each URL once.

    Reads RSS 0.9x, RSS 1.0 (RDF, with ``dc:date``), RSS 2.0 and Atom in any encoding the XML
    declaration names (Shift_JIS is read as Windows-31J, as Japanese sites mean it).

    Args:
        body: the feed as served.
        base_url: where it came from; relative links are resolved against it.

    Returns:
        One :class:`Link` per entry with an http(s) link: absolute, without fragment, its title,
        and its date as written (published, else updated), so a release dated
        ``2024-05-02T08:00+09:00`` is of 2 May, not 1 May UTC. A well-formed feed without
        entries gives ``[]``.

    Raises:
        FetchError: the body is no feed, or a broken one with no entry left to read
            (``"malformed feed: ..."``).
    """
    import feedparser

    # a stream, never bytes: feedparser opens bytes as a file name (a body "/etc/passwd")
    stream = io.BytesIO(_as_windows_31j(body))
    parsed = feedparser.parse(stream, response_headers={"content-location": base_url})
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    benign = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    if isinstance(problem, benign):
        problem = None
    links: dict[str, Link] = {}
    for entry in parsed.get("entries", []):
        url = _entry_url(entry, base_url)
        if url is not None and url not in links:
            links[url] = Link(url, _entry_title(entry), _entry_date(entry))
    if links:
        if problem is not None:
            log.warning("%s: feed has errors (%s); read %d entries", base_url, problem, len(links))
        return list(links.values())
    if not parsed.get("version"):
        raise FetchError(base_url, "malformed feed: not an RSS or Atom feed")
    if problem is not None:
        raise FetchError(base_url, f"malformed feed: {_short(problem)}")
    if parsed.get("entries"):
        raise FetchError(base_url, "malformed feed: no entry has a link")
    return []


def _as_windows_31j(body: bytes) -> bytes:
    """A feed declared Shift_JIS re-encoded as UTF-8: sites mean Windows-31J (①, ㈱, 髙),
    which Python's strict shift_jis codec refuses, and feedparser then falls back to Latin-2."""
    m = _XML_ENCODING.match(body)
    if not m or m.group(1).decode("ascii").lower() not in _SJIS_NAMES:
        return body
    start, end = m.span(1)
    text = (body[:start] + b"utf-8" + body[end:]).decode("cp932", errors="replace")
    return text.encode("utf-8")


def _entry_url(entry: Any, base_url: str) -> str | None:
    link = entry.get("link")
    if not link:
        alternates = [x.get("href") for x in entry.get("links", []) if x.get("href")]
        link = alternates[0] if alternates else None
    if not link:
        guid = entry.get("id") or ""
        link = guid if guid.startswith(("http://", "https://")) else None
    if not link:
        return None
    url = _absolute(base_url, link.strip())
    return url if url.startswith(("http://", "https://")) else None


def _entry_title(entry: Any) -> str | None:
    title = entry.get("title") or ""
    if "<" in title:  # an HTML title: its text
        title = html.unescape(re.sub(r"<[^>]*>", "", title))
    return _collapse(title) or None


def _entry_date(entry: Any) -> dt.date | None:
    """The date as the feed wrote it (its own time zone); feedparser's parsed times are UTC."""
    for key in ("published", "updated", "created"):
        written = entry.get(key)
        found = parse_date(written) if written else None
        if found is not None:
            return found
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        when = entry.get(key)
        if when:
            return dt.date(when.tm_year, when.tm_mon, when.tm_mday)
    return None


def _short(problem: Exception) -> str:
    line = getattr(problem, "getLineNumber", None)
    message = problem.getMessage() if hasattr(problem, "getMessage") else str(problem)
    text = " ".join(str(message).split())[:160] or type(problem).__name__
    return f"{text} at line {line()}" if callable(line) and line() else text


def listing_links(
    body: bytes, base_url: str, match: str | None = None, charset: str | None = None
) -> list[Link]:
    """The release links of an HTML page that lists releases, in page order, each URL once.

    Kept: links on the same site (host, and port when not the default) to a page (``.html``,
    ``.php``, ``.aspx``, no extension, ...), a PDF or a text file. Left out: links in the
    navigation, header, footer and side bars (``nav``, ``aside``, page-level ``header`` and
    ``footer``, ARIA roles, ``id``/``class`` such as ``gnav``, ``breadcrumb``, ``sidebar``),
    links to the page itself, the site root and folder indexes (``index.html``, or a folder
    above this page), ``mailto:``/``javascript:``/``tel:`` links, images and other files.

    Args:
        body: the page as served.
        base_url: its URL (a ``<base href>`` in the page takes precedence for relative links).
        match: a regular expression; only links whose absolute URL it finds (``re.search``)
            are kept.
        charset: the charset the server declared; else the page's ``<meta charset>``, else
            detected (Shift_JIS, EUC-JP, UTF-8, ...).

    Returns:
        A :class:`Link` per release: the link text as title (white space collapsed; an image's
        alt text when there is no text), and a date written in the same list item or table row
        (「令和6年5月2日」, 「2024年5月2日」, "May 2, 2024"), or in the ``<dt>`` or heading just
        before it.

    Raises:
        ValueError: ``match`` is not a valid regular expression.
        FetchError: the body is not readable text.
    """
    pattern = _compile(match)
    doc = _parse_html(body, charset, base_url)
    if doc is None:
        return []
    content = _content(doc)
    anchors = list(_release_anchors(content, _base(doc, base_url), base_url))
    url_of = {id(a): url for a, url in anchors}
    found: dict[str, list[HtmlElement]] = {}
    for a, url in anchors:
        if pattern is None or pattern.search(url):
            found.setdefault(url, []).append(a)
    links = []
    for url, elements in found.items():
        title = next((t for a in elements if (t := _anchor_text(a))), None)
        title = title or next((t for a in elements if (t := _anchor_alt(a))), None)
        published = next((d for a in elements if (d := _item_date(a, url, url_of))), None)
        links.append(Link(url, title, published))
    return links


def _compile(match: str | None) -> re.Pattern[str] | None:
    if match is None or match == "":
        return None
    try:
        return re.compile(match)
    except re.error as exc:
        raise ValueError(f"invalid match pattern {match!r}: {exc}") from None


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    if name in _SJIS_NAMES:
        return "cp932"
    if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        return None  # a server default more often than the truth: the page's own word wins
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode(body: bytes, charset: str | None, url: str) -> str:
    for codec in (_codec(charset), html_charset(body)):
        if codec:
            try:
                return body.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
    try:
        return decode_bytes(body)[0]
    except NotText as exc:
        raise FetchError(url, f"not a readable page ({exc})") from exc


def _parse_html(body: bytes, charset: str | None, url: str) -> HtmlElement | None:
    """The page as an lxml tree, or None when it holds nothing."""
    if not body.strip():
        return None
    import lxml.etree
    import lxml.html

    text = _XML_DECLARATION.sub("", _decode(body, charset, url), count=1)
    try:
        return lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return None


def _base(doc: HtmlElement, url: str) -> str:
    base = doc.find(".//base[@href]")
    return urljoin(url, base.get("href", "").strip()) if base is not None else url


def _content(doc: HtmlElement) -> HtmlElement:
    """The page's body without scripts and without the site's furniture (navigation, header,
    footer, side bars); a header or footer inside an article or section is the item's own."""
    body = doc.find("body")
    root = body if body is not None else doc
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el is root:
            continue
        if _furniture(el):
            el.drop_tree()
    return root


def _furniture(el: HtmlElement) -> bool:
    if el.tag in _FURNITURE_TAGS:
        return True
    around = {p.tag for p in el.iterancestors()}
    if el.tag in ("header", "footer"):
        return not around & {"article", "section", "main"}
    if (el.get("role") or "").lower() in _FURNITURE_ROLES:
        return True
    if "article" in around:  # an item's own "header" or "menu" class
        return False
    names = [el.get("id") or "", *(el.get("class") or "").split()]
    return any(name and _FURNITURE_NAME.fullmatch(name) for name in names)


def _release_anchors(
    content: HtmlElement, base: str, page_url: str
) -> Iterator[tuple[HtmlElement, str]]:
    """Each ``<a>`` that points to a release on this site, with its absolute URL."""
    page = urlsplit(urldefrag(page_url)[0])
    for a in content.iter("a"):
        href = re.sub(r"[\t\n\r]", "", a.get("href") or "").strip()
        if not href or href.startswith("#") or _SKIPPED_HREF.match(href):
            continue
        url = _absolute(base, href)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or _site(parts) != _site(page):
            continue
        if _place(parts) == _place(page) or _folder_index(parts, page):
            continue
        ext = _EXTENSION.search(parts.path.rsplit("/", 1)[-1])
        if ext and ext.group(1).lower() not in RELEASE_EXTENSIONS:
            continue
        yield a, url


def _site(parts: SplitResult) -> tuple[str, int | None]:
    port = parts.port if parts.port not in (80, 443) else None
    return (parts.hostname or "").lower(), port


def _place(parts: SplitResult) -> tuple[str, str, str]:
    return (parts.hostname or "").lower(), parts.path or "/", parts.query


def _folder_index(parts: SplitResult, page: SplitResult) -> bool:
    """The site root, a folder's index file, or a folder this page is in (a breadcrumb)."""
    path = parts.path or "/"
    folder, _, last = path.rpartition("/")
    if _INDEX_FILE.fullmatch(last):
        return True
    if path == "/":
        return not parts.query
    if last or parts.query:
        return False
    page_folder = (page.path or "/").rpartition("/")[0] + "/"
    return page_folder.startswith(folder + "/")


def _chars(text: str) -> int:
    return len("".join(text.split()))


def _anchor_text(a: HtmlElement) -> str | None:
    return _collapse(a.text_content()) or None


def _anchor_alt(a: HtmlElement) -> str | None:
    """What an image link says: its images' alt text, else its title attribute."""
    alts = " ".join(img.get("alt") or "" for img in a.iter("img"))
    return _collapse(alts) or _collapse(a.get("title") or "") or None


def _item_date(a: HtmlElement, url: str, url_of: dict[int, str]) -> dt.date | None:
    """The date written in the list item or row of ``a`` (the largest element around it that
    holds no other release), or just before it: a ``<dt>``, a date heading over a group."""
    item = a
    for _ in range(8):
        parent = item.getparent()
        if parent is None or parent.tag in ("body", "html") or _holds_other(parent, url, url_of):
            break
        item = parent
    text = " ".join(item.text_content().split())
    found = parse_date(text) if len(text) <= 400 else None
    if found is not None:
        return found
    for before in (item.getprevious(), _group_heading(item)):
        if before is not None and isinstance(before.tag, str) and before.find(".//a") is None:
            label = " ".join(before.text_content().split())
            if len(label) <= 80 and (found := parse_date(label)) is not None:
                return found
    return None


def _group_heading(item: HtmlElement) -> HtmlElement | None:
    """The element before the list or table that holds ``item`` (a date heading)."""
    group = item.getparent()
    if group is not None and group.tag == "tbody":
        group = group.getparent()
    return group.getprevious() if group is not None else None


def _holds_other(el: HtmlElement, url: str, url_of: dict[int, str]) -> bool:
    return any(url_of.get(id(a), url) != url for a in el.iter("a"))
