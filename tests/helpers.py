"""Small helpers shared by several test modules (fixtures live in conftest.py)."""

from __future__ import annotations

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
