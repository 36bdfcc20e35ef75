"""Question starts for a query typed in toneless pinyin (issue 19, seventeenth session).

A half-typed Chinese query's hits after the first follow the entries whose own phrasings
begin as it does (prefix.Starts, Searcher._question_starts: 怎么 -> the how-to entries, 俄罗斯手
-> the SIM card's). The same query typed in pinyin ("zenme", "eluosi s", "zhuxiao ya") was
compared with nothing: its letters begin no Chinese phrasing. Here the kb's Chinese phrasings
are keyed by their toneless syllables, run together as the key runs a Han query's characters
together, so a pinyin start is compared with them as a Han start is: a syllable cut mid-way
(zen, s) and syllables spaced or run together alike. Latin words in a phrasing (mts, esim)
stay as written, and so do the phrasings in other languages: Latin letters the searcher reads
as pinyin may be English begun ("can", "shou"), whose starts are the English phrasings'.

Readings are the index's character table (one reading per character, as phrasing_fit reads
pinyin): a polyphone read otherwise by the reader (行 of 银行) begins nothing, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .analysis import HAN_RE, untoned
from .prefix import _NOT_WORD, Starts


@dataclass
class PinyinStarts(Starts):
    """prefix.Starts over the kb's phrasings, Chinese ones read as toneless pinyin; made once per
    index version by the first pinyin query that asks (bounded as Starts: STARTS_KEPT entries,
    MAX_PHRASINGS phrasings each, MAX_SCAN keys looked at per start)."""

    chars: Mapping[str, str] = field(default_factory=dict)  # Han character -> toneless syllable

    def make(self, entries: Callable[[], Iterable[tuple[str, Iterable[str]]]]) -> None:
        """The sorted keys alone (~14 ms at the bundled kb's 1,800 phrasings, once per version):
        the insides (Starts.inside, ~4x that) are a Han query's step only."""
        if self.index is None:
            self.index = self.sorted_keys(entries())
        self.made += 1

    def _key(self, text: str) -> str:
        key = _NOT_WORD.sub("", untoned(text.lower()))
        if key.isascii():
            return key
        chars = self.chars
        return "".join((chars.get(c) or "") if HAN_RE.match(c) else c for c in key)


def typed_in_pinyin(query: str, lang: str | None) -> bool:
    """A Chinese query written in Latin letters (the searcher read it as pinyin)."""
    return lang == "zh" and not HAN_RE.search(query)

