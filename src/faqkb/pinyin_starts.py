"""Question starts for a query typed in toneless pinyin (issue 19, seventeenth session).

A half-typed Chinese query's hits after the first follow the entries whose own phrasings
begin as it does (prefix.Starts, panel_order.question_starts: 怎么 -> the how-to entries, 俄罗斯手
-> the SIM card's). The same query typed in pinyin ("zenme", "eluosi s", "zhuxiao ya") was
compared with nothing: its letters begin no Chinese phrasing. Here the kb's Chinese phrasings
are keyed by their toneless syllables, run together as the key runs a Han query's characters
together, so a pinyin start is compared with them as a Han start is: a syllable cut mid-way
(zen, s) and syllables spaced or run together alike. Latin words in a phrasing (mts, esim)
stay as written, and so do the phrasings in other languages: Latin letters the searcher reads
as pinyin may be English begun ("can", "shou"), whose starts are the English phrasings'.

The keys are made at build time (layout.PINYIN_STARTS: `dump_keys`, `read_keys`) with pypinyin's
phrase-aware readings, as readers type them (银行 yinhang, 重新 chongxin); the index's character
table (one reading per character) reads them only for a version built before that, where a
polyphone read otherwise by the reader (行 of 银行) begins nothing. Queries never import pypinyin.
"""

from __future__ import annotations

import itertools
import marshal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .analysis import HAN_RE, HAN_RUN_RE, phrase_syllables, untoned
from .prefix import MAX_PHRASINGS, NOT_WORD, STARTS_KEPT, Starts

FORMAT = 1  # of dump_keys (layout.PINYIN_STARTS); a file of another is not read


@dataclass
class PinyinStarts(Starts):
    """prefix.Starts over the kb's phrasings, Chinese ones read as toneless pinyin; written by the
    build (`dump_keys`), read once per index version by the first pinyin query that asks (`read_keys`;
    made there from the table for a version built before; bounded as Starts: STARTS_KEPT entries,
    MAX_PHRASINGS phrasings each, MAX_SCAN keys looked at per start)."""

    chars: Mapping[str, str] = field(default_factory=dict)  # Han character -> toneless syllable
    # a Han run's phrase-aware syllables (build/analyse.phrase_pinyin): at build time only
    phrase: Callable[[str], list[str]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def read_keys(cls, path: Path, chars: Mapping[str, str]) -> PinyinStarts:
        """The keys as the build wrote them (`dump_keys`: every entry's, read by pypinyin phrase by
        phrase); without them (made from ``chars`` by the first query) for a version built
        before them or a file unreadable."""
        try:
            raw = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return cls(chars=chars)
        if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("index"), list):
            return cls(chars=chars)
        return cls(chars=chars, index=raw["index"], keys={e: tuple(k) for e, k in raw["keys"].items()})

    def dump_keys(self, entries: Iterable[tuple[str, Iterable[str]]]) -> bytes:
        """`index` and every entry's sorted keys (Starts.keys) of ``entries`` ((id, phrasings),
        in the kb's order; bounded as `sorted_keys`), as the build writes them."""
        entries = [(eid, list(itertools.islice(phr, MAX_PHRASINGS))) for eid, phr in itertools.islice(entries, STARTS_KEPT)]
        keys = {eid: sorted(k for k in map(self.key, phr) if k) for eid, phr in entries}
        return marshal.dumps({"format": FORMAT, "index": self.sorted_keys(entries), "keys": keys})

    def make(self, entries: Callable[[], Iterable[tuple[str, Iterable[str]]]]) -> None:
        """The sorted keys alone (~14 ms at the bundled kb's 1,800 phrasings, once per version):
        the insides (Starts.inside, ~4x that) are a Han query's step only."""
        if self.index is None:
            self.index = self.sorted_keys(entries())
        self.made += 1

    def _key(self, text: str) -> str:
        key = NOT_WORD.sub("", untoned(text.lower()))
        if key.isascii():
            return key
        chars = self.chars
        if self.phrase is not None:
            key = HAN_RUN_RE.sub(lambda m: self._phrase(m.group()), key)
        return "".join((chars.get(c) or "") if HAN_RE.match(c) else c for c in key)

    def _phrase(self, run: str) -> str:
        """A Han run as pypinyin reads it phrase by phrase, when it gives a syllable a character;
        else as is (the table reads it)."""
        assert self.phrase is not None
        syl = phrase_syllables(run, self.phrase)
        return run if syl is None else "".join(syl)


def typed_in_pinyin(query: str, lang: str | None) -> bool:
    """A Chinese query written in Latin letters (the searcher read it as pinyin)."""
    return lang == "zh" and not HAN_RE.search(query)

