"""Building an index version from a KnowledgeBase (the query side is engine/ and
search.py; the two share only the on-disk layout, layout.py, and the pure pieces below it).

    pipeline.py       build_index: the stages in order, a version aside, verified, switched
    store.py          the index folder: records, lock, temp dir, CURRENT switch, cleanup
    analyse.py        the analysis of a range of entries (what a build worker does)
    layouts.py        what a hit shows: compact marks, plain answer, snippet layout (in the workers)
    writer.py         whoosh's stored documents, the highlighting marks, entries.json
    impact_writer.py  the impact arrays (impact.py reads them)
    vocabulary.py     the lexicon and did-you-mean's tables
    stages.py         own-question scores, the topic model, the verify step
    workers.py        forked workers (loading and building)
    measure.py        each stage's time and memory, logged

kb_fingerprint (kbase/fingerprint.py) is re-exported here for the callers that always took it
from the build. Importing this package imports nothing else until a name is used (as
faqkb/__init__.py): a command that does not build (`faqkb search`, `show`) never loads the
builder, and a command that does loads what the build needs when it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..kbase.fingerprint import kb_fingerprint

if TYPE_CHECKING:
    from .measure import BuildStages
    from .pipeline import auto_procs, build_index

__all__ = ["BuildStages", "auto_procs", "build_index", "kb_fingerprint"]
_WHERE = {"BuildStages": "measure", "auto_procs": "pipeline", "build_index": "pipeline"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        from importlib import import_module

        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
