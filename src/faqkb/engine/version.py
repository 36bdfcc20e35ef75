"""One index version as a searcher holds it: what was read at open (entries, facts, ids),
the files read lazily (held open from the start: a request may outlive the folder), what
the first queries load (lexicon, arrays, speller, topic model) and the bounded caches of
work that depends only on the version and a word or a document (engine.cache)."""

from __future__ import annotations

import contextlib
import json
import os
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import REBUILD, IndexNotReady
from ..kbase.model import Entry, Fact
from ..layout import (
    CONTINUATION,
    ENTRIES,
    FIT,
    HITS,
    HITS_OFFSETS,
    IMPACT,
    LANG_MARKS,
    LANG_MARKS_OFFSETS,
    LEXICON,
    MARKS,
    MARKS_OFFSETS,
    PINYIN_STARTS,
    PREFIXES,
    QUESTIONS,
    QUESTIONS_OFFSETS,
    SELF_SCORES,
    SHOWN,
    SPELLING,
    STARTS,
    TOPIC,
    TRANSLIT,
    IndexInfo,
)
from ..lexicon import Lexicon
from .cache import Bounded

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ..continuation import Phrasings
    from ..impact import ImpactIndex
    from ..intent import Intents
    from ..phrasing_fit import Follows, Weights
    from ..pinyin_starts import PinyinStarts
    from ..prefix import Dictionary, General, Starts
    from ..scope import Scope
    from ..spelling import Speller
    from ..topic import TopicModel
    from ..translit_prefix import Keys
    from ..word_follows import Follows as WordFollows

# What each per-version cache may hold, in bytes as its cost function estimates them (each
# calibrated against a deep sys.getsizeof walk of the values on bench/latency.py's 10k kb;
# docs/engine.md, "What a query keeps for the next ones"). 46 MB per version in all.
WORD_CACHE_BYTES = 16 << 20  # query words' documents, 9 bytes each (16 MB: ~7,000 words at 10k entries)
MARKED_BYTES = 16 << 20  # what a hit shows (hits.lang.bin's blob decoded: marks, plain answer, layout)
QUESTION_BYTES = 4 << 20  # candidates' phrasings as (word, idf) lists (~800 entries)
STORED_BYTES = 8 << 20  # a document's id and every mark: versions built before marks.lang.bin, Searcher.marks()
SMALL_BYTES = 1 << 20  # each of: a stem's other stems, which entry and language a document shows

MARK_BYTES = 240  # one mark (term, start, end, pinyin) as a tuple: measured 216-244
WORD_BYTES = 160  # one (word, idf) of a phrasing: measured ~159




def _stored_cost(got: dict) -> int:
    return 256 + sum((len(q) + len(a)) * MARK_BYTES for q, a in got["marks"].values())


def _shown_cost(got: tuple) -> int:
    """A hit's blob decoded (hits.make_hit): its texts' characters and the layout's tuples,
    fitted to a deep sys.getsizeof walk of the bundled kb's 195 (~890 + 0.92 a character + 127
    a layout item; this estimate is 0.9-1.2 times the walk)."""
    q_marks, a_marks, plain, layout = got
    chars = len(q_marks[0]) + len(q_marks[1]) + len(q_marks[2]) + len(a_marks[0]) + len(a_marks[1]) + len(a_marks[2])
    return 1024 + chars + len(plain) + (128 * sum(map(len, layout)) if layout else 0)


def _phrasings_cost(phrasings: tuple) -> int:  # specificity.prepared: (is a question, words, total, joined)
    return 64 + sum(WORD_BYTES * (1 + len(p[1])) + 80 + len(p[3]) for p in phrasings)


def _words_cost(got: tuple) -> int:  # (ids, in a question per id, df, pinyin pairs): 9 bytes a document holding it
    return 512 + got[0].nbytes + got[1].nbytes  # (the ids are a view of nonzero's 2-d array: two array headers)


def _small_cost(_value: object) -> int:  # a short tuple of references or stems
    return 256


_PINNED = (LEXICON, SPELLING, SELF_SCORES, TOPIC, MARKS, MARKS_OFFSETS, LANG_MARKS, LANG_MARKS_OFFSETS,
           QUESTIONS, QUESTIONS_OFFSETS, HITS, HITS_OFFSETS, PREFIXES, STARTS, SHOWN, CONTINUATION, FIT,
           TRANSLIT, PINYIN_STARTS)  # and impact.*: read lazily


