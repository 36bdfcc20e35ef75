"""What a query's steps are handed instead of the `Searcher`: the version the query runs
on, the searcher's field weights and ranking knobs, and the version's parts, each read by
the first query that needs it and kept on the `Version` (engine.version)."""

from __future__ import annotations

import marshal
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import REBUILD, IndexNotReady
from ..kbase.model import LANGS
from ..layout import (
    HITS,
    HITS_OFFSETS,
    LANG_MARKS,
    LANG_MARKS_OFFSETS,
    LEXICON,
    MARKS,
    MARKS_OFFSETS,
    SELF_SCORES,
    SHOWN,
    SPELLING,
    TOPIC,
)
from ..lexicon import Lexicon
from ..snippets import compact_marks, layout, plain_text
from .version import Version

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ..impact import ImpactIndex
    from ..spelling import Speller
    from ..topic import TopicModel


_WANTED: dict[str | None, int] = {lang: i + 1 for i, lang in enumerate(LANGS)}  # SHOWN's column of a wanted language (build/shown.py)


@dataclass(slots=True)
class Context:
    """One query's view of its version (made per query: a query never mixes two versions)."""

    v: Version
    weights: dict[str, float]  # the fields' BM25F boosts (engine.fields.WEIGHTS, overridable)
    knobs: dict[str, float]    # the ranking's (plan.PLAN, or BM25F_PLAN)
    on_load: Callable[[bool], None] | None  # told when a part has loaded (service.settle)
    whoosh_of: Callable[[Version], Any]    # this thread's whoosh searcher on a version

    def loaded(self) -> None:
        if self.on_load is not None:
            self.on_load(False)

    def lexicon(self) -> Lexicon:
        v = self.v
        if v.lexicon is None:
            try:
                v.lexicon = Lexicon.read(v.files.path(LEXICON))
                self.loaded()
            except (OSError, ValueError, KeyError, TypeError, EOFError) as e:
                raise IndexNotReady(f"index at {v.path} has no usable lexicon ({e}); {REBUILD}") from None
        return v.lexicon

    def impact(self) -> ImpactIndex:
        v = self.v
        if v.impact is None:
            from ..impact import ImpactIndex

            try:
                imp = ImpactIndex(v.path, v.files.path)
                v.impact = imp
                self.loaded()
            except (OSError, ValueError, KeyError, EOFError) as e:
                raise IndexNotReady(f"index at {v.path} has no impact arrays ({e}); {REBUILD}") from None
        return v.impact

    def own(self) -> NDArray:
        """Per document, the score its own question gets as a query (written at build)."""
        v = self.v
        if v.own is None:
            import numpy as np

            try:
                v.own = np.load(v.files.path(SELF_SCORES))
            except (OSError, ValueError) as e:
                raise IndexNotReady(f"index at {v.path} has no {SELF_SCORES} ({e}); {REBUILD}") from None
        return v.own

    def inv_own(self) -> NDArray:
        """1 / each entry's own-question score (0 where it is 0), kept per version."""
        v = self.v
        if v.inv_own is None:
            import numpy as np

            own = self.own()
            v.inv_own = np.divide(1.0, own, out=np.zeros_like(own), where=own > 0)
        return v.inv_own

    def topic(self) -> TopicModel | None:
        """The version's topic model (topic.py), or None when it has none (a kb without
        offtopic.yaml, or an index built before the model existed): `answered` then goes
        by the lexical signals alone."""
        v = self.v
        if v.topic is None:
            from ..topic import TopicModel

            try:
                v.topic = TopicModel.read(v.files.path(TOPIC))
            except FileNotFoundError:
                v.topic = False
            except (OSError, ValueError, KeyError, TypeError, EOFError) as e:
                raise IndexNotReady(f"index at {v.path} has an unusable {TOPIC} ({e}); {REBUILD}") from None
            self.loaded()
        return v.topic or None

    def speller(self) -> Speller:
        v = self.v
        if v.speller is None:
            from ..spelling import Speller, load_spelling

            lex = self.lexicon()
            path = v.files.path(SPELLING)

            def spelling() -> tuple[dict[str, list[str]], frozenset[str]]:  # read when a word is unknown
                got = load_spelling(path.read_bytes())
                self.loaded()
                return got

            v.speller = Speller(lex.vocab, lex.stems, spelling, lex.han_by_pinyin, lex.table)
            self.loaded()
        return v.speller

    def whoosh(self) -> Any:
        return self.whoosh_of(self.v)

    def doc_id(self, d: int) -> str:
        """Document ``d``'s entry id: ENTRIES' order in a version with marks.bin (no marks
        decoded for it), whoosh's stored field else."""
        v = self.v
        return v.ids[d] if v.own_marks else self.stored(d)["id"]

    def docnum(self, entry: str) -> int | None:
        """The document of entry id ``entry``, or None: found once per version and id (a
        category's overview, a concept's entry: categories.yaml names a few dozen)."""
        v = self.v
        if entry not in v.docnums:
            v.docnums[entry] = next((d for d in range(self.impact().n) if self.doc_id(d) == entry), -1)
        return v.docnums[entry] if v.docnums[entry] >= 0 else None

    def shown(self, d: int, want: str | None) -> tuple[str, str] | None:
        """(entry id, language) a hit of document ``d`` shows when ``want`` is wanted
        (Entry.best_lang), None when ``d`` is no entry's: one element of SHOWN, made at build
        (for a version built before it, worked out and kept per (document, wanted))."""
        v = self.v
        got = v.shown
        if got is None:
            import numpy as np

            try:
                got = np.load(v.files.path(SHOWN))
            except FileNotFoundError:
                got = False
            except (OSError, ValueError) as e:
                raise IndexNotReady(f"index at {v.path} has no usable {SHOWN} ({e}); {REBUILD}") from None
            v.shown = got
        if got is not False:
            # (a language the kb has not, or none: best_lang's fallback order, column 0)
            return v.ids[d], LANGS[got.item(d, _WANTED.get(want, 0))]
        # Kept as two strings: a tuple holding the Entry would stay in every full
        # collection's walk (one of strings only leaves it).
        shows = v.shows.get((d, want))
        if shows is None:
            found = v.entries.get(self.doc_id(d))
            if found is None:
                return None
            shows = v.shows.put((d, want), (found.id, found.best_lang(want)))
        return shows

    def lang_marks(self, d: int, lang: str) -> tuple[tuple, tuple]:
        """Document ``d``'s marks in ``lang`` (question's, answer's): one blob of LANG_MARKS
        decoded (a tenth of decoding every language's from MARKS, which is read for a
        version built before LANG_MARKS)."""
        blob = self.blob(LANG_MARKS, LANG_MARKS_OFFSETS, d * len(LANGS) + LANGS.index(lang))
        return self.stored(d)["marks"][lang] if blob is None else marshal.loads(blob)

    def hit_text(self, d: int, lang: str, answer: str) -> bytes:
        """What a hit of document ``d`` in ``lang`` shows, marshalled: its question's and
        answer's marks (snippets.compact_marks), the ``answer`` as plain text and the fields
        of its snippets.Layout. One blob of HITS, made at build (worked out here for a
        version built before it)."""
        blob = self.blob(HITS, HITS_OFFSETS, d * len(LANGS) + LANGS.index(lang))
        if blob:
            return blob
        q_marks, a_marks = self.lang_marks(d, lang)
        plain = plain_text(answer)
        return marshal.dumps((compact_marks(q_marks), compact_marks(a_marks), plain, tuple(layout(plain))))

    def blob(self, name: str, offsets_name: str, k: int) -> bytes | None:
        """Blob ``k`` of a file of blobs (``offsets_name``: where each starts, and the end),
        None for a version built before the file. Read with pread, not mapped: what a
        server has read of it stays in the page cache, not in its resident size."""
        v = self.v
        got = v.blobs.get(name)
        if got is None:
            import numpy as np

            try:
                got = (np.load(v.files.path(offsets_name)), v.files.fds.get(name, -1))
            except FileNotFoundError:
                got = False
            except (OSError, ValueError) as e:
                raise IndexNotReady(f"index at {v.path} has no usable {name} ({e}); {REBUILD}") from None
            v.blobs[name] = got
        if got is False:
            return None
        offsets, fd = got
        start, end = offsets.item(k), offsets.item(k + 1)
        if fd >= 0:
            return os.pread(fd, end - start, start)
        with open(v.files.path(name), "rb") as f:  # no descriptor held (off Linux): by name
            f.seek(start)
            return f.read(end - start)

    def stored(self, d: int) -> dict:
        """whoosh's stored fields of one document (id, marks): unpickling them is most of a
        page's cost, and the same entries come back query after query: kept (STORED_BYTES)."""
        v = self.v
        got = v.stored.get(d)
        if got is None:
            if v.own_marks:
                # Kept beside whoosh's segment (layout.MARKS) since builds got faster; the
                # id is ENTRIES' (the documents' order): no whoosh file is read for a hit,
                # so a version whose folder went away still shows its hits.
                got = {"id": v.ids[d], "marks": self.marks(d)}
            else:
                got = self.whoosh().stored_fields(d)
            # Marks as tuples: untracked by the garbage collector once it has seen them, so a
            # full cache adds nothing to a full collection's walk (see service.settle).
            got["marks"] = {lang: (tuple(q), tuple(a)) for lang, (q, a) in got["marks"].items()}
            v.stored.put(d, got)
        return got

    def marks(self, d: int) -> dict:
        """Document ``d``'s highlighting marks from MARKS (one slice of a memory map)."""
        v = self.v
        if v.marks is None:
            import mmap

            import numpy as np

            try:
                offsets = np.load(v.files.path(MARKS_OFFSETS), mmap_mode="r")
                with open(v.files.path(MARKS), "rb") as f:
                    blob = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if offsets[-1] else b""
            except (OSError, ValueError) as e:
                raise IndexNotReady(f"index at {v.path} has no usable {MARKS} ({e}); {REBUILD}") from None
            v.marks = (offsets, blob)
        offsets, blob = v.marks
        return marshal.loads(zlib.decompress(blob[int(offsets[d]):int(offsets[d + 1])]))

    def mask(self, q: Any) -> NDArray:
        """Documents matching a whoosh query (category term or quoted phrase), as a numpy
        mask: whoosh decides, the arrays only score. Category masks are kept per version."""
        import numpy as np

        v = self.v
        key = q if isinstance(q, tuple) else None
        if key is not None and key in v.masks:
            return v.masks[key]
        n = self.impact().n
        if key is not None and key[0] == "category" and v.own_marks:
            # The entries know their category: no whoosh file read (see stored).
            entries = v.entries
            mask = np.fromiter((entries[i].category == key[1] for i in v.ids), dtype=bool, count=n)
        else:
            from whoosh import query as wq

            mask = np.zeros(n, dtype=bool)
            mask[list(self.whoosh().docs_for_query(wq.Term(*q) if key is not None else q))] = True
        if key is not None:
            v.masks[key] = mask
        return mask
