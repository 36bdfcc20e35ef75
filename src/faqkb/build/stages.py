"""The stages after the arrays, each reading a text as a query is read (plan.py's
pure helpers on the lexicon and arrays as written, never a searcher): each entry's
score for its own question (SELF_SCORES) and the topic model's feature counts (TOPIC);
then the verify step, the only one that opens the new version as a reader would.

build/ imports engine/ only for engine.fields (BM25F's constants, via impact_writer).
plan.py's text-to-terms helpers (own_question_terms, text_topic_features) live outside
both sides: they are the query plan itself, so a build scores exactly what a query would.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analysis import Analyzed, Analyzer, Segmenter
from ..errors import FaqkbError
from ..kbase.model import KnowledgeBase
from ..layout import LEXICON, QUESTIONS, QUESTIONS_OFFSETS, SCORED_FIELDS, SELF_SCORES, TOPIC
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

    # per field, (row, document, boost, question) of each term the arrays hold: one tuple
    # per term, transposed once per field (four appends per term were a third of this loop)
    asks: dict[str, list[tuple[int, int, float, int]]] = {f: [] for f in SCORED_FIELDS}
    row_of = {f: imp.terms[f].get for f in SCORED_FIELDS}
    owner: list[int] = []
    for d, e in enumerate(entries, first):
        for tr in e.translations.values():
            slot = len(owner)
            for f, t, boost in own_question_terms(tr.question, lex):
                r = row_of[f](t)
                if r is not None:
                    asks[f].append((r, d, boost, slot))
            owner.append(d - first)
    total = np.zeros(len(owner))
    for f, got in asks.items():
        if got:
            rows, docs, boosts, slots = zip(*got, strict=True)
            np.add.at(total, np.asarray(slots), imp.at(f, np.asarray(rows), np.asarray(docs)) * np.asarray(boosts))
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
    the ones just made for the two others, remembered), as a query reads them
    (specificity.prepared: made here, not per candidate by the query that needs them).
    The phrasings' blobs go to a file of the range's own (range_file), appended as they
    are made, and only their lengths come back: a range's blobs were ~1 KB an entry held
    in the worker, pickled, and unpickled by the builder (~50 MB each way per 50k entries)."""
    import marshal

    import numpy as np

    from ..plan import text_topic_features
    from ..specificity import entry_phrasings, prepared

    lex, imp, entries, texts, starts, chosen, version_dir = state
    a, b = bounds
    best = np.zeros(b - a)
    on: Counter = Counter()
    lengths = np.zeros(b - a, dtype=np.int64)
    with open(range_file(version_dir, a), "wb") as f:
        for c in range(a, b, STEP):
            d = min(b, c + STEP)
            best[c - a:d - a] = own_question_scores(entries[c:d], lex, imp, first=c)
            for i in range(starts[c], starts[d]):
                if chosen is not None and chosen[i]:
                    on.update(text_topic_features(texts[i], lex))
            for k, e in enumerate(entries[c:d], c - a):
                lengths[k] = f.write(marshal.dumps(prepared(entry_phrasings(e, lex, imp))))
            lex.forget()
    return best, sorted_counts(on), lengths


def range_file(version_dir: Path, start: int) -> Path:
    """Where _read_range writes the QUESTIONS blobs of the range from entry ``start`` (the
    builder appends them to QUESTIONS in order and removes them)."""
    return version_dir / f".{QUESTIONS}.{start}"


def sorted_counts(counts: Mapping[str, int]) -> tuple[list[str], np.ndarray]:
    """``counts`` as its keys in sorted order and their counts (int64): what a worker sends
    back of its topic features (sorted there, in parallel, so the builder only merges:
    add_sorted)."""
    import numpy as np

    keys = sorted(counts)
    return keys, np.fromiter(map(counts.__getitem__, keys), dtype=np.int64, count=len(keys))


