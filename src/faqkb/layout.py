"""The on-disk layout of an index directory, shared by the builder (build/) and the
reader (engine/) so neither imports the other (tests/test_imports.py)::

    faqkb-index.json the marker and the index's own records: the versions and temp dirs this
                     index made. A build refuses a non-empty folder without it, and removes
                     only what it lists (never a user's v-2.0-release/ that happens to be there)
    CURRENT          name of the live version, replaced atomically (os.replace)
    v-<time>-<fp>/   a complete version: whoosh segments, meta.json, entries.json,
                     lexicon.marshal, spelling.marshal, impact.* (numpy arrays, see impact.py),
                     selfscore.npy (each entry's score for its own question, for `answered`),
                     topic.marshal (the topic model, for `answered`; only with kb/offtopic.yaml),
                     marks.bin + marks.offsets.npy (each document's highlighting marks: zlib'd
                     marshal blobs; versions built before them keep the marks in whoosh),
                     marks.lang.bin + marks.lang.offsets.npy (the same marks, one plain marshal
                     blob per document and language, zh ru en: versions built before hits.lang.bin,
                     which holds them now),
                     questions.bin + questions.offsets.npy (per document, its phrasings' words
                     with their idf as engine.relevance reads them: marshal blobs)
                     hits.lang.bin + hits.lang.offsets.npy (per document and language, what a hit
                     shows: its question's and answer's marks (snippets.compact_marks), the
                     answer as plain text and its snippet layout: build/layouts.py)
                     prefixes.marshal (prefix.Dictionary's sorted words and phrasing counts, for
                     completing a half-typed word; a version without it makes them at its first
                     prefix query), starts.marshal (prefix.Starts' sorted phrasing keys, the same),
                     continuation.marshal (continuation.Phrasings, for a half-typed ru/en query)
                     fit.marshal (phrasing_fit's weights and Follows, for a Chinese one) and
                     translit.marshal (translit_prefix.Keys: the Cyrillic words by their Latin
                     spelling's key, for Russian typed in Latin cut mid-word): the same
    .tmp-*/          a build in progress (or the leftovers of a killed one: removed by the next
                     build, which finds it in the records)
    .CURRENT.<pid>   the next CURRENT being written (left by a build killed just before the switch)
    build.lock       flock held by the one build allowed at a time
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from . import errors
from .errors import IndexNotReady

CURRENT = "CURRENT"
MARKER = "faqkb-index.json"
META, ENTRIES, LEXICON, SPELLING, IMPACT = "meta.json", "entries.json", "lexicon.marshal", "spelling.marshal", "impact"
SELF_SCORES = "selfscore.npy"
TOPIC = "topic.marshal"  # the topic model (topic.py); absent when the kb has no offtopic.yaml
MARKS, MARKS_OFFSETS = "marks.bin", "marks.offsets.npy"
# Per document and language (blob d * len(LANGS) + the language's place; empty where the entry
# lacks it). Read for versions built before HITS (which holds the same marks, compact).
LANG_MARKS, LANG_MARKS_OFFSETS = "marks.lang.bin", "marks.lang.offsets.npy"
QUESTIONS, QUESTIONS_OFFSETS = "questions.bin", "questions.offsets.npy"  # specificity.prepared(entry_phrasings)
# Per document and language as LANG_MARKS, marshalled: (question's compact marks, answer's,
# plain answer, snippets.Layout's fields).
HITS, HITS_OFFSETS = "hits.lang.bin", "hits.lang.offsets.npy"
# Per document, the language a hit of it shows for each wanted one (build/shown.py): int8,
# LANGS' place, columns (none wanted, *LANGS).
SHOWN = "shown.npy"
PREFIXES = "prefixes.marshal"  # prefix.Dictionary.dump, made with the lexicon (build/vocabulary.py)
STARTS = "starts.marshal"  # prefix.Starts.dump of the entries' phrasing keys (build/vocabulary.py)
# prefix.dump_general: English and Russian words in general use (wordfreq's lists), sorted, for a
# last word cut mid-way the kb lacks (prefix.cut_mid_word; build/vocabulary.py)
GENERAL = "general.marshal"
CONTINUATION = "continuation.marshal"  # continuation.Phrasings.dump (build/vocabulary.py)
TRANSLIT = "translit.marshal"  # translit_prefix.Keys.dump (build/vocabulary.py)
# pinyin_starts.PinyinStarts.dump: the entries' phrasing keys, Chinese read as pypinyin's phrase-aware
# toneless pinyin (build/vocabulary.py)
PINYIN_STARTS = "pinyin_starts.marshal"
FIT = "fit.marshal"  # phrasing_fit.dump: the Chinese phrasings' token weights and Follows (build/vocabulary.py)
WORD_FIELDS = ("q_words", "a_words")
BIGRAM_FIELDS = ("q_bigrams", "a_bigrams")
PINYIN_FIELD = "q_pinyin"
SCORED_FIELDS = (*WORD_FIELDS, *BIGRAM_FIELDS, PINYIN_FIELD)


@dataclass
class IndexInfo:
    path: Path          # the version directory
    fingerprint: str
    kb_root: str
    entries: int
    built_at: float
    faqkb_version: str

    @classmethod
    def read(cls, version_dir: Path) -> IndexInfo:
        meta = json.loads((version_dir / META).read_text("utf-8"))
        return cls(version_dir, meta["fingerprint"], meta["kb_root"], meta["entries"],
                   meta["built_at"], meta["faqkb_version"])


def current_version(index_dir: str | os.PathLike) -> Path | None:
    """The live version directory, or None if nothing was ever built there."""
    index_dir = Path(index_dir)
    try:
        name = (index_dir / CURRENT).read_text("utf-8").strip()
    except FileNotFoundError:
        return None
    if not name.startswith("v-") or "/" in name:
        raise IndexNotReady(f"{index_dir / CURRENT} is damaged; {errors.REBUILD} to rebuild")
    return index_dir / name


def readable_version(index_dir: str | os.PathLike) -> Path | None:
    """The live version; when CURRENT names a folder that is gone (deleted by hand), the
    newest other complete version the records list (the previous build's, kept for this),
    so a reader keeps answering until a build heals the folder. None if nothing was built."""
    index_dir = Path(index_dir)
    version = current_version(index_dir)
    if version is None or (version / META).is_file():
        return version
    try:
        names = json.loads((index_dir / MARKER).read_text("utf-8"))["versions"]
    except (OSError, ValueError, KeyError, TypeError):
        names = []
    for name in reversed(names if isinstance(names, list) else []):
        if isinstance(name, str) and name.startswith("v-") and "/" not in name and (index_dir / name / META).is_file():
            return index_dir / name
    raise IndexNotReady(f"the live index version {version.name} is gone from {index_dir}; {errors.REBUILD}")


def live_info(index_dir: str | os.PathLike) -> IndexInfo | None:
    """The records of the version a reader would open (readable_version), or None if
    there is none (nothing built, or every version's folder gone): a build heals it."""
    if current_version(index_dir) is None:  # (a damaged CURRENT is an error, as ever)
        return None
    try:
        version = readable_version(index_dir)
        return IndexInfo.read(version) if version else None
    except (IndexNotReady, FileNotFoundError):  # every version's folder gone
        return None
