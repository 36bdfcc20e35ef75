"""Russian typed in Latin letters with its last word cut mid-way (issue 19, item 3: the last
word is a prefix in Latin, Cyrillic and pinyin): "kak zakr" goes on to закрыть, "vozvr" to
возврат, "otklyuch" to отключение.

The speller reads a whole Latin word as the kb's Russian word spelled alike (spelling.translit_key:
the usual informal and GOST spellings share one key), but a begun word reaches nothing: its key is
only the start of one. Here the keys of the kb's Cyrillic words are a sorted array (the build
writes it, layout.TRANSLIT), and a Latin start's key is one binary search in it, at most
prefix.MAX_SCAN keys looked at per key tried; prefix.complete ranks the words found as any
completion and keeps at most MAX_EXPANSIONS. Only for a Latin last word no Latin kb word goes on
from, and only when the words before it read as Russian (or there are none, and no English word
in general use nor a pinyin reading begins it either): "how to vozvr" and "zhu" are left alone.
"""

from __future__ import annotations

import bisect
import marshal
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from .analysis import STOP
from .prefix import MAX_SCAN, Completion
from .spelling import MIN_TRANSLIT, cyrillic_keys, latin_keys, translit_key

FORMAT = 1  # of Keys.dump (layout.TRANSLIT); a file of another is not read
MIN_LETTERS = MIN_TRANSLIT  # letters a Latin start needs (two are a function word as often: za, ot), as the speller
# a last letter that begins a unit the keys write otherwise: c (ch: ч; else ц, ts), k (kh: х, h),
# y and j (ya, yu, ye, yo: я, ю, е, ё, whose keys lose the y; else й, ы: i)
_TAILS = {"c": ("ts", "ch"), "k": ("k", "h"), "y": ("i", "a", "u", "e"), "j": ("i", "a", "u", "e")}
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz'")
_CYRILLIC = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


@dataclass(frozen=True)
class Keys:
    """The kb's Cyrillic words by their translit keys, sorted by key (made once per version)."""

    keys: list[str]   # spelling.translit_key of each word, sorted
    words: list[str]  # the word of each key

    @classmethod
    def of(cls, vocab: Iterable[str]) -> Keys:
        """The Cyrillic words of ``vocab`` (the kb's words, lowercase), two letters or more."""
        words = sorted(w for w in vocab if len(w) >= 2 and _CYRILLIC.issuperset(w))
        pairs = sorted(zip(cyrillic_keys(words), words, strict=True)) if words else []
        return cls([k for k, _ in pairs], [w for _, w in pairs])

    def dump(self) -> bytes:
        return marshal.dumps({"format": FORMAT, "keys": self.keys, "words": self.words})

    @classmethod
    def load(cls, data: bytes) -> Keys:
        """`dump`'s keys (ValueError for another format)."""
        raw = marshal.loads(data)
        if (not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("keys"), list)
                or not isinstance(raw.get("words"), list) or len(raw["keys"]) != len(raw["words"])):
            raise ValueError("translit keys: another format")
        return cls(raw["keys"], raw["words"])

    def starting(self, typed: str) -> list[str]:
        """The Cyrillic kb words whose key begins as the lowercase Latin ``typed`` does (zakr:
        закрыть, закрытие), in key order; none under MIN_LETTERS letters. At most len(_TAILS[c])
        binary searches and MAX_SCAN keys looked at for each."""
        if len(typed) < MIN_LETTERS or not _LATIN.issuperset(typed):
            return []
        out: dict[str, None] = {}
        for start in start_keys(typed):
            if len(start) < MIN_LETTERS - 1:  # (yyy keys as i: one letter says nothing)
                continue
            i = bisect.bisect_left(self.keys, start)
            for k, w in zip(self.keys[i:i + MAX_SCAN], self.words[i:i + MAX_SCAN], strict=True):
                if not k.startswith(start):
                    break
                out[w] = None
        return list(out)


def start_keys(typed: str) -> list[str]:
    """The keys a Latin start may be the beginning of: its own, and for a last letter that
    begins a unit written otherwise (c of ch, k of kh, y of ya), each unit's key."""
    tails = _TAILS.get(typed[-1])
    if tails is None:
        return latin_keys([typed])
    head = latin_keys([typed[:-1]])[0]
    # (keyed again: a letter the unit doubles goes, as in the words' keys: ott + s)
    return list(dict.fromkeys(latin_keys([head + t for t in tails])))


