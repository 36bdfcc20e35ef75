"""Retrieval metrics over golden queries: MRR@k, nDCG@k, Recall@k, success@1/3.

Used by `faqkb eval` (and its CI floor) and by the benchmarks, so every figure we quote
is computed one way."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .search import Searcher

K = 10


@dataclass
class Query:
    text: str
    expect: list[str]      # relevant ids, best first
    lang: str = ""
    kind: str = ""
    # a question with two intents (issue 19's combo kind): the ids answering each one
    a: list[str] = field(default_factory=list)
    b: list[str] = field(default_factory=list)
    # a half-typed query (kind prefix): the question it was cut from, for the figures by cut
    full: str = ""


# How much of its question a half-typed query holds: a set cut at a uniform keystroke has as many
# cuts of a few letters, which say nothing yet, as nearly whole ones; its total alone hides which.
CUTS = ((0.25, "cut <25%"), (0.5, "cut 25-50%"), (0.75, "cut 50-75%"), (math.inf, "cut >=75%"))


def cut_of(q: Query) -> str:
    """The CUTS group of a half-typed query ("" for a query with no ``full``)."""
    if not q.full:
        return ""
    typed = len(q.text) / max(1, len(q.full))
    return next(name for bound, name in CUTS if typed < bound)


def load_queries(path: str | Path) -> list[Query]:
    """Golden queries from YAML (`- {q, lang, kind, expect}`) or bench JSONL
    (`{"text", "lang", "relevant"}`)."""
    path = Path(path)
    text = path.read_text("utf-8")
    if path.suffix == ".jsonl":
        import json

        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        return [Query(r["text"], list(r["relevant"]), r.get("lang", ""), r.get("split", "")) for r in rows]
    import yaml

    return [Query(str(r["q"]), list(r["expect"]), r.get("lang", ""), r.get("kind", ""),
                  list(r.get("a") or []), list(r.get("b") or []), str(r.get("full") or ""))
            for r in yaml.safe_load(text)]


def metrics(ranked: list[str], relevant: list[str], k: int = K) -> dict[str, float]:
    rel = set(relevant)
    top = ranked[:k]
    first = next((i for i, d in enumerate(top) if d in rel), None)
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(top) if d in rel)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(rel), k)))
    return {"mrr": 1 / (first + 1) if first is not None else 0.0,
            "ndcg": dcg / ideal if ideal else 0.0,
            "recall": len(rel & set(top)) / len(rel) if rel else 0.0,
            "s1": float(first == 0), "s3": float(first is not None and first < 3)}


@dataclass
class Report:
    overall: dict[str, float]
    by_lang: dict[str, dict[str, float]]
    by_kind: dict[str, dict[str, float]]
    misses: list[dict]
    n: int
    # Off-topic queries (`expect: []`) have no right answer, so they are kept out of every metric
    # above and counted here: n, rejected (share that got no hits) and the ones not rejected.
    offtopic: dict = field(default_factory=dict)
    # queries with an expected answer per group ({"lang": {"zh": 120}, "kind": {...}}): the table's n column
    sizes: dict[str, dict[str, int]] = field(default_factory=dict)
    # half-typed queries by how much of their question they hold (CUTS; {} when none has ``full``)
    by_cut: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"n": self.n, "overall": self.overall, "by_lang": self.by_lang, "by_kind": self.by_kind,
                "misses": self.misses, "offtopic": self.offtopic} | ({"by_cut": self.by_cut} if self.by_cut else {})


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {m: round(sum(r[m] for r in rows) / len(rows), 4) for m in rows[0]} if rows else {}


def evaluate(queries: Iterable[Query], rank: Callable[[Query], list[str] | tuple[list[str], bool]],
             k: int = K) -> Report:
    """Run ``rank`` on every query; misses are queries whose first relevant id is not at 1.

    ``rank`` returns the ranked ids, or (ids, answered) where answered is the engine's own
    verdict (`Results.answered`). A query with no relevant id is off-topic: it is rejected
    when nothing is returned or answered is False. Real questions with answered False are
    counted as wrongly rejected (offtopic["real_rejected"])."""
    rows, by_lang, by_kind, by_cut, misses, kept = [], defaultdict(list), defaultdict(list), defaultdict(list), [], []
    n_off, real_rejected = 0, []
    for q in queries:
        got = rank(q)
        ranked, answered = (got if isinstance(got, tuple) else (got, bool(got)))
        if not q.expect:
            n_off += 1
            if ranked and answered:
                kept.append({"q": q.text, "lang": q.lang, "got": ranked[:3]})
            continue
        if not answered:
            real_rejected.append(q.text)
        m = metrics(ranked, q.expect, k)
        rows.append(m)
        by_lang[q.lang].append(m)
        by_kind[q.kind].append(m)
        if q.full:
            by_cut[cut_of(q)].append(m)
        if m["s1"] < 1:
            misses.append({"q": q.text, "kind": q.kind, "expect": q.expect, "got": ranked[:3]})
    offtopic = {"n": n_off, "rejected": round(1 - len(kept) / n_off, 4), "not_rejected": kept} if n_off else {}
    if rows:
        offtopic |= {"real_rejected": round(len(real_rejected) / len(rows), 4), "real_rejected_queries": real_rejected}
    cuts = [name for _, name in CUTS if name in by_cut]
    return Report(_mean(rows), {k_: _mean(v) for k_, v in sorted(by_lang.items())},
                  {k_: _mean(v) for k_, v in sorted(by_kind.items())}, misses, len(rows), offtopic,
                  {"lang": {k_: len(v) for k_, v in by_lang.items()}, "kind": {k_: len(v) for k_, v in by_kind.items()},
                   "cut": {name: len(by_cut[name]) for name in cuts}},
                  {name: _mean(by_cut[name]) for name in cuts})


def ranker(searcher: Searcher, k: int = K, prefix: bool = False) -> Callable[[Query], tuple[list[str], bool]]:
    """The ``rank`` of ``evaluate`` for a Searcher: its top ``k`` ids and its `answered` verdict
    (no did-you-mean: a suggestion is not an answer). ``prefix``: searched as typed so far
    (the live panel's and the API's prefix=true), for sets of half-typed queries."""
    def rank(q: Query) -> tuple[list[str], bool]:
        res = searcher.search(q.text, limit=k, suggest=False, prefix=prefix)
        return [h.id for h in res.hits], res.answered
    return rank


def table(report: Report, misses: bool = True) -> str:
    """The report as `faqkb eval` prints it: one row overall, per language and per kind,
    then the off-topic shares and (``misses``) the queries not answered at rank 1."""
    cols = ("mrr", "ndcg", "recall", "s1", "s3")
    lines = [f"{'':12}{'n':>5}" + "".join(f"{c:>8}" for c in ("MRR@10", "nDCG@10", "R@10", "S@1", "S@3"))]
    if report.overall:  # a set of off-topic questions only (near-topic) has no ranking figures
        lines.append(f"{'overall':12}{report.n:>5}" + "".join(f"{report.overall[c]:>8.3f}" for c in cols))
    for title, group in (("lang", report.by_lang), ("kind", report.by_kind), ("cut", report.by_cut)):
        for name, m in group.items():
            n = report.sizes.get(title, {}).get(name, 0)
            label = name if title == "cut" else f"{title} {name}"
            lines.append(f"{label:12}{n:>5}" + "".join(f"{m[c]:>8.3f}" for c in cols))
    if report.offtopic.get("n"):
        lines.append(f"{'offtopic':12}{report.offtopic['n']:>5}  rejected (answered: false) "
                     f"{report.offtopic['rejected']:.3f}")
    if "real_rejected" in report.offtopic:
        lines.append(f"{'real':12}{report.n:>5}  wrongly rejected (answered: false) "
                     f"{report.offtopic['real_rejected']:.3f}")
    if misses and report.misses:
        lines.append(f"\nnot at rank 1 ({len(report.misses)}):")
        lines += [f"  [{miss['kind']}] {miss['q']}  want {miss['expect'][0]}, got {', '.join(miss['got']) or '-'}"
                  for miss in report.misses]
    return "\n".join(lines)


def both_intents(queries: Iterable[Query], rank: Callable[[Query], list[str] | tuple[list[str], bool]]) -> dict:
    """Questions with two intents (``a`` and ``b`` given): the share whose top 3 holds an
    answer to each ({} when the set has none)."""
    n = both = 0
    for q in queries:
        if q.a and q.b:
            got = rank(q)
            top = set((got[0] if isinstance(got, tuple) else got)[:3])
            n += 1
            both += bool(top & set(q.a)) and bool(top & set(q.b))
    return {"n": n, "both3": round(both / n, 4)} if n else {}


def both_line(combo: dict) -> str:
    """``both_intents`` as `faqkb eval` prints it."""
    return f"{'combo':12}{combo['n']:>5}  both intents in the top 3 {combo['both3']:.3f}" if combo else ""
