"""Russian typed in Latin letters, its last word still being typed (issue 19, item 3).

"rastorzhenie dogo", "kak zakryt nom": the speller reads a Latin word typed whole as the kb's
Russian word spelled alike (spelling.translit_key), but not one cut mid-way, so such a cut finds
the words before it only and was told "no direct answer". It is `typing` (not answered, as
before: every decline total stays) when a word before it reads as a Russian kb word and the
letters typed last begin the key of a longer one and read as none typed whole (a binary search in the kb's keys, sorted once per
speller's map).
"""

from __future__ import annotations

import bisect
import re
from typing import Protocol

from .spelling import MIN_TRANSLIT, translit_key

_LATIN = re.compile(r"[A-Za-z']+")
_KEPT = 4  # translit maps whose sorted keys are kept (one per live index version, a few at a swap)
_sorted: dict[int, tuple[dict[str, str], list[str]]] = {}


class Reads(Protocol):  # (spelling.Speller)
    @property
    def translit(self) -> dict[str, str]: ...

    def russian(self, low: str) -> str | None: ...


def _keys(translit: dict[str, str]) -> list[str]:
    got = _sorted.get(id(translit))
    if got is None or got[0] is not translit:
        if len(_sorted) >= _KEPT:
            _sorted.clear()
        got = _sorted[id(translit)] = (translit, sorted(k for k in translit if not k.startswith("~")))
    return got[1]


def translit_begun(query: str, speller: Reads) -> bool:
    """Whether the query's last word, not ended by a space (the caller's check), is Latin
    letters beginning the translit key of a Russian kb word while a word before it reads as one."""
    words = _LATIN.findall(query)
    if len(words) < 2 or not query.rstrip().endswith(words[-1]) or not query.isascii():
        return False
    if not any(len(w) >= MIN_TRANSLIT and speller.russian(w.lower()) for w in words[:-1]):
        return False
    last = words[-1].lower()
    key = translit_key(last)
    if not key or len(key) < 2 or speller.russian(last):  # (a Russian word typed whole: internet, интернет)
        return False
    keys = _keys(speller.translit)
    i = bisect.bisect_right(keys, key)  # (a key longer than the one typed: the word goes on)
    return i < len(keys) and keys[i].startswith(key)
