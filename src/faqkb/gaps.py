"""What editors should write next, from the feedback store: queries that found nothing or
only a weak answer (``answered: false``), grouped and ranked by how often they were
asked, with the entries readers opened instead and the "not helpful" votes per entry.

Grouping: a stored row is already one normalized query in one language; rows of the same
language are then joined when they share an informative word — a word (stem, or Chinese
word) that the search analyzer keeps (stop words are gone) and that is not so common
among that language's gap queries that it would chain unrelated ones together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .feedback import FeedbackStore
    from .search import Searcher

# A word in more than this share of a language's gap queries joins nothing (e.g. "sim").
COMMON_SHARE = 0.25


@dataclass
class Group:
    lang: str | None
    count: int = 0
    found_nothing: int = 0
    queries: list[dict] = field(default_factory=list)   # [{"query", "count", "found_nothing"}], most asked first
    words: list[str] = field(default_factory=list)      # informative words shared by two or more queries
    reached: dict[str, int] = field(default_factory=dict)  # entry id -> times opened from these queries

    def to_dict(self, not_helpful: dict[str, dict]) -> dict:
        return {"lang": self.lang, "count": self.count, "found_nothing": self.found_nothing,
                "weak_answer": self.count - self.found_nothing, "words": self.words, "queries": self.queries,
                "reached": [{"entry_id": e, "count": n, **not_helpful.get(e, {"no": 0, "reasons": {}})}
                            for e, n in sorted(self.reached.items(), key=lambda kv: (-kv[1], kv[0]))]}


class _Sets:
    """Union-find over row indexes."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def group_gaps(rows: list[dict], words_of: Callable[[str], set[str]]) -> list[Group]:
    """Rows from ``FeedbackStore.gap_rows()`` grouped as the module docstring says, most
    asked first. ``words_of(query)`` gives a query's informative words."""
    words = [words_of(r["query"]) for r in rows]
    sets = _Sets(len(rows))
    by_lang: dict[str | None, list[int]] = {}
    for i, r in enumerate(rows):
        by_lang.setdefault(r["lang"], []).append(i)
    for members in by_lang.values():
        df: dict[str, int] = {}
        for i in members:
            for w in words[i]:
                df[w] = df.get(w, 0) + 1
        bound = max(2, int(COMMON_SHARE * len(members)))
        first_with: dict[str, int] = {}
        for i in members:
            for w in words[i]:
                if df[w] > bound:
                    continue
                if w in first_with:
                    sets.join(i, first_with[w])
                else:
                    first_with[w] = i
    groups: dict[int, Group] = {}
    for i, r in enumerate(rows):
        g = groups.setdefault(sets.find(i), Group(lang=r["lang"]))
        g.count += r["count"]
        g.found_nothing += r["found_nothing"]
        g.queries.append({"query": r["query"], "count": r["count"], "found_nothing": r["found_nothing"]})
        for e, n in r.get("reached", {}).items():
            g.reached[e] = g.reached.get(e, 0) + n
    for root, g in groups.items():
        g.queries.sort(key=lambda q: (-q["count"], q["query"]))
        members = [i for i in range(len(rows)) if sets.find(i) == root]
        counts: dict[str, int] = {}
        for i in members:
            for w in words[i]:
                counts[w] = counts.get(w, 0) + 1
        g.words = sorted(w for w, n in counts.items() if n >= 2)
    return sorted(groups.values(), key=lambda g: (-g.count, g.queries[0]["query"]))


def not_helpful_by_entry(helpfulness: list[dict]) -> dict[str, dict]:
    """entry id -> {"no", "yes", "reasons"} for entries with at least one "not helpful" vote."""
    return {h["entry_id"]: {"no": h["no"], "yes": h["yes"], "reasons": h.get("reasons", {})}
            for h in helpfulness if h["no"]}


def gap_report(rows: list[dict], helpfulness: list[dict], words_of: Callable[[str], set[str]],
               limit: int = 20) -> dict:
    """The report `faqkb gaps` prints: {"groups": [...], "not_helpful": [...]}, each most
    asked (most "no" votes) first, at most ``limit`` of each."""
    nh = not_helpful_by_entry(helpfulness)
    groups = group_gaps(rows, words_of)[:limit]
    worst = sorted(nh.items(), key=lambda kv: (-kv[1]["no"], kv[0]))[:limit]
    return {"groups": [g.to_dict(nh) for g in groups],
            "not_helpful": [{"entry_id": e, **v} for e, v in worst]}


def informative_words(searcher: Searcher) -> Callable[[str], set[str]]:
    """``words_of`` for group_gaps: the words the search analyzer keeps of a query (stems,
    Chinese words; stop words gone), without pinyin readings and single letters."""
    analyzer = searcher.analyzer()

    def words_of(query: str) -> set[str]:
        return {t.text for t in analyzer.analyze(query, query=True, pinyin=False).words
                if t.script == "han" or len(t.text) > 1}
    return words_of


def editor_report(searcher: Searcher, store: FeedbackStore, limit: int = 20) -> dict:
    """What `faqkb gaps` shows: gap_report over the store's rows, with the question of each
    entry readers reached (in the group's language) or voted "not helpful"."""
    report = gap_report(store.gap_rows(), store.helpfulness(), informative_words(searcher), limit=limit)

    def question(entry_id: str, lang: str | None) -> str | None:
        e = searcher.entry(entry_id)
        return e.translations[e.best_lang(lang)].question if e else None

    for g in report["groups"]:
        for r in g["reached"]:
            r["question"] = question(r["entry_id"], g["lang"])
    for r in report["not_helpful"]:
        r["question"] = question(r["entry_id"], None)
    return report
