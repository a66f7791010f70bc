"""Load the corpus: one :class:`~index.schema.Document` a file, whatever its format.

Formats, by extension:

- ``.txt``: an optional header of ``key: value`` lines (``title``, ``date``, ``source`` (the
  URL), ``url``, ``lang``, ``publisher``), a blank line, then the body. Without a header the
  file is treated as a web page saved as text: the article is found among the navigation
  (:mod:`index.ingest.rawpage`) and title, date and publisher are read from the page.
- ``.md``: YAML front matter between ``---`` lines with the same keys, then the body.
- ``.html``/``.htm`` and ``.pdf``: see :mod:`index.ingest.htmlpdf`.

For ``.txt`` and ``.md``, ``Document.text`` is a contiguous span of the decoded file (newlines
normalised to ``"\\n"``, see :mod:`index.ingest.decoding`): never rewritten, so quotes stay
verbatim. A body with a header keeps its date line and subheadings; only navigation at its two ends
is left out, or, when it still carries a whole site's navigation (three or more boilerplate lines),
the article is cut out as for a headerless page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from index.errors import CorpusError
from index.ingest.dates import parse_date
from index.ingest.decoding import NotText, decode_bytes
from index.ingest.htmlpdf import Extracted, read_html, read_pdf
from index.ingest.rawpage import count_boilerplate, read_page, trim_edges
from index.schema import Document
from index.text import detect_lang

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
MAX_FILE_BYTES = 50 * 1024 * 1024
NAV_LINES_FOR_FULL_STRIP = 3
_KNOWN_KEYS = frozenset({"title", "date", "source", "url", "lang", "language", "publisher"})
_HEADER_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z_-]{0,30})[ \t]*:[ \t]*(?P<value>.*?)\s*$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_MD_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$", re.M)


@dataclass(frozen=True)
class Skipped:
    """A corpus file that was not loaded, and why."""

    path: str  # relative to the corpus folder, POSIX style
    reason: str


def _header(text: str) -> tuple[dict[str, str], int]:
    """The ``key: value`` header at the top of a text file and where the body starts.

    A header is one or more such lines, at least one with a known key, ended by a blank line
    (or by the first other line once two known keys were read). Without one: ``({}, 0)``.
    """
    fields: dict[str, str] = {}
    pos = 0
    for raw in text.split("\n"):
        m = _HEADER_LINE.match(raw) if raw.strip() else None
        if m is None:
            known = sum(1 for k in fields if k in _KNOWN_KEYS)
            ended = known >= 1 if not raw.strip() else known >= 2
            return (fields, pos) if ended else ({}, 0)
        fields.setdefault(m["key"].lower(), m["value"])
        pos += len(raw) + 1
    return (fields, len(text)) if any(k in _KNOWN_KEYS for k in fields) else ({}, 0)


def _front_matter(text: str) -> tuple[dict[str, Any], int]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, 0
    try:
        data = yaml.safe_load(m["yaml"]) or {}
    except yaml.YAMLError as e:
        raise NotText(f"invalid YAML front matter ({e.__class__.__name__})") from e
    if not isinstance(data, dict):
        raise NotText("front matter is not a mapping of keys to values")
    return {str(k).lower(): v for k, v in data.items()}, m.end()


def _as_date(value: object, name: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        return None
    d = parse_date(str(value))
    if d is None:
        log.warning("%s: cannot read the date %r; looking for one in the text", name, value)
    return d


def _as_str(value: object) -> str | None:
    s = " ".join(str(value).split()) if value is not None else ""
    return s or None


def _lang(value: object, name: str) -> str | None:
    s = (_as_str(value) or "").lower()
    if not s:
        return None
    if s.startswith(("ja", "jp")):
        return "ja"
    if s.startswith("en"):
        return "en"
    log.warning("%s: unknown lang %r; detecting the language from the text", name, value)
    return None


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _first_line(text: str) -> str | None:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line[:120] or None


def _text_document(text: str, rel: str, suffix: str) -> Document:
    """A ``.txt``/``.md`` file: front matter or header, then the body (or a raw page)."""
    fields, body_at = _front_matter(text)
    if not fields:
        fields, body_at = _header(text)
    start, end = _strip_span(text, body_at, len(text))
    body = text[start:end]
    if not fields and suffix == ".txt":
        page = read_page(text)
        start, end = _strip_span(text, page.start, page.end)
    else:
        page = read_page(body)  # for the page's own title, date and publisher
        if count_boilerplate(body) >= NAV_LINES_FOR_FULL_STRIP:
            start, end = _strip_span(text, start + page.start, start + page.end)
        else:
            start, end = _strip_span(text, *trim_edges(text, start, end))
    doc_text = text[start:end]
    if not doc_text:
        raise NotText("no text after the header" if fields else "no text")
    title = _as_str(fields.get("title"))
    if title is None and suffix == ".md":
        heading = _MD_HEADING.search(body)
        title = heading["title"] if heading else None
    return Document(
        id=rel,
        path=rel,
        title=title or page.title or _first_line(doc_text) or Path(rel).stem,
        date=_as_date(fields.get("date"), rel) or page.date,
        url=_as_str(fields.get("source") or fields.get("url")),
        lang=_lang(fields.get("lang") or fields.get("language"), rel) or detect_lang(doc_text),
        publisher=_as_str(fields.get("publisher")) or page.publisher,
        text=doc_text,
    )


def _extracted_document(x: Extracted, rel: str) -> Document:
    return Document(
        id=rel,
        path=rel,
        title=x.title or _first_line(x.text) or Path(rel).stem,
        date=x.date,
        url=x.url,
        lang=x.lang or detect_lang(x.text),
        publisher=x.publisher,
        text=x.text,
    )


META_FOLDER = ".meta"


def sidecar_path(path: Path) -> Path:
    """Where a fetched release keeps what the file itself cannot: the URL it came from and
    when (``.meta/<file name>.json`` beside it; hidden, so never loaded as a release)."""
    return path.parent / META_FOLDER / f"{path.name}.json"


def read_sidecar(path: Path) -> dict[str, Any]:
    """The sidecar of ``path`` ({} when there is none or it cannot be read)."""
    try:
        data = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _with_sidecar(doc: Document, path: Path) -> Document:
    """A fetched release's link is the URL it was fetched from (after redirects)."""
    url = _as_str(read_sidecar(path).get("url"))
    return dataclasses.replace(doc, url=url) if url else doc


