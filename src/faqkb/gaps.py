"""What editors should write next, from the feedback store: queries that found nothing or
only a weak answer (``answered: false``), grouped and ranked by how often they were
asked, with the entries readers opened instead and the "not helpful" votes per entry;
then answered queries readers disagreed with; and, for `--suggest`, kb changes to review.

Grouping: a stored row is already one normalized query in one language; rows of the same
language are then joined when they share an informative word — a word (stem, or Chinese
word) that the search analyzer keeps (stop words are gone) and that is not so common
among that language's gap queries that it would chain unrelated ones together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
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


def surface_words(searcher: Searcher) -> Callable[[str], dict[str, str]]:
    """Like informative_words, as {analyzed word: the word as written} (a synonym is
    proposed as readers write it, not as a stem)."""
    analyzer = searcher.analyzer()

    def words_of(text: str) -> dict[str, str]:
        return {t.text: text[t.start:t.end] for t in analyzer.analyze(text, query=True, pinyin=False).words
                if t.script == "han" or len(t.text) > 1}
    return words_of


def editor_report(searcher: Searcher, store: FeedbackStore, limit: int = 20) -> dict:
    """What `faqkb gaps` shows: gap_report over the store's rows, with the question of each
    entry readers reached (in the group's language) or voted "not helpful", and the
    answered queries readers disagreed with ("disagreed")."""
    report = gap_report(store.gap_rows(), store.helpfulness(), informative_words(searcher), limit=limit)
    report["disagreed"] = disagreed_report(store.answered_rows(), limit=limit)

    def question(entry_id: str, lang: str | None) -> str | None:
        e = searcher.entry(entry_id)
        return e.translations[e.best_lang(lang)].question if e else None

    for g in report["groups"]:
        for r in g["reached"]:
            r["question"] = question(r["entry_id"], g["lang"])
    for r in report["not_helpful"]:
        r["question"] = question(r["entry_id"], None)
    for r in report["disagreed"]:
        r["answer_question"] = question(r["answer_id"], r["lang"])
        for o in r["opened_instead"]:
            o["question"] = question(o["entry_id"], r["lang"])
    return report


# -- answered, readers disagreed

def disagreed_report(rows: list[dict], limit: int = 20) -> list[dict]:
    """Answered queries readers disagreed with (opened another entry first, or voted the
    answer "not helpful"), most disagreed first; rows from ``FeedbackStore.answered_rows()``.
    Queries nobody disagreed with are left out: "no click" alone is shown, not ranked (the
    short answer on the results page may have been all the reader needed)."""
    out = [dict(r, opened_instead=[{"entry_id": e, "count": n} for e, n in
                                   sorted(r["opened_instead"].items(), key=lambda kv: (-kv[1], kv[0]))])
           for r in rows if r["disagreed"]]
    out.sort(key=lambda r: (-r["disagreed"], -r["no_click"], r["query"]))
    return out[:limit]


# -- proposed kb changes (`faqkb gaps --suggest`)

PATCH_VERSION = 1
MIN_READERS = 2   # a suggestion needs this many readers (client-days) behind it


def suggest_patch(searcher: Searcher, report: dict, gap_rows: list[dict], kb_root: Path | None,
                  min_readers: int = MIN_READERS) -> dict:
    """Proposed kb changes, as the patch `faqkb check --patch` validates (kbase/patch.py):

    - **alternatives**: a query as a new phrasing of the entry readers opened from it —
      instead of the short answer, or when the search found no good answer;
    - **offtopic**: queries that found nothing at all and from which nobody opened anything
      (maybe off-topic; maybe an entry to write: the editor decides);
    - **synonyms**: a word pair where such a query and one of the opened entry's phrasings
      differ by exactly one word each.

    Nothing with a phone number, handle, link or control character is ever proposed (the
    kb's own content rules, kbase/lint.text_problems), nor a phrasing the entry has."""
    from .kbase.lint import text_problems
    from .kbase.patch import read_domains, synonym_groups

    allowed, named = read_domains(kb_root) if kb_root else ([], [])
    words_of = surface_words(searcher)
    known_groups = [set(g) for g in synonym_groups(kb_root)] if kb_root else []

    def clean(q: str) -> bool:
        return bool(q.strip()) and q.isprintable() and not text_problems(q, allowed, named)

    alternatives: dict[tuple[str, str], dict] = {}
    synonyms: list[list[str]] = []

    def propose(entry_id: str, lang: str | None, query: str, n: int, why: str) -> None:
        e = searcher.entry(entry_id)
        if e is None or n < min_readers or not clean(query):
            return
        lang = e.best_lang(lang)
        tr = e.translations[lang]
        have = {_norm(p) for p in (tr.question, *tr.alternatives)}
        if _norm(query) in have:
            return
        item = alternatives.setdefault((entry_id, lang), {"entry": entry_id, "lang": lang, "add": [], "why": []})
        if query not in item["add"]:
            item["add"].append(query)
            item["why"].append(f"“{query}”: {why}")
        qw = words_of(query)
        for p in (tr.question, *tr.alternatives):
            pw = words_of(p)
            only_q, only_p = qw.keys() - pw.keys(), pw.keys() - qw.keys()
            if len(only_q) == 1 and len(only_p) == 1 and qw.keys() & pw.keys():
                pair = sorted((qw[next(iter(only_q))].casefold(), pw[next(iter(only_p))].casefold()))
                if clean(" ".join(pair)) and pair not in synonyms and \
                        not any(set(pair) <= g for g in known_groups):
                    synonyms.append(pair)

    for r in report.get("disagreed", []):
        for o in r["opened_instead"]:
            propose(o["entry_id"], r["lang"], r["query"], o["count"],
                    f"{o['count']} readers opened this instead of the short answer ({r['answer_id']})")
    offtopic: dict[str, list[str]] = {}
    for r in gap_rows:
        for e, n in sorted(r.get("reached", {}).items(), key=lambda kv: (-kv[1], kv[0])):
            propose(e, r["lang"], r["query"], n, f"{n} readers opened this when the search had no good answer")
        if r["found_nothing"] >= min_readers and not r.get("reached") and r["lang"] and clean(r["query"]):
            offtopic.setdefault(r["lang"], []).append(r["query"])
    return {"kb_patch": PATCH_VERSION,
            "alternatives": [dict(v, why="; ".join(v["why"])) for v in alternatives.values()],
            "offtopic": offtopic, "synonyms": synonyms}


def _norm(text: str) -> str:
    from .feedback import normalize_query

    return normalize_query(text, 1000)


def write_patch(path: Path, patch: dict) -> None:
    """The patch as a commented YAML file an editor reviews (kbase/patch.py reads it)."""
    import yaml

    head = ("# Proposed kb changes from readers' searches (faqkb gaps --suggest). NOTHING IS APPLIED.\n"
            "# Review each item: delete what is wrong, copy the rest into kb/ by hand.\n"
            "# `faqkb check --patch THIS_FILE` checks the kb as it would be with these changes.\n"
            "# offtopic: queries that found nothing and led nowhere. Add one to kb/offtopic.yaml only if\n"
            "# it is really not about a Russian SIM card; otherwise it is an entry to write.\n")
    body = yaml.safe_dump(patch, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(head + body, encoding="utf-8")
