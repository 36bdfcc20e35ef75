"""Cover both intents (issue 19, item 5): a reader who asks two things at once ("cancel from
abroad and get my balance back", "注销要带什么证件，要多久") gets a top 3 that one intent's
entries fill, because every entry about refunds shares words with the whole query. Here the
plan's units (its words) are grouped into clauses (split at punctuation and conjunctions); a
clause holding at least MIN_SHARE of the query's word weight is an intent. Among the best
POOL entries for the whole query, each intent's best entry (its words' BM25F impacts, times
1 + the share of its words the entry asks in its question or alternatives) is moved into the
top SLOTS when it is not there already: the first hit never moves, and a one-intent query
(one clause, or one clause holding nearly all the weight) is left as it was.

Pure functions over plain data (``clauses``, ``intents``, ``cover``) and one entry point
(``diversify``) that reads the index's impacts for the POOL entries only: a few array
lookups per clause term. Only when no POOL entry holds an intent's words at all (its words
are drowned by the other question's: "roaming charged, where to complain") is that clause
searched on its own, at most MAX_RANKED times per query (the searcher counts it in
``Results.rankings``), and its first entry taken if it asks one of the clause's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .analysis import HAN_CHARS, Analyzed, fold_han, script_runs

if TYPE_CHECKING:
    from .engine.answered import Unit
    from .impact import ImpactIndex
    from .plan import QueryPlan

WEIGHT = 1.0  # PLAN "diverse": on (1) or off (0)
MAX_CLAUSES = 3  # clauses weighed per query (the rest join the last): bounded work for a hostile query
MIN_SHARE = 0.2  # a clause's share of the query's word weight for it to count as an intent
POOL = 10  # best entries for the whole query among which each intent's best is looked for
SLOTS = 3  # the places both intents must reach
MAX_RANKED = 1  # clauses searched on their own per query (diversify's ``rank``): bounded extra work

# Where one question ends and the next begins: punctuation, and the words that join two
# questions (as whole words in Latin and Cyrillic; anywhere in Chinese, where 和/跟 also
# join two things asked about: "微信和支付宝"). Only the Latin/Cyrillic words ignore case
# (an inline group): IGNORECASE over the whole pattern made compiling its Han ranges cost a
# cold search ~9 ms, for characters that have no case (tests/test_cold_start.py: same splits).
_SPLIT = re.compile(
    r"[,，;；?？!！。、]+"
    r"|(?i:(?<![^\W\d_])(?:and|also|plus|as well as|besides|и|а также|также|а ещё|ещё|плюс)(?![^\W\d_]))"
    # a question word after a word begins the next question ("charged twice where to complain"):
    # a zero-width split, the word stays in its clause
    r"|(?i:(?<=[^\W\d_]\s)(?=(?:where|when|why|who|how much|how long|куда|где|когда|почему|зачем|сколько)"
    r"(?![^\W\d_])))"
    r"|还有|以及|并且|而且|另外|同时|顺便|还想|还要|和|跟|與|及"
    # a space between Chinese phrases, after a question particle or a phrase of 4+ characters
    # ("注销收费吗 余额能退吗"); between short words it separates keywords ("俄罗斯 注销 余额")
    rf"|(?:(?<=[{HAN_CHARS}]{{4}})|(?<=[吗呢吧么嘛]))\s+(?=[{HAN_CHARS}])")


def clauses(text: str, most: int = MAX_CLAUSES) -> list[tuple[int, int]]:
    """The (start, end) spans of ``text``'s clauses, empty ones left out; past ``most``,
    the rest of the text is the last clause."""
    spans: list[tuple[int, int]] = []
    at = 0
    for m in _SPLIT.finditer(text):
        if text[at:m.start()].strip():
            spans.append((at, m.start()))
        at = m.end()
    if text[at:].strip():
        spans.append((at, len(text)))
    if len(spans) > most:
        spans = spans[:most - 1] + [(spans[most - 1][0], spans[-1][1])]
    return spans


def intents(spans: Sequence[tuple[int, int]], words: Sequence[tuple[str, int, float]],
            min_share: float = MIN_SHARE) -> list[list[str]]:
    """The clauses that are intents, as the distinct words each holds: ``words`` are the
    query's (word, start offset, weight); a clause is an intent when its words hold at
    least ``min_share`` of the total weight. Fewer than two intents: []."""
    total = sum(w for _, _, w in {t: (t, s, w) for t, s, w in words}.values())
    if total <= 0 or len(spans) < 2:
        return []
    out = []
    for start, end in spans:
        own = {t: w for t, s, w in words if start <= s < end}
        if own and sum(own.values()) >= min_share * total:
            out.append((sum(own.values()), list(own)))
    out.sort(key=lambda x: -x[0])  # the heaviest first: it gets a place first
    return [w for _, w in out] if len(out) >= 2 else []


def cover(order: Sequence[int], best: Sequence[int], slots: int = SLOTS) -> list[int]:
    """``order`` with each of ``best`` (one entry per intent) inside its first ``slots``:
    the missing ones take the last places not held by another intent's best (in the order
    of ``best``), the first place never moves, and the entries they push out follow in
    their order. A best entry not in ``order`` is left out."""
    top = list(order[:slots])
    missing = list(dict.fromkeys(b for b in best if b in order and b not in top))
    free = [i for i in range(1, len(top)) if top[i] not in best]
    if not missing or not free:
        return list(order)
    missing = missing[:len(free)]
    for i, b in zip(free[len(free) - len(missing):], missing, strict=True):
        top[i] = b
    return top + [d for d in order if d not in top]


def diversify(order: list[int], plan: QueryPlan, units: Sequence[Unit], imp: ImpactIndex,
              weights: dict[str, float], knobs: dict[str, float],
              rank: Callable[[str], list[int]] | None = None) -> list[int]:
    """The searcher's ranked documents ``order`` with every intent of ``plan`` in the top
    SLOTS (``units``: the coverage's units, one per distinct query word in order).
    ``rank``: a search of one clause's text on its own (its documents, best first), called at
    most once: for the intent the first hit asks least, whose best entry the whole query's
    POOL may not hold (the whole query's words drown it); its first document other than the
    first hit is that intent's best."""
    import numpy as np

    from .plan import MAX_TERMS, query_terms

    spans = clauses(plan.plain)
    if len(spans) < 2 or len(order) < 2:
        return order
    distinct = list(dict.fromkeys(t.text for t in plan.analyzed.words))[:len(units)]
    weight = {w: u.weight for w, u in zip(distinct, units, strict=False)}
    found = intents(spans, [(t.text, t.start, weight[t.text]) for t in plan.analyzed.words if t.text in weight])
    if not found:
        return order
    pool = np.asarray(order[:POOL], dtype=np.int64)
    unit = dict(zip(distinct, units, strict=False))
    best = []
    ranked = 0  # clauses ranked on their own: at most MAX_RANKED
    for words in found:
        toks = [t for t in plan.analyzed.words if t.text in words]
        han = "".join(fold_han(run) for script, run, _ in script_runs(" ".join(words)) if script == "han")
        a = Analyzed(toks, [b for b in plan.analyzed.bigrams if b in han], [], plan.analyzed.scripts)
        score = np.zeros(len(pool))
        by_field: dict[str, tuple[list[int], list[float]]] = {}
        for f, t, boost in query_terms(a, plan.lexicon.synonyms, weights, knobs)[:MAX_TERMS]:
            if (row := imp.terms[f].get(t)) is not None:
                rows, boosts = by_field.setdefault(f, ([], []))
                rows.append(row)
                boosts.append(boost)
        for f, (rows, boosts) in by_field.items():  # one lookup per field: every (term, entry) pair at once
            got = imp.at(f, np.repeat(rows, len(pool)), np.tile(pool, len(rows))).reshape(len(rows), len(pool))
            score += np.asarray(boosts) @ got
        held = sum((unit[w].weight * unit[w].asked_at(pool) for w in words), np.zeros(len(pool)))
        asked = held / sum(unit[w].weight for w in words)
        score *= 1 + asked
        if score.max() > 0:
            best.append(int(pool[int(score.argmax())]))
        elif rank is not None and ranked < MAX_RANKED:  # none of the POOL asks this intent: its clause alone
            ranked += 1
            start, end = next((a, b) for a, b in spans
                              if any(a <= t.start < b for t in plan.analyzed.words if t.text in words))
            # its first entry, if that entry asks one of the clause's words in its own question or
            # alternatives (not a clause of filler that happens to match some answer: "is that legal")
            own = np.asarray(rank(plan.plain[start:end])[:1], dtype=np.int64)
            if len(own) and own[0] != order[0] and any(unit[w].asked_at(own)[0] for w in words):
                best.append(int(own[0]))
    if len(best) < 2:
        return order
    return cover(list(dict.fromkeys([*order, *best])), best)

