"""The steps the CLI and the web share: rebuild an index from a kb folder (with the process's
garbage-collector policy for a build; `settle` is serving's), tell whether an index matches
its kb, and open a searcher on an index that is known to match (rebuilding if allowed).
The builder and the engine are imported by the step that uses them: a process that only
searches never loads build/."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import REBUILD, IndexNotReady
from .kbase.fingerprint import kb_fingerprint
from .layout import IndexInfo, live_info

if TYPE_CHECKING:
    from .search import Searcher


def rebuild(kb_dir: Path, index_dir: Path, procs: int | None = 1, *, fingerprint: str | None = None) -> IndexInfo:
    """Load and validate kb/ (raising KBErrors before anything is written), then build.
    ``fingerprint``, if the caller already hashed kb/, must be taken before the load.
    ``procs``: worker processes (None: build.auto_procs decides by the kb's size).

    The cyclic garbage collector is off for the build, in this process and the workers it
    forks: a build makes millions of small objects and next to no cycles, and the collector
    only walked them again and again (most of what the builder spent receiving a large kb
    from its workers). It is back on, as it was, when the build ends or fails."""
    from .build import BuildStages, auto_procs, build_index
    from .kbase.load import load_kb

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        stage = BuildStages()
        fingerprint = fingerprint or kb_fingerprint(kb_dir)
        stage("fingerprint")
        if procs is None:  # by the kb's size: its entry files, counted without reading them
            procs = auto_procs(sum(1 for _ in Path(kb_dir).glob("*/*.yaml")))
        kb = load_kb(kb_dir, procs)
        stage("load")
        # The kb was loaded for this build alone: the build may drop what it has read of it.
        return build_index(kb, index_dir, fingerprint=fingerprint, procs=procs, hand_over=True)
    finally:
        if was_enabled:
            gc.enable()


def settle(replaced: bool = False) -> None:
    """The serving process's garbage-collector policy, called by a Searcher opened here
    (``on_load``) when a version or one of its parts has loaded: put every object alive
    now beyond the collector's reach (gc.freeze). An index version is hundreds of
    thousands of long-lived objects (entries, the speller's map; 290k at 10k entries) that
    every full collection walked: 120 ms at 10k entries, paid by whichever query's
    allocations set it off. Frozen objects are still freed by reference counting; only
    garbage cycles among them would stay, so when a version replaces another
    (``replaced``), everything is given back to the collector once (gc.unfreeze),
    collected, and the live state frozen again. A library caller's Searcher leaves its
    process's collector alone unless it passes ``on_load=settle`` too."""
    if replaced:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


@dataclass(frozen=True)
class Freshness:
    """Whether an index matches its kb, with the kb's fingerprint taken once for both the
    check and the rebuild that may follow (a kb edited in between is then rebuilt again)."""
    fingerprint: str | None  # None: no kb folder to compare with (serve what was built)
    stale: str | None        # why the index does not match (missing, stale); None: it matches


def freshness(kb_dir: Path, index_dir: Path) -> Freshness:
    """Raises FaqkbError if kb/ cannot be hashed (e.g. the folder is no longer a kb)."""
    fingerprint = kb_fingerprint(kb_dir) if Path(kb_dir).is_dir() else None
    return Freshness(fingerprint, staleness(kb_dir, index_dir, fingerprint=fingerprint) if fingerprint else None)


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
    """A Searcher on ``index_dir``, rebuilt first from ``kb_dir`` if it does not match (or
    IndexNotReady when ``build`` is false)."""
    fresh = freshness(kb_dir, index_dir)
    if fresh.stale:
        if not build:
            raise IndexNotReady(f"{fresh.stale}; {REBUILD} (or search without --no-build)")
        rebuild(kb_dir, index_dir, fingerprint=fresh.fingerprint)
    from .search import Searcher

    return Searcher(index_dir, on_load=settle)
