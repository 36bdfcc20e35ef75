"""The on-disk index: built from a KnowledgeBase into a temporary directory, verified,
then switched to atomically. A failed or killed build never touches the live index.

The layout of an index directory is in layout.py.

Fields are stored pre-analyzed (space-separated terms) so that opening the index never
unpickles or imports our analyzer: queries are analyzed by `faqkb.analysis` directly.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import marshal
import os
import secrets
import shutil
import time
import zlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .analysis import (
    ANALYSIS_VERSION,
    HAN_VARIANTS,
    Analyzed,
    Analyzer,
    PinyinTable,
    Segmenter,
    is_han,
    prune_dictionary,
    to_mainland,
)
from .errors import FaqkbError, IndexNotReady
from .kbase.model import LANGS, KnowledgeBase
from .layout import (  # noqa: F401  (re-exported: the names callers and tests have always used)
    BIGRAM_FIELDS,
    CURRENT,
    ENTRIES,
    LANG_MARKS,
    LANG_MARKS_OFFSETS,
    LEXICON,
    MARKER,
    MARKS,
    MARKS_OFFSETS,
    META,
    PINYIN_FIELD,
    QUESTIONS,
    QUESTIONS_OFFSETS,
    SCORED_FIELDS,
    SELF_SCORES,
    SPELLING,
    TOPIC,
    WORD_FIELDS,
    IndexInfo,
    current_version,
    live_info,
)
from .lexicon import Lexicon
from .snippets import plain_text, word_marks
from .workers import chunks, fork_map

if TYPE_CHECKING:
    from .impact import ImpactIndex

RECORDS_FORMAT = 1
LOCK = "build.lock"  # flock held by the one build allowed at a time
_log = logging.getLogger(__name__)


def _children_cpu() -> float:
    """CPU seconds of the worker processes this one has waited for (a stage's pool is
    joined before the stage ends, so its workers are counted in that stage)."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _memory() -> tuple[float, float, float]:
    """MB: the builder's resident memory now, its peak, and the largest worker's peak.
    The builder's figures are /proc's VmRSS and VmHWM: getrusage's peak also counts what
    the process that started this one held before its exec (a bench holding its corpus)."""
    import resource

    status = {}
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, kib, *_ = line.split()
                    status[key] = int(kib) / 1024
    except (OSError, ValueError):  # not Linux
        pass
    nan = float("nan")
    return status.get("VmRSS:", nan), status.get("VmHWM:", nan), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


class BuildStages:
    """Seconds each stage of a build took (wall, the builder's CPU and its workers' CPU)
    and the memory after it, logged at INFO on the "faqkb.index" logger: a bench with
    logging on shows where a large build's time and memory go (bench/build.py --stages)."""

    def __init__(self) -> None:
        self.wall, self.cpu, self.workers = time.perf_counter(), time.process_time(), _children_cpu()

    def __call__(self, name: str) -> None:
        if not _log.isEnabledFor(logging.INFO):
            return
        wall, cpu, workers = time.perf_counter(), time.process_time(), _children_cpu()
        _log.info("build stage %-12s %7.2f s wall %7.2f s builder cpu %7.2f s workers cpu   RSS %5.0f MB, "
                  "peak %5.0f MB, largest worker %5.0f MB", name, wall - self.wall, cpu - self.cpu,
                  workers - self.workers, *_memory())
        self.wall, self.cpu, self.workers = wall, cpu, workers

