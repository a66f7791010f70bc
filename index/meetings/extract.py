"""Find the meeting(s) one release reports: format, partners, date, place and participants.

A release reports the meeting its title names, or, when the title names none, the meetings its
body says were held ("convened", "met with", 「会談を行いました」, 「実施しました」) or describes
("talked to ... over the phone", 「…との懇談」). Meetings it only mentions in passing
(「2+2」に引き続き, "followed the 2+2", 「2+2」を踏まえ, "the EDD's activities", "visiting Laos to
attend the ADMM-Plus") are left out, so a release never becomes a source of a meeting it only
refers to (:mod:`index.meetings.cues`). Partners come from a prefix (日米豪, "Japan-Canada"),
else from the participants and the countries named near the meeting, read as one side's
release: a minister it names without a country is the publisher's own, "his Japanese
counterpart" the other side, a country named as a place no partner. The date comes from
:mod:`index.meetings.when`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from index.ingest.publishers import site_country
from index.meetings.countries import NOT_GUESSED, countries_named, country_hits, sort_countries
from index.meetings.cues import (
    HELD,
    PARTICIPANT_CUE,
    TODAY,
    VERBAL_EN,
    VERBAL_JA,
    counterpart,
    family_of,
    passing,
)
from index.meetings.names import Kind, NameMention, name_mentions
from index.meetings.people import Person, merge_people, people, place_in
from index.meetings.when import meeting_date
from index.schema import Document
from index.text import sentence_spans


@dataclass
class Mention:
    """A meeting named or described in one sentence (or in the title)."""

    kind: Kind
    countries: list[str]
    from_prefix: bool
    abbr: str | None
    parties: int | None
    sentence: int  # -1: the title
    start: int  # offsets in that sentence
    end: int
    held: bool
    people: list[Person] = field(default_factory=list)
    counterpart: str | None = None  # "met his Japanese counterpart": JP
    context: str = ""  # its sentence without the meetings it recalls in passing


@dataclass
class Found:
    """One meeting as one release reports it."""

    doc: int
    kind: Kind
    countries: list[str]
    from_prefix: bool
    abbr: str | None
    date_start: dt.date
    date_end: dt.date
    strong: bool  # the date is written out (not "today" or the release date)
    place: str | None
    people: list[Person]
    region: list[tuple[int, int]] | None  # spans of the release about this meeting; None: all


def _resolve(person: Person, known: list[Person]) -> Person:
    """Fill in a person's country and role from a fuller mention of them elsewhere."""
    if person.country and person.role != "other":
        return person
    for other in known:
        if other is not person and other.lang == person.lang and other.names & person.names:
            return replace(
                person,
                country=person.country or other.country,
                role=person.role if person.role != "other" else other.role,
            )
    return person


def _sentence_people(text: str, known: list[Person]) -> list[tuple[int, Person]]:
    """People in a sentence with their positions: titled ones, and surnames met before."""
    found: list[tuple[int, Person]] = []
    for p in people(text):
        found.append((max(0, text.find(p.text[:10])), _resolve(p, known)))
    for p in known:
        if any(p.same(q) for _, q in found):
            continue
        for name in p.names:
            m = re.search(
                rf"(?<![\w\u30a0-\u30ff]){re.escape(name)}(?![\w\u30a0-\u30ff])", text, re.I
            )
            if m and len(name) > 1:
                found.append((m.start(), p))
                break
    return sorted(found, key=lambda x: x[0])


def _sides(persons: list[Person]) -> int:
    """At most how many sides ``persons`` stand for (one per country; unknown: one each)."""
    known = {p.country for p in persons if p.country}
    return max(2, len(known) + sum(1 for p in persons if not p.country))


def _mentions_in(text: str, sentence: int, known: list[Person]) -> list[Mention]:
    named = _named(text)
    held = bool(HELD.search(text) or TODAY.search(text))  # "my meeting with ... today was"
    all_people = _sentence_people(text, known)
    other = counterpart(text)
    title = sentence < 0
    recalled = [(a, b) for a, b, _ in named if passing(text, a, b, title)]
    context = _blank(text, recalled)  # its countries are not this meeting's
    out: list[Mention] = []
    for start, end, m in named:
        if (start, end) in recalled or text[max(0, start - 1) : start] == "同":
            continue  # 「同閣僚会合」 refers back to a meeting named before
        cut = next(
            (s for s, _, _ in named if s > end and passing(text, s, s + 1, title)), len(text)
        )
        persons = [p for pos, p in all_people if pos < cut]
        if m is None:
            kind, countries, abbr, parties = Kind("meeting"), [], None, None
        else:
            kind, countries, abbr, parties = m.kind, list(m.countries), m.abbr, m.parties
        if kind.family == "meeting" and persons:
            kind = Kind(family_of(persons, counterpart=bool(other and other.sides)))
            parties = parties or (other.sides if other else None)
            if m is None and len(persons) >= 2:  # no more sides than the people it names
                parties = parties or _sides(persons)
        out.append(
            Mention(
                kind, countries, bool(countries), abbr, parties, sentence, start, end, held,
                persons, other.country if other and m is None else None, context,
            )
        )  # fmt: skip
    return out


