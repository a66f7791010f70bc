"""Which meeting a release reports: extraction, the catalogue grouping releases of one meeting
(events), key sentences and summaries. Imports ingest and the shared basics."""
