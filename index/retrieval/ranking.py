"""The ranking's knobs, what scoring one question produces, and two helpers the scoring shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from index.ingest.dates import Period

if TYPE_CHECKING:
    from index.retrieval.query import Query


@dataclass(frozen=True)
class SearchParams:
    """Knobs of the ranking; the defaults are the ones measured best on the dev set."""

    mode: str = "hybrid"  # hybrid | dense | bm25
    rrf_k: float = 60.0
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    candidates: int = 200
    # added to the fused score of releases from the question's period: more than any fused
    # score, so a time named is a constraint (that time's releases first, others after them)
    date_bonus: float = 1.0
    # passages from one release (2 measured worse once passages stopped overlapping: the
    # answer beside a shown passage lost its place to another release)
    per_doc: int = 3
    min_other: int = 2  # passages in the other language among the first five
    other_ratio: float = 0.5
    # BM25 matches in other-language releases are only stray acronyms ("EDD", "ACM")
    bm25_same_lang: bool = True  # ... when they score at least this share of the best passage
    passage_chars: int = 800
    lang_norm: bool = True  # rank dense scores within each language, so both compete
    # BM25 cannot match across languages. When the best same-language passage holds less than
    # coverage_pivot of the question's BM25 weight, other-language passages get their dense
    # share again, up to impute_cross times, as the missing BM25 evidence.
    impute_cross: float = 3.0
    coverage_pivot: float = 0.6
    # When the question names its time, the date preference handles it: BM25 and the dense
    # query match the rest (else every release's dateline outranks the answering sentence).
    bm25_drop_dates: bool = True
    dense_drop_dates: bool = True
    meeting_bonus: float = 0.02  # added for releases of the meeting the question names
    # ... also when the question names a time (measured worse: the date preference already
    # holds that meeting, and several meetings share a week), or only for "the latest EDD"
    meeting_with_time: bool = False
    # "the latest EDD": the newest round of the series the question names gives it its time
    # (Retriever._latest_as_time), a constraint like a time the question writes out
    latest_as_time: bool = True
    # units of the named time's releases scored by the model beyond the nearest-neighbour
    # search's depth (Retriever._score_period), at most this many
    period_units: int = 20_000
    # The other-language slots among the first five go first to the other language's
    # releases of that event (Retriever._event_siblings ranks their sentences within it,
    # against their counterparts in the question's language, weighted by event_novelty).
    event_slots: bool = True
    event_novelty: float = 0.5
    # Releases are ranked too, by the mean similarity of their three best units (within each
    # language, as units are), and fused with this weight: a release about the question as a
    # whole outranks one with a single sentence that happens to match (Retriever._release_ranks).
    release_weight: float = 1.0
    # added for releases of the body the question asks to be quoted from ("according to MOFA",
    # 「防衛省の発表」; index.ingest.publishers)
    publisher_bonus: float = 0.02
    # A unit without a whole sentence (a heading, a photo caption, a link line) rarely answers:
    # its fused score is cut by this share, so the sentences around it come first.
    fragment_penalty: float = 0.2
    # Words of the question that its own language lacks (in the releases from the time it
    # names, else in the releases of its translate_context best passages), translated by the
    # dictionary (index.retrieval.lexicon), rank other-language passages as a third list of this
    # weight (index.retrieval.crosslingual). A word is used when at most translate_readings of
    # its translations occur in the other language's passages, and its translation stands in at most
    # translate_units other-language passages about the question (of the named time's
    # releases, else of the releases of the translate_scope best passages).
    translate_weight: float = 1.0
    translate_readings: int = 1
    translate_context: int = 20
    translate_units: int = 1
    translate_scope: int = 20
    # A misspelt word one edit from a word of the corpus is read as that word
    # (index.retrieval.spelling)
    spelling: bool = True
    # chat shorthand written out ("fm mtg" -> "foreign minister meeting"; query.written_out)
    chat_shorthand: bool = True
    # ... unless one release (of the time the question names) holds name_terms of the names
    # it gives (people, places: Declining._names_what_a_release_reports)
    name_terms: int = 2
    # Decline when the best passage is no closer than off-topic probes get (index.store.probes),
    # or the question names a time no release is from.
    decline: bool = True
    noise_margin: float = 0.0
    # A question asking for an amount, a percentage, a head count or the next meeting is
    # declined when none of this many best passages (from the time it names, if any) states
    # one (index.retrieval.answertype).
    figure_depth: int = 10
    # A question naming a meeting series and a time is declined when the corpus holds no
    # round of that series then; the decline lists the rounds it holds.
    round_check: bool = True
    # A question naming a meeting by partner countries (「日英」, "Japan-India") that no meeting
    # of the catalogue, nor any release's partner prefix, joins is declined, saying so.
    partner_check: bool = True


@dataclass(frozen=True)
class Scores:
    """Everything one question's scoring produced (so concurrent questions share nothing)."""

    ranked: list[Scored]  # candidates, best first
    dense: np.ndarray  # cosine of every unit (-1 where not computed)
    bm25: np.ndarray  # BM25 of every unit
    qvec: np.ndarray  # the query embedding
    terms: list[str]  # BM25 query terms
    lang: str  # the question's language
    translated: np.ndarray | None = None  # other-language evidence from translated words
    translated_terms: frozenset[str] = frozenset()  # the translations that matched
    # each translation that matched (as BM25 terms) -> the question's words it stands for
    translations: dict[tuple[str, ...], str] = field(default_factory=dict)
    period: Period | None = None  # the time the question names
    sought: str | None = None  # what the answering sentence holds (answertype.sought)
    # the other language's units of the event the best passage reports, ranked within it
    siblings: list[Scored] = field(default_factory=list)
    # the releases of that event (both languages), as document indices
    event: tuple[int, ...] = ()
    query: Query | None = None  # the question as parsed (index.retrieval.query)


@dataclass(frozen=True)
class Scored:
    """A candidate unit with its scores (exposed for evaluation and calibration)."""

    unit: int
    fused: float
    dense: float
    bm25: float


def rrf(values: np.ndarray, depth: int, k: float) -> np.ndarray:
    """Reciprocal-rank contributions of the ``depth`` best finite values, zero elsewhere."""
    out = np.zeros(len(values), dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.any():
        return out
    count = min(depth, int(finite.sum()))
    top = (
        np.argpartition(-values, count - 1)[:count]
        if count < len(values)
        else np.arange(len(values))
    )
    top = top[np.argsort(-values[top], kind="stable")]
    top = top[np.isfinite(values[top])]
    out[top] = 1.0 / (k + 1.0 + np.arange(len(top)))
    return out
