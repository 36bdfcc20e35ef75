"""Forked worker processes for builds.

The parent loads what the work needs (jieba's dictionary, the pinyin table, the kb's
entries) and then forks: the workers inherit it instead of loading it again or receiving
it through a pipe, and send back only their results, in order. Used by `faqkb build`
(never by a query); where fork is unavailable, or for one process, the work runs here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_STATE: Any = None  # what the workers inherit: set just before the fork


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc
        return None


def give_back() -> None:
    """Return the free pages of the C heap to the system (glibc's ``malloc_trim``; nothing
    elsewhere). A build frees hundreds of MB of small objects between its stages, and glibc
    keeps the freed pages resident: at 20k entries ~90 MB after the analysis and ~80 MB after
    the lexicon stage. A forked worker's RSS starts from its parent's, so the pages are given
    back before every fork too (fork_map). Changes no object: only how much stays resident."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _call(task: tuple[Callable[[Any, Any], Any], Any]) -> Any:
    fn, arg = task
    return fn(_STATE, arg)


def fork_map(fn: Callable[[Any, T], R], state: Any, args: Sequence[T], procs: int) -> Iterator[R]:
    """``fn(state, arg)`` for each of ``args``, yielded in order, computed by up to ``procs``
    forked workers that inherit ``state``. ``fn`` must be a module-level function (it is
    named to the workers, not pickled whole) and return picklable values: an exception in
    a worker is re-raised here, so it must pickle too (KBError does not: return problems
    as values). Once the workers are forked, this holds ``state`` no more: a caller that
    holds no reference of its own frees it in this process while the workers use theirs."""
    import multiprocessing  # builds only: keep it off the query path

    if procs <= 1 or len(args) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for a in args:
            yield fn(state, a)
        return
    global _STATE
    _STATE = state
    del state  # from here only _STATE holds it, and only until the workers are forked
    give_back()  # the workers start from what is resident here
    try:
        with multiprocessing.get_context("fork").Pool(min(procs, len(args))) as pool:
            # Every worker is forked by now (Pool starts them all at once) with its own copy:
            # a caller that let go of the state (read_as_queries) has it freed here.
            _STATE = None
            yield from pool.imap(_call, [(fn, a) for a in args])
    finally:
        _STATE = None


def chunks(n: int, procs: int, per_proc: int = 4, least: int = 64, most: int = 2000) -> list[tuple[int, int]]:
    """[start, end) ranges covering ``n`` items: a few per worker (so a slow one does not
    hold up the rest), none smaller than ``least`` items nor larger than ``most`` (what
    one range's results hold in memory at once)."""
    size = n if procs <= 1 else max(least, -(-n // (procs * per_proc)))
    size = max(1, min(size, most))
    return [(i, min(n, i + size)) for i in range(0, n, size)]
