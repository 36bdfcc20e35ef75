"""A condition the reader is still typing (issue 19, item 3: prefix search for as-you-type).

kb/categories.yaml's conditions (``abroad``: the reader is outside Russia; ``on_behalf``:
someone else acts for them; …) name the words that state them ("from abroad", "из-за
границы", "不用回俄罗斯"). Typed whole they move the first hit to the entry answering it under
that condition (engine/relevance.condition_first). While they are being typed ("cancel my mts
number fro", "можно ли закрыть симку из за ") no condition is stated yet, and the general
entry's words (cancel, number) keep the specific one out of the panel's top 3. Here: the
conditions whose words the query's last words begin, the last one possibly cut mid-way.

Pure functions over the folded query and the conditions' names as Intents keeps them (Chinese
names as written; the others spaced: " from abroad " Latin whole words, " из за границы" Cyrillic
at word starts, intent._spoken).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from .analysis import STOP

# function words: the analyzer's, and the English prepositions its list keeps (the index searches them)
_STOP = frozenset(STOP["en"] | STOP["ru"] | {"from", "without", "outside", "since", "after", "before", "instead"})

MIN_LETTERS = 3  # letters of a condition's words typed before it is read as begun ("fro", "из з")
BEGUN_PLACE = 1  # where the entry for the condition goes in the panel (0: first; the first hit stays)
MIN_HAN = 2  # characters of a Chinese condition typed (在国 of 在国外; 在 alone starts anything)


def _word_begins(typed: str, name: str, last: bool, cyrillic: bool) -> bool:
    """Whether the typed word is the name's word: its start when it is the word being typed
    (``last``), whole otherwise (a Cyrillic one at a word start: уехала of уехал)."""
    if last:
        return name.startswith(typed)
    return typed.startswith(name) if cyrillic else typed == name


def _words_begin(words: list[str], name: str, ended: bool, stop: Collection[str]) -> bool:
    """Whether the query's last words begin the (spaced, non-Chinese) name without typing it
    whole: its first k words, the k-th one cut mid-way unless a space ``ended`` it, at least
    MIN_LETTERS letters of the name typed. Its first word alone only when that is a function
    word (``stop``: from, из, for): a content word (balance of "balance to my", refund) is what
    the entries share, no condition yet."""
    parts = name.split()
    cyrillic = not name.endswith(" ")  # (intent._spoken: Latin names end in a space, whole words)
    for k in range(1 if parts[0] in stop else 2, min(len(parts), len(words)) + 1):
        tail = words[-k:]
        if sum(len(w) for w in tail) < MIN_LETTERS:
            continue
        if ended:
            if k < len(parts) and all(_word_begins(t, p, False, cyrillic) for t, p in zip(tail, parts, strict=False)):
                return True
            continue
        if not all(_word_begins(t, p, False, cyrillic) for t, p in zip(tail[:-1], parts, strict=False)):
            continue
        typed, word = tail[-1], parts[k - 1]
        if word.startswith(typed) and (k < len(parts) or len(typed) < len(word)):
            return True
    return False


def _han_begins(folded: str, name: str) -> bool:
    """Whether the query ends in a start of the Chinese name (at least MIN_HAN characters,
    not the whole name)."""
    return any(folded.endswith(name[:j]) for j in range(MIN_HAN, len(name)))


def conditions_begun(conditions: Mapping[str, tuple[Mapping[str, str], tuple[str, ...], tuple[str, ...]]],
                     folded: str, spaced: str, ended: bool) -> list[str]:
    """The conditions whose names the query's end begins, in the conditions' order. ``folded``:
    the query folded (scope.fold); ``spaced``: its words between single spaces; ``ended``: a
    space was typed after the last word (it is whole). Bounded by the conditions' names (each
    compared once, over at most its own number of words)."""
    words = spaced.split()
    han_end = bool(folded) and "\u3400" <= folded.rstrip()[-1:] <= "\u9fff" and not ended
    got = []
    for cond, (_, han, spoken) in conditions.items():
        if han_end and any(_han_begins(folded.rstrip(), n) for n in han if n.isalpha() and not n.isascii()):
            got.append(cond)
        elif words and any(_words_begin(words, n, ended, _STOP) for n in spoken):
            got.append(cond)
    return got
