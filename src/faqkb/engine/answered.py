"""`answered`: whether the first hit answers the query, from signals comparable across
queries (see the rule and its figures below; docs/engine.md has the tuning history)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from ..layout import PINYIN_FIELD

if TYPE_CHECKING:
    from ..impact import ImpactIndex


class Completed(TypedDict):
    """A half-typed last word as the search read it (prefix.py)."""

    searched: str           # the query as completed
    expansions: list[str]   # the completions weighed, the one searched first


class Signals(TypedDict, total=False):
    """What `answered` was judged on (Results.signals): the lexical rule's signals (always,
    when there is a hit) and what else weighed, each only when it did."""

    words: int        # the query's words weighed (units)
    asked: float      # idf-weighted share of them the first hit holds in its question or alternatives
    unknown: float    # idf-weighted share no entry holds at all
    self: float       # the first hit's BM25F over its own question's, at most 1
    topic: float      # the topic model's log-odds (topic.py; a kb with offtopic.yaml)
    category: str     # the category the query only names: answered (intent.py)
    concept: bool     # the query only names a concept (categories.yaml) and the first hit is its entry: answered
    read: int         # answered only as read: words judged as their correction or Russian spelling (Unit.read)
    scope: str        # the neighbouring subject the query names: not answered (scope.py)
    prefix: Completed  # the last word read as the start of a word (prefix.py)
    subject: str  # half-typed, the subject alone: its overview put second (panel_order.subject_first)
    starts: dict[str, int]  # half-typed: shown hits put first, entry id -> its phrasings starting so (prefix.Starts)
    goes_on: dict[str, float]  # half-typed ru/en: the top 3's phrasing scores, when continuation.py reordered it
    inside: dict[str, int]  # half-typed: the entry put third whose phrasings go on from the last words typed (prefix.Starts.inside)
    begun: str  # half-typed: the condition whose words are being typed, its entry put second (condition_begun.py)
    fit: int  # half-typed Chinese: the cells of the phrasing fit's tables filled re-ordering the hits (phrasing_fit.py)
    most_asked: str  # half-typed ru/en, a top 3 of one kind: the kind's most asked entry put third (asked.py)
    story: str  # half-typed, the reader's story asking nothing yet: a topic head put third (story.py)
    stated: str  # half-typed, a situation stated (money left): its category's overview put third (panel_order.stated_head)


@dataclass
class Unit:
    """One query word as `answered` sees it. Its documents are kept as sorted ids, not as
    masks over every document: a word is held by ~1 % of the entries at the median, so a
    kept word costs its documents, not the kb's size (the per-version `words` cache holds
    ~10x more of them at 10k entries: docs/engine.md, "What a query keeps")."""

    df: int           # entries holding it (any field, its synonyms, bigrams, pinyin)
    weight: float     # its idf weight in the coverage
    held: Any         # numpy intp, sorted: the documents holding it anywhere (df of them)
    asked: Any        # numpy bool per document of ``held``: holds it in the question or an alternative
    pairs: list[str]  # an unknown Latin word read as run-together pinyin: its syllable pairs (df, held
                      # and asked then those of the kb Russian word it also spells, if any: nomer)
    typo: bool        # left out: an unknown word did-you-mean can correct (cancle, растаргнуть), or a
                      # Taiwan/HK word read as its mainland one (plan.mainland)
    read: bool = False  # judged as its correction or the Russian word it spells (zakryt: закрыть): the
                        # scope then reads the corrected query too (ranking.judge)

    def asks(self, doc: int) -> bool:
        """Whether document ``doc`` holds the word in its question or an alternative."""
        ids = self.held
        i = int(ids.searchsorted(doc))
        return i < len(ids) and int(ids[i]) == doc and bool(self.asked[i])

    def asked_at(self, docs: Any) -> Any:
        """Per document of ``docs`` (a numpy int array), whether it holds the word in its
        question or an alternative (numpy bool)."""
        import numpy as np

        ids = self.held
        if not len(ids):
            return np.zeros(len(docs), dtype=bool)
        at = ids.searchsorted(docs)
        np.minimum(at, len(ids) - 1, out=at)
        got = ids[at] == docs
        got &= self.asked[at]
        return got


# `answered`: a tiny linear rule on three signals comparable across queries (Results.signals,
# computed by signals()):
#   asked:   the idf-weighted share of the query's words the first hit holds in its question
#            or alternative phrasings (a correctable typo left out; run-together pinyin by
#            the share of its syllable pairs held).
#   unknown: the idf-weighted share of the query's words no entry holds at all (天气, visa).
#   self:    the first hit's BM25F score over its own question's (SELF_SCORES), at most 1.
# answered = asked + SELF_WEIGHT * self - UNKNOWN_WEIGHT * unknown >= THRESHOLD. Fitted on
# tests/golden/queries.yaml, checked on heldout.yaml; the fit, the figures and what else was
# tried are in docs/engine.md ("`answered`"). Real questions rejected stay under 2 %: "no good
# match" above a right answer costs more than related entries under an off-topic question.
SELF_WEIGHT, UNKNOWN_WEIGHT, THRESHOLD = 2.0, 0.25, 0.375


# With a topic model (topic.py; only when the kb has offtopic.yaml), the topic's log-odds
# (Results.signals["topic"]) weighs with the lexical rule, not as a second gate (a query that
# nearly repeats an entry's question passes even if a word leans off the subject):
#   answered = lexical + TOPIC_WEIGHT * topic >= TOPIC_THRESHOLD (docs/engine.md, "The topic signal").
TOPIC_WEIGHT, TOPIC_THRESHOLD = 0.1, 0.84


def answered(signals: Signals) -> bool:
    lexical = signals["asked"] + SELF_WEIGHT * signals["self"] - UNKNOWN_WEIGHT * signals["unknown"]
    if "topic" not in signals:  # an index without a topic model (no kb/offtopic.yaml)
        return lexical >= THRESHOLD
    return lexical + TOPIC_WEIGHT * signals["topic"] >= TOPIC_THRESHOLD


def signals(units: list[Unit], doc: int, imp: ImpactIndex, score: float, own: float) -> Signals:
    """What `answered` is judged on (see THRESHOLD): ``score`` is the first hit's BM25F
    score, ``own`` the score of its own question as a query."""
    num = den = unknown = 0.0
    for u in units:
        if u.typo or (u.read and not u.pairs and not u.asks(doc)):
            continue  # a word read as its correction counts for the hit that asks it, never against
        if u.pairs:  # (and its documents: the Russian word it also spells, if any: coverage)
            held = sum(imp.has(PINYIN_FIELD, p, doc) for p in u.pairs) / len(u.pairs)
            held = max(held, float(bool(u.df) and u.asks(doc)))
        else:
            held = float(u.asks(doc))
            unknown += u.weight * (not u.df)
        num += u.weight * held
        den += u.weight
    return {"words": len(units), "asked": num / den if den else 0.0,
            "unknown": unknown / den if den else 0.0,
            "self": min(1.0, score / own) if own > 0 else 0.0}
