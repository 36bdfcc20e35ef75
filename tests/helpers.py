"""Small helpers shared by several test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from faqkb.search import Searcher


def answers(index: Path, probes: list[str]) -> list[list[str]]:
    """The ids the index at ``index`` answers each probe with: equal lists mean the live
    index answers exactly as before."""
    s = Searcher(index)
    try:
        return [[h.id for h in s.search(q, limit=10).hits] for q in probes]
    finally:
        s.close()


def built_before(index: Path, dest: Path, *names: str) -> Path:
    """A copy of ``index`` at ``dest`` whose live version lacks the files ``names`` (each checked
    present first): an index built before the build wrote them."""
    from faqkb.index import current_version

    version = current_version(index)
    assert version is not None and all((version / n).is_file() for n in names)
    shutil.copytree(index, dest)
    for n in names:
        (dest / version.name / n).unlink()
    return dest


def same_answers_built_before(index: Path, dest: Path, names: tuple[str, ...], cache: str,
                              typed: list[str]) -> list:
    """The panel's answers to ``typed`` from ``index`` and from a copy built before the files
    ``names`` (built_before): the copy makes them at its first query that reads them, once
    (Searcher.cache_info()[cache]: held, made), and answers every search as ``index`` does.
    Returns the answers (from ``index``) for the caller's own checks."""
    from faqkb.search import Searcher

    old = built_before(index, dest, *names)
    got = []
    for where, made in ((index, 0), (old, len(names))):
        s = Searcher(where)
        assert s.cache_info()[cache] == (0, 0)
        got.append([s.search(q, prefix=True) for q in typed])
        assert s.cache_info()[cache] == (len(names), made), where
        s.close()
    assert got[0] == got[1]
    return got[0]


def run_concurrently(work: Callable[[int], None], threads: int) -> list[BaseException]:
    """Runs ``work(i)`` in ``threads`` threads at once; returns what any of them raised."""
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            work(i)
        except BaseException as e:
            errors.append(e)

    ts = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return errors
