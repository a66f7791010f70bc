"""Releases saved as HTML or PDF: their text and what they say about themselves.

HTML: the main text comes from trafilatura (``favor_precision``, falling back to a recall-first
run and then to its baseline when that finds nothing); title, date, canonical URL, site name and
language come from the page's own ``<html lang>``, ``<meta>``, ``<link rel=canonical>``,
``<time>`` and ``<title>``, with trafilatura's metadata as a second opinion.

PDF: the text layer, page by page, with pypdf; the title from the document information or the
first line. A PDF without a text layer (a scan) is refused, not guessed at.

trafilatura and pypdf are imported when a file needs them, not at import time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from index.ingest.dates import parse_date
from index.ingest.decoding import MAX_JUNK_SHARE, NotText, decode_bytes, html_charset, junk_share
from index.ingest.rawpage import is_date_line, trim_edges

_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "date",
    "pubdate",
    "publishdate",
    "citation_publication_date",
)
_PUBLISHER_META = ("og:site_name", "dc.publisher", "publisher", "application-name")
_PDF_TITLE_NOISE = re.compile(r"^(?:microsoft\s+\w+\s+-\s+)|\.(?:docx?|pptx?|xlsx?|pdf)$", re.I)


@dataclass(frozen=True)
class Extracted:
    """The text of a release and the metadata found in the file (None: not found)."""

    text: str
    title: str | None
    date: dt.date | None
    url: str | None
    lang: str | None
    publisher: str | None


class _HeadParser(HTMLParser):
    """Collects ``<html lang>``, ``<title>``, ``<meta>``, canonical link, ``<time>``, ``<h1>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.times: list[str] = []
        self.title = ""
        self.h1 = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "").strip() for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.lang = a["lang"]
        elif tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            key = key or a.get("http-equiv", "").lower()
            if key and a.get("content") and key not in self.meta:
                self.meta[key] = a["content"]
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split() and a.get("href"):
            self.canonical = self.canonical or a["href"]
        elif tag == "time" and a.get("datetime"):
            self.times.append(a["datetime"])
        elif tag in ("title", "h1"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "h1" and not self.h1.strip():
            self.h1 += data


def _clean(s: str | None) -> str | None:
    s = " ".join(s.split()) if s else ""
    return s or None


def _lang_code(value: str | None) -> str | None:
    value = (value or "").strip().lower().replace("_", "-")
    if value.startswith(("ja", "jp")):
        return "ja"
    if value.startswith("en"):
        return "en"
    return None


def _decode_html(data: bytes) -> str:
    declared = html_charset(data)
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            text = None  # the declaration lies; guess as for any text file
        if text is not None and text.strip() and junk_share(text) <= MAX_JUNK_SHARE:
            return text.replace("\r\n", "\n").replace("\r", "\n")
    return decode_bytes(data)[0]


def _head_date(text: str) -> dt.date | None:
    """A date line among the first lines of an extracted text (the release date)."""
    for line in [ln.strip() for ln in text.splitlines() if ln.strip()][:6]:
        if d := is_date_line(line):
            return d
    return None


def _main_text(html: str) -> tuple[str, Any]:
    import trafilatura  # heavy: only when an HTML file is read

    params = {"extensive_search": False, "original_date": True}
    try:
        doc = trafilatura.bare_extraction(
            html,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
            date_extraction_params=params,
        )
        text = (getattr(doc, "text", None) or "").strip()
        if not text:
            text = trafilatura.extract(html, favor_recall=True, include_comments=False) or ""
            text = text.strip()
        if not text:
            text = trafilatura.baseline(html)[1].strip()
    except Exception as e:  # lxml and trafilatura fail in many ways on broken markup
        raise NotText(f"HTML extraction failed ({type(e).__name__}: {e})") from e
    return text, doc


def read_html(data: bytes) -> Extracted:
    """The main text and metadata of an HTML page.

    Raises:
        NotText: the page is not decodable or holds no text.
    """
    html = _decode_html(data)
    head = _HeadParser()
    try:
        head.feed(html)
        head.close()
    except Exception:  # a broken page still has text worth extracting; metadata is a bonus
        pass
    text, doc = _main_text(html)
    start, end = trim_edges(text)
    text = text[start:end]
    if not text:
        raise NotText("no text in the page (nothing but markup, scripts or navigation)")
    meta = head.meta
    date = next((d for k in _DATE_META if (d := parse_date(meta.get(k, ""))) is not None), None)
    date = date or next((d for t in head.times if (d := parse_date(t)) is not None), None)
    date = date or _head_date(text) or parse_date(getattr(doc, "date", None) or "")
    title = _clean(getattr(doc, "title", None)) or _clean(meta.get("og:title"))
    title = title or _clean(head.title) or _clean(head.h1)
    url = _clean(head.canonical) or _clean(meta.get("og:url")) or _clean(getattr(doc, "url", None))
    publisher = next((p for k in _PUBLISHER_META if (p := _clean(meta.get(k)))), None)
    publisher = publisher or _clean(getattr(doc, "sitename", None))
    lang = _lang_code(head.lang) or _lang_code(meta.get("content-language"))
    lang = lang or _lang_code(meta.get("og:locale"))
    return Extracted(text, title, date, url, lang, publisher)


def read_pdf(path: Path) -> Extracted:
    """The text layer and document information of a PDF.

    Raises:
        NotText: the PDF is unreadable, encrypted or has no text layer.
    """
    from pypdf import PdfReader  # only when a PDF is read

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotText("encrypted PDF (needs a password)")
        pages = [(page.extract_text() or "") for page in reader.pages]
        info = reader.metadata
    except NotText:
        raise
    except Exception as e:  # pypdf raises many kinds on damaged files
        raise NotText(f"unreadable PDF ({type(e).__name__}: {e})") from e
    text = "\n\n".join(p.replace("\r\n", "\n").replace("\r", "\n").strip() for p in pages)
    text = text.strip()
    if not text:
        raise NotText("PDF has no text layer (scanned images?); OCR it first")
    title = _clean(_PDF_TITLE_NOISE.sub("", info.title or "")) if info else None
    if title and title.lower() in ("untitled", "no title", "無題"):
        title = None
    date = _head_date(text)
    if date is None and info is not None:
        try:
            created = info.creation_date
        except Exception:  # a malformed date string in the document information
            created = None
        date = created.date() if created else None
    raw_publisher = info.get("/Publisher") if info else None
    publisher = _clean(raw_publisher) if isinstance(raw_publisher, str) else None
    return Extracted(text, title, date, None, None, publisher)
