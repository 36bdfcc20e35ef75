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

from typing import TYPE_CHECKING, Any

from .engine.params import MAX_LIMIT, MAX_PAGE, MAX_QUERY_CHARS, check_params

if TYPE_CHECKING:
    from .engine.explain import Explanation, HitExplanation
    from .engine.results import Hit, Results
    from .engine.searcher import Searcher

__all__ = ["MAX_LIMIT", "MAX_PAGE", "MAX_QUERY_CHARS", "Explanation", "Hit", "HitExplanation", "Results",
           "Searcher", "check_params"]
# The bounds are imported at once (the CLI's options and the web's checks use them); the rest
# when first used, so a command that never searches (build, check, --help) loads no engine.
_WHERE = {"Explanation": "explain", "HitExplanation": "explain", "Hit": "results", "Results": "results",
          "Searcher": "searcher"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        from importlib import import_module

        return getattr(import_module(f".engine.{_WHERE[name]}", __name__.rpartition(".")[0]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
