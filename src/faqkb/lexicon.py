"""What a query needs besides the whoosh index, built once per index version and stored
beside it (lexicon.marshal): the pruned jieba dictionary, the pinyin table, synonyms as
analyzed terms, the kb's own words (for did-you-mean and pinyin detection) and the
regional vocabulary fold (kb/regional.yaml).

marshal of plain dicts and lists is the fast path for loading (see docs/); the dataclass
is the one place that knows the format."""

from __future__ import annotations

import marshal
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .analysis import Analyzer, PinyinTable, Segmenter, fold_han, regional_pattern, script_runs, to_mainland

LEXICON_FORMAT = 3  # 3: the pinyin table as `Readings`' three plain values (2: one dict, still read)
TEXTS_KEPT = 64  # texts whose answers a Lexicon remembers, per question (Lexicon.recent)
_MISSING = object()


class Readings(Mapping[str, str]):
    """The pinyin table as stored (format 3): every character in one sorted string, each one's
    reading as an index into the list of readings. Unmarshalling the 41,596 characters as a dict
    was ~17 ms of every cold search, which reads a handful; a lookup is one bisection."""

    def __init__(self, keys: str, readings: list[str], which: bytes) -> None:
        self.chars, self.readings, self.which = keys, readings, memoryview(which).cast("H")
        self.seen: dict[str, str] = {}  # characters looked up so far (at most the table's size)

    @classmethod
    def of(cls, chars: Mapping[str, str]) -> tuple[str, list[str], bytes]:
        """The stored form of a character -> reading table."""
        import array

        keys = "".join(sorted(chars))
        readings = sorted(set(chars.values()))
        at = {r: i for i, r in enumerate(readings)}
        return keys, readings, array.array("H", [at[chars[c]] for c in keys]).tobytes()

    def __getitem__(self, c: str) -> str:
        got = self.seen.get(c)
        if got is None:
            i = bisect_left(self.chars, c)
            if not (i < len(self.chars) and self.chars[i] == c and len(c) == 1):
                raise KeyError(c)
            got = self.seen[c] = self.readings[self.which[i]]
        return got

    def get(self, c: str, default: str | None = None) -> str | None:  # type: ignore[override]
        got = self.seen.get(c)
        if got is not None:
            return got
        try:
            return self[c]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        return iter(self.chars)

    def __len__(self) -> int:
        return len(self.chars)


@dataclass
class Lexicon:
    freq: dict[str, int]                 # jieba dictionary pruned to the kb's text
    total: int                           # the full dictionary's total frequency
    chars: Mapping[str, str]             # Han character -> toneless pinyin (Readings when read)
    syllables: list[str]                 # valid pinyin syllables
    vocab: dict[str, int]                # kb words (Latin/Cyrillic surface forms, Han words) -> count
    stems: frozenset[str]                # stems of the kb's Latin/Cyrillic words
    han_by_pinyin: dict[str, str]        # joined pinyin -> most frequent kb Han word with it
    synonyms: dict[str, list[list[str]]]  # analyzed word -> analyzed alternatives
    regional: dict[str, str] = field(default_factory=dict)  # Taiwan/HK word -> mainland word (folded)
    # Latin words (letters only, lower case, not pinyin) the kb's Chinese questions hold: MTS,
    # eSIM. Among pinyin words such a name leaves the query pinyin (plan.looks_like_pinyin).
    han_latin: frozenset[str] = field(default_factory=frozenset)

    def dump(self) -> bytes:
        d = {k: getattr(self, k) for k in ("freq", "total", "syllables", "vocab", "han_by_pinyin",
                                           "synonyms", "regional")}
        d["han_latin"] = sorted(self.han_latin)
        d["chars"] = Readings.of(self.chars)
        d["stems"] = sorted(self.stems)
        d["format"] = LEXICON_FORMAT
        return marshal.dumps(d)

    @classmethod
    def load(cls, data: bytes) -> Lexicon:
        raw = marshal.loads(data)
        if raw.get("format") not in (2, LEXICON_FORMAT):
            raise ValueError(f"lexicon format {raw.get('format')!r}, expected {LEXICON_FORMAT}")
        if raw.pop("format") == LEXICON_FORMAT:
            raw["chars"] = Readings(*raw["chars"])
        raw["stems"] = frozenset(raw["stems"])
        raw["han_latin"] = frozenset(raw.get("han_latin", ()))
        return cls(**raw)

    @classmethod
    def read(cls, path: Path) -> Lexicon:
        return cls.load(path.read_bytes())

    @cached_property
    def table(self) -> PinyinTable:
        return PinyinTable(self.chars, frozenset(self.syllables))

    @cached_property
    def analyzer(self) -> Analyzer:
        return Analyzer(Segmenter(self.freq, self.total), self.table, regional=self.regional)

    @cached_property
    def _regional_re(self) -> re.Pattern | None:
        return regional_pattern(self.regional)

    @cached_property
    def holders(self) -> dict[str, frozenset[str]]:
        """A synonym's word -> the words whose synonym groups hold it (specificity.held_words)."""
        out: dict[str, set[str]] = {}
        for word, alts in self.synonyms.items():
            for alt in alts:
                for t in alt:
                    out.setdefault(t, set()).add(word)
        return {t: frozenset(ws) for t, ws in out.items()}

    @cached_property
    def recent(self) -> dict[str, dict]:
        """Recent texts' answers, per question asked of them ("mainland": `mainland`,
        "pinyin": plan.looks_like_pinyin, "typed pinyin": plan.typed_as_pinyin): one search
        asks each of the same text several times. Each holds at most TEXTS_KEPT texts (`remember`)."""
        return {"mainland": {}, "pinyin": {}, "typed pinyin": {}}

    def remember(self, kind: str, text: str, make: Callable[[str], Any]) -> Any:
        """``make(text)``, kept in ``recent[kind]`` (cleared whole when full)."""
        kept = self.recent[kind]
        got = kept.get(text, _MISSING)
        if got is _MISSING:
            if len(kept) >= TEXTS_KEPT:
                kept.clear()
            got = kept[text] = make(text)
        return got

    def mainland(self, text: str) -> str | None:
        """``text`` with its Taiwan/HK words as the kb's mainland words (kb/regional.yaml after
        OpenCC tw2sp: 攜號轉台 -> 携号转网), or None when it has none: what a reader meant,
        where the analysis also keeps what was typed (for the ranking). One search asks it of
        the same text up to five times (its plan, intent, concept, twice more while typing):
        the last TEXTS_KEPT texts' answers are kept (cleared whole when full)."""
        if not self.regional:
            return None
        return self.remember("mainland", text, self._to_mainland)

    def _to_mainland(self, text: str) -> str | None:
        out, last, changed = [], 0, False
        for script, run, start in script_runs(text):
            if script != "han":
                continue
            mainland = to_mainland(run, self.regional, self._regional_re)
            if mainland != fold_han(run):
                out += [text[last:start], mainland]
                last, changed = start + len(run), True
        return "".join([*out, text[last:]]) if changed else None