def _load(path: Path, rel: str) -> Document:
    """Load one file; raises NotText with the reason when it cannot be read."""
    return _with_sidecar(_load_file(path, rel), path)


def _load_file(path: Path, rel: str) -> Document:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise NotText(f"unsupported file type {suffix or '(no extension)'!r}")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise NotText(f"file too large ({size} bytes; the limit is {MAX_FILE_BYTES})")
        if suffix == ".pdf":
            return _extracted_document(read_pdf(path), rel)
        data = path.read_bytes()
    except OSError as e:
        raise NotText(f"cannot read the file ({e.strerror or e})") from e
    if suffix in (".html", ".htm"):
        return _extracted_document(read_html(data), rel)
    text, encoding = decode_bytes(data)
    if encoding not in ("utf-8", "utf-8-sig"):
        log.debug("%s: decoded as %s", rel, encoding)
    return _text_document(text, rel, suffix)


def _relative(path: Path, corpus_dir: Path) -> str:
    try:
        return path.relative_to(corpus_dir).as_posix()
    except ValueError:
        return path.name


def load_file(path: Path, corpus_dir: Path) -> Document:
    """Load one release.

    Args:
        path: the file (``.txt``, ``.md``, ``.html``/``.htm`` or ``.pdf``).
        corpus_dir: the corpus folder; ``Document.id`` and ``path`` are relative to it.

    Raises:
        CorpusError: the file cannot be read (missing, binary, undecodable, empty, no text, a
            PDF without text layer); the message names the file and the reason.
    """
    rel = _relative(path, corpus_dir)
    try:
        return _load(path, rel)
    except NotText as e:
        raise CorpusError(f"{rel}: {e}") from e


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/"))


def corpus_files(corpus_dir: Path) -> list[tuple[str, Path]]:
    """The files of the corpus, as (path relative to the folder, POSIX style; path), sorted by
    the relative path: recursive, hidden files and folders and the corpus's own ``README.md``
    at the root left out. Every one is a release, or is reported as skipped with the reason.

    Raises:
        CorpusError: ``corpus_dir`` does not exist or is not a folder.
    """
    if not corpus_dir.is_dir():
        what = "is not a folder" if corpus_dir.exists() else "does not exist"
        raise CorpusError(f"corpus folder {corpus_dir} {what}")
    found = ((p.relative_to(corpus_dir).as_posix(), p) for p in corpus_dir.rglob("*"))
    return sorted(
        (rel, p)
        for rel, p in found
        if not _hidden(rel) and rel.lower() != "readme.md" and p.is_file()
    )


def load_release(path: Path, rel: str) -> Document | Skipped:
    """One corpus file as a release, or why it was skipped (also logged as a warning): one bad
    file never stops the rest, whatever goes wrong in reading it."""
    try:
        return _load(path, rel)
    except NotText as e:
        reason = str(e)
        log.warning("skipped %s: %s", rel, reason)
    except Exception as e:  # a bug or a library failure on one file must not stop a build
        reason = f"unexpected error: {type(e).__name__}: {e}"
        log.warning("skipped %s: %s", rel, reason, exc_info=True)
    return Skipped(rel, reason)


def load_corpus(corpus_dir: Path) -> tuple[list[Document], list[Skipped]]:
    """Load every release under ``corpus_dir`` (:func:`corpus_files`), in that order.

    Every file that cannot be loaded (unsupported type, binary, undecodable, empty, a scanned
    PDF, an unexpected failure) is reported in the second list and logged as a warning.

    Raises:
        CorpusError: ``corpus_dir`` does not exist or is not a folder.
    """
    docs: list[Document] = []
    skipped: list[Skipped] = []
    for rel, path in corpus_files(corpus_dir):
        loaded = load_release(path, rel)
        if isinstance(loaded, Skipped):
            skipped.append(loaded)
        else:
            docs.append(loaded)
    return docs, skipped
