"""Which of the kb's own phrasings a half-typed Latin or Cyrillic query goes on as (issue 19,
fifteenth round). A reader typing "что будет с симкой если" or "can i cancel w" has said the
intent in function and question words ("что будет … если": what happens if; "can i cancel
w…": with, without, when) that the ranking weighs next to nothing; the kb's questions and
alternatives are how readers word each entry, so the entry whose phrasing the typed words
follow, in order, is the likeliest next. Every word typed counts at its rarity among the
phrasings (a question word too, a little), Russian and English by stem (the typed word may be
any inflection), the last one as the start of a word unless a space ended it.

Each phrasing is scored by an alignment of the typed words to its words, in order: a typed
word found scores its weight, a typed word missing costs MISSING of it, a phrasing word skipped
between two found costs SKIPPED of its weight (SKIPPED_BEFORE before the first found: a reader
may begin elsewhere), the phrasing's rest after the last found is free (not typed yet). The
score is over the weight typed, so 1.0 is a phrasing the query is a (stemmed) beginning of. An
entry's score is its best phrasing's, plus OTHERS of its next two.

Bounded for queries from the network: the last MAX_WORDS words; candidates are the phrasings
holding a typed word's stem or a word the last one begins (at most prefix.MAX_SCAN words looked
at); of those, the MAX_ALIGNED with the most typed weight (a bound on their score) may be
aligned, each over at most MAX_PHRASING_WORDS words (`Phrasings.aligned` counts them). The panel
asks only for what it reads (the hits' scores and the best GOES_ADDED): a phrasing whose bound
(typed weight held, the rest missed) cannot reach an entry's three best, or an entry whose bound
cannot reach the best GOES_ADDED, is not aligned (same scores; ~35 phrasings aligned a query
rather than ~95). Made at build from at most MAX_TOTAL phrasings (layout.CONTINUATION: `dump`,
`load`; the bundled kb's 1,148: ~1.4 MB held), or by a version's first half-typed ru/en query
when it was built before the file."""

from __future__ import annotations

import bisect
import itertools
import marshal
import math
import re
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from .analysis import stem_cyrillic, stem_latin
from .kbase.model import Entry

MAX_WORDS = 8  # words of the query read (its last ones)
MAX_ALIGNED = 128  # phrasings aligned per query: those with the most typed weight
MAX_PHRASING_WORDS = 32  # words of a phrasing read
MAX_SCAN = 512  # phrasing words a last word begun is looked up among (as prefix.MAX_SCAN)
MAX_PHRASINGS = 64  # an entry's phrasings read (as prefix.MAX_PHRASINGS)
MAX_ENTRIES = 4096  # entries read (as prefix.STARTS_KEPT)
MAX_TOTAL = 16384  # phrasings read in all (~1.2 kB each as Python objects: ~20 MB at most, per version)
MISSING = 0.5  # of a typed word's weight, when no phrasing word matches it in order
SKIPPED = 0.3  # of a phrasing word's weight, skipped between two typed words found
OTHERS = 0.1  # of an entry's second and third phrasings' scores, added to its best's
SKIPPED_BEFORE = 0.1  # of a phrasing word's weight, skipped before the first found
GOES_WEIGHT = 1.0  # of a phrasing score (0-1), against 1/(1 + place) of the ranking's order
GOES_ADDED = 3  # the phrasings' best entries that may join the hits (a cut with fewer than three shows three)
BOUND_SLACK = 1e-9  # (a bound's rounding: an entry bound this close to the last kept is scored)
UNRANKED = 12  # the place an entry the ranking did not show counts as (past a page of ten)
_WORD = re.compile(r"[a-z0-9]+|[\u0430-\u044f0-9]+")
_NONE = np.zeros(0, dtype=np.uint32)
FORMAT = 1  # of Phrasings.dump (layout.CONTINUATION); a file of another is not read


def latin_phrasings(entries: Iterable[Entry]) -> Iterator[tuple[str, Iterator[str]]]:
    """Each entry's id and its question and alternatives in its Latin- and Cyrillic-script
    languages (a Chinese phrasing has no words here): what Phrasings.of reads, at build and
    for a version built before layout.CONTINUATION."""
    for e in entries:
        yield e.id, (p for lang, t in e.translations.items() if lang != "zh" for p in (t.question, *t.alternatives))


def words(text: str) -> list[str]:
    """Latin and Cyrillic words of ``text`` (lowercase, ё as е; a hyphen or a Chinese run parts them)."""
    return _WORD.findall(text.lower().replace("ё", "е"))


def stem(word: str) -> str:
    """The index's stem (analysis.py), so a typed word in any inflection meets the phrasing's."""
    return stem_cyrillic(word) if "\u0430" <= word[0] <= "\u044f" else stem_latin(word)


