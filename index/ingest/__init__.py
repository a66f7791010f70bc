"""Reading releases: decoding files, HTML/PDF and raw saved pages, dates and publishers, and
fetching them (safe addresses, robots.txt, feeds and listing pages, the HTTP client).
The first stage: it imports only the package's shared basics (errors, schema, text)."""