def _named(text: str) -> list[tuple[int, int, NameMention | None]]:
    """The meetings a sentence names, and those it describes ("met", 「会談を行い」: None)."""
    named: list[tuple[int, int, NameMention | None]] = [
        (m.start, m.end, m) for m in name_mentions(text)
    ]
    for rx in (VERBAL_EN, VERBAL_JA):
        for v in rx.finditer(text):
            if any(a <= v.start() < b or v.start() <= a < v.end() for a, b, _ in named):
                continue
            named.append((v.start(), v.end(), None))
    return sorted(named, key=lambda x: x[0])


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


@dataclass
class _Around:
    """What a release says that helps read its meetings' partners."""

    lead: list[str]  # the headline and the first sentences
    home: str | None  # the publisher's country
    text: str  # the whole release, read only when nothing nearer names a partner

    @cached_property
    def frequent(self) -> list[str]:
        """The countries the release names, most named first."""
        counts = Counter(c for _, c in country_hits(self.text) if c not in NOT_GUESSED)
        return [c for c, _ in counts.most_common()]


def _around(doc: Document, sentences: list[str]) -> _Around:
    return _Around([doc.title, *sentences[:3]], home_country(doc), doc.text)


def _add(found: list[str], countries: Sequence[str], limit: int) -> None:
    for c in countries:
        if c not in found and len(found) < limit:
            found.append(c)


def _fill_countries(mention: Mention, texts: list[str], around: _Around) -> None:
    """Partners of a meeting named without a prefix.

    "His Japanese counterpart" in a release by one side: that side and Japan. Otherwise its
    participants' countries (one whose country is not written is the publisher's own: a release
    names its own minister without a country), then the countries named near it; when that
    gives fewer than two, those the release's lead names, the one the release names most, then
    the publisher's own (a release is written by one side of the meeting it reports).
    """
    if mention.countries:
        return
    other, home = mention.counterpart, around.home
    if other and home and other != home:
        mention.countries = sort_countries([other, home])
        return
    found = sort_countries({p.country for p in mention.people if p.country})
    if len(found) >= 2 and mention.parties is None:
        mention.countries = found
        return
    if home and home not in found and any(p.country is None for p in mention.people):
        found.append(home)  # "Foreign Minister Kang talked to ... Kono of Japan": Kang's
    want = mention.parties or 2
    for i, text in enumerate(texts):
        _add(found, countries_named(text, places=False), mention.parties or (99 if i == 0 else 2))
    for text in around.lead:
        _add(found, countries_named(text, places=False), want)
    if found:
        _add(found, [c for c in around.frequent if c != home][:1], want)
        _add(found, [home] if home else [], want)
    mention.countries = sort_countries(found)


def home_country(doc: Document) -> str | None:
    """The country of the release's publisher, as its publisher line names it ("Official
    Gazette of the Republic of the Philippines"), else as its address does (``mnd.go.kr``); a
    Japanese release without either is taken for a Japanese publisher's."""
    named = countries_named(doc.publisher or "")
    if named:
        return named[0]
    return site_country(doc.url) or ("JP" if doc.lang == "ja" else None)


def countries_compatible(a: list[str], b: list[str]) -> bool:
    """Equal partners, or one side named only one of them (「米国防長官との防衛相会談」)."""
    x, y = set(a), set(b)
    return not x or not y or x == y or (len(x) == 1 and x < y) or (len(y) == 1 and y < x)


def _compatible(a: Mention, b: Mention) -> bool:
    """Whether two mentions in one release can name one meeting. Partners guessed from the
    countries named around a mention (no prefix) are only a guess: they fit a prefix's
    partners they share a partner other than the publisher's side with, and the headline's
    meeting when they name some of its sides."""
    if not a.kind.compatible(b.kind):
        return False
    if countries_compatible(a.countries, b.countries):
        return True
    head, body = (a, b) if a.sentence < 0 else (b, a)
    if head.sentence < 0 <= body.sentence and set(body.countries) < set(head.countries):
        return not body.from_prefix  # the headline's meeting, its host's side not read below
    if a.from_prefix == b.from_prefix:
        return False
    return len(set(a.countries) & set(b.countries) - {"JP"}) >= 1


