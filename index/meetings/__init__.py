"""Which meeting a release reports: extraction, the catalogue grouping releases of one meeting
(events), key sentences, summaries and their timeline picture. Imports ingest and the shared
basics."""
