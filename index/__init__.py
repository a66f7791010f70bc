"""secbrief core: read, index and search security press releases. Never imports discord.

One subpackage per stage of the pipeline, each importing only the stages before it (checked by
``tests/test_imports.py``), over shared basics at this level (``errors``, ``schema``, ``text``,
``tokenize``):

1. ``ingest``: reading releases (decoding, HTML/PDF, raw pages, dates, publishers);
2. ``model``: the embedding model and its cache;
3. ``meetings``: which meeting each release reports, the catalogue of events, summaries;
4. ``store``: the on-disk index (units, BM25, manifest, atomic switch) and the build;
5. ``retrieval``: answering a question from a loaded index.

The store comes before retrieval because retrieval reads what the store loads.
"""

__version__ = "0.1.0"
