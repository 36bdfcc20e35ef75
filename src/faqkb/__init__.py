"""faqkb: a multilingual FAQ knowledge base with search.

The core API, shared by the CLI and the web app (a small front door, as sqlite-utils')::

    import faqkb

    kb = faqkb.load_kb("kb")                          # KBErrors lists every problem, located
    faqkb.rebuild(Path("kb"), Path("index"))          # load, build aside, switch atomically
    searcher = faqkb.open_searcher(Path("kb"), Path("index"))   # rebuilt first if stale
    searcher.search("注销 余额", lang="en").hits

Nothing is imported until a name is used, so that ``import faqkb`` costs nothing at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .kbase.load import load_kb
    from .search import Searcher
    from .service import open_searcher, rebuild

__all__ = ["__version__", "load_kb", "rebuild", "open_searcher", "Searcher"]
_WHERE = {"load_kb": "kbase.load", "rebuild": "service", "open_searcher": "service", "Searcher": "search"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        from importlib import import_module

        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
