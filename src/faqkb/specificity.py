"""Specificity for short queries (issue 19, item 1): a query of one or two words matches
many entries almost equally, and BM25 lets the one whose question is shortest win, even
when that question asks about something the reader never typed ("注销" → "does cancelling
cost money?" above "how to cancel"). Here, among the best few candidates, each entry is
judged by how much of its own question the query covers: the idf-weighted share of its
question's words that the query holds (or a synonym of). Informative question words the
reader did not type count against an entry; the overview entry, whose question is little
more than the query's words, comes first.

Pure functions over plain data: the searcher gives the query's words and each candidate's
question words with their idf (kept per index version).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .impact import ImpactIndex
    from .kbase.model import Entry
    from .lexicon import Lexicon

MAX_WORDS = 2  # distinct query words for a query to count as short (3: golden lost 2 queries, head no better)
ALTERNATIVES = 0.5  # an alternative phrasing covered counts at this share of a question covered (questions alone: head 0.888 but golden -1, "will my balance be refunded" lost)
CANDIDATES = 12  # best-scored entries re-judged (the rest keep their scores)
GENERAL_NEAR = 0.9  # general_first: a candidate scored at least this share of the first's may take its place (0.8: golden -1 with SHARE 0.5)
GENERAL_SHARE = 0.4  # ... when the first's question holds at least this idf share of its question (the same subject; 0: golden -5, 0.5: head -1)
GENERAL_POOL = 4  # candidates looked at below the first
RARE = 2.4  # asks_more: a question word with at least this idf (in the kb's questions) names what is asked (2.0: golden -1, held-out -2; 2.8: dev3 real 0.938 -> 0.934, dev4 -3)
QUESTION_NEAR = 0.95  # question_first: a candidate scored at least this share of the first's may take its place (0.9: held-out -1; 0.93 the same)
WEIGHT = 3.0  # score × (1 + WEIGHT × specificity); blind head s@1 0.862 -> 0.879, golden 0.943 -> 0.944 (1.0: head equal, golden 0.943). With content v3 (65 entries, longer questions) 3.0: dev head 0.878 -> 0.883, blind head 0.920 -> 0.929, every other set equal (ALTERNATIVES 0.7 with it: dev prefix s@1 -1; 4.0: dev prefix -1)


def covered_share(query_words: set[str], question: Sequence[tuple[str, float]],
                  synonyms: Mapping[str, Iterable[Iterable[str]]]) -> float:
    """The idf-weighted share of ``question``'s words ((word, idf) pairs) that the query
    holds, directly or through a synonym group (0 for an empty question)."""
    total = held = 0.0
    for word, idf in question:
        total += idf
        if word in query_words or any(t in query_words for alt in synonyms.get(word, ()) for t in alt):
            held += idf
    return held / total if total else 0.0


def specificity(query_words: set[str], phrasings: Sequence[tuple[bool, Sequence[tuple[str, float]]]],
                synonyms: Mapping[str, Iterable[Iterable[str]]]) -> float:
    """How much of an entry's own question the query covers: the best covered share among
    its questions (one per language; ``phrasings`` as (is a question, its (word, idf))),
    or ALTERNATIVES × the best among its alternative phrasings, whichever is more (a
    question paraphrased in other words is still asked by its alternatives)."""
    best = 0.0
    for is_question, words in phrasings:
        best = max(best, covered_share(query_words, words, synonyms) * (1.0 if is_question else ALTERNATIVES))
    return best


Prepared = tuple[bool, tuple[tuple[str, float], ...], float, str]


def prepared(phrasings: Iterable[tuple[bool, Sequence[tuple[str, float]]]]) -> tuple[Prepared, ...]:
    """An entry's phrasings as `held_specificity` reads them, made once when they are kept
    (engine.relevance): each with its total idf (summed in the same order as covered_share
    sums it) and its words joined between newlines, so a phrasing holding none of the query's
    words is passed over with a substring test instead of a loop over its ~20 words."""
    out = []
    for is_question, words in phrasings:
        total = 0.0
        for _, idf in words:
            total += idf
        out.append((is_question, tuple(words), total, "\n" + "\n".join(w for w, _ in words) + "\n"))
    return tuple(out)


def held_words(query_words: set[str], holders: Mapping[str, Iterable[str]]) -> set[str]:
    """Every word covered_share counts as held by a query of ``query_words``: those words and
    every word one of whose synonym groups holds one of them (``holders``: a synonym's word ->
    the words whose groups hold it, Lexicon.holders)."""
    return query_words.union(*(holders.get(t, ()) for t in query_words))


def held_specificity(held: set[str], phrasings: Sequence[Prepared]) -> float:
    """`specificity` of `prepared` phrasings, the query's words given as `held_words`: the
    same shares, added in the same order (a phrasing holding no word has share 0)."""
    needles = ["\n" + w + "\n" for w in held]
    best = 0.0
    for is_question, words, total, joined in phrasings:
        if not total:
            continue
        for n in needles:  # (a loop, not any() over a generator: this runs for ~20 phrasings a candidate)
            if n in joined:
                break
        else:
            continue
        got = 0.0
        for word, idf in words:
            if word in held:
                got += idf
        share = got / total * (1.0 if is_question else ALTERNATIVES)
        if share > best:
            best = share
    return best


def entry_phrasings(entry: Entry, lex: Lexicon, imp: ImpactIndex) -> list[tuple[bool, list[tuple[str, float]]]]:
    """An entry's question and alternatives in every language, as (is the question, its
    distinct words with their idf in questions), the words read as a query's are. Made at
    build for every entry (layout.QUESTIONS, read by engine.relevance): reading a short
    query's twelve candidates' phrasings at query time was most of its cost. (The analysis
    is a query's, pinyin included though only the words are asked for: a build has made it
    already for the own-question scores and the topic model, and remembers it.)"""
    phrasings = []
    for tr in entry.translations.values():
        for i, text in enumerate((tr.question, *tr.alternatives)):
            toks = dict.fromkeys(t.text for t in lex.analyzer.analyze(text, query=True).words)
            phrasings.append((i == 0, [(t, math.log(1 + imp.n / (1 + imp.df("q_words", t)))) for t in toks]))
    return phrasings


def question_words(phrasings: Iterable[Prepared]) -> dict[str, float]:
    """An entry's own questions' words (every language; `prepared` phrasings) with their idf."""
    return {w: idf for is_question, words, _, _ in phrasings if is_question for w, idf in words}


def adds_condition(held: set[str], first: Mapping[str, float], other: Mapping[str, float]) -> bool:
    """Whether the entry asking ``first`` (question_words) is ``other`` with a condition the
    reader did not state (abroad, someone else, a linked account), so that ``other``, the
    more general entry, should answer: the two ask about the same subject (``first``'s
    question holds at least GENERAL_SHARE of ``other``'s, by idf), none of the words only
    ``first`` asks is held by the query (``held``: held_words), and those words weigh more
    than the ones only ``other`` asks, or the query holds one of those."""
    shared = sum(idf for w, idf in other.items() if w in first)
    if shared < GENERAL_SHARE * sum(other.values()):
        return False
    own = [idf for w, idf in first.items() if w not in other and w in held]
    if own:
        return False
    theirs = [(w, idf) for w, idf in other.items() if w not in first]
    return (any(w in held for w, _ in theirs)
            or sum(idf for w, idf in first.items() if w not in other) > sum(idf for _, idf in theirs))


def asks_more(held: set[str], first: Mapping[str, float], other: Mapping[str, float], first_said: set[str]) -> bool:
    """Whether ``other``'s own question (question_words) asks more of what the query names than
    ``first``'s: of the query's rare words (``held``; idf at least RARE: Gosuslugi, 欠费, not
    номер or cancel), ``other``'s question holds every one ``first``'s holds, and more, among
    them one that none of ``first``'s phrasings says (``first_said``: it matched that word only
    in its answer, in passing: a bank-app entry's "check your bank apps and Gosuslugi")."""
    mine = {w for w, idf in first.items() if idf >= RARE and w in held}
    theirs = {w for w, idf in other.items() if idf >= RARE and w in held}
    return theirs > mine and bool(theirs - first_said)


def phrasing_words(phrasings: Iterable[Prepared]) -> set[str]:
    """Every word of an entry's questions and alternatives (`prepared` phrasings)."""
    return {w for _, words, _, _ in phrasings for w, _ in words}
