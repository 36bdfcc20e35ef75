"""`Searcher.explain`'s answer: how a search came to its results (the plan with the index's
additions, the terms scored, each hit's score per field, its BM25F score and coverage,
`answered` and its signals)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..plan import QueryPlan, Term
from .answered import Signals

if TYPE_CHECKING:
    from ..impact import ImpactIndex
    from .ranking import Scored
    from .results import Results
    from .version import Version


@dataclass
class HitExplanation:
    id: str
    score: float                # the ranking's score (Hit.score)
    bm25f: float                # BM25F alone: the result count's cutoff and `answered` ("self") use it (a category named lifts its entries to the cutoff)
    fields: dict[str, float]    # BM25F contribution per field (they sum to ``bm25f``, up to rounding)
    coverage: float             # idf-weighted share of the query's words the entry holds


@dataclass
class Explanation:
    """Searcher.explain's answer."""

    query: str
    plan: QueryPlan | None      # None when the query has no searchable word
    terms: list[Term]           # what was scored: (field, term, boost), capped at MAX_TERMS
    hits: list[HitExplanation]
    signals: Signals            # what `answered` was judged on (engine.answered)
    answered: bool
    suggestion: str | None
    suggestion_searched: str | None  # the correction did-you-mean searched (None: no second search)


def explanation(v: Version, res: Results, trace: dict) -> Explanation:
    """``res`` explained with what its search left in ``trace`` ("plan", "scored",
    "suggestion_searched")."""
    scored: Scored | None = trace.get("scored")
    hits = []
    for h in res.hits:
        doc = v.ids.index(h.id) if v.own_marks else None
        fields: dict[str, float] = {}
        raw = coverage = 0.0
        if scored is not None and doc is not None:
            fields = per_field(scored.imp, scored.terms, doc)
            raw, coverage = float(scored.bm25f[doc]), (float(scored.coverage[doc])
                                                     if scored.coverage is not None else 0.0)
        hits.append(HitExplanation(h.id, h.score, raw, fields, coverage))
    return Explanation(res.query, trace.get("plan"), scored.terms if scored else [], hits,
                       Signals(**res.signals), res.answered, res.suggestion, trace.get("suggestion_searched"))


def per_field(imp: ImpactIndex, terms: list[Term], doc: int) -> dict[str, float]:
    """Document ``doc``'s BM25F score per field for ``terms``."""
    import numpy as np

    out: dict[str, float] = {}
    for f in dict.fromkeys(f for f, _, _ in terms):
        rows = [(r, b) for ff, t, b in terms if ff == f and (r := imp.terms[f].get(t)) is not None]
        if rows:
            got = imp.at(f, np.asarray([r for r, _ in rows]), np.full(len(rows), doc))
            out[f] = float((got * np.asarray([b for _, b in rows])).sum())
    return out
