"""The stages after the arrays, each reading a text as a query is read (plan.py's
pure helpers on the lexicon and arrays as written, never a searcher): each entry's
score for its own question (SELF_SCORES) and the topic model's feature counts (TOPIC);
then the verify step, the only one that opens the new version as a reader would.

build/ imports engine/ only for engine.fields (BM25F's constants, via impact_writer).
plan.py's text-to-terms helpers (own_question_terms, text_topic_features) live outside
both sides: they are the query plan itself, so a build scores exactly what a query would.
"""

from __future__ import annotations

from collections import Counter
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analysis import Analyzed, Analyzer, Segmenter
from ..errors import FaqkbError
from ..kbase.model import KnowledgeBase
from ..layout import QUESTIONS, QUESTIONS_OFFSETS, SCORED_FIELDS, SELF_SCORES, TOPIC
from ..lexicon import Lexicon
from .workers import chunks, fork_map

if TYPE_CHECKING:
    import numpy as np

    from ..impact import ImpactIndex


class ReadingLexicon(Lexicon):
    """The lexicon as these stages read with it: its analyzer keeps each analysis until
    ``forget``, so an entry's question, read for its own score and again for the topic
    model with the same options, is analysed once (the two readings are the same call
    when the question has no quotes and is within the HMM budget: plan)."""

    @cached_property
    def analyzer(self) -> Analyzer:
        return RememberingAnalyzer(Segmenter(self.freq, self.total), self.table, regional=self.regional)

    @classmethod
    def open(cls, path: Path) -> ReadingLexicon:
        lex = cls.read(path)
        assert isinstance(lex, cls)
        return lex

    def forget(self) -> None:
        self.analyzer.seen.clear()  # type: ignore[attr-defined]


