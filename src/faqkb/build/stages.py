"""The stages after the arrays, each reading a text as a query is read (engine.query's
pure plan helpers on the lexicon and arrays as written, never a searcher): each entry's
score for its own question (SELF_SCORES) and the topic model's feature counts (TOPIC);
then the verify step, the only one that opens the new version as a reader would.

build/ imports engine/ for engine.fields (BM25F's constants, via impact_writer) and for
engine/query.py's text-to-terms helpers (own_question_terms, text_topic_features): they
are the query plan itself, so a build scores exactly what a query would.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FaqkbError
from ..kbase.model import KnowledgeBase
from ..layout import SCORED_FIELDS, SELF_SCORES, TOPIC
from ..lexicon import Lexicon
from .workers import chunks, fork_map

if TYPE_CHECKING:
    from ..impact import ImpactIndex


def own_question_scores(entries: list, lex: Lexicon, imp: ImpactIndex, chunk: int = 2048,
                        first: int = 0):
    """Per document (``entries`` in docnum order, the first one document ``first``),
    the best BM25F score any of its own questions (one per language) gets when sent as
    a query (engine.query.own_question_terms): what `answered` measures a query's score
    against (0 for documents not in ``entries``). The terms are scored for their own
    document only, a chunk of entries at a time (ImpactIndex.at), never as a full search."""
    import numpy as np

    from ..engine.query import own_question_terms

    best = np.zeros(imp.n)
    for start in range(0, len(entries), chunk):
        asks: dict[str, tuple[list[int], list[int], list[float], list[int]]] = {
            f: ([], [], [], []) for f in SCORED_FIELDS}
        owner: list[int] = []
        for d, e in enumerate(entries[start:start + chunk], first + start):
            for tr in e.translations.values():
                for f, t, boost in own_question_terms(tr.question, lex):
                    r = imp.terms[f].get(t)
                    if r is not None:
                        rows, docs, boosts, slots = asks[f]
                        rows.append(r)
                        docs.append(d)
                        boosts.append(boost)
                        slots.append(len(owner))
                owner.append(d)
        total = np.zeros(len(owner))
        for f, (rows, docs, boosts, slots) in asks.items():
            if rows:
                np.add.at(total, slots, imp.at(f, np.asarray(rows), np.asarray(docs)) * np.asarray(boosts))
        if owner:
            np.maximum.at(best, np.asarray(owner), total)
    return best


def _own_range(state: tuple, bounds: tuple[int, int]):
    lex, imp, entries = state
    return own_question_scores(entries[bounds[0]:bounds[1]], lex, imp, first=bounds[0])[bounds[0]:bounds[1]]


def write_own_scores(lex: Lexicon, imp: ImpactIndex, version_dir: Path, entries: list, procs: int) -> None:
    """Each entry's score for its own question (SELF_SCORES): `answered` measures a query's
    first hit against it (engine.answered). Documents were added in kb order. Workers
    share the work by ranges of entries; they inherit the lexicon with its analyzer loaded
    (the first entry's score, computed here, loads it) and the arrays."""
    import numpy as np

    best = np.zeros(len(entries))
    best[:1] = own_question_scores(entries[:1], lex, imp)[:1]
    ranges = [(a, b) for a, b in chunks(len(entries), procs) if b > 1]
    ranges = [(max(a, 1), b) for a, b in ranges]
    for (a, b), part in zip(ranges, fork_map(_own_range, (lex, imp, entries), ranges, procs), strict=True):
        best[a:b] = part
    with open(version_dir / SELF_SCORES, "wb") as f:
        np.save(f, best)


def _topic_range(state: tuple, bounds: tuple[int, int]) -> tuple:
    """Feature counts of texts[start:end] read as queries, split at ``split`` (on the
    subject before it, off it after)."""
    from ..engine.query import text_topic_features

    lex, texts, split = state
    on: Counter = Counter()
    off: Counter = Counter()
    for i in range(*bounds):
        (on if i < split else off).update(text_topic_features(texts[i], lex))
    return on, off


def write_topic(lex: Lexicon, version_dir: Path, kb: KnowledgeBase, procs: int = 1) -> None:
    """The topic model (topic.py): the entries' phrasings and leads against kb/offtopic.yaml,
    read as queries are (engine.query.text_topic_features on ``lex``). No off-topic questions: no model, and `answered`
    does without the signal. Each text is read as a query (most of the cost): workers count
    the features of ranges of texts (the counts are all the model needs: topic.from_parts)."""
    if not any(kb.offtopic.values()):
        return
    from ..topic import TopicModel, from_parts, spread

    on = [t for e in kb.entries.values() for tr in e.translations.values()
          for t in (tr.question, *tr.alternatives, *([tr.lead] if tr.lead else []))]
    off = [q for lang in sorted(kb.offtopic) for q in kb.offtopic[lang]]
    on = spread(on)
    texts, split = on + spread(off), len(on)
    model = TopicModel({})
    if split and len(texts) > split:  # texts on both sides (as topic.train requires)
        from ..engine.query import text_topic_features

        text_topic_features(texts[0], lex)  # whatever the lexicon loads lazily, loaded before the fork
        # One range per worker (``most``: chunks caps ranges at 2,000 items by default, which
        # made 26 ranges at 10k entries): each sends back counts over most of the features,
        # and adding those up in the builder was what the stage spent most. from_parts adds
        # them with numpy, not per feature in Python (Counter.update).
        ranges = chunks(len(texts), procs, per_proc=1, least=500, most=len(texts))
        parts = list(fork_map(_topic_range, (lex, texts, split), ranges, procs))
        model = from_parts([p[0] for p in parts], [p[1] for p in parts])
    (version_dir / TOPIC).write_bytes(model.dump())


def verify(version_dir: Path, kb: KnowledgeBase) -> None:
    """A new version must open and find an entry by its own question before it goes live
    (the one step that opens it as a reader would: a searcher)."""
    from ..search import Searcher

    s = Searcher(version_dir=version_dir)
    try:
        if s.entry_count != len(kb.entries):
            raise FaqkbError(f"new index holds {s.entry_count} entries, expected {len(kb.entries)}")
        probe = next(iter(kb.entries.values()))
        lang = probe.best_lang()
        hits = s.search(probe.translations[lang].question, limit=10).hits
        if probe.id not in [h.id for h in hits]:
            raise FaqkbError(f"new index does not find '{probe.id}' by its own question; not switching")
    finally:
        s.close()
