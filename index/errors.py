"""The error family of the core library.

Front ends turn these into one clear line (CLI) or a short ephemeral reply (bot).
"""

from __future__ import annotations

from pathlib import Path


class SecbriefError(Exception):
    """Base class of every error the core raises on purpose."""


class IndexMissing(SecbriefError):
    """No index exists at the given place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"no index at {path}: build one with `secbrief index build --index {path}`"
        )


class IndexMismatch(SecbriefError):
    """The index was built with another model or format version."""

    def __init__(self, path: Path, reason: str, outdated: bool = False) -> None:
        self.path = path
        self.reason = reason
        self.outdated = outdated  # of an older format than this version writes: rebuild it
        super().__init__(
            f"index at {path} cannot be used: {reason}; "
            f"rebuild it with `secbrief index build --index {path}`"
        )


class IndexCorrupt(SecbriefError):
    """The index files are unreadable or inconsistent."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"index at {path} is damaged ({reason}); "
            f"rebuild it with `secbrief index build --index {path}`"
        )


class CorpusError(SecbriefError):
    """The corpus folder is missing or holds no readable release."""


class BuildInProgress(SecbriefError):
    """Another build holds the lock on this index folder."""


class ModelError(SecbriefError):
    """The embedding model could not be loaded or prepared."""


class PictureError(SecbriefError):
    """A picture cannot be drawn: its library or its font is not installed."""


class QueryError(SecbriefError):
    """A question that cannot be asked (empty, too long, control characters)."""

    def __init__(self, message: str, code: str) -> None:
        self.code = code
        super().__init__(message)


class EmptyQuery(QueryError):
    def __init__(self) -> None:
        super().__init__("the question is empty", "empty")


class QueryTooLong(QueryError):
    def __init__(self, length: int, limit: int) -> None:
        self.length = length
        self.limit = limit
        super().__init__(
            f"the question is {length} characters long; the limit is {limit}", "too_long"
        )


class FetchError(SecbriefError):
    """A URL could not be fetched, or what came back is not a release; ``reason`` is one line."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class UnsafeURL(FetchError):
    """A URL secbrief refuses to fetch: not http(s), or its host is on a private network."""


class SourceError(SecbriefError):
    """A source cannot be added, found or removed (unknown name, duplicate, bad pattern)."""
