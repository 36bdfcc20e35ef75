"""What a version stores besides the arrays: whoosh's documents (stored fields and the
category filter), each document's highlighting marks (MARKS, MARKS_OFFSETS), what a hit
shows of it (HITS: build/layouts.py) and the entries as the reader shows them (ENTRIES)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..kbase.model import Entry, KnowledgeBase
from ..layout import (
    BIGRAM_FIELDS,
    ENTRIES,
    HITS,
    HITS_OFFSETS,
    MARKS,
    MARKS_OFFSETS,
    PINYIN_FIELD,
    WORD_FIELDS,
)


def schema(reference: bool = False) -> Any:  # a whoosh Schema (whoosh is untyped)
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


class DocumentWriter:
    """whoosh's documents and the marks blobs, appended in docnum order (``add``), then
    committed (``commit``); ``cancel`` on failure. Use as a context manager."""

    def __init__(self, version_dir: Path, reference: bool = False) -> None:
        from whoosh import index as windex

        self.version_dir = version_dir
        self.ix = windex.create_in(str(version_dir), schema(reference))
        self.writer = self.ix.writer()
        self.marks = open(version_dir / MARKS, "wb")  # noqa: SIM115 - closed by close()
        self.offsets = [0]
        self.hits = open(version_dir / HITS, "wb")  # noqa: SIM115 - closed by close()
        self.hit_offsets = [0]
        self.entries = open(version_dir / ENTRIES, "w", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self.entries.write('{"entries": [')
        self.entries_added = False

    def add(self, docs: list[dict], marks: list[bytes], hits: list[bytes], entries: str = "") -> None:
        """The next documents, their marks and hit blobs, and ``entries``: the same entries as
        entries_json made them (in the build worker that analysed them)."""
        if entries:
            self.entries.write((", " if self.entries_added else "") + entries)
            self.entries_added = True
        for doc in docs:
            self.writer.add_document(**doc)
        for blob in marks:
            self.marks.write(blob)
            self.offsets.append(self.offsets[-1] + len(blob))
        for blob in hits:  # build/layouts.py
            self.hits.write(blob)
            self.hit_offsets.append(self.hit_offsets[-1] + len(blob))

    def cancel(self) -> None:
        self.close_marks()
        self.writer.cancel()

    def close_marks(self, kb: KnowledgeBase | None = None) -> None:
        """The marks written (before whoosh commits: its segments are a stage of their own),
        and ENTRIES, ended with ``kb``'s facts (None: a cancelled build's, left unended)."""
        self.marks.close()
        self.hits.close()
        if kb is not None:
            self.entries.write('], "facts": ' + json.dumps([x.to_dict() for x in kb.facts.values()],
                                                           ensure_ascii=False) + "}")
        self.entries.close()

    def commit(self) -> None:
        import numpy as np

        self.writer.commit()
        self.ix.close()
        np.save(self.version_dir / MARKS_OFFSETS, np.asarray(self.offsets, dtype=np.int64))
        np.save(self.version_dir / HITS_OFFSETS, np.asarray(self.hit_offsets, dtype=np.int64))


def entries_json(entries: Iterable[Entry]) -> str:
    """``entries`` as ENTRIES lists them: each entry's record (Entry.to_dict) as JSON, joined
    by ", ". A build worker makes its range's (build/analyse.py) and DocumentWriter.add
    writes them in kb order, so ENTRIES is exactly the bytes of json.dumps({"entries": [...],
    "facts": [...]}, ensure_ascii=False), made in parallel rather than by the builder alone
    after the analysis (the whole document as one str and its UTF-8 bytes, with every
    entry's dict, were ~700 MB of a 100k-entry build's peak; encoding it an entry at a time
    in the builder was then half of the arrays stage's serial time at 100k)."""
    return ", ".join([json.dumps(e.to_dict(), ensure_ascii=False) for e in entries])
