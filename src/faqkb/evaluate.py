"""Retrieval metrics over golden queries: MRR@k, nDCG@k, Recall@k, success@1/3.

Used by `faqkb eval` (and its CI floor) and by the benchmarks, so every figure we quote
is computed one way."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

K = 10


@dataclass
class Query:
    text: str
    expect: list[str]      # relevant ids, best first
    lang: str = ""
    kind: str = ""


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

    return [Query(str(r["q"]), list(r["expect"]), r.get("lang", ""), r.get("kind", ""))
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

    def to_dict(self) -> dict:
        return {"n": self.n, "overall": self.overall, "by_lang": self.by_lang, "by_kind": self.by_kind,
                "misses": self.misses, "offtopic": self.offtopic}


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {m: round(sum(r[m] for r in rows) / len(rows), 4) for m in rows[0]} if rows else {}


def evaluate(queries: Iterable[Query], rank: Callable[[Query], list[str] | tuple[list[str], bool]],
             k: int = K) -> Report:
    """Run ``rank`` on every query; misses are queries whose first relevant id is not at 1.

    ``rank`` returns the ranked ids, or (ids, answered) where answered is the engine's own
    verdict (`Results.answered`). A query with no relevant id is off-topic: it is rejected
    when nothing is returned or answered is False. Real questions with answered False are
    counted as wrongly rejected (offtopic["real_rejected"])."""
    rows, by_lang, by_kind, misses, kept = [], defaultdict(list), defaultdict(list), [], []
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
        if m["s1"] < 1:
            misses.append({"q": q.text, "kind": q.kind, "expect": q.expect, "got": ranked[:3]})
    offtopic = {"n": n_off, "rejected": round(1 - len(kept) / n_off, 4), "not_rejected": kept} if n_off else {}
    if rows:
        offtopic |= {"real_rejected": round(len(real_rejected) / len(rows), 4), "real_rejected_queries": real_rejected}
    return Report(_mean(rows), {k_: _mean(v) for k_, v in sorted(by_lang.items())},
                  {k_: _mean(v) for k_, v in sorted(by_kind.items())}, misses, len(rows), offtopic)