@dataclass
class _Cluster:
    mentions: list[Mention]

    def takes(self, m: Mention) -> bool:
        """Whether ``m`` names this meeting: it fits every mention of it, or, for the meeting
        the headline names, the headline (the body's guesses of partners may differ)."""
        if all(_compatible(m, x) for x in self.mentions):
            return True
        heads = [x for x in self.mentions if x.sentence < 0]
        kinds = all(m.kind.compatible(x.kind) for x in self.mentions)
        return bool(heads) and kinds and all(_compatible(m, x) for x in heads)

    @property
    def kind(self) -> Kind:
        specific = [m.kind for m in self.mentions if m.kind.family != "meeting"]
        if not specific:
            return self.mentions[0].kind
        topic = next((k for k in specific if k.topic), specific[0])
        return replace(topic, committee=any(k.committee for k in specific))


def extract_document(doc: Document, doc_index: int = 0) -> list[Found]:
    """The meetings ``doc`` reports, each with what this release says about it."""
    text = doc.text
    spans = sentence_spans(text)
    sentences = [text[a:b] for a, b in spans]
    known = people(doc.title) + [p for s in sentences for p in people(s)]
    known = [_resolve(p, known) for p in known]
    title = _mentions_in(doc.title, -1, known)
    body = [m for i, s in enumerate(sentences) for m in _mentions_in(s, i, known)]
    around = _around(doc, sentences)
    for m in title:
        _fill_countries(m, around.lead, replace(around, lead=[]))
    for m in body:
        _fill_countries(m, [m.context, *sentences[m.sentence + 1 : m.sentence + 2]], around)
    clusters: list[_Cluster] = []
    ordered = title + [m for m in body if m.held] + [m for m in body if not m.held]
    if not any(m.sentence == -1 or m.kind.family != "meeting" or m.people for m in ordered):
        # only "we held a meeting": the release is about a meeting of the people it names
        for m in ordered:
            m.kind, m.people = Kind(family_of(known)), known
            _fill_countries(m, [], replace(around, lead=[], text=""))
    for m in ordered:
        home = next((c for c in clusters if c.takes(m)), None)
        if home is not None:
            home.mentions.append(m)
        elif m.sentence == -1 or (m.held and (m.kind.family != "meeting" or m.people)):
            clusters.append(_Cluster([m]))
    found = []
    for cluster in clusters:
        f = _found(doc, doc_index, cluster, clusters, spans, sentences, known)
        if f is not None:
            found.append(f)
    return found


def _found(
    doc: Document,
    doc_index: int,
    cluster: _Cluster,
    clusters: list[_Cluster],
    spans: list[tuple[int, int]],
    sentences: list[str],
    known: list[Person],
) -> Found | None:
    mentions = cluster.mentions
    spots = [(m.sentence, m.start, m.end) for m in mentions]
    headline = any(m.sentence < 0 for c in clusters for m in c.mentions)
    main = not headline or any(m.sentence < 0 for m in mentions)
    date, strong = meeting_date(doc, spots, sentences, cluster.kind.family != "meeting", main)
    if date is None:
        return None
    own = sorted({m.sentence for m in mentions if m.sentence >= 0})
    others = {m.sentence for c in clusters if c is not cluster for m in c.mentions}
    texts = [doc.title] + [sentences[i] for i in own]
    place = next((p for p in (place_in(t) for t in texts) if p), None)
    persons = [p for m in mentions if m.sentence < 0 for p in m.people]
    single = len(clusters) == 1
    for i, s in enumerate(sentences):
        near = own and (i in own or 0 < i - own[0] <= 2) and i not in others
        if (single or near) and PARTICIPANT_CUE.search(s):
            mine = [m for m in mentions if m.sentence == i]
            persons += [p for m in mine for p in m.people] if mine else people(s)
    persons = merge_people([persons])
    prefixed = [m for m in mentions if m.from_prefix]
    source = prefixed or mentions
    countries = max((m.countries for m in source), key=lambda c: len(c))
    japanese = any(p.country == "JP" for p in persons) or home_country(doc) == "JP"
    if len(countries) < 2 and "JP" not in countries and japanese:
        # an organisation's forum Japan attends: "the ASEAN Defence Ministers' Meeting-Plus"
        countries = sort_countries([*countries, "JP"])
    region = None
    if not single and own:
        region = []
        for i in own:
            end = next((j for j in range(i + 1, len(spans)) if j in others), len(spans))
            region.append((spans[i][0], spans[end - 1][1]))
    abbr = next((m.abbr for m in mentions if m.abbr), None)
    return Found(
        doc_index, cluster.kind, countries, bool(prefixed), abbr, date[0], date[1], strong,
        place, persons, region,
    )  # fmt: skip