def schema(reference: bool = False):
    """whoosh's fields: the stored ones and the category filter. The scored fields are
    scored and phrase-checked by the impact arrays only (impact.py), so they are not whoosh
    postings: writing them was most of a build's time. ``reference`` adds them, for the
    tests that compare the arrays with whoosh's own BM25F and phrases (tests/test_impact.py)."""
    from whoosh import fields
    from whoosh.analysis import SpaceSeparatedTokenizer

    pre = SpaceSeparatedTokenizer()  # terms arrive analyzed; keep them as they are
    extra = {}
    if reference:
        extra = {f: fields.TEXT(analyzer=pre, phrase=True) for f in (*WORD_FIELDS, *BIGRAM_FIELDS)}
        extra[PINYIN_FIELD] = fields.TEXT(analyzer=pre, phrase=False)
    return fields.Schema(
        # Stored only: nothing looks a document up by id in whoosh (the entries are in
        # ENTRIES), and writing 100k one-document terms was a tenth of a large build.
        id=fields.STORED,
        category=fields.ID(stored=True),
        operators=fields.KEYWORD(stored=True),
        **extra,
    )


def kb_fingerprint(root: str | os.PathLike) -> str:
    """A hash of every YAML file under kb/ (names and bytes) and of the analysis version:
    equal fingerprints mean the index answers exactly as a fresh build would."""
    from .kbase.folder import check_kb_layout

    root = Path(root)
    check_kb_layout(root)  # NotAKnowledgeBase, quickly, for a folder like / or $HOME
    h = hashlib.sha256(f"faqkb-analysis-{ANALYSIS_VERSION}\0".encode())
    # The kb's files are its top-level data files and <category>/<id>.yaml: nothing deeper.
    # Sorted by parts: the order Path's own comparison gives on POSIX, without its Python-level
    # __lt__ (3 s of a 100k-entry kb's 1.7M comparisons, before any file is read).
    for p in sorted([*root.glob("*.yaml"), *root.glob("*/*.yaml")], key=lambda p: p.parts):
        rel = p.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        h.update(str(rel).encode() + b"\0")
        # A folder, FIFO, broken or looping link named *.yaml must not crash or hang this
        # (load_kb reports it); read in chunks so a huge file is hashed, not held in memory.
        try:
            if not p.is_file():
                h.update(b"<not a file>\0")
                continue
            with open(p, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        except OSError as e:
            h.update(f"<unreadable {e.errno}>".encode())
        h.update(b"\0")
    return h.hexdigest()


# ---------------------------------------------------------------- building

def _document(e, analyzer: Analyzer) -> dict:
    """One whoosh document per entry, all languages in the same fields: a query in any
    language finds the entry, which is then shown in the reader's language."""
    doc: dict[str, list[str]] = {"q_words": [], "a_words": [], "q_bigrams": [], "a_bigrams": [], "q_pinyin": []}
    marks = {}
    words: tuple[dict[str, int], set[str]] = ({}, set())
    for lang, tr in e.translations.items():
        texts = [tr.question, *tr.alternatives]
        asked = [analyzer.analyze(t) for t in texts]
        # The answer is indexed as the reader sees it (no Markdown link targets), and
        # its pinyin is not indexed: typos are rescued through the questions.
        answer_text = plain_text(tr.answer)
        answer = analyzer.analyze(answer_text, pinyin=False)
        for text, analyzed in zip([*texts, answer_text], [*asked, answer], strict=True):
            _count_words(text, analyzed, *words)
        for a in asked:
            doc["q_words"] += [t.text for t in a.words]
            doc["q_bigrams"] += a.bigrams
            doc["q_pinyin"] += a.pinyin
        doc["a_words"] += [t.text for t in answer.words]
        doc["a_bigrams"] += answer.bigrams
        marks[lang] = (word_marks(asked[0], analyzer.table), word_marks(answer, analyzer.table))
    # The scored fields stay lists (impact.ImpactWriter takes them as they are); a reference
    # build joins them for whoosh (_analyze_range).
    return {"id": e.id, "category": e.category, "operators": " ".join(e.operators), "marks": marks,
            "_words": words, **doc}


def _count_words(text: str, analyzed: Analyzed, vocab: dict[str, int], stems: set[str]) -> None:
    """The kb's own words, for did-you-mean: surface forms of Latin/Cyrillic words (and
    their stems, which are known words never to be corrected) and Han words."""
    for tok in analyzed.words:
        if tok.script in ("lat", "cyr"):
            surface = text[tok.start:tok.end].lower().replace("ё", "е")
            vocab[surface] = vocab.get(surface, 0) + 1
            stems.add(tok.text)
        elif tok.script == "han" and len(tok.text) >= 2:
            vocab[tok.text] = vocab.get(tok.text, 0) + 1


STORED_FIELDS = ("id", "category", "operators")  # what whoosh keeps of a normal build's document


def _marks_blob(marks: dict) -> bytes:
    """A document's highlighting marks as stored in MARKS (read by search.Searcher._stored):
    made by the build workers, so the builder only appends bytes (pickling and compressing
    them inside whoosh's writer was a tenth of a large build)."""
    return zlib.compress(marshal.dumps(marks), 1)


def _lang_blobs(marks: dict) -> list[bytes]:
    """The same marks for LANG_MARKS: one plain marshal blob per language (LANGS' order,
    empty where the entry lacks it), as tuples: a hit decodes its own language's marks
    only, with no decompression (a tenth of the whole blob's cost, for twice its bytes)."""
    return [marshal.dumps((tuple(marks[lang][0]), tuple(marks[lang][1]))) if lang in marks else b""
            for lang in LANGS]


def _analyze_range(state: tuple[list, Analyzer, bool], bounds: tuple[int, int]) -> dict:
    """The analysis of entries[start:end], everything a build needs of it, gathered where
    it is computed (a build worker, or the builder itself) so the builder only merges:
    whoosh's documents, the impact arrays' share (impact.ImpactWriter.merge), the words
    for did-you-mean, and the dictionary words the texts hold (prune_dictionary)."""
    from .impact import ImpactWriter

    entries, analyzer, reference = state
    part = entries[bounds[0]:bounds[1]]
    impacts = ImpactWriter()
    docs = []
    marks: list[bytes] = []
    lang_marks: list[bytes] = []  # len(LANGS) per document
    vocab: dict[str, int] = {}
    stems: set[str] = set()
    walked = analyzer.segmenter.record_walks()  # for prune_dictionary below
    for e in part:
        doc = _document(e, analyzer)
        doc_vocab, doc_stems = doc.pop("_words")
        for w, n in doc_vocab.items():
            vocab[w] = vocab.get(w, 0) + n
        stems |= doc_stems
        impacts.add(doc)
        doc_marks = doc.pop("marks")
        marks.append(_marks_blob(doc_marks))
        lang_marks += _lang_blobs(doc_marks)
        docs.append({k: " ".join(v) if isinstance(v, list) else v for k, v in doc.items()} if reference
                    else {k: doc[k] for k in STORED_FIELDS})
    analyzer.segmenter.record_walks(False)
    impacts.seal()  # postings made here, in the worker
    full, _ = analyzer.segmenter.full_freq()
    return {"docs": docs, "marks": marks, "lang_marks": lang_marks, "impacts": impacts, "vocab": vocab, "stems": stems,
            "words": prune_dictionary(full, entry_texts(part), walked)}


def entry_texts(entries) -> list[str]:
    """Every text of ``entries`` the analysis reads: questions, alternatives, answers."""
    return [t for e in entries for tr in e.translations.values()
            for t in (tr.question, *tr.alternatives, tr.answer)]


def _lexicon(kb: KnowledgeBase, seg: Segmenter, table: PinyinTable, vocab: dict[str, int],
             stems: set[str], words: dict[str, int]) -> Lexicon:
    """What queries need besides the index: the pruned jieba dictionary, the pinyin table,
    synonyms as analyzed terms, and the KB's own words for did-you-mean. ``words``: the
    dictionary words the entries' texts hold (prune_dictionary, gathered with the analysis)."""
    full, total = seg.full_freq()
    freq = dict(words)
    freq.update(prune_dictionary(full, [w for g in kb.synonyms for w in g] + list(kb.regional.values())))
    pruned = Analyzer(Segmenter(freq, total), table)
    han_by_pinyin: dict[str, str] = {}
    for word, _count in sorted(vocab.items(), key=lambda kv: -kv[1]):
        if is_han(word):
            han_by_pinyin.setdefault("".join(table.of(word)), word)
    synonyms: dict[str, list[list[str]]] = {}
    for group in kb.synonyms:
        forms = [[t.text for t in pruned.analyze(w).words] for w in group]
        forms = [f for f in forms if f]
        for f in forms:
            if len(f) == 1:
                synonyms.setdefault(f[0], [])
                synonyms[f[0]] += [o for o in forms if o != f and o not in synonyms[f[0]]]
    # Regional words are matched on tw2sp output, so their keys are folded the same way.
    regional = {to_mainland(k, {}, None): v.translate(HAN_VARIANTS) for k, v in kb.regional.items()}
    return Lexicon(freq=freq, total=total, chars=table.chars, syllables=sorted(table.syllables), vocab=vocab,
                   stems=frozenset(stems), han_by_pinyin=han_by_pinyin, synonyms=synonyms, regional=regional)


def _phrase_pinyin():
    """pypinyin's phrase-aware reading of a text (``lazy_pinyin(text, Style.NORMAL)``),
    remembered twice over: whole texts (words repeat, Zipf) and, inside pypinyin, each
    phrase its segmenter cuts a text into. A question's run is seldom seen twice, but its
    phrases are: converting them (tone marks, style) was most of pypinyin's time, and a
    conversion depends on the phrase alone, so the readings are pypinyin's own."""
    from pypinyin import Style
    from pypinyin.converter import DefaultConverter
    from pypinyin.core import Pinyin

    class Remembering(DefaultConverter):
        def __init__(self) -> None:
            super().__init__()
            self.seen: dict[tuple, list] = {}

        def convert(self, words, style, heteronym, errors, strict=True, **kwargs):  # pypinyin passes every one
            key = (words, style, heteronym, errors, strict)
            got = self.seen.get(key) if not kwargs else None
            if got is None:
                got = super().convert(words, style, heteronym, errors, strict, **kwargs)
                if not kwargs:
                    self.seen[key] = got
            return [list(x) for x in got]  # callers own their lists, as from pypinyin

    reader = Pinyin(Remembering())
    return lru_cache(maxsize=200_000)(lambda w: reader.lazy_pinyin(w, style=Style.NORMAL))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _BuildLock:
    """One build at a time per index directory; a second waits for the first. Entering
    creates the directory; FaqkbError if it cannot be written (nothing live is touched)."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.path = index_dir / LOCK

    def __enter__(self) -> _BuildLock:
        import fcntl

        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        except OSError as e:
            raise FaqkbError(f"cannot write the index at {self.index_dir}: {e.strerror}; "
                             "any live index is unchanged") from None
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        os.close(self.fd)  # closing releases the flock


def read_records(index_dir: Path) -> dict | None:
    """The index's own records (see the module docstring), or None if it has no marker."""
    try:
        rec = json.loads((index_dir / MARKER).read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise FaqkbError(f"{index_dir / MARKER} is unreadable ({e}); move the folder aside and build "
                         "into a new one") from None
    if not isinstance(rec, dict) or not isinstance(rec.get("versions"), list):
        raise FaqkbError(f"{index_dir / MARKER} is not a faqkb index record; move the folder aside "
                         "and build into a new one")
    rec.setdefault("building", [])
    return rec


def _write_records(index_dir: Path, rec: dict) -> None:
    tmp = index_dir / f".{MARKER}.{os.getpid()}"
    tmp.write_text(json.dumps(rec, indent=1) + "\n", "utf-8")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    tmp.replace(index_dir / MARKER)


def _legacy_records(index_dir: Path) -> dict | None:
    """Records for an index built before the marker existed: a CURRENT pointer naming a
    version folder with our meta.json. Adopts only version folders holding our meta.json."""
    try:
        version = current_version(index_dir)
    except IndexNotReady:
        return None
    if version is None or not (version / META).is_file():
        return None
    ours = []
    for p in index_dir.iterdir():
        if p.name.startswith("v-") and p.is_dir() and not p.is_symlink():
            try:
                if "fingerprint" in json.loads((p / META).read_text("utf-8")):
                    ours.append(p.name)
            except (OSError, ValueError):
                continue
    return {"format": RECORDS_FORMAT, "versions": sorted(ours), "building": []}


def claim_index_dir(index_dir: Path) -> dict | None:
    """Refuse to build into a folder that is not ours: a non-empty folder without the
    marker (nor an index from before the marker). Reads only; returns the records, or
    None for an empty or new folder."""
    rec = read_records(index_dir)
    if rec is not None:
        return rec
    try:
        # What a first build makes before its records exist (its lock, its records being
        # written) is ours: a second first build into the same new folder waits for the
        # lock and then finds the records, instead of taking the folder for a foreign one.
        empty = all(p.name == LOCK or p.name.startswith(f".{MARKER}.") for p in index_dir.iterdir())
    except FileNotFoundError:
        return None
    except OSError as e:
        raise FaqkbError(f"cannot read the index folder {index_dir}: {e.strerror}") from None
    if empty:
        return None
    legacy = _legacy_records(index_dir)
    if legacy is not None:
        return legacy
    raise FaqkbError(f"{index_dir} is not empty and is not a faqkb index (no {MARKER}); nothing was changed "
                     "— pass --index with a new or empty folder")


def _clean_leftovers(index_dir: Path, rec: dict, keep: set[str]) -> None:
    """Remove what this index's records list and no longer needs: temp dirs of killed
    builds and versions older than the previous one. Nothing the records don't list is
    touched. Called under the build lock, so no other build owns any of them."""
    for name in list(rec["building"]):
        if _own_name(name, ".tmp-"):
            shutil.rmtree(index_dir / name, ignore_errors=True)
        rec["building"].remove(name)
    for name in list(rec["versions"]):
        if name not in keep:
            if _own_name(name, "v-"):
                shutil.rmtree(index_dir / name, ignore_errors=True)
            rec["versions"].remove(name)
    for p in index_dir.iterdir():  # pointers of builds killed just before their switch
        if p.name.startswith((".CURRENT.", f".{MARKER}.")) and p.is_file():
            p.unlink(missing_ok=True)
    _write_records(index_dir, rec)


def _own_name(name: str, prefix: str) -> bool:
    """A records entry names a direct child of the index folder, never a path elsewhere."""
    return isinstance(name, str) and name.startswith(prefix) and "/" not in name and name not in (".", "..")


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
                procs: int | None = 1, reference: bool = False) -> IndexInfo:
    """Build ``kb`` into a new version under ``index_dir``, verify it, make it live.
    ``procs``: worker processes for the analysis (None: auto_procs). ``reference`` also writes the scored fields as whoosh postings (slower; for
    the tests that check the impact arrays against whoosh: see ``schema``).

    Raises FaqkbError if the directory cannot be written or the new index fails its check;
    the live version, if any, is then left exactly as it was."""
    index_dir = Path(index_dir)
    claimed = claim_index_dir(index_dir)  # before writing anything: a foreign folder gets not even a lock file
    with _BuildLock(index_dir):
        return _build_locked(kb, index_dir, fingerprint, auto_procs(len(kb.entries)) if procs is None else procs,
                             claimed, reference)


def _build_locked(kb: KnowledgeBase, index_dir: Path, fingerprint: str | None, procs: int,
                  claimed: dict | None, reference: bool = False) -> IndexInfo:
    from whoosh import index as windex

    tmp = None
    rec: dict = {}
    stage = BuildStages()
    try:
        # Re-read under the lock (another build may have written them since); a folder that
        # was empty or new gets fresh records.
        rec = read_records(index_dir) or claimed or {"format": RECORDS_FORMAT, "versions": [], "building": []}
        previous = current_version(index_dir) if (index_dir / CURRENT).exists() else None
        _clean_leftovers(index_dir, rec, keep={previous.name} if previous else set())
        tmp = index_dir / f".tmp-{secrets.token_hex(6)}"
        rec["building"].append(tmp.name)  # recorded before it exists: a kill leaves nothing unlisted
        _write_records(index_dir, rec)
        tmp.mkdir()
        fingerprint = fingerprint or kb_fingerprint(kb.root)

        seg, table = Segmenter(), PinyinTable.from_pypinyin()
        seg.full_freq()  # load jieba's dictionary now, once, before any worker forks
        analyzer = Analyzer(seg, table, word_pinyin=_phrase_pinyin())
        from .impact import ImpactWriter

        stage("start")

        ix = windex.create_in(str(tmp), schema(reference))
        writer = ix.writer()
        impacts = ImpactWriter()
        vocab: dict[str, int] = {}
        stems: set[str] = set()
        words: dict[str, int] = {}
        entries = list(kb.entries.values())
        marks_file = open(tmp / MARKS, "wb")  # noqa: SIM115 - closed below, after the loop
        offsets = [0]
        lang_file = open(tmp / LANG_MARKS, "wb")  # noqa: SIM115 - closed below, after the loop
        lang_offsets = [0]
        try:
            # Analysis (most of a build) in forked workers, which inherit the loaded jieba
            # dictionary, pinyin table and entries; merged here in kb order, so every
            # figure and id is the one a single process gives.
            for part in fork_map(_analyze_range, (entries, analyzer, reference),
                                 chunks(len(entries), procs), procs):
                for doc in part["docs"]:
                    writer.add_document(**doc)
                for blob in part["marks"]:
                    marks_file.write(blob)
                    offsets.append(offsets[-1] + len(blob))
                for blob in part["lang_marks"]:
                    lang_file.write(blob)
                    lang_offsets.append(lang_offsets[-1] + len(blob))
                impacts.merge(part["impacts"])
                for w, n in part["vocab"].items():
                    vocab[w] = vocab.get(w, 0) + n
                stems |= part["stems"]
                words.update(part["words"])
        except BaseException:
            writer.cancel()
            raise
        finally:
            marks_file.close()
            lang_file.close()
        stage("analysis")
        writer.commit()
        ix.close()
        stage("whoosh")
        import numpy as np

        np.save(tmp / MARKS_OFFSETS, np.asarray(offsets, dtype=np.int64))
        np.save(tmp / LANG_MARKS_OFFSETS, np.asarray(lang_offsets, dtype=np.int64))

        _write_entries(tmp / ENTRIES, kb)
        impacts.write(tmp)
        stage("arrays")
        lexicon = _lexicon(kb, seg, table, vocab, stems, words)
        (tmp / LEXICON).write_bytes(lexicon.dump())
        from .spelling import build_deletes, build_plain, dump_spelling

        deletes = build_deletes(vocab)
        plain = build_plain(vocab, lexicon.stems, deletes, lexicon.han_by_pinyin, table, seg.full_freq()[0])
        (tmp / SPELLING).write_bytes(dump_spelling(deletes, plain))
        # What only the stages above needed (the collected terms and words, jieba's full
        # dictionary, the pinyin readings remembered) goes before the lexicon is read back
        # and the own-question workers fork: at 100k entries they are hundreds of MB that every
        # worker would otherwise start with.
        del impacts, vocab, stems, words, lexicon, deletes, plain, analyzer, seg
        stage("lexicon")
        built_at = time.time()
        (tmp / META).write_text(json.dumps({
            "fingerprint": fingerprint, "kb_root": kb.root, "entries": len(kb.entries),
            "built_at": built_at, "faqkb_version": __version__}, indent=1), "utf-8")
        # The questions and texts are read as queries are (engine.query's plan, on the
        # lexicon and arrays as written), never through a searcher: only the verify step
        # opens the new version as a reader would.
        from .impact import ImpactIndex
        from .intent import write_categories
        from .scope import write_scope

        lexicon, arrays = Lexicon.read(tmp / LEXICON), ImpactIndex(tmp)
        stage("open")
        _write_own_scores(lexicon, arrays, tmp, entries, procs)
        stage("own scores")
        _write_phrasings(lexicon, arrays, tmp, entries, procs)
        stage("phrasings")
        _write_topic(lexicon, tmp, kb, procs)
        del lexicon, arrays
        stage("topic")
        write_scope(kb.root, tmp)  # kb/scope.yaml for `answered` (scope.py)
        write_categories(kb.root, tmp, set(kb.entries))  # kb/categories.yaml (intent.py)
        for p in tmp.iterdir():
            with open(p, "rb") as f:
                os.fsync(f.fileno())
        from .search import Searcher

        s = Searcher(version_dir=tmp)
        try:
            _verify(s, kb)
            stage("verify")
        finally:
            s.close()

        # Unique even for two builds of the same kb in the same second by the same process
        # (the temp dir's random suffix); os.rename onto an existing version would fail.
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(built_at))
        name = f"v-{stamp}-{fingerprint[:8]}-{tmp.name.removeprefix('.tmp-')}"
        final = index_dir / name
        tmp.rename(final)
        rec["versions"].append(name)
        rec["building"].remove(tmp.name)
        _write_records(index_dir, rec)
        tmp = None
        pointer = index_dir / f".CURRENT.{os.getpid()}"
        pointer.write_text(name + "\n", "utf-8")
        with open(pointer, "rb") as f:
            os.fsync(f.fileno())
        pointer.replace(index_dir / CURRENT)  # the atomic switch
        _fsync_dir(index_dir)
        _clean_leftovers(index_dir, rec, keep={name} | ({previous.name} if previous else set()))
        return IndexInfo.read(final)
    except OSError as e:
        raise FaqkbError(f"building the index at {index_dir} failed: {e.strerror or e}; "
                         "the live index is unchanged") from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
            if tmp.name in rec.get("building", ()):
                rec["building"].remove(tmp.name)
                with contextlib.suppress(OSError):  # else still listed: the next build removes it
                    _write_records(index_dir, rec)


