"""The analysis stage's work on a range of entries (in a build worker, or in the builder
for a small kb): each entry's terms per field, its highlighting marks, the kb's own words
for did-you-mean and the dictionary words its texts hold, all gathered where they are
computed so the builder only merges them (pipeline._analyse)."""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Callable, Iterable
from functools import lru_cache
from operator import itemgetter
from typing import Any

from ..analysis import Analyzed, Analyzer, prune_dictionary
from ..kbase.model import Entry
from ..snippets import plain_text, word_marks
from .impact_writer import ImpactWriter
from .writer import entries_json

STORED_FIELDS = ("id", "category", "operators")  # what whoosh keeps of a normal build's document
_text = itemgetter(0)  # a Token's text, without the NamedTuple's attribute call


def entry_texts(entries: Iterable[Entry]) -> list[str]:
    """Every text of ``entries`` the analysis reads: questions, alternatives, answers."""
    return [t for e in entries for tr in e.translations.values()
            for t in (tr.question, *tr.alternatives, tr.answer)]


def document(e: Entry, analyzer: Analyzer) -> dict:
    """One whoosh document per entry, all languages in the same fields: a query in any
    language finds the entry, which is then shown in the reader's language."""
    doc: dict[str, list[str]] = {"q_words": [], "a_words": [], "q_bigrams": [], "a_bigrams": [], "q_pinyin": []}
    marks = {}
    plain = {}  # the answers as plain text, per language (for the hit blobs: layouts.py)
    words: tuple[dict[str, int], set[str]] = ({}, set())
    for lang, tr in e.translations.items():
        texts = [tr.question, *tr.alternatives]
        asked = [analyzer.analyze(t) for t in texts]
        # The answer is indexed as the reader sees it (no Markdown link targets), and
        # its pinyin is not indexed: typos are rescued through the questions.
        answer_text = plain[lang] = plain_text(tr.answer)
        answer = analyzer.analyze(answer_text, pinyin=False)
        for text, analyzed in zip([*texts, answer_text], [*asked, answer], strict=True):
            count_words(text, analyzed, *words)
        for a in asked:
            doc["q_words"] += map(_text, a.words)
            doc["q_bigrams"] += a.bigrams
            doc["q_pinyin"] += a.pinyin
        doc["a_words"] += map(_text, answer.words)
        doc["a_bigrams"] += answer.bigrams
        marks[lang] = (word_marks(asked[0], analyzer.table), word_marks(answer, analyzer.table))
    # The scored fields stay lists (ImpactWriter takes them as they are); a reference
    # build joins them for whoosh (analyse_range).
    return {"id": e.id, "category": e.category, "operators": " ".join(e.operators), "marks": marks,
            "_words": words, "_plain": plain, **doc}


def count_words(text: str, analyzed: Analyzed, vocab: dict[str, int], stems: set[str]) -> None:
    """The kb's own words, for did-you-mean: surface forms of Latin/Cyrillic words (and
    their stems, which are known words never to be corrected) and Han words."""
    get = vocab.get
    for word, start, end, script in analyzed.words:  # unpacked: a NamedTuple's attributes cost a call each
        if script == "han":
            if len(word) >= 2:
                vocab[word] = get(word, 0) + 1
        elif script != "num":  # lat, cyr
            surface = text[start:end].lower().replace("ё", "е")
            vocab[surface] = get(surface, 0) + 1
            stems.add(word)


def marks_blob(marks: dict) -> bytes:
    """A document's highlighting marks as stored in MARKS (read by the searcher): made by
    the build workers, so the builder only appends bytes (pickling and compressing them
    inside whoosh's writer was a tenth of a large build)."""
    return zlib.compress(marshal.dumps(marks), 1)


def analyse_range(state: tuple[list, Analyzer, bool], bounds: tuple[int, int]) -> dict:
    """The analysis of entries[start:end], everything a build needs of it: whoosh's
    documents, the impact arrays' share (ImpactWriter.merge), the words for did-you-mean,
    the dictionary words the texts hold (prune_dictionary) and the entries' records for
    ENTRIES (writer.entries_json)."""
    entries, analyzer, reference = state
    part = entries[bounds[0]:bounds[1]]
    impacts = ImpactWriter()
    docs = []
    marks: list[bytes] = []
    shown: list[tuple[dict, dict]] = []  # per document, its marks and plain answers per language (layouts.py)
    vocab: dict[str, int] = {}
    stems: set[str] = set()
    walked = analyzer.segmenter.record_walks()  # for prune_dictionary below
    for e in part:
        doc = document(e, analyzer)
        doc_vocab, doc_stems = doc.pop("_words")
        for w, n in doc_vocab.items():
            vocab[w] = vocab.get(w, 0) + n
        stems |= doc_stems
        impacts.add(doc)
        doc_marks = doc.pop("marks")
        marks.append(marks_blob(doc_marks))
        shown.append((doc_marks, doc.pop("_plain")))
        docs.append({k: " ".join(v) if isinstance(v, list) else v for k, v in doc.items()} if reference
                    else {k: doc[k] for k in STORED_FIELDS})
    analyzer.segmenter.record_walks(False)
    impacts.seal()  # postings made here, in the worker
    full, _ = analyzer.segmenter.full_freq()
    return {"docs": docs, "marks": marks, "shown": shown, "impacts": impacts, "vocab": vocab, "stems": stems,
            "words": prune_dictionary(full, entry_texts(part), walked), "entries": entries_json(part)}


def phrase_pinyin() -> Callable[[str], list[str]]:
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

        def convert(self, words: str, style: Any, heteronym: bool, errors: Any, strict: bool = True,
                    **kwargs: Any) -> list[list[str]]:  # pypinyin passes every one
            key = (words, style, heteronym, errors, strict)
            got = self.seen.get(key) if not kwargs else None
            if got is None:
                got = super().convert(words, style, heteronym, errors, strict, **kwargs)
                if not kwargs:
                    self.seen[key] = got
            return [list(x) for x in got]  # callers own their lists, as from pypinyin

    reader = Pinyin(Remembering())
    return lru_cache(maxsize=200_000)(lambda w: reader.lazy_pinyin(w, style=Style.NORMAL))
