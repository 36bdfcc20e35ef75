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
at); of those, the MAX_ALIGNED with the most typed weight may be aligned, each over at most
MAX_PHRASING_WORDS words (`Phrasings.aligned` counts them). The candidates are aligned all at
once in numpy (their matching pairs read off the postings of word places; the chains of a
phrasing of at most LINKED_PAIRS pairs, nearly all, worked out as links between its pairs
typed word by typed word (`_linked`) with the very float operations of `_chain`, which aligns
the rest): cheaper than the ~35 phrasings a query Python aligned one by one when a bound left
out the others. The panel is given only what it reads (the hits' scores and the best
GOES_ADDED). Made at build from at most MAX_TOTAL phrasings (layout.CONTINUATION: `dump`,
`load`; the bundled kb's 1,148: ~1.4 MB held, its flat arrays (`flat`) and its word pairs
(`follows`, word_follows.py) written with it, made at first use from a file written before
them), or by a version's first half-typed ru/en query when it was built before the file."""

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
from typing import TYPE_CHECKING

import numpy as np

from .analysis import stem_cyrillic, stem_latin
from .kbase.model import Entry

if TYPE_CHECKING:
    from .word_follows import Follows

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
LINKED_PAIRS = 16  # matching pairs a phrasing's chain is worked out in numpy for (more: by _chain; links: n(n-1)/2)
BEGUN, SAME = 15, 14  # a pair key's typed word for the last word: beginning the phrasing word, or its stem only
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
    by the first query that asks (panel_order.goes_on)."""

    phrasings: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)  # (entry, words, stems)
    skipped: list[array[float]] = field(default_factory=list)  # per phrasing: its words' weights summed up to each
    by_stem: dict[str, array[int]] = field(default_factory=dict)
    by_word: dict[str, array[int]] = field(default_factory=dict)
    sorted_words: list[str] = field(default_factory=list)
    weight: dict[str, float] = field(default_factory=dict)  # stem -> log(1 + N / (1 + phrasings holding it))
    aligned: int = 0  # phrasings aligned (candidates scored), all queries (a test's bound)
    _flat: _Flat | None = field(default=None, repr=False)  # flat()'s
    _follows: dict[str, dict[str, int]] | None = field(default=None, repr=False)  # follows()'s table, as read

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
        # (keys sorted: set order above is PYTHONHASHSEED's, and `dump` writes these dicts and the
        # stem ids that follow their order; a build's bytes must not depend on it)
        p.by_stem = {k: array("I", v) for k, v in sorted(by_stem.items())}
        p.by_word = {k: array("I", v) for k, v in sorted(by_word.items())}
        p.sorted_words = sorted(by_word)
        p.weight = {s: math.log(1 + n / (1 + len(ks))) for s, ks in p.by_stem.items()}
        p.skipped = [array("d", itertools.accumulate((p.weight[s] for s in st), initial=0.0)) for _, _, st in p.phrasings]
        return p

    def dump(self) -> bytes:
        """What `of` made, as the build writes it (layout.CONTINUATION), with its flat arrays
        (`flat`): read back by `load` at a version's first half-typed ru/en query rather than
        made again (~12 ms and ~5 ms for the bundled kb, more at MAX_TOTAL). The counter of
        aligned phrasings is not kept."""
        return marshal.dumps({"format": FORMAT, "phrasings": self.phrasings,
                              "skipped": [a.tobytes() for a in self.skipped],
                              "by_stem": {k: a.tobytes() for k, a in self.by_stem.items()},
                              "by_word": {k: a.tobytes() for k, a in self.by_word.items()},
                              "sorted_words": self.sorted_words, "weight": self.weight,
                              "flat": self.flat().plain(), "follows": self.follows().table})

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

        p = cls(phrasings=raw["phrasings"], skipped=[arr("d", b) for b in raw["skipped"]],
                by_stem={k: arr("I", b) for k, b in raw["by_stem"].items()},
                by_word={k: arr("I", b) for k, b in raw["by_word"].items()},
                sorted_words=raw["sorted_words"], weight=raw["weight"])
        if isinstance(flat := raw.get("flat"), dict):  # (a file written before them: made when first asked)
            p._flat = _Flat.of_plain(flat, p)
        if isinstance(follows := raw.get("follows"), dict):  # (likewise)
            p._follows = follows
        return p

    def flat(self) -> _Flat:
        """The phrasings as flat arrays (`_Flat`), made by the first query that asks (~3 ms for
        the bundled kb's 1,148 phrasings)."""
        if self._flat is None:
            self._flat = _Flat.of(self)
        return self._flat

    def follows(self) -> Follows:
        """The phrasings' word pairs (word_follows.Follows: which word the kb's phrasings put
        after one or two words), a new one per call (it keeps the stems it is asked for): from
        the table `dump` wrote (~2 ms to read for the bundled kb's 1,148 phrasings), else made
        from the phrasings (~14 ms; a file written before the table)."""
        from .word_follows import Follows

        if self._follows is None:
            return Follows((ws, st) for _, ws, st in self.phrasings)
        return Follows.of_table(self._follows, {w: s for _, ws, st in self.phrasings for w, s in zip(ws, st, strict=True)})

    def _w(self, s: str) -> float:
        return self.weight.get(s, math.log(1 + len(self.phrasings)))

    @staticmethod
    def _weighted(keys: list[tuple[str, float]], by: Mapping[str, array[int]]) -> tuple[np.ndarray, np.ndarray]:
        """The postings of ``keys`` (key, weight) in ``by``, one after the other in their order,
        and each posting's weight."""
        got = [(p, w) for key, w in keys if (p := by.get(key))]
        if not got:
            return _NONE, np.zeros(0)
        return (np.concatenate([np.frombuffer(p, dtype=np.uint32) for p, _ in got]),
                np.repeat([w for _, w in got], [len(p) for p, _ in got]))

    def begun_range(self, typed: str) -> tuple[int, int]:
        """The phrasing words ``typed`` begins, as a range of `sorted_words` (at most MAX_SCAN)."""
        i = bisect.bisect_left(self.sorted_words, typed)
        return i, min(bisect.bisect_left(self.sorted_words, typed + "\U0010ffff", i), i + MAX_SCAN)

    def scores(self, query: str, ended: bool = False, needed: Iterable[str] | None = None,
               top: int = 0) -> dict[str, float]:
        """Entry id -> how much of the typed weight its best phrasing follows (at most 1; below
        0 when more is missed than found) for the entries holding a word typed: the query's
        last MAX_WORDS Latin/Cyrillic words, the last one begun unless ``ended``. With
        ``needed`` (the hits shown), only what a caller reads is given: those entries and the
        ``top`` best scored of all (as every entry scored ranks them; others are left out)."""
        qw = words(query)[-MAX_WORDS:]
        if not qw or not self.phrasings:
            return {}
        f = self.flat()
        qs = [f.stem_of.get(w) or stem(w) for w in qw]  # (a kb word's stem is known: stemming was ~12 µs a query)
        wq = [self._w(s) for s in qs]
        lo, hi = (0, 0) if ended else self.begun_range(qw[-1])  # the words the last one begins
        whole = qs if ended else qs[:-1]
        # each candidate's bound: the typed weight it holds in any order, summed over the postings
        # in numpy (bincount adds in input order, typed word by typed word: the sums a loop makes)
        n = len(self.phrasings)
        typed_ix, typed_w = self._weighted([(s, wq[i]) for i, s in enumerate(whole)], self.by_stem)
        bound: np.ndarray = np.bincount(typed_ix, typed_w, minlength=n).astype(np.float64, copy=False)  # (int when empty)
        if not ended:
            held = np.zeros(n)  # the last word's gain at most, per phrasing (a weight is above 0)
            ix, w = self._weighted([(qs[-1], wq[-1])], self.by_stem)
            np.maximum.at(held, np.concatenate((f.w_post[f.w_off[lo]:f.w_off[hi]], ix)),
                          np.concatenate((f.w_post_weight[f.w_off[lo]:f.w_off[hi]], w)))
            bound += held
        cand = np.nonzero(bound > 0)[0]
        if not len(cand):
            return {}
        # the MAX_ALIGNED with the most typed weight (in any order: what is read of them does not hang on it)
        best = cand if len(cand) <= MAX_ALIGNED else cand[np.lexsort((cand, -bound[cand]))[:MAX_ALIGNED]]
        where: dict[int, list[int]] = defaultdict(list)  # a whole typed word's stem (its id) -> its places
        for i, s in enumerate(whole):
            if (sid := f.stem_id.get(s)) is not None:
                where[sid].append(i)
        before = sum(wq[:-1])
        qcum = list(itertools.accumulate(wq, initial=0.0))
        best, sc, last_w = self._aligned(f, best, len(best) == len(cand), where, qcum, lo, hi,
                                         None if ended else f.stem_id.get(qs[-1], -1))
        self.aligned += len(best)
        total = before + wq[-1] if ended else np.where(last_w != 0, before + last_w, before + wq[-1])
        frac = np.divide(sc, total, out=np.zeros(len(sc)), where=total > 0)  # (below 0: more missed than found)
        # each entry's three best shares, best first, and its score: the best plus OTHERS of the next
        # two (an entry many phrasings of which go on so is asked that way more often: dev sweep
        # +0.1 point over the best alone), every entry's at once: 0.0 + second + third is what
        # Python's sum made of the two (compensated in 3.12 or not, one rounded sum of two floats)
        ent = f.entry_of[best]
        order = np.lexsort((-frac, ent))
        ent, frac = ent[order], frac[order]
        first, after = _runs(ent)
        size = after - first
        last = len(frac) - 1
        second = np.where(size > 1, frac[np.minimum(first + 1, last)], 0.0)
        third = np.where(size > 2, frac[np.minimum(first + 2, last)], 0.0)
        near = frac[first] + OTHERS * ((0.0 + second) + third)
        ids, e_first, near_l = f.entry_ids, ent[first].tolist(), near.tolist()
        if needed is None:
            return {ids[e]: near_l[g] for g, e in enumerate(e_first)}
        group = dict(zip(e_first, range(len(e_first)), strict=True))
        out = {eid: near_l[group[o]] for eid in needed if (o := f.entry_ordinal.get(eid)) is not None and o in group}
        if top:
            # the best ``top`` of all: every entry within BOUND_SLACK of the top-th
            cut = np.partition(near, len(near) - top)[len(near) - top] if len(near) > top else -math.inf
            for g in np.nonzero(near >= cut - BOUND_SLACK)[0].tolist():
                out.setdefault(ids[e_first[g]], near_l[g])
        return out

    @staticmethod
    def _aligned(f: _Flat, best: np.ndarray, every: bool, where: Mapping[int, list[int]], qcum: list[float],
                 lo: int, hi: int, ql: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The candidates ``best`` (``every``: they are every phrasing holding a typed word) in
        the order of their index, each one's best in-order alignment's score of the typed words
        to its words (`_chain`), and the weight of the best phrasing word the last typed word
        begins (0 when none). The matching pairs (typed word, phrasing word) are read off the
        postings of word places: a whole typed word's stem (``where``: stem id -> its places),
        the last word (``ql``: its stem id; None when it ended) beginning the phrasing word (a
        word of range ``lo``:``hi`` of sorted_words) or with its stem; by place in the phrasing,
        a whole word's pairs before the last word's (`_chain`'s order). Their chains are worked
        out in numpy at once (`_linked`) for a phrasing of at most LINKED_PAIRS pairs (nearly
        all), with the same float operations as `_chain`, which aligns the others."""
        n = len(qcum) - 1
        keys = [f.s_pos[f.s_off[sid]:f.s_off[sid + 1]] * 16 + i for sid, pl in where.items() for i in pl]
        if ql is not None:
            keys.append(f.w_pos[f.w_pos_off[lo]:f.w_pos_off[hi]] * 16 + BEGUN)  # (the last word begins the word)
            if ql >= 0:
                same = f.s_pos[f.s_off[ql]:f.s_off[ql + 1]]
                w = f.word[same]
                keys.append(same[(w < lo) | (w >= hi)] * 16 + SAME)  # (its stem only: a word begun is one pair)
        key = np.concatenate(keys) if len(keys) > 1 else keys[0]
        if not every:  # (only the candidates kept: MAX_ALIGNED)
            keep = np.zeros(len(f.entry_of), dtype=bool)
            keep[best] = True
            key = key[keep[f.owner[key >> 4]]]
        key.sort()
        pos, i = key >> 4, key & 15
        begun = i == BEGUN
        last = i >= SAME
        i = np.minimum(i, n - 1)  # (the last word's pairs: typed word n - 1)
        k = f.owner[pos]
        qc = np.array(qcum)
        dq = qc[1:] - qc[:-1]  # (a typed word's own weight, as qcum's difference)
        gain = np.where(last, f.gain[pos], dq[i])
        j, cj, cj1 = f.place[pos], f.cum_j[pos], f.cum_j1[pos]
        qi, qi1 = qc[i], qc[i + 1]
        first, after = _runs(k)  # each candidate's pairs
        v0 = -MISSING * qi - SKIPPED_BEFORE * cj  # _chain's from the start
        top = v0 + gain
        size = after - first
        large = np.nonzero(size > LINKED_PAIRS)[0].tolist()
        if len(k) > len(first):  # (a phrasing with two pairs or more)
            _linked(top, v0, gain, first, size, large, n, i, j, qi, qi1, cj, cj1)
        end = np.maximum(-MISSING * qcum[n], np.maximum.reduceat(top - MISSING * (qc[n] - qi1), first))
        last_w = np.maximum.reduceat(np.where(begun, gain, 0.0), first) if ql is not None else np.zeros(len(first))
        if large:  # (hardly ever: most phrasings hold one or two pairs)
            il, jl, gl, cl, c1l = i.tolist(), j.tolist(), gain.tolist(), cj.tolist(), cj1.tolist()
            for g, a, b in zip(large, first[large].tolist(), after[large].tolist(), strict=True):
                end[g] = _chain(il[a:b], jl[a:b], gl[a:b], cl[a:b], c1l[a:b], qcum)
        return k[first], end, last_w


def _runs(k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal values of ``k`` (not empty) begins and ends (past its last)."""
    new = np.empty(len(k), dtype=bool)
    new[0] = True
    np.not_equal(k[1:], k[:-1], out=new[1:])
    first = np.nonzero(new)[0]
    after = np.empty_like(first)
    after[:-1] = first[1:]
    after[-1] = len(k)
    return first, after


def _linked(top: np.ndarray, v0: np.ndarray, gain: np.ndarray, first: np.ndarray, size: np.ndarray,
            large: list[int], n: int, i: np.ndarray, j: np.ndarray, qi: np.ndarray, qi1: np.ndarray,
            cj: np.ndarray, cj1: np.ndarray) -> None:
    """`_chain`'s best for every pair at once, into ``top`` (each pair's value from the start
    ``v0`` plus its ``gain``): a pair b before a pair a in its phrasing and of an earlier typed
    word is a link, worth top[b] - MISSING × the typed weight between - SKIPPED × the
    phrasing's weight between, as `_chain` works it out; a pair's best is the most of its
    start's and its links', plus its gain. The links are taken typed word by typed word (a
    link's pair b is of an earlier typed word, so its best is known by then): a chain of any
    length in at most n - 1 steps of a few numpy calls, where ranking the pairs of a phrasing
    one by one took three (numpy's calls, not their lengths, are the cost). The phrasings
    ``large`` (more than LINKED_PAIRS pairs) are left to `_chain`."""
    m = len(top)
    at = np.arange(m)
    rank = at - np.repeat(first, size)  # a pair's rank in its phrasing: the pairs before it
    if large:
        rank[np.repeat(size > LINKED_PAIRS, size)] = 0
    ends = np.cumsum(rank)
    total = int(ends[-1])
    if not total:
        return
    dst = np.repeat(at, rank)
    src = np.arange(total) - np.repeat(ends - at, rank)  # (each of dst's phrasing's pairs before it)
    i_dst = i[dst]
    ok = np.nonzero((i[src] < i_dst) & (j[src] < j[dst]))[0]
    if not len(ok):
        return
    ok = ok[np.argsort(i_dst[ok], kind="stable")]  # (by the typed word of the pair linked to)
    src, dst = src[ok], dst[ok]
    lost = MISSING * (qi[dst] - qi1[src])
    skipped = SKIPPED * (cj[dst] - cj1[src])
    v = v0.copy()
    bounds = np.searchsorted(i_dst[ok], np.arange(n + 1)).tolist()
    for a, b in itertools.pairwise(bounds[1:]):
        if a < b:
            d = dst[a:b]
            np.maximum.at(v, d, top[src[a:b]] - lost[a:b] - skipped[a:b])
            top[d] = v[d] + gain[d]


def _chain(i: list[int], j: list[int], gain: list[float], cj: list[float], cj1: list[float],
           qcum: list[float]) -> float:
    """The best in-order alignment's score over a phrasing's matching pairs (typed word ``i``,
    phrasing word ``j``, its ``gain``, the phrasing's weight before it ``cj`` and up to its end
    ``cj1``; by place in the phrasing; ``qcum``: the typed words' weights summed up to each): a
    few per phrasing, so their best chains cost far less than a table of typed by phrasing words."""
    best: list[float] = []
    for a in range(len(i)):
        # from the start: the typed words before missed, the phrasing's words before skipped lightly
        v = -MISSING * qcum[i[a]] - SKIPPED_BEFORE * cj[a]
        for b in range(a):  # (a chain goes on from a pair earlier in both: pairs come by place)
            if i[b] < i[a] and j[b] < j[a]:
                v = max(v, best[b] - MISSING * (qcum[i[a]] - qcum[i[b] + 1]) - SKIPPED * (cj[a] - cj1[b]))
        best.append(v + gain[a])
    n = len(qcum) - 1
    end = -MISSING * qcum[n]  # (nothing found)
    for a, v in enumerate(best):
        end = max(end, v - MISSING * (qcum[n] - qcum[i[a] + 1]))  # the phrasing's rest is free: not typed yet
    return end


@dataclass
class _Flat:
    """`Phrasings` as flat arrays, a query's candidates read in numpy at once. Per word place
    (the phrasings' words one after the other): its phrasing (``owner``), place in it
    (``place``), place in `sorted_words` (``word``), weight (``gain``: cum[j + 1] - cum[j], as
    `_chain` takes it) and the phrasing's weight before and after it (``cum_j``, ``cum_j1``);
    the places of each stem (id: ``stem_id``) and of each word, ascending (``s_pos`` from
    ``s_off``, ``w_pos`` from ``w_pos_off``: the words a last word begins are a range, so one
    slice); the words' postings with each posting's word weight (``w_post``, ``w_off``,
    ``w_post_weight``; ``w_weight`` per word); every phrasing's cum (``cum`` from ``cum_off``);
    a kb word's stem (``stem_of``); and each phrasing's entry's ordinal (``entry_of``: the ids
    in sorted order, so an ordinal's order is the ids')."""

    owner: np.ndarray
    place: np.ndarray
    word: np.ndarray
    gain: np.ndarray
    cum_j: np.ndarray
    cum_j1: np.ndarray
    stem_id: dict[str, int]
    s_pos: np.ndarray
    s_off: np.ndarray
    w_pos: np.ndarray
    w_pos_off: np.ndarray
    w_post: np.ndarray
    w_off: np.ndarray
    w_post_weight: np.ndarray
    w_weight: np.ndarray
    cum: np.ndarray
    cum_off: np.ndarray
    stem_of: dict[str, str]
    entry_of: np.ndarray
    entry_ids: list[str]
    entry_ordinal: dict[str, int]

    _ARRAYS = ("owner", "place", "word", "s_pos", "s_off", "w_pos", "w_pos_off", "w_post", "w_off", "w_weight", "cum",
               "cum_off", "entry_of")

    def plain(self) -> dict:
        """As `Phrasings.dump` writes it: each array as (dtype, bytes); the weights per place and
        per posting, the stem ids and the entries' ordinals follow from them, ``p``'s stems and
        the ids' order (`of_plain`: a few array operations)."""
        return {**{k: (getattr(self, k).dtype.str, getattr(self, k).tobytes()) for k in self._ARRAYS},
                "stem_of": self.stem_of, "entry_ids": self.entry_ids}

    @classmethod
    def of_plain(cls, d: dict, p: Phrasings) -> _Flat:
        a = {k: np.frombuffer(d[k][1], dtype=np.dtype(d[k][0])) for k in cls._ARRAYS}
        at = np.arange(len(a["owner"])) + a["owner"]  # (as `of`)
        cum = a["cum"]
        return cls(**a, gain=cum[at + 1] - cum[at], cum_j=cum[at], cum_j1=cum[at + 1],
                   w_post_weight=np.repeat(a["w_weight"], np.diff(a["w_off"])),
                   stem_id={s: i for i, s in enumerate(p.by_stem)}, stem_of=d["stem_of"],
                   entry_ids=d["entry_ids"], entry_ordinal={e: i for i, e in enumerate(d["entry_ids"])})

    @classmethod
    def of(cls, p: Phrasings) -> _Flat:
        stem_id = {s: i for i, s in enumerate(p.by_stem)}
        word_ix = {w: i for i, w in enumerate(p.sorted_words)}
        lens = np.array([len(st) for _, _, st in p.phrasings], dtype=np.int64)
        total = int(lens.sum())
        owner = np.repeat(np.arange(len(lens)), lens)
        stems = np.fromiter((stem_id[s] for _, _, st in p.phrasings for s in st), dtype=np.int64, count=total)
        word = np.fromiter((word_ix[w] for _, ws, _ in p.phrasings for w in ws), dtype=np.int64, count=total)
        cum = np.concatenate([np.frombuffer(c, dtype=np.float64) for c in p.skipped]) if p.skipped else np.zeros(0)
        cum_off = np.zeros(len(lens) + 1, dtype=np.int64)
        np.cumsum(lens + 1, out=cum_off[1:])
        at = np.arange(total) + owner  # (a place's cum: phrasing k's starts at cum_off[k], k places past its words')
        stem_of = {w: s for _, ws, st in p.phrasings for w, s in zip(ws, st, strict=True)}
        w_weight = np.array([p._w(stem_of[w]) for w in p.sorted_words], dtype=np.float64)
        w_lens = np.array([len(p.by_word[w]) for w in p.sorted_words], dtype=np.int64)
        entry_ids = sorted({e for e, _, _ in p.phrasings})
        ordinal = {e: i for i, e in enumerate(entry_ids)}

        def offsets(counts: np.ndarray) -> np.ndarray:
            out = np.zeros(len(counts) + 1, dtype=np.int64)
            np.cumsum(counts, out=out[1:])
            return out

        i32 = np.int32  # (places and phrasings: at most MAX_TOTAL x MAX_PHRASING_WORDS; half the file of int64)
        return cls(
            owner=owner.astype(i32), place=(np.arange(total) - np.repeat(cum_off[:-1] - np.arange(len(lens)), lens)).astype(i32),
            word=word.astype(i32), gain=cum[at + 1] - cum[at], cum_j=cum[at], cum_j1=cum[at + 1], stem_id=stem_id,
            s_pos=np.argsort(stems, kind="stable").astype(i32), s_off=offsets(np.bincount(stems, minlength=len(stem_id))),
            w_pos=np.argsort(word, kind="stable").astype(i32),
            w_pos_off=offsets(np.bincount(word, minlength=len(word_ix))),
            w_post=(np.concatenate([np.frombuffer(p.by_word[w], dtype=np.uint32) for w in p.sorted_words])
                    if p.sorted_words else _NONE).astype(i32),
            w_off=offsets(w_lens), w_post_weight=np.repeat(w_weight, w_lens), w_weight=w_weight, cum=cum,
            cum_off=cum_off, stem_of=stem_of, entry_ids=entry_ids, entry_ordinal=ordinal,
            entry_of=np.fromiter((ordinal[e] for e, _, _ in p.phrasings), dtype=i32, count=len(p.phrasings)))


def ranked(order: list[str], scores: dict[str, float], weight: float, added: int,
           keep: Callable[[str], bool] = lambda e: True) -> list[str]:
    """``order`` (entry ids, the ranking's, best first) after its first: by weight × the
    phrasing score plus 1/(1 + place), the ranking's; at most ``added`` entries it lacks
    join (the best scored, those ``keep`` allows)."""
    place = {e: i for i, e in enumerate(order)}
    best = sorted(scores, key=lambda e: (-scores[e], e))[:added]  # (the phrasings' own top: kept ones join)
    rest = order[1:] + [e for e in best if e not in place and keep(e)]
    return order[:1] + sorted(rest, key=lambda e: -(1 / (1 + place.get(e, UNRANKED)) + weight * scores.get(e, 0.0)))