class VersionFiles:
    """The files of one version that its first queries read lazily, held open from the
    moment the version is opened: a build removes versions older than the previous one,
    and a request still running on such a version (a slow one, started before two builds
    landed) must finish on it. An open file outlives its name on POSIX; ``path(name)``
    gives it by its descriptor (/proc/self/fd, Linux). Elsewhere, or for a file the
    version did not have when opened, the plain path."""

    PROC = Path("/proc/self/fd")

    def __init__(self, version: Path) -> None:
        self.version = version
        fds: dict[str, int] = {}
        if self.PROC.is_dir():
            try:
                with os.scandir(version) as it:
                    names = [e.name for e in it if e.name in _PINNED or e.name.startswith(IMPACT + ".")]
                for name in names:
                    with _suppress_os():
                        fds[name] = os.open(version / name, os.O_RDONLY)
            except OSError:
                pass  # the version cannot be listed: its files are opened by name, and fail there
        self.fds = fds
        self.close = weakref.finalize(self, _close_fds, list(fds.values()))

    def path(self, name: str) -> Path:
        fd = self.fds.get(name)
        return self.PROC / str(fd) if fd is not None else self.version / name


def _close_fds(fds: list[int]) -> None:
    for fd in fds:
        with _suppress_os():
            os.close(fd)


def _suppress_os() -> contextlib.suppress:
    return contextlib.suppress(OSError)


