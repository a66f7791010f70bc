"""Reading releases: decoding files, HTML/PDF and raw saved pages, dates and publishers.
The first stage: it imports only the package's shared basics (errors, schema, text)."""
