"""The query side, the reader of an index version: `searcher` opens a version and runs a
search through the modules beside it (query: what a query asks; ranking, coverage, stems,
didyoumean, relevance: scoring; answered: whether the first hit answers; hits: how a hit is
shown; explain). It shares only the on-disk layout (layout.py), the fields and the pure
query plan with the build (tests/test_one_place.py). Imports nothing eagerly."""