class RememberingAnalyzer(Analyzer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: dict[tuple[str, bool, bool, bool], Analyzed] = {}

    def analyze(self, text: str, *, query: bool = False, pinyin: bool = True, hmm: bool = True) -> Analyzed:
        key = (text, query, pinyin, hmm)
        got = self.seen.get(key)
        if got is None:
            got = self.seen[key] = super().analyze(text, query=query, pinyin=pinyin, hmm=hmm)
        return got  # read only by its callers (query_terms, topic.features)


def own_question_scores(entries: list, lex: Lexicon, imp: ImpactIndex, first: int = 0) -> np.ndarray:
    """For ``entries`` (documents ``first``, ``first`` + 1, ...), the best BM25F score
    any of its own questions (one per language) gets when sent as a query
    (plan.own_question_terms): what `answered` measures a query's score against.
    The terms are scored for their own document only (ImpactIndex.at), never as a full
    search."""
    import numpy as np

    from ..plan import own_question_terms

    asks: dict[str, tuple[list[int], list[int], list[float], list[int]]] = {f: ([], [], [], []) for f in SCORED_FIELDS}
    owner: list[int] = []
    for d, e in enumerate(entries, first):
        for tr in e.translations.values():
            for f, t, boost in own_question_terms(tr.question, lex):
                r = imp.terms[f].get(t)
                if r is not None:
                    rows, docs, boosts, slots = asks[f]
                    rows.append(r)
                    docs.append(d)
                    boosts.append(boost)
                    slots.append(len(owner))
            owner.append(d - first)
    total = np.zeros(len(owner))
    for f, (rows, docs, boosts, slots) in asks.items():
        if rows:
            np.add.at(total, slots, imp.at(f, np.asarray(rows), np.asarray(docs)) * np.asarray(boosts))
    best = np.zeros(len(entries))
    if owner:
        np.maximum.at(best, np.asarray(owner), total)
    return best


def topic_texts(kb: KnowledgeBase) -> tuple[list[str], list[int], list[str]]:
    """What the topic model learns from: every entry's phrasings and leads (on the
    subject), ``starts[i]`` the first of entry i's (starts[-1]: their number), and
    kb/offtopic.yaml's questions (off it)."""
    on: list[str] = []
    starts = [0]
    for e in kb.entries.values():
        on += [t for tr in e.translations.values() for t in (tr.question, *tr.alternatives, *([tr.lead] if tr.lead else []))]
        starts.append(len(on))
    return on, starts, [q for lang in sorted(kb.offtopic) for q in kb.offtopic[lang]]


STEP = 256  # entries read between two ReadingLexicon.forget calls (what the analyses kept hold)


def _read_range(state: tuple, bounds: tuple[int, int]) -> tuple:
    """Entries[start:end]'s own-question scores, the topic features of the texts of
    theirs the model learns from (``chosen``, a mask over the on-subject texts) counted,
    and their phrasings for QUESTIONS (specificity.entry_phrasings: its analyses are
    the ones just made for the two others, remembered)."""
    import marshal

    import numpy as np

    from ..plan import text_topic_features
    from ..specificity import entry_phrasings

    lex, imp, entries, texts, starts, chosen = state
    a, b = bounds
    best = np.zeros(b - a)
    on: Counter = Counter()
    phrasings: list[bytes] = []
    for c in range(a, b, STEP):
        d = min(b, c + STEP)
        best[c - a:d - a] = own_question_scores(entries[c:d], lex, imp, first=c)
        for i in range(starts[c], starts[d]):
            if chosen is not None and chosen[i]:
                on.update(text_topic_features(texts[i], lex))
        phrasings += [marshal.dumps(entry_phrasings(e, lex, imp)) for e in entries[c:d]]
        lex.forget()
    return best, on, phrasings


def read_as_queries(lex: ReadingLexicon, imp: ImpactIndex, version_dir: Path, kb: KnowledgeBase,
                    entries: list, procs: int) -> None:
    """SELF_SCORES and TOPIC in one pass over the entries, each text read as a query is
    (plan on the lexicon as written): an entry's score for its own question
    (`answered` measures a query's first hit against it) and the topic model (topic.py:
    the entries' phrasings and leads against kb/offtopic.yaml; no off-topic questions: no
    model). Workers share the entries by ranges (one per worker: each sends back counts
    over most of the features, which the builder adds up, topic.from_parts); they inherit
    the lexicon with its analyzer loaded (entry 0, read here, loads it) and the arrays."""
    import numpy as np

    from ..plan import text_topic_features
    from ..topic import TopicModel, from_parts, spread

    texts, starts, off = topic_texts(kb)
    learn = any(kb.offtopic.values())
    picked = spread(list(range(len(texts))))
    off = spread(off)
    chosen = None
    if learn and picked and off:  # texts on both sides (as topic.train requires)
        chosen = np.zeros(len(texts), dtype=bool)
        chosen[picked] = True
    state = (lex, imp, entries, texts, starts, chosen)
    ranges = chunks(len(entries) - 1, procs, per_proc=1, least=500, most=len(entries))
    ranges = [(a + 1, b + 1) for a, b in ranges]
    parts = [_read_range(state, (0, min(1, len(entries)))), *fork_map(_read_range, state, ranges, procs)]
    with open(version_dir / SELF_SCORES, "wb") as f:
        np.save(f, np.concatenate([p[0] for p in parts]))
    offsets = [0]
    with open(version_dir / QUESTIONS, "wb") as f:
        for p in parts:
            for blob in p[2]:
                f.write(blob)
                offsets.append(offsets[-1] + len(blob))
    np.save(version_dir / QUESTIONS_OFFSETS, np.asarray(offsets, dtype=np.int64))
    if not learn:
        return
    model = TopicModel({})
    if chosen is not None:
        off_counts: Counter = Counter()
        for q in off:
            off_counts.update(text_topic_features(q, lex))
        model = from_parts([p[1] for p in parts], [off_counts])
    (version_dir / TOPIC).write_bytes(model.dump())  # (parts still held: see pipeline.Analysis.last)


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
