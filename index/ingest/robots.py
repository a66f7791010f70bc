"""robots.txt as RFC 9309 reads it: the longest (most specific) rule wins, Allow on a tie, ``*``
and a final ``$`` work; one site's rules are cached with the time they expire."""

from __future__ import annotations

import re
import urllib.robotparser
from dataclasses import dataclass

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least the first 500 KiB
ROBOTS_TTL = 24 * 3600.0  # RFC 9309: a cached robots.txt serves at most a day
ROBOTS_RETRY = 600.0  # after an unreadable robots.txt the site counts as closed this long
MAX_CRAWL_DELAY = 10.0  # a robots.txt Crawl-delay is obeyed up to this many seconds


@dataclass(frozen=True)
class Robots:
    """One site's robots.txt, as far as it concerns secbrief."""

    parser: urllib.robotparser.RobotFileParser | None  # None: no rules, all allowed
    closed: str | None  # robots.txt could not be read: everything refused, for this reason
    expires: float

    def allows(self, url: str, agent: str) -> bool:
        if self.closed is not None:
            return False
        return self.parser is None or self.parser.can_fetch(agent, url)


class _Rule:
    """A robots.txt rule with RFC 9309's ``*`` and final ``$``, which robotparser reads as
    plain characters; same ``path``, ``allowance`` and ``applies_to`` as ``RuleLine``."""

    def __init__(self, path: str, allowance: bool) -> None:
        self.path = path  # percent-quoted by robotparser: "*" is "%2A", "$" is "%24"
        self.allowance = allowance
        pattern = re.escape(path).replace("%2A", ".*")
        if pattern.endswith("%24"):
            pattern = pattern[:-3] + "$"
        self._pattern = re.compile(pattern)

    def applies_to(self, filename: str) -> bool:
        return self.path == "*" or self._pattern.match(filename) is not None


def parse_robots(body: bytes) -> urllib.robotparser.RobotFileParser:
    """robots.txt rules as robotparser reads them, with RFC 9309's matching: the longest
    (most specific) rule wins, Allow on a tie, and wildcards work."""
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(body.decode("utf-8", errors="replace").splitlines())
    entries = [*getattr(parser, "entries", []), getattr(parser, "default_entry", None)]
    for entry in entries:
        if entry is None:
            continue
        rules = [_Rule(r.path, r.allowance) for r in entry.rulelines]
        entry.rulelines = sorted(rules, key=lambda r: (-len(r.path), not r.allowance))
    return parser
