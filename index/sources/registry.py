"""The sources the corpus follows, kept in ``sources.json`` under the index root.

The file is plain, indented JSON that people can read and edit; it is rewritten whole, to a
temporary name and renamed, so a crash never leaves half of it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from index.errors import BuildInProgress, SourceError

Kind = Literal["feed", "listing", "page"]
KINDS: tuple[Kind, ...] = ("feed", "listing", "page")
FILE_NAME = "sources.json"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Source:
    """One URL the corpus follows, and how its last fetch went."""

    name: str  # also its folder: corpus/sources/<name>/
    url: str
    kind: Kind
    match: str | None = None  # listing pages: only links whose URL matches this regex
    added_at: str = ""  # ISO time, UTC
    last_fetch: str | None = None
    status: str = "never fetched"  # "ok", "unchanged", or "failed: <reason>"
    etag: str | None = None  # of the source URL itself (feed, listing or page)
    last_modified: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, {}) or k == "match"}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Source:
        known = {f: data[f] for f in cls.__dataclass_fields__ if f in data}
        if known.get("kind") not in KINDS or not known.get("name") or not known.get("url"):
            raise SourceError(f"a source entry lacks a name, URL or known kind: {data!r}")
        return cls(**known)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise SourceError(
            f"source name {name!r} is not allowed: use lower-case letters, digits, '.', '_' "
            "and '-' (at most 64, starting with a letter or digit)"
        )
    return name


def check_match(pattern: str | None) -> str | None:
    if pattern is None:
        return None
    try:
        re.compile(pattern)
    except re.error as exc:
        raise SourceError(f"--match {pattern!r} is not a valid regular expression: {exc}") from exc
    return pattern


def name_for(url: str) -> str:
    """A readable default name: the host without ``www.``, then the path's words."""
    parts = urlsplit(url)
    host = (parts.hostname or "source").removeprefix("www.")
    words = [w for w in re.split(r"[^a-z0-9]+", parts.path.lower()) if w]
    words = [w for w in words if w not in ("index", "html", "htm", "php", "xml", "rss", "en", "ja")]
    slug = "-".join([host, *words[:3]]) if words else host
    slug = re.sub(r"[^a-z0-9._-]+", "-", slug.lower()).strip("-._")[:64] or "source"
    return slug if slug[0].isalnum() else f"s{slug}"[:64]


class Registry:
    """The sources file of an index root. Not shared between threads without the lock."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def at(cls, index_dir: Path) -> Registry:
        return cls(index_dir / FILE_NAME)

    def load(self) -> list[Source]:
        if not self.path.exists():
            return []
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            entries = raw["sources"] if isinstance(raw, dict) else raw
            return [Source.from_json(e) for e in entries]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SourceError(f"{self.path} cannot be read ({exc}); fix or remove it") from exc

    def save(self, sources: list[Source]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        body = {"sources": [s.to_json() for s in sources]}
        tmp.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)

    def get(self, name: str) -> Source:
        for source in self.load():
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.load()) or "none yet"
        raise SourceError(f"no source named {name!r} (sources: {known})")

    def add(self, source: Source) -> Source:
        sources = self.load()
        check_name(source.name)
        check_match(source.match)
        for other in sources:
            if other.name == source.name:
                raise SourceError(f"a source named {source.name!r} exists already ({other.url})")
            if other.url == source.url:
                raise SourceError(f"{source.url} is followed already, as {other.name!r}")
        added = replace(source, added_at=source.added_at or now_iso())
        self.save([*sources, added])
        return added

    def remove(self, name: str) -> Source:
        sources = self.load()
        gone = self.get(name)
        self.save([s for s in sources if s.name != name])
        return gone

    def record(self, name: str, **changes: Any) -> None:
        """Store how a fetch of ``name`` went (a source removed meanwhile is left out)."""
        sources = self.load()
        self.save([replace(s, **changes) if s.name == name else s for s in sources])

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the sources' lock: one fetch, add or remove at a time (BuildInProgress)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with (self.path.parent / ".sources.lock").open("a+") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise BuildInProgress("a fetch of the sources is already running") from exc
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
