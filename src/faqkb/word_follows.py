"""Which word a Russian or English word being typed goes on to, read from the words typed just
before it as the kb's own phrasings continue them (issue 19, seventeenth session).

A last word begun is completed to the kb word the rest of the query fits best, ties going to
the more frequent one (prefix.complete). When the words before it are question words, a verb or
other words every entry holds, the fit says nothing and the most frequent word wins: "сколько
ст" went on to старый (the kb writes of the old number often) where the readers' questions say
"сколько стоит", "how many d" to a word other than days, "can I cl" to claim, not close. The
kb's questions and alternatives are how readers word each entry, so the word they put right
after the words typed is the likeliest one being typed, as phrasing_fit.Follows reads the
Chinese phrasings for a pinyin word begun.

`Follows` counts, per the stem of one word and per the stems of two words in a row of the kb's
Latin/Cyrillic phrasings (continuation.Phrasings: made at build, read by the panel's first
half-typed ru/en query), the phrasings in which each word's stem comes right after them. A
query's candidates are ordered by those counts, the two words typed last first (how many → days,
not the many after "many" alone), a candidate at least MIN_FOLLOWS phrasings continue so; the
others keep their order after them. Work per query: two dictionary lookups and one per
candidate (prefix.FOLLOW_CANDIDATES at most); the table is made once per version, one pass over
the phrasings (~1,150 in the bundled kb, at most continuation.MAX_TOTAL).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from .continuation import stem, words

MIN_FOLLOWS = 2  # phrasings going on so that order a candidate first (one phrasing is one editor's wording)
CONTEXT_WORDS = 2  # words typed before the last read as its context, the longest first
MAX_STEMS = 1 << 16  # candidates' stems kept (the phrasings' words, then kb words asked for)


class Follows:
    """Stems of the one or two words before (joined by a space) -> stem of the next word ->
    phrasings going on so."""

    def __init__(self, phrasings: Iterable[tuple[Sequence[str], Sequence[str]]]) -> None:
        """``phrasings``: each phrasing's words and their stems (continuation.Phrasings holds both)."""
        table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        # a candidate's stem, looked up rather than stemmed per query (~40 % of a call): the
        # phrasings' words here, other kb words once asked for (the candidates are kb words)
        self.stems: dict[str, str] = {}
        for ws, stems in phrasings:
            self.stems.update(zip(ws, stems, strict=True))
            seen: set[tuple[str, str]] = set()  # (a phrasing counts once per pair)
            for i in range(1, len(stems)):
                for n in range(1, CONTEXT_WORDS + 1):
                    if i - n < 0:
                        break
                    pair = (" ".join(stems[i - n:i]), stems[i])
                    if pair not in seen:
                        seen.add(pair)
                        table[pair[0]][pair[1]] += 1
        # (plain dicts, keys sorted: nothing here may hang on hash order)
        self.table = {k: dict(sorted(v.items())) for k, v in sorted(table.items())}

    @classmethod
    def of_table(cls, table: dict[str, dict[str, int]], stems: dict[str, str]) -> Follows:
        """A Follows of a ``table`` made before (continuation.Phrasings.dump writes it) and the
        phrasings' words' ``stems``."""
        f = cls(())
        f.table, f.stems = table, stems
        return f

    def counts(self, rest: str, afters: Sequence[str]) -> list[int]:
        """Per word of ``afters``, the phrasings in which its stem comes right after the last
        words of ``rest`` (the two last when any candidate is followed so at least MIN_FOLLOWS
        times, else the last one); zeros when none is."""
        typed = [stem(w) for w in words(rest)[-CONTEXT_WORDS:]]
        stems: list[str] | None = None
        for n in range(len(typed), 0, -1):
            after = self.table.get(" ".join(typed[-n:]))
            if after is None:
                continue
            if stems is None:
                stems = [self._stem(w) for w in afters]
            got = [after.get(s, 0) if s else 0 for s in stems]
            if max(got, default=0) >= MIN_FOLLOWS:
                return [k if k >= MIN_FOLLOWS else 0 for k in got]
        return [0] * len(afters)

    def _stem(self, word: str) -> str:
        w = word.lower().replace("ё", "е")
        got = self.stems.get(w)
        if got is None:
            got = stem(w) if w else ""
            if len(self.stems) < MAX_STEMS:  # (candidates are kb words: a bounded set, kept)
                self.stems[w] = got
        return got


def ordered(cands: list[tuple[str, str, int]], follows: Follows, rest: str) -> list[tuple[str, str, int]]:
    """``cands`` (as prefix.complete holds them: text, word, count) with those the kb's
    phrasings put right after ``rest``'s last words first, the most often first (a stable sort)."""
    n = follows.counts(rest, [c[1] for c in cands])
    if not any(n):
        return cands
    return [cands[i] for i in sorted(range(len(cands)), key=lambda i: -n[i])]
