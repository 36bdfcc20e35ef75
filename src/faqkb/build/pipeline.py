"""A build from start to switch: a new version written aside (store.Store), stage by
stage, verified, then made live. A failed or killed build never touches the live index.

Stages (each logged by measure.BuildStages): start (jieba's dictionary and the pinyin
table), analysis (forked workers, analyse.analyse_range, merged here in kb order so
every figure and id is the one a single process gives), whoosh, arrays, lexicon, open,
own scores, topic, verify. Heavy modules are imported inside the functions: the CLI and
the web import this module (through service.py) on every start.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import FaqkbError
from ..kbase.fingerprint import kb_fingerprint
from ..kbase.model import KnowledgeBase
from ..layout import META, IndexInfo
from .measure import BuildStages
from .store import Store, fsync_files
from .workers import give_back

if TYPE_CHECKING:
    from ..analysis import Analyzer
    from ..kbase.model import Entry
    from .impact_writer import ImpactWriter
    from .writer import DocumentWriter

SPILL = ".postings"  # the merged postings, inside the version being built until the arrays are written
AUTO_PROCS_FROM = 1000  # entries: below this, forking workers costs more than it saves


def auto_procs(entries: int) -> int:
    """Worker processes for a build of ``entries`` when the caller did not say: every core
    this process may run on for a large kb, else none (the work is done in-process)."""
    if entries < AUTO_PROCS_FROM:
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def build_index(kb: KnowledgeBase, index_dir: str | os.PathLike, *, fingerprint: str | None = None,
                procs: int | None = 1, reference: bool = False, hand_over: bool = False) -> IndexInfo:
    """Build ``kb`` into a new version under ``index_dir``, verify it, make it live.
    ``procs``: worker processes for the analysis (None: auto_procs). ``reference`` also
    writes the scored fields as whoosh postings (slower; for the tests that check the
    impact arrays against whoosh: see writer.schema). ``hand_over``: the caller gives
    ``kb`` up to the build, which drops the entries' answers once the analysis has read
    them (drop_answers); the kb is not to be used afterwards.

    Raises FaqkbError if the directory cannot be written or the new index fails its check;
    the live version, if any, is then left exactly as it was."""
    index_dir = Path(index_dir)
    procs = auto_procs(len(kb.entries)) if procs is None else procs
    try:
        with Store(index_dir) as store:
            stage = BuildStages()
            tmp = store.stage()
            fingerprint = fingerprint or kb_fingerprint(kb.root)
            built_at = write_version(kb, tmp, fingerprint, procs, reference, stage, hand_over)
            # Unique even for two builds of the same kb in the same second by the same process
            # (the temp dir's random suffix); os.rename onto an existing version would fail.
            stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(built_at))
            name = f"v-{stamp}-{fingerprint[:8]}-{tmp.name.removeprefix('.tmp-')}"
            return IndexInfo.read(store.publish(tmp, name))
    except OSError as e:
        raise FaqkbError(f"building the index at {index_dir} failed: {e.strerror or e}; "
                         "the live index is unchanged") from None


@dataclass
class Analysis:
    """What the analysis stage gathered besides what it wrote: the impact arrays' writer
    and the words the lexicon is made of."""
    impacts: ImpactWriter
    vocab: dict[str, int] = field(default_factory=dict)
    stems: set[str] = field(default_factory=set)
    words: dict[str, int] = field(default_factory=dict)
    # The last part stays referenced until the lexicon is written, as it always was: marshal
    # flags an object referenced more than once (FLAG_REF), so the bytes of impact.terms.marshal
    # and lexicon.marshal depend on which term strings are still held elsewhere.
    last: dict[str, Any] | None = None

    def merge(self, part: dict[str, Any]) -> None:
        self.impacts.merge(part["impacts"])
        vocab = self.vocab
        for w, n in part["vocab"].items():
            vocab[w] = vocab.get(w, 0) + n
        self.stems |= part["stems"]
        self.words.update(part["words"])


def write_version(kb: KnowledgeBase, tmp: Path, fingerprint: str, procs: int, reference: bool,
                  stage: BuildStages, hand_over: bool = False) -> float:
    """Every file of a version of ``kb`` into ``tmp``, verified; returns its build time."""
    from ..analysis import Analyzer, PinyinTable, Segmenter
    from ..intent import write_categories
    from ..scope import write_scope
    from .analyse import phrase_pinyin
    from .shown import write_shown
    from .vocabulary import write_lexicon
    from .writer import DocumentWriter

    seg, table = Segmenter(), PinyinTable.from_pypinyin()
    seg.full_freq()  # load jieba's dictionary now, once, before any worker forks
    analyzer = Analyzer(seg, table, word_pinyin=phrase_pinyin())
    stage("start")
    entries = list(kb.entries.values())
    # Made here, not in _analyse: whoosh leaves a reference cycle holding the frames that
    # created its writer (and their callers'), which the build's disabled collector never
    # frees; this frame's big locals are deleted by name below, _analyse's could not be.
    docs = DocumentWriter(tmp, reference)
    got = _analyse(kb, entries, analyzer, docs, procs, reference, tmp / SPILL)
    if hand_over:
        entries = drop_answers(kb)
    give_back()  # what the parts were unpickled into, before the arrays' temporaries
    stage("analysis")
    docs.commit()
    del docs
    stage("whoosh")
    got.impacts.write(tmp)
    stage("arrays")
    write_lexicon(tmp, kb, seg, table, got.vocab, got.stems, got.words, analyzer.word_pinyin)
    # What only the stages above needed (the collected terms and words, jieba's full
    # dictionary, the pinyin readings remembered) goes before the own-question workers
    # fork: at 100k entries they are hundreds of MB every worker would otherwise start with.
    del got, analyzer, seg
    give_back()
    stage("lexicon")
    built_at = time.time()
    (tmp / META).write_text(json.dumps({
        "fingerprint": fingerprint, "kb_root": kb.root, "entries": len(kb.entries),
        "built_at": built_at, "faqkb_version": __version__}, indent=1), "utf-8")
    _read_as_queries(kb, entries, tmp, procs, stage)
    write_scope(kb.root, tmp)  # kb/scope.yaml for `answered` (scope.py)
    write_categories(kb.root, tmp, set(kb.entries))  # kb/categories.yaml (intent.py)
    write_shown(tmp, entries)  # which language each document's hit shows (shown.py)
    fsync_files(tmp)
    from .stages import verify

    # A parallel build is a large kb's: its searcher opens in a fresh process (see verify).
    verify(tmp, kb, fresh=procs > 1)
    stage("verify")
    return built_at


def drop_answers(kb: KnowledgeBase) -> list[Entry]:
    """``kb``'s entries without their answers (""), put in its place; returns them in kb
    order. Only the analysis reads an answer: the stages after it read questions,
    alternatives and leads, and the documents' records (ENTRIES) are written already. At
    100k entries the answers are ~25 % of the loaded kb (~100 MB), which every later
    stage's memory and every query-pass worker forked from the builder started with.
    Every other string is the same object as before (an index file's bytes can depend on
    which strings are shared: marshal's FLAG_REF)."""
    from dataclasses import replace

    for key, e in kb.entries.items():
        kb.entries[key] = replace(e, translations={lang: replace(tr, answer="") for lang, tr in e.translations.items()})
    return list(kb.entries.values())


def _analyse(kb: KnowledgeBase, entries: list, analyzer: Analyzer, docs: DocumentWriter, procs: int,
             reference: bool, spill: Path) -> Analysis:
    """The analysis stage: forked workers analyse ranges of entries (they inherit the
    loaded dictionary, pinyin table and entries); their parts are written to ``docs`` (the
    entries' records for ENTRIES too) and merged here in kb order, their postings appended
    to files under ``spill`` (read back a field at a time when the arrays are written)
    rather than held."""
    from .impact_writer import ImpactWriter
    from .layouts import analyse_with_hits
    from .workers import chunks, fork_map

    got = Analysis(ImpactWriter(spill))
    try:
        for part in fork_map(analyse_with_hits, (entries, analyzer, reference), chunks(len(entries), procs), procs):
            docs.add(part["docs"], part["marks"], part["hits"], part.pop("entries"))
            got.merge(part)
            got.last = part
        docs.close_marks(kb)
    except BaseException:
        docs.cancel()
        raise
    return got


def _read_as_queries(kb: KnowledgeBase, entries: list, tmp: Path, procs: int, stage: BuildStages) -> None:
    """The stage that reads the kb's texts as queries are read (stages.py), on the
    lexicon and arrays as written (opened there: once its workers have forked, nothing
    here holds them)."""
    from .stages import read_as_queries

    read_as_queries(tmp, kb, entries, procs, opened=lambda: stage("open"))
    stage("as queries")