@dataclass
class Phrasings:
    """The kb's Latin and Cyrillic phrasings (question and alternatives), as words and stems,
    with their stems' and words' postings and each stem's weight: made once per index version
    by the first query that asks (Searcher._goes_on)."""

    phrasings: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)  # (entry, words, stems)
    skipped: list[array[float]] = field(default_factory=list)  # per phrasing: its words' weights summed up to each
    by_stem: dict[str, array[int]] = field(default_factory=dict)
    by_word: dict[str, array[int]] = field(default_factory=dict)
    sorted_words: list[str] = field(default_factory=list)
    weight: dict[str, float] = field(default_factory=dict)  # stem -> log(1 + N / (1 + phrasings holding it))
    aligned: int = 0  # phrasings aligned, all queries (a test's bound)
    word_weights: dict[str, float] = field(default_factory=dict, repr=False)  # _word_weight's, as asked

    @classmethod
    def of(cls, entries: Iterable[tuple[str, Iterable[str]]]) -> Phrasings:
        """``entries`` ((id, phrasings)): at most MAX_ENTRIES, MAX_PHRASINGS phrasings each."""
        p = cls()
        by_stem: dict[str, list[int]] = defaultdict(list)
        by_word: dict[str, list[int]] = defaultdict(list)
        for eid, texts in itertools.islice(entries, MAX_ENTRIES):
            for text in itertools.islice(texts, MAX_PHRASINGS):
                if len(p.phrasings) >= MAX_TOTAL:  # (a large kb's phrasings past them are not read)
                    break
                ws = tuple(map(sys.intern, words(text)[:MAX_PHRASING_WORDS]))  # (one str per word: kb-wide)
                if not ws:
                    continue
                k = len(p.phrasings)
                st = tuple(sys.intern(stem(w)) for w in ws)
                p.phrasings.append((eid, ws, st))
                for s in set(st):
                    by_stem[s].append(k)
                for w in set(ws):
                    by_word[w].append(k)
        n = len(p.phrasings)
        # (postings as arrays of 4-byte ints: a list holds an 8-byte pointer to a 28-byte int each)
        p.by_stem = {k: array("I", v) for k, v in by_stem.items()}
        p.by_word = {k: array("I", v) for k, v in by_word.items()}
        p.sorted_words = sorted(by_word)
        p.weight = {s: math.log(1 + n / (1 + len(ks))) for s, ks in by_stem.items()}
        p.skipped = [array("d", itertools.accumulate((p.weight[s] for s in st), initial=0.0)) for _, _, st in p.phrasings]
        return p

    def dump(self) -> bytes:
        """What `of` made, as the build writes it (layout.CONTINUATION): read back by `load`
        at a version's first half-typed ru/en query rather than made again (~12 ms for the
        bundled kb, more at MAX_TOTAL). The counter of aligned phrasings is not kept."""
        return marshal.dumps({"format": FORMAT, "phrasings": self.phrasings,
                              "skipped": [a.tobytes() for a in self.skipped],
                              "by_stem": {k: a.tobytes() for k, a in self.by_stem.items()},
                              "by_word": {k: a.tobytes() for k, a in self.by_word.items()},
                              "sorted_words": self.sorted_words, "weight": self.weight})

    @classmethod
    def load(cls, data: bytes) -> Phrasings:
        """`dump`'s Phrasings (ValueError for a file of another format)."""
        raw = marshal.loads(data)
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ValueError("not a continuation model of this format")

        def arr(code: str, b: bytes) -> array:
            a = array(code)
            a.frombytes(b)
            return a

        return cls(phrasings=raw["phrasings"], skipped=[arr("d", b) for b in raw["skipped"]],
                   by_stem={k: arr("I", b) for k, b in raw["by_stem"].items()},
                   by_word={k: arr("I", b) for k, b in raw["by_word"].items()},
                   sorted_words=raw["sorted_words"], weight=raw["weight"])

    def _w(self, s: str) -> float:
        return self.weight.get(s, math.log(1 + len(self.phrasings)))

    def _word_weight(self, w: str) -> float:
        """A phrasing word's stem's weight, kept once asked (a word begun is a phrasing's: at most
        the kb's words are kept; stemming them again was most of a query's bound)."""
        v = self.word_weights.get(w)
        if v is None:
            v = self.word_weights[w] = self._w(stem(w))
        return v

    @staticmethod
    def _weighted(keys: list[tuple[str, float]], by: Mapping[str, array[int]],
                  last: Mapping[str, array[int]] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The postings of ``keys`` (key, weight) in ``by`` (the last key's in ``last`` if given),
        one after the other in their order, and each posting's weight."""
        got = [(p, w) for i, (key, w) in enumerate(keys)
               if (p := (last if last is not None and i == len(keys) - 1 else by).get(key))]
        if not got:
            return _NONE, np.zeros(0)
        return (np.concatenate([np.frombuffer(p, dtype=np.uint32) for p, _ in got]),
                np.repeat([w for _, w in got], [len(p) for p, _ in got]))

    def begun(self, typed: str) -> list[str]:
        """The phrasing words ``typed`` begins (at most MAX_SCAN looked at)."""
        i = bisect.bisect_left(self.sorted_words, typed)
        return list(itertools.takewhile(lambda w: w.startswith(typed), self.sorted_words[i:i + MAX_SCAN]))

    def scores(self, query: str, ended: bool = False, needed: Iterable[str] | None = None,
               top: int = 0) -> dict[str, float]:
        """Entry id -> how much of the typed weight its best phrasing follows (at most 1; below
        0 when more is missed than found) for the entries holding a word typed: the query's
        last MAX_WORDS Latin/Cyrillic words, the last one begun unless ``ended``. With
        ``needed`` (the hits shown), only what a caller reads is scored: those entries and the
        ``top`` best scored of all (as every entry scored would rank them; others are left
        out); an entry whose phrasings' bound (below) cannot reach the ``top``-th is not aligned."""
        qw = words(query)[-MAX_WORDS:]
        if not qw or not self.phrasings:
            return {}
        qs = [stem(w) for w in qw]
        wq = [self._w(s) for s in qs]
        last = qw[-1]
        starts: set[str] = set() if ended else set(self.begun(last))
        # each candidate's bound: the typed weight it holds in any order, summed over the postings
        # in numpy (bincount adds in input order, typed word by typed word: the sums a loop makes)
        n = len(self.phrasings)
        held = np.zeros(n)  # the last word's gain at most, per phrasing (a weight is above 0)
        begun = {w: self._word_weight(w) for w in starts}  # a word begun -> its weight
        typed_ix, typed_w = self._weighted([(s, wq[i]) for i, s in enumerate(qs[:-1] if not ended else qs)], self.by_stem)
        bound: np.ndarray = np.bincount(typed_ix, typed_w, minlength=n).astype(np.float64, copy=False)  # (int when empty)
        if not ended:
            ix, w = self._weighted([*begun.items(), (qs[-1], wq[-1])], self.by_word, last=self.by_stem)
            np.maximum.at(held, ix, w)
            bound += held
        cand = np.flatnonzero(bound > 0)
        # the MAX_ALIGNED with the most typed weight (in any order: what is read of them does not hang on it)
        best_a = cand if len(cand) <= MAX_ALIGNED else cand[np.lexsort((cand, -bound[cand]))[:MAX_ALIGNED]]
        best: list[int] = best_a.tolist()
        qcum = list(itertools.accumulate(wq, initial=0.0))
        where: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(qs if ended else qs[:-1]):
            where[s].append(i)
        before = sum(wq[:-1])
        per: dict[str, list[float]] = defaultdict(list)
        aligned = 0

        def align(k: int) -> None:
            sc, last_w = self._align(k, qs, qcum, where, starts, ended)
            total = before + (wq[-1] if ended or not last_w else last_w)
            per[self.phrasings[k][0]].append(sc / total if total > 0 else 0.0)  # (below 0: more missed than found)

        if needed is None:
            for k in best:
                align(k)
            aligned = len(best)
        else:
            want = set(needed)
            ks: dict[str, list[int]] = defaultdict(list)
            for k in best:
                ks[self.phrasings[k][0]].append(k)
            # a phrasing's score is at most what it holds of the typed weight, the rest missed, over
            # the least typed weight it can be a share of (the last word at the lightest word it
            # begins; the most for a score below 0); an entry's at most its three best so
            weights = list(begun.values())
            least = before + (wq[-1] if ended else min([wq[-1], *weights]))
            most = before + (wq[-1] if ended else max([wq[-1], *weights]))
            typed = qcum[-1]

            # (each candidate's bound at once, in numpy: the same float operations in the same order)
            last_gain = held[best_a]
            whole_w = bound[best_a] - last_gain
            sc = whole_w + last_gain - MISSING * (typed - whole_w - np.where(last_gain > 0, wq[-1], 0.0))
            upk = dict(zip(best, (sc / np.where(sc >= 0, least, most)).tolist() if least > 0 else [math.inf] * len(best),
                           strict=True))

            def entry(e: str) -> int:
                """Aligns ``e``'s phrasings, best bound first (``up``: not the typed weight held alone,
                which orders them otherwise), until none left can be among its three best."""
                fracs = per[e]
                n = 0
                for u, k in sorted((-upk[j], j) for j in ks[e]):
                    if len(fracs) >= 3 and -u < sorted(fracs, reverse=True)[2] - BOUND_SLACK:
                        break
                    align(k)
                    n += 1
                return n

            for e in want:
                if e in ks:
                    aligned += entry(e)
            ups: list[tuple[float, str]] = []
            for e, mine in ks.items():
                if e not in want:
                    u = sorted((upk[j] for j in mine), reverse=True)
                    ups.append((u[0] + OTHERS * sum(u[1:3]), e))
            ups.sort(key=lambda t: (-t[0], t[1]))
            got = sorted((_entry_score(per[e]) for e in want if e in per), reverse=True)
            for bound_e, e in ups:  # the others by their bound, best first
                if len(got) >= top and (top == 0 or bound_e < got[top - 1] - BOUND_SLACK):
                    break  # (nor can any after it: they are bound lower)
                aligned += entry(e)
                got = sorted([*got, _entry_score(per[e])], reverse=True)
        self.aligned += aligned
        return {eid: _entry_score(fracs) for eid, fracs in per.items()}

    def _align(self, k: int, qs: list[str], qcum: list[float], where: Mapping[str, list[int]], starts: set[str],
               ended: bool) -> tuple[float, float]:
        """The best in-order alignment's score of the typed words (stems ``qs``; ``qcum``: their
        weights summed up to each; ``where``: a whole typed word's stem -> its places) to phrasing
        ``k``'s, and the weight of the best phrasing word the last typed word begins (its weight
        when found begun). Over the matching pairs only (a typed word and a phrasing word with
        its stem, or one the last word begins): a few per phrasing, found in one pass over its
        words, so their best chains cost far less than a table of typed by phrasing words."""
        _, ws, st = self.phrasings[k]
        cum = self.skipped[k]  # cum[j]: the weight of the phrasing's first j words
        n = len(qs)
        ql = None if ended else qs[-1]  # (the last word begun: its stem, else None)
        pairs: list[tuple[int, int, float]] = []  # (typed word, phrasing word, its gain), by place in the phrasing
        add, at = pairs.append, where.get  # (bound once: this loop runs ~35 times a query)
        last_w = 0.0
        for j, s in enumerate(st):
            if p := at(s):
                for i in p:
                    add((i, j, qcum[i + 1] - qcum[i]))
            if ql is not None:
                if ws[j] in starts:
                    gain = cum[j + 1] - cum[j]
                    add((n - 1, j, gain))
                    last_w = max(last_w, gain)
                elif s == ql:
                    add((n - 1, j, cum[j + 1] - cum[j]))
        if not pairs:
            return -MISSING * qcum[n], last_w  # (nothing found)
        best: list[float] = []
        for a, (i, j, gain) in enumerate(pairs):
            # from the start: the typed words before missed, the phrasing's words before skipped lightly
            v = -MISSING * qcum[i] - SKIPPED_BEFORE * cum[j]
            for b in range(a):  # (a chain goes on from a pair earlier in both: pairs come by place)
                i0, j0, _ = pairs[b]
                if i0 < i and j0 < j:
                    v = max(v, best[b] - MISSING * (qcum[i] - qcum[i0 + 1]) - SKIPPED * (cum[j] - cum[j0 + 1]))
            best.append(v + gain)
        end = -MISSING * qcum[n]  # (nothing found)
        for (i, _, _), v in zip(pairs, best, strict=True):
            end = max(end, v - MISSING * (qcum[n] - qcum[i + 1]))  # the phrasing's rest is free: not typed yet
        return end, last_w


def _entry_score(fracs: list[float]) -> float:
    """An entry's score from its phrasings': the best, and a little of the next two (an entry
    many phrasings of which go on so is asked that way more often: dev sweep +0.1 point over
    the best alone)."""
    fracs.sort(reverse=True)
    return fracs[0] + OTHERS * sum(fracs[1:3])


def ranked(order: list[str], scores: dict[str, float], weight: float, added: int,
           keep: Callable[[str], bool] = lambda e: True) -> list[str]:
    """``order`` (entry ids, the ranking's, best first) after its first: by weight × the
    phrasing score plus 1/(1 + place), the ranking's; at most ``added`` entries it lacks
    join (the best scored, those ``keep`` allows)."""
    place = {e: i for i, e in enumerate(order)}
    best = sorted(scores, key=lambda e: (-scores[e], e))[:added]  # (the phrasings' own top: kept ones join)
    rest = order[1:] + [e for e in best if e not in place and keep(e)]
    return order[:1] + sorted(rest, key=lambda e: -(1 / (1 + place.get(e, UNRANKED)) + weight * scores.get(e, 0.0)))
