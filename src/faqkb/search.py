"""The query side's front door: `Searcher` and what a search takes and gives back, under the
name the CLI, the web, service.py, tools and benches import. The code is in engine/
(docs/design.md: engine/searcher.py opens and follows a version; a search's steps are the
modules beside it).

Queries are plain text. Quoted parts must match as phrases; nothing else in a query is
syntax, so no wildcard, regex or fuzzy operator can blow up. Terms are looked up in
fields per script (engine/fields.py) and ranked with BM25F; the question and its
alternative phrasings weigh above the answer, because FAQ search is mostly matching a
phrasing.
"""

from __future__ import annotations

from .engine.explain import Explanation, HitExplanation
from .engine.params import MAX_LIMIT, MAX_PAGE, MAX_QUERY_CHARS, check_params
from .engine.results import Hit, Results
from .engine.searcher import Searcher

__all__ = ["MAX_LIMIT", "MAX_PAGE", "MAX_QUERY_CHARS", "Explanation", "Hit", "HitExplanation", "Results",
           "Searcher", "check_params"]
