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

import bisect
from collections.abc import Collection, Iterator, Mapping, Sequence

from .analysis import HAN_RE, STOP

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


def _words_begin(words: list[str], parts: Sequence[str], cyrillic: bool, k: int, ended: bool,
                 stop: Collection[str]) -> bool:
    """Whether the query's last ``k`` words begin the (spaced, non-Chinese) name of words ``parts``
    (``cyrillic``: not a Latin name, whose words are whole: intent._spoken) without typing
    it whole: its first k words, the k-th one cut mid-way unless a space ``ended`` it, at least
    MIN_LETTERS letters of the name typed. Its first word alone only when that is a function
    word (``stop``: from, из, for): a content word (balance of "balance to my", refund) is what
    the entries share, no condition yet. (Only the k whose word gave the name: ConditionStarts.names
    gives it for every word its first word may be.)"""
    if not (1 if parts[0] in stop else 2) <= k <= min(len(parts), len(words)):
        return False
    tail = words[-k:]
    if sum(len(w) for w in tail) < MIN_LETTERS:
        return False
    if ended:
        return k < len(parts) and all(_word_begins(t, p, False, cyrillic) for t, p in zip(tail, parts, strict=False))
    if not all(_word_begins(t, p, False, cyrillic) for t, p in zip(tail[:-1], parts, strict=False)):
        return False
    typed, word = tail[-1], parts[k - 1]
    return word.startswith(typed) and (k < len(parts) or len(typed) < len(word))


class ConditionStarts:
    """The conditions' names arranged for a query's end (made once per version's conditions:
    intent.Intents keeps it):
    the Chinese names' starts (MIN_HAN characters or more, not the whole name) -> conditions; the
    other names by their first word (a query's words are compared with the names whose first
    word they are, or begin, or for a Cyrillic name's first word start with), so a query costs
    a few lookups and the names they give, not every name."""

    def __init__(self, conditions: Mapping[str, tuple[Mapping[str, str], tuple[str, ...], tuple[str, ...]]]) -> None:
        self.order = list(conditions)
        self.han: dict[str, list[str]] = {}
        # first word -> (condition, name, fewest and most of the query's last words that may begin
        # it: _words_begin's first test, read here so a name that cannot be begun is not compared)
        # (the name as its words, and whether it is Cyrillic: a Latin name ends in a space)
        self.by_first: dict[str, list[tuple[str, tuple[str, ...], bool, int, int]]] = {}
        for cond, (_, han, spoken) in conditions.items():
            for n in han:
                if n.isalpha() and not n.isascii():
                    for j in range(MIN_HAN, len(n)):
                        if cond not in (got := self.han.setdefault(n[:j], [])):
                            got.append(cond)
            for n in spoken:
                if parts := n.split():
                    self.by_first.setdefault(parts[0], []).append(
                        (cond, tuple(parts), not n.endswith(" "), 1 if parts[0] in _STOP else 2, len(parts)))
        self.firsts = sorted(self.by_first)
        # the Cyrillic names (not ending in a space: intent._spoken) by their first word: only
        # theirs may start a query's word shorter than it (a Latin name's first word is whole)
        self.cyrillic_by_first = {f: cyr for f, names in self.by_first.items()
                                  if (cyr := [t for t in names if t[2]])}
        self.longest_han = max((len(k) for k in self.han), default=0)
        self.most_words = max((t[-1] for names in self.by_first.values() for t in names), default=0)
        self.longest_first = max(map(len, self.firsts), default=0)

    def names(self, words: list[str], ended: bool) -> Iterator[tuple[int, str, tuple[str, ...], bool]]:
        """(j, condition, the name's words, whether it is Cyrillic) for the names whose first word the j-th last word may be, j
        words of each (a name whose first word is no function word: two at least; a Latin
        name's first word whole, the word being typed only its start)."""
        for j in range(1, min(self.most_words, len(words)) + 1):
            w = words[-j]
            for cond, parts, cyr, fewest, most in self.by_first.get(w, ()):
                if fewest <= j <= most:
                    yield j, cond, parts, cyr
            typing = j == 1 and not ended
            if not typing:  # (a word typed whole: a Cyrillic name's first word at its start)
                for cut in range(1, min(len(w) - 1, self.longest_first) + 1):
                    for cond, parts, cyr, fewest, most in self.cyrillic_by_first.get(w[:cut], ()):
                        if fewest <= j <= most:
                            yield j, cond, parts, cyr
            else:  # the word being typed: names whose first word it begins
                k = bisect.bisect_right(self.firsts, w)
                while k < len(self.firsts) and self.firsts[k].startswith(w):
                    for cond, parts, cyr, fewest, _ in self.by_first[self.firsts[k]]:
                        if fewest == 1:
                            yield j, cond, parts, cyr
                    k += 1

    def begun(self, folded: str, spaced: str, ended: bool) -> list[str]:
        """The conditions whose names the query's end begins, in the conditions' order. ``folded``:
        the query folded (scope.fold); ``spaced``: its words between single spaces; ``ended``: a
        space was typed after the last word (it is whole). Bounded: the query's last few words
        and characters looked up, each name they give compared once."""
        words = spaced.split()
        text = folded.rstrip()
        got: set[str] = set()
        if text and HAN_RE.match(text[-1]) and not ended:
            for j in range(MIN_HAN, min(self.longest_han, len(text)) + 1):
                got.update(self.han.get(text[-j:], ()))
        if words:
            got.update(cond for j, cond, parts, cyr in self.names(words, ended)
                       if cond not in got and _words_begin(words, parts, cyr, j, ended, _STOP))
        return [c for c in self.order if c in got]
