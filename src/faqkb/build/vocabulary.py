"""The lexicon stage: what queries need besides the arrays (the pruned jieba dictionary,
the pinyin table, synonyms as analysed terms, the kb's own words) and did-you-mean's
tables, written from what the analysis gathered."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .. import continuation, phrasing_fit, translit_prefix
from ..analysis import (
    HAN_VARIANTS,
    Analyzer,
    PinyinTable,
    Segmenter,
    is_han,
    phrase_syllables,
    prune_dictionary,
    to_mainland,
)
from ..kbase.model import KnowledgeBase
from ..layout import CONTINUATION, FIT, GENERAL, LEXICON, PINYIN_STARTS, PREFIXES, SPELLING, STARTS, TRANSLIT
from ..lexicon import Lexicon
from ..prefix import Dictionary, Starts, dump_general, general_words, own_phrasings, phrasings


def make_lexicon(kb: KnowledgeBase, seg: Segmenter, table: PinyinTable, vocab: dict[str, int],
                 stems: set[str], words: dict[str, int], read: Callable[[str], list[str]] | None = None) -> Lexicon:
    """The lexicon of ``kb``. ``words``: the dictionary words the entries' texts hold
    (prune_dictionary, gathered with the analysis); ``read``: a word's phrase-aware syllables
    (analyse.phrase_pinyin), for han_by_pinyin's keys (see han_readings)."""
    full, total = seg.full_freq()
    freq = dict(words)
    freq.update(prune_dictionary(full, [w for g in kb.synonyms for w in g] + list(kb.regional.values())))
    pruned = Analyzer(Segmenter(freq, total), table)
    han_by_pinyin = han_readings(vocab, table, read)
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
                   stems=frozenset(stems), han_by_pinyin=han_by_pinyin, synonyms=synonyms, regional=regional,
                   han_latin=han_latin_words(kb, table))


def han_readings(vocab: dict[str, int], table: PinyinTable,
                 read: Callable[[str], list[str]] | None = None) -> dict[str, str]:
    """Joined toneless pinyin -> the most frequent kb Han word read so: what pinyin typed by a
    reader completes to (prefix.Dictionary.pinyin) and is read as (plan.pinyin_han). A word's
    key is its phrase-aware reading (``read``, pypinyin at build time: 银行 yinhang, 重新
    chongxin, 多长 duochang), as readers type it; the character table's first readings (yinxing,
    zhongxin) stay a second key, after every word's phrase reading, for a typed Han word read by
    the table (did-you-mean's homophones). Queries never read a word's phrase reading: it is
    stored here."""
    words = [w for w, _n in sorted(vocab.items(), key=lambda kv: -kv[1]) if is_han(w)]
    out: dict[str, str] = {}
    if read is not None:
        for word in words:
            if (syl := phrase_syllables(word, read)) is not None:
                out.setdefault("".join(syl), word)
    for word in words:
        out.setdefault("".join(table.of(word)), word)
    return out


def han_latin_words(kb: KnowledgeBase, table: PinyinTable) -> frozenset[str]:
    """The Latin words (two letters at least, not pinyin) of the entries' Chinese questions
    and alternatives: the names a Chinese reader writes in Latin letters (MTS, eSIM), so a
    query typing them among pinyin is still pinyin (plan.looks_like_pinyin)."""
    return frozenset(w for e in kb.entries.values() for text in phrasing_fit.zh_phrasings(e)
                     for w in re.findall(r"[a-z]{2,}", text.lower()) if table.split(w) is None)


def write_lexicon(version_dir: Path, kb: KnowledgeBase, seg: Segmenter, table: PinyinTable,
                  vocab: dict[str, int], stems: set[str], words: dict[str, int],
                  read: Callable[[str], list[str]] | None = None) -> None:
    """LEXICON, PREFIXES, STARTS, PINYIN_STARTS, GENERAL, TRANSLIT, CONTINUATION, FIT and SPELLING (did-you-mean's deletes and plain-word tables)."""
    from ..spelling import build_deletes, build_plain, dump_spelling

    lexicon = make_lexicon(kb, seg, table, vocab, stems, words, read)
    (version_dir / LEXICON).write_bytes(lexicon.dump())
    # the prefix dictionary of this lexicon and the entries' phrasings, made here once rather
    # than by every searcher's first prefix query
    prefixes = Dictionary.of(lexicon.vocab, lexicon.han_by_pinyin, lexicon.regional, phrasings(kb.entries.values()))
    (version_dir / PREFIXES).write_bytes(prefixes.dump())
    starts = Starts()
    (version_dir / STARTS).write_bytes(starts.dump(starts.sorted_keys((e.id, own_phrasings(e)) for e in kb.entries.values()),
                                                   starts.sorted_insides((e.id, own_phrasings(e)) for e in kb.entries.values())))
    from ..pinyin_starts import PinyinStarts

    (version_dir / PINYIN_STARTS).write_bytes(PinyinStarts(chars=lexicon.chars, phrase=read).dump_keys(
        (e.id, own_phrasings(e)) for e in kb.entries.values()))
    (version_dir / GENERAL).write_bytes(dump_general(general_words()))
    (version_dir / TRANSLIT).write_bytes(translit_prefix.Keys.of(lexicon.vocab).dump())
    # the prefix panel's phrasing models (continuation.py, phrasing_fit.py), made here once
    # rather than by every searcher's first half-typed query of the version
    entries = list(kb.entries.values())
    (version_dir / CONTINUATION).write_bytes(continuation.Phrasings.of(continuation.latin_phrasings(entries)).dump())
    (version_dir / FIT).write_bytes(phrasing_fit.dump(
        phrasing_fit.Weights.of((phrasing_fit.zh_phrasings(e) for e in entries), lexicon.chars, read),
        phrasing_fit.Follows((p for e in entries for p in phrasing_fit.zh_phrasings(e)), lexicon.chars, read)))
    deletes = build_deletes(vocab)
    plain = build_plain(vocab, lexicon.stems, deletes, lexicon.han_by_pinyin, table, seg.full_freq()[0])
    (version_dir / SPELLING).write_bytes(dump_spelling(deletes, plain))
