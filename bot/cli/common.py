"""What the command groups share: loading the model and the index, dates as arguments."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from index.model.embed import Embedder
    from index.retrieval.search import Retriever


def date_arg(value: str) -> dt.date:
    from index.ingest.dates import parse_date

    parsed = parse_date(value)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (use YYYY-MM-DD)")
    return parsed


def path_args(parser: argparse.ArgumentParser) -> None:
    """``--corpus`` and ``--index``, as the commands that read or write both take them."""
    parser.add_argument("--corpus", help="corpus folder (default: SECBRIEF_CORPUS_DIR or corpus/)")
    parser.add_argument("--index", help="index folder (default: SECBRIEF_INDEX_DIR or data/index)")


def load_embedder(settings: Settings) -> Embedder:
    from index.model.embed import load_embedder as load

    return load(settings.model)


def load_retriever(settings: Settings, embedder: Embedder | None = None) -> Retriever:
    from index import store
    from index.retrieval.search import Retriever

    store.resolve(settings.index_dir)  # no index: say so before loading the model
    return Retriever.load(settings.index_dir, embedder or load_embedder(settings))


def prepare_lexicon() -> None:
    """Distill the word translations now, so the first question does not wait for them."""
    from index.retrieval.lexicon import open_lexicon
    from index.tokenize import JapaneseEnglishTokenizer

    open_lexicon(JapaneseEnglishTokenizer())
