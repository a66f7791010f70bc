"""Web pages saved as text: find the article among the navigation, and read the page's metadata.

A saved page is the site's banner and menus, the headline, a date line, the article, then
rankings, share widgets and footers. The heuristics work line by line and on any site:

- a line is *boilerplate* when it matches a known navigation/footer marker ("site search",
  "pagetop", "Post a Comment", "This email was sent to ...", "Ranking...", a copyright line) or
  looks like a menu (three or more short items separated by wide gaps or bars);
- a line is *prose* when it reads as a sentence: Japanese with 「。」 and at least 20 characters,
  or English with at least 8 words ending in sentence punctuation;
- prose lines separated by a few short lines (subheadings, captions) form a block; boilerplate
  or a long run of short lines ends it. The block with the most prose is the article, from its
  first prose line to its last, extended to a closing 「(以上)」 or "###" just after it.

The headline is the longest of the few lines above the date line before the article (back to
the navigation) and the line just below it, leaving out category bullets, labels and the site
name; the date is that date line; the
publisher is the bracketed site name in the banner, the sender of a mailing ("on behalf of:"),
an agency's name in the banner, a short line the page repeats, or the copyright holder.
Everything is reported as offsets, so the article stays a verbatim span of the page.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from enum import Enum

from index.ingest.dates import find_dates, fold

MAX_GAP = 6  # short lines allowed between two paragraphs of one article
TITLE_WINDOW = 4  # lines above the date line where the headline may be

_BOILERPLATE = re.compile(
    r"""^(?:
      site\s*search|search|検索|menu|メニュー|page\s*top|top|home|ホーム|トップ(?:ページ)?
    | (?:back|go|return)\s+to\s+top|skip\s+to\s+(?:main\s+)?content
    | ranking.*|.*読まれている記事.*|(?:人気|関連|新着|おすすめ|注目)記事.*|アクセスランキング.*
    | [•・]\s*(?:24時間|1週間|1[ヶか カ]月|週間|月間|日間)
    | bnrname|banner|advertisement|広告|PR
    | share(?:\s+this)?(?:\s+(?:article|page|post|story))?:?|share\s+(?:on|to)\s+.*|tweet
    | print(?:\s+this\s+page)?|email\s+this(?:\s+page)?|シェア(?:する)?|ツイート|印刷(?:する)?
    | no\s+comments?:?|\d+\s+comments?:?|post\s+a\s+comment|newer\s+posts?|older\s+posts?
    | subscribe\s+to:.*|posted\s+by\b.*|labels?:.*
    | unsubscribe\b.*|.*\bcontact\s+us|this\s+email\s+was\s+sent\s+to\b.*|.*\bgovdelivery\b.*
    | view\s+(?:online|in\s+(?:your\s+)?browser)|(?:for\s+)?immediate\s+release
    | (?:copyright|©|\(c\))\s*(?:©\s*)?(?:\d{4}|[^.]{0,60}all\s+rights\s+reserved).*
    | .{0,80}all\s+rights\s+reserved\.?|privacy\s+policy.*|terms\s+of\s+(?:use|service).*
    | left|right|(?:previous|next)\s+(?:article|post|story|page).*|(?:前|次)の記事.*
    | related(?:\s+(?:articles?|links?|stories|posts|content|news))?:?|tags?:?|sitemap|site\s+map
    | accessibility(?:\s+statement)?|an\s+official\s+website\s+of\s+the\s+united\s+states.*
    | here'?s\s+how\s+you\s+know|サイトマップ|お問い合わせ|プライバシーポリシー|利用規約
    | (?:(?:facebook|twitter|x|instagram|youtube|linkedin|line|rss|はてな)\s*)+
    | (?:このページの)?(?:ページの?)?(?:先頭|トップ)へ(?:戻る)?
    )$""",
    re.I | re.X,
)
_BACKLINK = re.compile(
    r"^(?:(?:back|return|go)\s+to\s+(?P<en>.{1,60})|(?P<ja>.{1,30}?)\s*(?:へ|に)(?:戻る|もどる)"
    r"|.{0,15}(?:サイト|ページ|一覧|トップ|記事).{0,5}へ)$",
    re.I,
)
_MENU_SPLIT = re.compile(r"\s{2,}|\s*[|｜]\s*")
_CRUMB_SPLIT = re.compile(r"\s*[>›»＞]\s*")
# the mark that ends a release (「（以上）」, "###", "- 30 -"); units.py leaves it out too
CLOSING_MARK = re.compile(
    r"^(?:[(（]?以上[)）]?|#\s*#\s*#|-\s*30\s*-|-?\s*end\s*-?|[(（]了[)）])$", re.I
)
_BULLET = re.compile(r"^[•・*▪■◆●\-]\s*\S.{0,30}$")
_BRACKETED = re.compile(r"^[\[【［〔](?P<name>[^\]】］〕]{2,40})[\]】］〕]$")
_JA_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_DATE_LABEL = re.compile(
    r"^(?:(?:posted|published|updated|released|date)(?:\s+on)?:?|(?:公開|更新|掲載|発表)日?[:：]?)\s*",
    re.I,
)
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?|JST|E[SD]?T)?", re.I)
_ON_BEHALF = re.compile(r"on\s+behalf\s+of:?\s*(?P<name>[^,;]{3,80}?)\s*\.?$", re.I)
_AGENCY = re.compile(
    r"^(?:the\s+)?(?:U\.S\.\s+|United\s+States\s+)?(?:Department|Ministry|Embassy|Agency)"
    r"\s+of\s+(?:the\s+)?[A-Z][\w .,&'-]{2,60}$"
    r"|^[^\s、。,.]{1,20}(?:省|庁|内閣府|官邸|大使館)$"
)
_COPYRIGHT = re.compile(
    r"^(?:copyright|©|\(c\))\s*(?:©\s*)?(?:\d{4}(?:\s*-\s*\d{4})?\s*,?\s*)?(?P<name>[^.©]{3,80}?)"
    r"\s*(?:[.,]?\s*all\s+rights\s+reserved.*)?$",
    re.I,
)


class Kind(Enum):
    BLANK = "blank"
    BOILERPLATE = "boilerplate"
    PROSE = "prose"
    SHORT = "short"


@dataclass(frozen=True)
class Line:
    start: int  # offsets of the line's visible content (without surrounding spaces)
    end: int
    text: str
    kind: Kind


@dataclass(frozen=True)
class Page:
    """What was read from a saved page: ``text[start:end]`` is the article."""

    start: int
    end: int
    title: str | None
    date: dt.date | None
    publisher: str | None
    stripped: bool  # whether navigation was found and left outside the article


def split_lines(text: str) -> list[Line]:
    """The lines of ``text`` with their kind, as offsets of their visible content."""
    lines: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        content = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        start = pos + lead
        lines.append(Line(start, start + len(content), content, _kind(content)))
        pos += len(raw) + 1
    return lines


def is_boilerplate(line: str) -> bool:
    """Whether one line (already stripped) is navigation, a widget or a footer."""
    if _BOILERPLATE.match(line) or _BACKLINK.match(line):
        return True
    return _is_menu(line)


def _is_menu(line: str) -> bool:
    for splitter, least in ((_MENU_SPLIT, 3), (_CRUMB_SPLIT, 2)):
        items = [i for i in splitter.split(line) if i]
        if len(items) >= least and all(
            len(i) <= 24 and len(i.split()) <= 4 and not re.search(r"[。.!?]$", i) for i in items
        ):
            return True
    return False


def _ja_share(s: str) -> float:
    return len(_JA_CHAR.findall(s)) / max(len(s), 1)


def _kind(s: str) -> Kind:
    if not s:
        return Kind.BLANK
    if is_boilerplate(s):
        return Kind.BOILERPLATE
    if _ja_share(s) >= 0.3:
        return Kind.PROSE if len(s) >= 20 and "。" in s else Kind.SHORT
    sentence_end = s.rstrip("\"'”’)]").endswith((".", ":", "?", "!", ";"))
    return Kind.PROSE if len(s.split()) >= 8 and sentence_end else Kind.SHORT


def is_date_line(line: str) -> dt.date | None:
    """The date when a whole line is a date (with an optional time or label), else None."""
    folded = fold(line)
    mentions = [m for m in find_dates(folded) if m.precision == "day"]
    if len(mentions) != 1:
        return None
    m = mentions[0]
    rest = folded[: m.start] + " " + folded[m.end :]
    rest = _TIME.sub(" ", _DATE_LABEL.sub("", rest.strip()))
    return m.date_start if len(re.sub(r"[\s,()（）\-|/]", "", rest)) <= 3 else None


def _article_lines(lines: list[Line]) -> tuple[int, int] | None:
    """Indexes of the first and last line of the article, or None without prose."""
    prose = [i for i, ln in enumerate(lines) if ln.kind is Kind.PROSE]
    if not prose:
        return None
    blocks: list[list[int]] = [[prose[0]]]
    for a, b in itertools.pairwise(prose):
        between = lines[a + 1 : b]
        short = sum(1 for ln in between if ln.kind is not Kind.BLANK)
        if short > MAX_GAP or any(ln.kind is Kind.BOILERPLATE for ln in between):
            blocks.append([b])
        else:
            blocks[-1].append(b)
    best = max(blocks, key=lambda bl: sum(len(lines[i].text) for i in bl))
    first, last = best[0], best[-1]
    seen = 0
    for j in range(last + 1, len(lines)):
        ln = lines[j]
        if ln.kind is Kind.BLANK:
            continue
        if ln.kind is Kind.BOILERPLATE or seen >= MAX_GAP:
            break
        seen += 1
        if CLOSING_MARK.match(ln.text):
            last = j
            break
    return first, last


def read_page(text: str) -> Page:
    """Find the article of a page saved as text, and its headline, date and publisher.

    When the page has no navigation at all (no boilerplate line), it is taken whole: only
    the surrounding blank space is left out. A page with navigation but no prose keeps what is
    not navigation, edge to edge (empty when nothing is left).
    """
    lines = split_lines(text)
    has_nav = any(ln.kind is Kind.BOILERPLATE for ln in lines)
    keep = [ln for ln in lines if ln.kind is not Kind.BLANK]
    if has_nav:
        keep = [ln for ln in keep if ln.kind is not Kind.BOILERPLATE]
    if not keep:
        return Page(0, 0, None, None, None, stripped=has_nav)
    span = _article_lines(lines)
    tail: list[Line] = []
    if span is None:
        head = lines  # no prose: every line may hold the title or the date
        start, end = keep[0].start, keep[-1].end
    elif not has_nav:
        head = lines[: span[0]]
        start, end = keep[0].start, keep[-1].end
    else:
        head, tail = lines[: span[0]], lines[span[1] + 1 :]
        start, end = lines[span[0]].start, lines[span[1]].end
    publisher = _publisher(head, tail if span is not None else lines)
    title = _title(head, publisher)
    if title is None and not has_nav and keep[0].kind is Kind.SHORT:
        title = keep[0].text
    return Page(start, end, title, _date(head, tail), publisher, stripped=has_nav)


def trim_edges(text: str, start: int = 0, end: int | None = None) -> tuple[int, int]:
    """Leave out navigation lines at the two ends of ``text[start:end]``.

    For bodies that came with a header: only the edges are touched, so the release itself,
    with its date line and subheadings, stays whole. A section label at the top that the
    bottom links back to ("Press Releases" ... "Back to Press Releases", 「報道発表」 ...
    「報道発表へ戻る」) goes too.
    """
    end = len(text) if end is None else end
    lines = [ln for ln in split_lines(text[start:end]) if ln.kind is not Kind.BLANK]
    labels = set()
    for ln in lines:
        m = _BACKLINK.match(ln.text)
        if m and (m["en"] or m["ja"]):
            labels.add((m["en"] or m["ja"]).strip().lower())
    i, j = 0, len(lines)
    while i < j and (lines[i].kind is Kind.BOILERPLATE or lines[i].text.lower() in labels):
        i += 1
    while j > i and lines[j - 1].kind is Kind.BOILERPLATE:
        j -= 1
    if i == j:
        return start, start
    return start + lines[i].start, start + lines[j - 1].end


def count_boilerplate(text: str) -> int:
    """How many lines of ``text`` are navigation, widgets or footers."""
    return sum(1 for ln in split_lines(text) if ln.kind is Kind.BOILERPLATE)


def _date(head: list[Line], tail: list[Line]) -> dt.date | None:
    for ln in reversed(head):
        if ln.kind is not Kind.BLANK and (d := is_date_line(ln.text)):
            return d
    for ln in tail:
        if ln.kind is not Kind.BLANK and (d := is_date_line(ln.text)):
            return d
    return None


def _title_candidate(ln: Line, publisher: str | None) -> bool:
    s = ln.text
    if ln.kind in (Kind.BLANK, Kind.BOILERPLATE) or len(s) < 6 or s.endswith(":"):
        return False
    if _BULLET.match(s) or _BRACKETED.match(s) or is_date_line(s):
        return False
    return publisher is None or s != publisher


def _title(head: list[Line], publisher: str | None) -> str | None:
    """The headline, next to the page's date line, else the longest line of the head.

    News sites put the headline just above the date line (sometimes with a label or the
    office's name between), blogs just below it: the longest candidate among the few lines
    above, back to the navigation, and the first line below wins (names and labels are short).
    """
    dates = [i for i, ln in enumerate(head) if ln.kind is not Kind.BLANK and is_date_line(ln.text)]
    for i in dates[::-1]:
        near: list[Line] = []
        for ln in [ln for ln in head[:i] if ln.kind is not Kind.BLANK][::-1][:TITLE_WINDOW]:
            if ln.kind is Kind.BOILERPLATE or is_date_line(ln.text):
                break
            if _title_candidate(ln, publisher):
                near.append(ln)
        near += [ln for ln in head[i + 1 :] if _title_candidate(ln, publisher)][:1]
        if near:
            return max(near, key=lambda ln: len(ln.text)).text
    candidates = [ln for ln in head if _title_candidate(ln, publisher)]
    if not candidates:
        return None
    return max(reversed(candidates), key=lambda ln: len(ln.text)).text


def _publisher(head: list[Line], tail: list[Line]) -> str | None:
    """The site or agency: a bracketed banner, the mailing's sender, an agency's name in the
    banner, a short line the page repeats, or the copyright holder."""
    for ln in head:
        m = _BRACKETED.match(ln.text)
        if m:
            return m["name"].strip()
    for ln in tail:
        m = _ON_BEHALF.search(ln.text)
        if m:
            return m["name"].strip()
    banner = [ln for ln in head if ln.kind is not Kind.BLANK][:8]
    for ln in banner:
        if _AGENCY.match(ln.text):
            return ln.text
    seen: dict[str, int] = {}
    for ln in head:
        if ln.kind is Kind.SHORT and 2 <= len(ln.text) <= 40 and not is_date_line(ln.text):
            seen[ln.text] = seen.get(ln.text, 0) + 1
    repeated = [s for s, n in seen.items() if n > 1]
    if repeated:
        return repeated[0]
    for ln in tail:
        m = _COPYRIGHT.match(ln.text)
        if m:
            return m["name"].strip()
    return None