def _write_entries(path: Path, kb: KnowledgeBase) -> None:
    """ENTRIES: exactly the bytes of json.dumps({"entries": [...], "facts": [...]},
    ensure_ascii=False), written an entry at a time: the whole document as one str and its
    UTF-8 bytes (with every entry's dict) were ~700 MB of a 100k-entry build's peak."""
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"entries": [')
        for i, e in enumerate(kb.entries.values()):
            f.write((", " if i else "") + json.dumps(e.to_dict(), ensure_ascii=False))
        f.write('], "facts": ' + json.dumps([x.to_dict() for x in kb.facts.values()], ensure_ascii=False) + "}")


def own_question_scores(entries: list, lex: Lexicon, imp: ImpactIndex, chunk: int = 2048,
                        first: int = 0):
    """Per document (``entries`` in docnum order, the first one document ``first``),
    the best BM25F score any of its own questions (one per language) gets when sent as
    a query (engine.query.own_question_terms): what `answered` measures a query's score
    against (0 for documents not in ``entries``). The terms are scored for their own
    document only, a chunk of entries at a time (ImpactIndex.at), never as a full search."""
    import numpy as np

    from .engine.query import own_question_terms

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


def _write_own_scores(lex: Lexicon, imp: ImpactIndex, version_dir: Path, entries: list, procs: int) -> None:
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


def _phrasings_range(state: tuple, bounds: tuple[int, int]) -> list[bytes]:
    from .engine.relevance import entry_phrasings

    lex, imp, entries = state
    return [marshal.dumps(entry_phrasings(e, lex, imp)) for e in entries[bounds[0]:bounds[1]]]


def _write_phrasings(lex: Lexicon, imp: ImpactIndex, version_dir: Path, entries: list, procs: int) -> None:
    """QUESTIONS: each entry's phrasings as a query reads them (engine.relevance.entry_phrasings),
    which a short query's candidates are judged on (specificity.py). Workers inherit the
    lexicon with its analyzer loaded (by the own-question scores) and the arrays."""
    import numpy as np

    offsets = [0]
    with open(version_dir / QUESTIONS, "wb") as f:
        for part in fork_map(_phrasings_range, (lex, imp, entries), chunks(len(entries), procs), procs):
            for blob in part:
                f.write(blob)
                offsets.append(offsets[-1] + len(blob))
    np.save(version_dir / QUESTIONS_OFFSETS, np.asarray(offsets, dtype=np.int64))


def _topic_range(state: tuple, bounds: tuple[int, int]) -> tuple:
    """Feature counts of texts[start:end] read as queries, split at ``split`` (on the
    subject before it, off it after)."""
    from collections import Counter

    from .engine.query import text_topic_features

    lex, texts, split = state
    on: Counter = Counter()
    off: Counter = Counter()
    for i in range(*bounds):
        (on if i < split else off).update(text_topic_features(texts[i], lex))
    return on, off


def _write_topic(lex: Lexicon, version_dir: Path, kb: KnowledgeBase, procs: int = 1) -> None:
    """The topic model (topic.py): the entries' phrasings and leads against kb/offtopic.yaml,
    read as queries are (engine.query.text_topic_features on ``lex``). No off-topic questions: no model, and `answered`
    does without the signal. Each text is read as a query (most of the cost): workers count
    the features of ranges of texts (the counts are all the model needs: topic.from_parts)."""
    if not any(kb.offtopic.values()):
        return
    from .topic import TopicModel, from_parts, spread

    on = [t for e in kb.entries.values() for tr in e.translations.values()
          for t in (tr.question, *tr.alternatives, *([tr.lead] if tr.lead else []))]
    off = [q for lang in sorted(kb.offtopic) for q in kb.offtopic[lang]]
    on = spread(on)
    texts, split = on + spread(off), len(on)
    model = TopicModel({})
    if split and len(texts) > split:  # texts on both sides (as topic.train requires)
        from .engine.query import text_topic_features

        text_topic_features(texts[0], lex)  # whatever the lexicon loads lazily, loaded before the fork
        # One range per worker (``most``: chunks caps ranges at 2,000 items by default, which
        # made 26 ranges at 10k entries): each sends back counts over most of the features,
        # and adding those up in the builder was what the stage spent most. from_parts adds
        # them with numpy, not per feature in Python (Counter.update).
        ranges = chunks(len(texts), procs, per_proc=1, least=500, most=len(texts))
        parts = list(fork_map(_topic_range, (lex, texts, split), ranges, procs))
        model = from_parts([p[0] for p in parts], [p[1] for p in parts])
    (version_dir / TOPIC).write_bytes(model.dump())


def _verify(s, kb: KnowledgeBase) -> None:
    """A new version must open and find an entry by its own question before it goes live."""
    if s.entry_count != len(kb.entries):
        raise FaqkbError(f"new index holds {s.entry_count} entries, expected {len(kb.entries)}")
    probe = next(iter(kb.entries.values()))
    lang = probe.best_lang()
    hits = s.search(probe.translations[lang].question, limit=10).hits
    if probe.id not in [h.id for h in hits]:
        raise FaqkbError(f"new index does not find '{probe.id}' by its own question; not switching")
