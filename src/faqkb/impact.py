"""Impact arrays: BM25F without per-posting Python (the reader; build/impact_writer.py writes them).

At build time every scored field is written as CSR-like numpy arrays in the version
folder (impact.<field>.{indptr,docs,imp}.npy, terms in impact.terms.marshal): for each
term the ids of the documents holding it and the term's precomputed BM25F contribution
in each (whoosh's own formula, its idf, its average field length and its one-byte
quantized field lengths, so the figures are whoosh's to the last bit). At query time a
score is a weighted sum of a few rows and a top-k: the arrays are memory-mapped, so
opening costs nothing and only the rows a query names are read.

whoosh stays the engine of record: stored fields, documents, quoted phrases and the
category filter; tests/test_impact.py proves the top-10 lists and totals equal whoosh's
BM25F on the golden queries and on a synthetic kb. The scored fields are not whoosh
postings at all (writing them was most of a build's time): quoted phrases are checked on
the term sequences kept here (impact.<field>.seq*.npy), exactly as whoosh's Phrase would. numpy is imported only here, and
this module only when a query or a build runs (cold start: bench/cold_start.py).
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .layout import BIGRAM_FIELDS, IMPACT, SCORED_FIELDS, WORD_FIELDS

PHRASE_FIELDS = (*WORD_FIELDS, *BIGRAM_FIELDS)  # quoted phrases are checked on these

TERMS = "terms.marshal"  # impact.terms.marshal: field -> term -> row


def _mapped(path: Path) -> np.ndarray:
    """A read-only memory map as a plain ndarray view (np.memmap's subclass hooks cost
    more than the slicing itself on every row a query reads)."""
    return np.asarray(np.load(path, mmap_mode="r"))


class ImpactIndex:
    """The arrays of one version, memory-mapped."""

    def __init__(self, version_dir: Path, file: Callable[[str], Path] | None = None) -> None:
        """``file``: a file of the version by name (default: its path in ``version_dir``;
        the searcher passes the files it holds open)."""
        def d(name: str) -> Path:
            return file(f"{IMPACT}.{name}") if file is not None else version_dir / f"{IMPACT}.{name}"

        raw = marshal.loads(d(TERMS).read_bytes())
        self.n: int = raw["n"]
        self.terms: dict[str, dict[str, int]] = raw["terms"]
        self.indptr = {f: _mapped(d(f"{f}.indptr.npy")) for f in SCORED_FIELDS}
        self.docs = {f: _mapped(d(f"{f}.docs.npy")) for f in SCORED_FIELDS}
        self.imp = {f: _mapped(d(f"{f}.imp.npy")) for f in SCORED_FIELDS}
        # Absent in versions built before the fields left whoosh (they have the postings).
        self.seq = {f: (_mapped(d(f"{f}.seqptr.npy")), _mapped(d(f"{f}.seq.npy")))
                    for f in PHRASE_FIELDS if d(f"{f}.seq.npy").exists()}

    def phrase(self, fields: tuple[str, ...], terms: list[str], slop: int = 1) -> np.ndarray | None:
        """Documents holding ``terms`` in this order, each 1 to ``slop`` positions after the
        one before, in any of ``fields``, as a mask: exactly what whoosh's Phrase(field,
        terms, slop) matches (its SpanNear2 chains spans this way), or Term for one term.
        None if this version keeps no sequences for a field (then ask whoosh)."""
        if not terms or any(f not in self.seq for f in fields):
            return None
        mask = np.zeros(self.n, dtype=bool)
        for f in fields:
            ids = [self.terms[f].get(t) for t in terms]
            if any(i is None for i in ids):
                continue
            # Candidates: documents holding every term; only their positions are looked at.
            rows = sorted((self.row(f, t)[0] for t in dict.fromkeys(terms)), key=len)  # type: ignore[index]
            cand = np.asarray(rows[0], dtype=np.int64)
            for r in rows[1:]:
                cand = np.intersect1d(cand, r, assume_unique=True)
            if not len(cand):
                continue
            seqptr, seq = self.seq[f]
            starts = seqptr[cand]
            count = seqptr[cand + 1] - starts
            total = int(count.sum())
            first = np.cumsum(count) - count
            owner = np.repeat(cand, count)
            vals = seq[np.repeat(starts, count) + (np.arange(total) - np.repeat(first, count))]
            at = vals == ids[0]  # positions where a chain of the first i+1 terms ends
            for tid in ids[1:]:
                reach = np.zeros(total, dtype=bool)
                for k in range(1, slop + 1):
                    reach[k:] |= at[:-k] & (owner[k:] == owner[:-k])
                at = reach & (vals == tid)
            mask[owner[at]] = True
        return mask

    def row(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(document ids, impacts) of ``term`` in ``field``, or None if no document holds it."""
        r = self.terms[field].get(term)
        if r is None:
            return None
        ip = self.indptr[field]
        a, b = ip.item(r), ip.item(r + 1)
        return self.docs[field][a:b], self.imp[field][a:b]

    def docs_of(self, field: str, term: str) -> np.ndarray | None:
        """The ids of the documents holding ``term`` in ``field`` (``row``'s first half,
        one slice: the coverage of a query needs only these)."""
        r = self.terms[field].get(term)
        if r is None:
            return None
        ip = self.indptr[field]
        a, b = ip.item(r), ip.item(r + 1)  # (two scalars: cheaper than a slice and its tolist)
        return self.docs[field][a:b]

    def df(self, field: str, term: str) -> int:
        r = self.terms[field].get(term)
        if r is None:
            return 0
        ip = self.indptr[field]
        return ip.item(r + 1) - ip.item(r)

    def has(self, field: str, term: str, doc: int) -> bool:
        row = self.row(field, term)
        if row is None:
            return False
        i = int(np.searchsorted(row[0], doc))
        return i < len(row[0]) and int(row[0][i]) == doc

    def at(self, field: str, rows: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """The impacts of many (term row, document) pairs of ``field`` at once (0 where the
        document lacks the term), so a build can ask it for every entry without a Python
        loop per posting: a binary search per pair inside its own row (documents ascend
        within a row), all pairs a step at a time. The work is pairs × log(longest row),
        whatever the size of the field (a search over the whole field per call was most of
        a 100k-entry build's own-question scores)."""
        indptr, fdocs, imp = self.indptr[field], self.docs[field], self.imp[field]
        if not len(rows) or not len(fdocs):
            return np.zeros(len(rows))
        rows = np.asarray(rows, dtype=np.int64)
        want = np.asarray(docs, dtype=np.int64)
        lo, hi = indptr[rows].astype(np.int64), indptr[rows + 1].astype(np.int64)
        while True:  # bisect_left of want in fdocs[lo:hi], per pair
            active = lo < hi
            if not active.any():
                break
            mid = (lo + hi) // 2
            below = active & (fdocs[np.minimum(mid, len(fdocs) - 1)] < want)
            lo = np.where(below, mid + 1, lo)
            hi = np.where(active & ~below, mid, hi)
        found = lo < indptr[rows + 1]
        pos = np.minimum(lo, len(fdocs) - 1)
        return np.where(found & (fdocs[pos] == want), imp[pos], 0.0)

    def score(self, terms: list[tuple[str, str, float]]) -> tuple[np.ndarray, np.ndarray, int]:
        """Sum of boost × impact over ``terms`` (field, term, boost), in their order (as
        whoosh's array union adds them); returns (scores, matched mask, postings read).

        The rows are gathered first and summed by one bincount: per document it adds the
        terms' contributions in the same order as a loop of ``scores[docs] += ...`` would
        (so the figures stay whoosh's to the last bit), without a numpy call per term,
        which was most of a small index's query time."""
        docs_parts: list[np.ndarray] = []
        imp_parts: list[np.ndarray] = []
        boosts: list[float] = []
        sizes: list[int] = []
        names, indptrs, fdocs, fimps = self.terms, self.indptr, self.docs, self.imp
        for f, t, boost in terms:
            r = names[f].get(t)
            if r is None:
                continue
            ip = indptrs[f]
            a, b = ip.item(r), ip.item(r + 1)  # (two scalars: cheaper than a slice and its tolist)
            docs_parts.append(fdocs[f][a:b])
            imp_parts.append(fimps[f][a:b])
            boosts.append(boost)
            sizes.append(b - a)
        if not docs_parts:
            return np.zeros(self.n, dtype=np.float64), np.zeros(self.n, dtype=bool), 0
        docs = np.concatenate(docs_parts)
        # impact × boost per posting, as one multiplication in place (the same products, bit
        # for bit, without a third array of the postings' size)
        weights = np.concatenate(imp_parts)
        weights *= np.repeat(boosts, sizes)
        scores = np.bincount(docs, weights=weights, minlength=self.n)
        if min(boosts) > 0:
            # Every impact is above 0 (whoosh's idf, log(N / (df + 1)) + 1, is > 0 for any
            # df <= N; a term frequency is >= 1), so with boosts above 0 a document
            # matched exactly when its score is above 0: no second pass over the postings.
            matched = scores > 0
        else:  # a field weighed 0 (tuning): count the postings
            matched = np.bincount(docs, minlength=self.n) > 0  # cheaper than a scatter of True
        return scores, matched, len(docs)


def leading(scores: np.ndarray, share: float, k: int) -> list[int]:
    """The first ``k`` documents of ``np.argsort(-scores)`` that score at least ``share`` of
    the best one, when the best is above 0 (else none): exactly that sort's order, without
    sorting every document (a full sort was ~0.15-0.27 ms of a 10k-entry query, to read five).
    Only the few near the best are sorted; when two of them score the same, numpy's default
    sort (not stable) decides their order, so then every document is sorted as before."""
    best = scores.max() if len(scores) else 0.0
    if best != best:  # a NaN (no knob makes one): the full sort, as before
        return _sorted_leading(scores, share, k)
    if not best > 0:
        return []
    near = (scores >= share * best).nonzero()[0]
    if len(near) > 1:
        s = scores[near]
        order = np.argsort(-s)
        s = s[order]
        if (s[1:] == s[:-1]).any():  # a tie: its order is the full sort's
            return _sorted_leading(scores, share, k)
        near = near[order]
    return near[:k].tolist()


def _sorted_leading(scores: np.ndarray, share: float, k: int) -> list[int]:
    """leading() by sorting every document (what general_first did before it)."""
    order = np.argsort(-scores)[:k].tolist()
    top = scores[order[0]]
    if not top > 0:
        return []
    out = order[:1]
    for d in order[1:]:
        if scores[d] < share * top:
            break
        out.append(d)
    return out


SAMPLE = 1024  # candidates sampled to bound the k-th best score from below (see top)


def top(scores: np.ndarray, mask: np.ndarray, k: int) -> tuple[np.ndarray, int]:
    """The ``k`` best documents among ``mask`` by (score desc, docnum asc), as whoosh's
    collector orders them, and how many documents matched at all.

    With many candidates, a strided sample of theirs first bounds the k-th best score
    from below (the k-th best of a subset is never above the k-th best of the whole), so
    only candidates at or above that bound are partitioned: a partition over every
    matching entry of a big index was most of a common word's query time (3.5 ms at 100k
    entries, against ~0.1 ms for the sample, one comparison and the few that pass)."""
    count = int(np.count_nonzero(mask))
    cand = None
    if count > 4 * SAMPLE and k < SAMPLE:
        step = max(1, len(mask) // (2 * SAMPLE))
        # The sample's scores with a non-candidate's as 0 (a product: a boolean gather of a
        # strided view was ~4x dearer). A bound above 0 is then the k-th best of candidates
        # only, so a lower bound as before; at or below 0 (or NaN) it bounds nothing: all.
        sample = scores[::step] * mask[::step]
        if len(sample) >= k:
            bound = np.partition(sample, len(sample) - k)[len(sample) - k]
            if bound > 0:
                cand = ((scores >= bound) & mask).nonzero()[0]
    if cand is None:
        cand = mask.nonzero()[0]  # (np.flatnonzero's ravel and wrapper: a 1-d mask needs neither)
    if len(cand) > k:
        s = scores[cand]
        # the k-th best score: a partition of the values (no negated copy, no index array)
        kth = np.partition(s, len(s) - k)[len(s) - k]
        if kth != kth:  # a NaN (no knob makes one) sorts last here, first in -s: as before
            kth = s[np.argpartition(-s, k - 1)[:k]].min()
        cand = cand[s >= kth]  # keep ties at the k-th score so docnum order decides, as whoosh
    order = np.lexsort((cand, -scores[cand]))
    return cand[order][:k], count
