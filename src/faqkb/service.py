"""The steps the CLI and the web share: rebuild an index from a kb folder, and open a
searcher on an index that is known to match its kb (rebuilding if allowed)."""

from __future__ import annotations

from pathlib import Path

from .errors import IndexNotReady
from .index import IndexInfo, auto_procs, build_index, kb_fingerprint, live_info
from .search import Searcher


def rebuild(kb_dir: Path, index_dir: Path, procs: int | None = 1, *, fingerprint: str | None = None) -> IndexInfo:
    """Load and validate kb/ (raising KBErrors before anything is written), then build.
    ``fingerprint``, if the caller already hashed kb/, must be taken before the load.
    ``procs``: worker processes (None: index.auto_procs decides by the kb's size)."""
    from .index import BuildStages
    from .kbase.load import load_kb

    stage = BuildStages()
    fingerprint = fingerprint or kb_fingerprint(kb_dir)
    stage("fingerprint")
    if procs is None:  # by the kb's size: its entry files, counted without reading them
        procs = auto_procs(sum(1 for _ in Path(kb_dir).glob("*/*.yaml")))
    kb = load_kb(kb_dir, procs)
    stage("load")
    return build_index(kb, index_dir, fingerprint=fingerprint, procs=procs)


def staleness(kb_dir: Path, index_dir: Path, *, fingerprint: str | None = None) -> str | None:
    """Why the index does not match the kb (missing, stale), or None if it matches."""
    if not Path(kb_dir).is_dir():
        return None  # nothing to compare with: serve what was built
    info = live_info(index_dir)
    if info is None:
        return f"no index at {index_dir}"
    if info.fingerprint != (fingerprint or kb_fingerprint(kb_dir)):
        return f"the index at {index_dir} is stale: {kb_dir} changed since it was built"
    return None


def open_searcher(kb_dir: Path, index_dir: Path, *, build: bool = True) -> Searcher:
    # Hash kb/ once: the same fingerprint decides staleness and labels the rebuild.
    fingerprint = kb_fingerprint(kb_dir) if Path(kb_dir).is_dir() else None
    why = staleness(kb_dir, index_dir, fingerprint=fingerprint)
    if why:
        if not build:
            raise IndexNotReady(f"{why}; run `faqkb build` (or search without --no-build)")
        rebuild(kb_dir, index_dir, fingerprint=fingerprint)
    return Searcher(index_dir)