class Reading(Protocol):
    """What reads_russian asks of the speller (spelling.Speller)."""

    @property
    def vocab(self) -> dict[str, int]: ...

    @property
    def translit(self) -> dict[str, str]: ...

    def russian(self, low: str) -> str | None: ...


def reads_russian(words: list[str], speller: Reading, split: Callable[[str], list[str] | None] = lambda w: None) -> bool:
    """The Latin words typed before the last read as Russian (kak zakryt, vernut dengi s): more
    of them are the kb's Russian words or Russian function words spelled in Latin, as the
    speller reads them (spelling.translit_key), than are English (a function word, a Latin kb
    word no Russian word is spelled as), and one of MIN_LETTERS letters or more is (two-letter
    ones, yu: у, na, are pinyin syllables as often). A Latin kb word spelling a Russian one too
    (sim: сим) says neither, one letters nothing (s, v, i), and words that are all pinyin
    syllables (``split``: ka yu e) are no Russian."""
    russian = english = long = 0
    pinyin = True
    for w in words:
        low = w.lower()
        if len(low) < 2 or not _LATIN.issuperset(low):
            continue
        pinyin = pinyin and split(low) is not None
        if low in STOP["en"]:
            english += 1
        elif len(low) == 2:
            russian += speller.translit.get(translit_key(low) or "") in STOP["ru"]
        elif speller.russian(low) is not None:
            if low not in speller.vocab:
                russian += 1
                long += 1
        elif low in speller.vocab:
            english += 1
    return long > 0 and russian > english and not pinyin


def russian_starts(keys: Callable[[], Keys], query: str, speller: Callable[[], Reading],
                   unknown: Callable[[str], bool], pinyin: list[str],
                   split: Callable[[str], list[str] | None] = lambda w: None) -> Callable[[str], list[str]]:
    """prefix.complete's ``russian`` for ``query``: the Cyrillic kb words a Latin last word (no
    Latin kb word goes on from it: the caller's check) is the start of, when the words before
    it read as Russian (reads_russian); with none before, only a word no English word in general
    use begins (``unknown``, as prefix.mended asks) and no kb word's pinyin reading either
    (``pinyin``: the sorted readings; ``split``: a word's pinyin syllables, for reads_russian): "den" alone may be English or 等级, "vozvrat den" is
    деньги. ``keys`` and ``speller`` are asked for at the first call only (a query whose last
    word a kb word goes on from reads neither), the words before once."""
    memo: list[bool] = []  # (the words before read as Russian; none typed: no memo)

    def starts(word: str) -> list[str]:
        if len(word) < MIN_LETTERS or not _LATIN.issuperset(word):
            return []
        if not memo and (before := _WORDS.findall(query)[:-1]):
            memo.append(reads_russian(before, speller(), split))
        if memo:
            if not memo[0]:
                return []
        elif not unknown(word) or _begins(pinyin, word):
            return []
        return keys().starting(word)

    return starts


def _begins(sorted_words: list[str], start: str) -> bool:
    """Some word of ``sorted_words`` begins with ``start`` (one binary search)."""
    i = bisect.bisect_left(sorted_words, start)
    return i < len(sorted_words) and sorted_words[i].startswith(start)


_WORDS = re.compile(r"[A-Za-z\u0400-\u04ff']+|[^\W\d_]+")


def in_cyrillic(done: Completion, speller: Callable[[], Reading]) -> Completion:
    """``done`` with the words before a last word completed to a Cyrillic one (a Latin word
    typed: russian_starts') each written as the speller reads it when it reads as Russian (kak
    zakryt: как закрыть), searched as the Russian it is, not as Latin words beside a Cyrillic
    one, whose phrases (сколько стоит) the ranking would not read; any other completion as it
    is. One or two lookups a word."""
    if not done.word.isascii() or not done.expansions or done.expansions[0].isascii():
        return done
    reading = speller()

    def cyrillic(m: re.Match[str]) -> str:
        low = m.group().lower()
        if len(low) == 2:
            got = reading.translit.get(translit_key(low) or "")
            return got if got in STOP["ru"] else m.group()
        return (reading.russian(low) if len(low) >= MIN_LETTERS else None) or m.group()

    rest = done.text[:len(done.text) - len(done.expansions[0])]
    return replace(done, text=_LATIN_WORD.sub(cyrillic, rest) + done.expansions[0])


_LATIN_WORD = re.compile(r"(?<![^\W\d_])[A-Za-z']+(?![^\W\d_])")