@dataclass
class Version:
    """Everything read from one index version; swapped as a whole when a rebuild lands,
    and captured once per query so a query never mixes two versions."""

    path: Path
    entries: dict[str, Entry]
    info: IndexInfo
    facts: dict[str, Fact]
    files: VersionFiles  # its lazily read files, held open (a request may outlive the folder)
    ids: list[str]  # entry ids by docnum: the build adds documents in ENTRIES' order
    own_marks: bool  # MARKS beside whoosh (every version built since): hits need no whoosh file
    lexicon: Lexicon | None = None  # loaded by the first query that needs it
    impact: ImpactIndex | None = None  # opened by the first query (imports numpy)
    speller: Speller | None = None   # loaded by the first query with an unknown word
    own: NDArray | None = None       # each entry's score for its own question (SELF_SCORES)
    inv_own: NDArray | None = None   # 1 / own (0 where own is 0), for ranking
    topic: TopicModel | Literal[False] | None = None  # False: a version without one (see Context.topic)
    stems: list[str] | None = None   # the kb's Latin/Cyrillic stems, sorted (engine/stems.py)
    masks: dict[Any, NDArray] = field(default_factory=dict)  # category -> mask of its documents
    # Kept per version, each bounded (cache.Bounded):
    variants: Bounded = field(default_factory=lambda: Bounded(SMALL_BYTES, _small_cost))  # query stem -> its other stems
    stored: Bounded = field(default_factory=lambda: Bounded(STORED_BYTES, _stored_cost))  # docnum -> id and marks (Context.stored)
    marked: Bounded = field(default_factory=lambda: Bounded(MARKED_BYTES, _shown_cost))  # (docnum, lang) -> Context.hit_text, decoded
    # (docnum, wanted) -> entry id, lang: for a version built before SHOWN (Context.shown)
    shows: Bounded = field(default_factory=lambda: Bounded(SMALL_BYTES, _small_cost))
    shown: NDArray | Literal[False] | None = None  # SHOWN, read by the first hit; False: a version without it
    # (word, script) -> the documents holding it (coverage.held_by)
    words: Bounded = field(default_factory=lambda: Bounded(WORD_CACHE_BYTES, _words_cost))
    marks: tuple[NDArray, Any] | None = None  # (offsets, memory map) of MARKS, opened by the first hit shown
    # file of blobs (LANG_MARKS, QUESTIONS) -> (offsets, descriptor), False for a version without it (Context.blob)
    blobs: dict[str, tuple[NDArray, int] | Literal[False]] = field(default_factory=dict)
    numeric: NDArray | None = None  # documents whose answer holds a number (ranking.numeric)
    # The relevance modules' data (engine/relevance.py), each made by the first query that needs it:
    prefixes: Dictionary | None = None  # the kb's words for completing a half-typed one (prefix.py)
    prefixes_made: int = 0  # times a query made them (Dictionary.of: a version built before PREFIXES)
    starts: Starts | None = None  # the entries' phrasings, for a half-typed query's question starts (prefix.py)
    pinyin_starts: PinyinStarts | None = None  # the same of the Chinese phrasings read as pinyin (pinyin_starts.py)
    phrasings: Phrasings | None = None  # the Latin/Cyrillic phrasings a half-typed query goes on as (continuation.py)
    general: General | Literal[False] | None = None  # GENERAL (prefix.cut_mid_word); False: a version without it
    translit: Keys | None = None  # TRANSLIT: the Cyrillic words by Latin spelling (translit_prefix.py)
    translit_made: int = 0  # times a query made them (Keys.of: a version built before TRANSLIT)
    fit_weights: Weights | None = None  # the Chinese phrasings' token weights (phrasing_fit.py)
    follows: Follows | None = None  # the Chinese phrasings, for a half-typed query's completion (phrasing_fit.py)
    word_follows: WordFollows | None = None  # the ru/en phrasings' word pairs, for a half-typed word (word_follows.py)
    phrasings_made: int = 0  # times a query made continuation's or phrasing_fit's model (a version built before their files)
    scope: Scope | Literal[False] | None = None  # kb/scope.yaml's neighbours; False: a version without one
    intents: Intents | Literal[False] | None = None  # kb/categories.yaml; False: a version without one
    # docnum -> its phrasings' (word, idf) lists (relevance.specific)
    questions: Bounded = field(default_factory=lambda: Bounded(QUESTION_BYTES, _phrasings_cost))
    docnums: dict[str, int] = field(default_factory=dict)  # entry id -> its docnum, or -1 (Context.docnum)
    whoosh_index: Any = None  # whoosh's FileIndex (untyped), opened by the first query that needs it (ix)

    @property
    def ix(self) -> Any:
        """whoosh's index of this version, opened on first use: only a version built before
        marks.bin (its hits' marks), a quoted phrase on one built before the term sequences,
        and the reference searches (tests/test_impact.py) read a whoosh file. A search of any
        other version never imports whoosh, which was a third of a fresh `faqkb search`
        (its import pulls urllib.request and asyncio in; docs/engine.md, cold start)."""
        if self.whoosh_index is None:
            from whoosh import index as windex

            try:
                self.whoosh_index = windex.open_dir(str(self.path))
            except (OSError, ValueError, windex.EmptyIndexError) as e:
                raise IndexNotReady(f"index at {self.path} cannot be opened ({e}); {REBUILD}") from None
        return self.whoosh_index

    def caches(self) -> dict[str, Bounded]:
        return {"stored": self.stored, "shows": self.shows, "marked": self.marked, "variants": self.variants,
                "words": self.words}

    def cache_info(self) -> dict[str, tuple[int, int]]:
        """Per bounded cache: (values held, values made since the version opened); and the
        prefix dictionary's and the question starts' index (held or not, made by a query
        rather than read as built); "phrasings": the phrasing models (continuation.py's and
        phrasing_fit.py's weights) held, and made by a query rather than read as built; "translit":
        the Cyrillic words' Latin keys (translit_prefix.Keys), the same."""
        starts = self.starts
        return {**{name: (len(c), c.made) for name, c in self.caches().items()},
                "prefixes": (int(self.prefixes is not None), self.prefixes_made),
                "starts": (int(starts is not None and starts.index is not None), starts.made if starts else 0),
                "phrasings": (int(self.phrasings is not None) + int(self.fit_weights is not None), self.phrasings_made),
                "translit": (int(self.translit is not None), self.translit_made)}

    def cache_bytes(self) -> dict[str, int]:
        """Per bounded cache: the bytes its values hold, as its budget counts them."""
        return {name: c.held for name, c in self.caches().items()}

    @classmethod
    def open(cls, version: Path) -> Version:
        """The version in folder ``version``: the entries and facts, its files held open
        (IndexNotReady when it cannot be opened; whoosh's index is opened on first use, ix)."""
        try:
            data = json.loads((version / ENTRIES).read_text("utf-8"))
            info = IndexInfo.read(version)
        except (OSError, ValueError) as e:
            raise IndexNotReady(f"index at {version} cannot be opened ({e}); {REBUILD}") from None
        entries = {d["id"]: Entry.from_dict(d) for d in data["entries"]}
        facts = {d["id"]: Fact.from_dict(d) for d in data.get("facts", ())}  # none in pre-register indexes
        files = VersionFiles(version)
        return cls(version, entries, info, facts, files, list(entries),
                   MARKS_OFFSETS in files.fds or (version / MARKS_OFFSETS).is_file())