def add_sorted(parts: Sequence[tuple[list[str], np.ndarray]], classes: Sequence[int]) -> tuple[list[str], np.ndarray]:
    """The sorted union of the parts' keys (sorted_counts) and, per class (0, 1, ...), the
    counts added up over the parts of that class (``classes[i]``: part i's): a 2-d array,
    one row per class. One stable sort of the concatenated keys (already sorted runs:
    Timsort merges them) and numpy, instead of a set and a dict over every feature; a key
    in several parts keeps the first part's string, as a set union would."""
    import numpy as np

    n = sum(len(k) for k, _ in parts)
    width = max(classes, default=-1) + 1
    counts = np.zeros((width, n), dtype=np.int64)
    at = 0
    for (k, c), cls in zip(parts, classes, strict=True):
        counts[cls, at:at + len(k)] = c
        at += len(k)
    if not n:
        return [], counts
    # The keys as an object array (references to the parts' strings): numpy's stable sort
    # gives their order as one int64 array, where sorted(range(n), key=...) made a list of
    # Python ints (~40 bytes a key: ~50 MB at 100k entries, at the builder's peak).
    keys = np.fromiter(chain.from_iterable(k for k, _ in parts), dtype=object, count=n)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    del keys
    first = np.ones(n, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return ordered[first].tolist(), np.add.reduceat(counts[:, order], starts, axis=1)


def read_as_queries(version_dir: Path, kb: KnowledgeBase, entries: list, procs: int,
                    opened: Callable[[], None] = lambda: None) -> None:
    """SELF_SCORES and TOPIC in one pass over the entries, each text read as a query is
    (plan on the lexicon and arrays as written, opened here; ``opened`` is called once
    they are): an entry's score for its own question (`answered` measures a query's
    first hit against it) and the topic model (topic.py: the entries' phrasings and
    leads against kb/offtopic.yaml; no off-topic questions: no model). Workers share
    the entries by ranges (one per worker: each sends back counts over most of the
    features, which the builder adds up, topic.from_parts); they inherit the lexicon
    with its analyzer loaded (entry 0, read here, loads it) and the arrays, which this
    process then lets go of (fork_map): the workers' parts arrive, and are added up, in
    their place (at 100k entries the arrays' terms read back are ~150 MB)."""
    import numpy as np

    from ..impact import ImpactIndex
    from ..plan import text_topic_features
    from ..topic import TopicModel, from_arrays, spread

    lex, imp = ReadingLexicon.open(version_dir / LEXICON), ImpactIndex(version_dir)
    opened()
    texts, starts, off = topic_texts(kb)
    learn = any(kb.offtopic.values())
    picked = spread(list(range(len(texts))))
    off = spread(off)
    chosen = None
    if learn and picked and off:  # texts on both sides (as topic.train requires)
        chosen = np.zeros(len(texts), dtype=bool)
        chosen[picked] = True
    state = (lex, imp, entries, texts, starts, chosen, version_dir)
    first = _read_range(state, (0, min(1, len(entries))))
    # The off-topic questions' features before the workers fork (after them, they would
    # need the lexicon kept here); forgotten, so the workers start as they did.
    off_counts: Counter = Counter()
    if chosen is not None:
        for q in off:
            off_counts.update(text_topic_features(q, lex))
        lex.forget()
    ranges = chunks(len(entries) - 1, procs, per_proc=1, least=500, most=len(entries))
    ranges = [(a + 1, b + 1) for a, b in ranges]
    rest = fork_map(_read_range, state, ranges, procs)
    del state, lex, imp  # fork_map holds them until the workers are forked (or to its end in-process)
    # Each part's blobs are appended to QUESTIONS as it arrives (from its range's file) and
    # only its topic counts are kept.
    best, counts, lengths = [], [], []
    with open(version_dir / QUESTIONS, "wb") as f:
        for (a, _), part in zip([(0, 1), *ranges], chain([first], rest), strict=True):
            best.append(part[0])
            counts.append(part[1])
            lengths.append(part[2])
            with open(range_file(version_dir, a), "rb") as got:
                shutil.copyfileobj(got, f)
            range_file(version_dir, a).unlink()
            del part
    del first
    with open(version_dir / SELF_SCORES, "wb") as f:
        np.save(f, np.concatenate(best))
    offsets = np.zeros(len(entries) + 1, dtype=np.int64)
    np.cumsum(np.concatenate(lengths), out=offsets[1:])
    np.save(version_dir / QUESTIONS_OFFSETS, offsets)
    if not learn:
        return
    model = TopicModel({})
    if chosen is not None:
        parts = [*counts, sorted_counts(off_counts)]
        vocab, added = add_sorted(parts, [0] * len(counts) + [1])
        # The parts' keys go before the weights are made (at 100k entries ~1.2M strings and
        # their lists). The kept keys stay held by ``vocab`` until the dump: marshal flags a
        # string held more than once (FLAG_REF), so its bytes depend on that.
        del parts, counts, off_counts
        model = from_arrays(vocab, added[0], added[1])
    (version_dir / TOPIC).write_bytes(model.dump())


def verify(version_dir: Path, kb: KnowledgeBase, *, fresh: bool = False) -> None:
    """A new version must open and find an entry by its own question before it goes live
    (the one step that opens it as a reader would: a searcher). ``fresh``: in a new
    interpreter (not forked), so the searcher's memory is not added to the builder's: at
    100k entries opening it took the builder from 1.35 to 2.01 GB, its peak."""
    probe = next(iter(kb.entries.values()))
    args = (len(kb.entries), probe.id, probe.translations[probe.best_lang()].question)
    if not fresh:
        check_version(version_dir, *args)
        return
    import os
    import subprocess
    import sys

    import faqkb

    env = dict(os.environ)  # the child imports this very faqkb, wherever it was found
    here = str(Path(faqkb.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(x for x in (here, env.get("PYTHONPATH")) if x)
    code = "import sys; from faqkb.build.stages import verify_main; sys.exit(verify_main(sys.argv[1:]))"
    got = subprocess.run([sys.executable, "-c", code, str(version_dir), *map(str, args)], env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if got.returncode:
        lines = got.stderr.strip().splitlines()
        raise FaqkbError(lines[-1] if got.returncode == VERIFY_FAILED and lines
                         else f"checking the new index failed (exit {got.returncode}): {got.stderr.strip()[-2000:]}")


VERIFY_FAILED = 3  # verify_main's exit status when the version fails its check (the reason on stderr)


def verify_main(argv: list[str]) -> int:
    """``verify(fresh=True)``'s child: VERSION_DIR ENTRIES PROBE_ID QUESTION."""
    import sys

    version_dir, entries, probe_id, question = argv
    try:
        check_version(Path(version_dir), int(entries), probe_id, question)
    except FaqkbError as e:
        print(e, file=sys.stderr)
        return VERIFY_FAILED
    return 0


def check_version(version_dir: Path, entries: int, probe_id: str, question: str) -> None:
    """verify's check: ``entries`` documents, and ``question`` finds ``probe_id`` in its top 10."""
    from ..search import Searcher

    s = Searcher(version_dir=version_dir)
    try:
        if s.entry_count != entries:
            raise FaqkbError(f"new index holds {s.entry_count} entries, expected {entries}")
        hits = s.search(question, limit=10).hits
        if probe_id not in [h.id for h in hits]:
            raise FaqkbError(f"new index does not find '{probe_id}' by its own question; not switching")
    finally:
        s.close()
