"""Impact arrays: BM25F without per-posting Python.

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
import math
from array import array
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .layout import BIGRAM_FIELDS, IMPACT, SCORED_FIELDS, WORD_FIELDS

PHRASE_FIELDS = (*WORD_FIELDS, *BIGRAM_FIELDS)  # quoted phrases are checked on these

B, K1 = 0.75, 1.2  # whoosh.scoring.BM25F(B=0.75, K1=1.2), as the searcher is configured
TERMS = "terms.marshal"  # impact.terms.marshal: field -> term -> row
WRITE_SLICE = 1 << 20  # postings whose impacts ImpactWriter.write computes at once


def _quantized(lengths: np.ndarray) -> np.ndarray:
    """whoosh stores a field length in one byte (length_to_byte) and scores with the
    length that byte stands for (byte_to_length): do exactly the same."""
    from whoosh.util.numeric import _length_byte_cache

    table = np.asarray(_length_byte_cache, dtype=np.float64)
    codes = np.searchsorted(table, lengths, side="left")  # bisect_left, as length_to_byte
    return table[np.minimum(codes, 255)]


class ImpactWriter:
    """Collects each document's terms per field (in docnum order), then writes the arrays.

    ``add`` only numbers a document's terms (one dict lookup per term, in token order) and
    keeps them; ``seal`` turns the documents added since the last seal into postings
    (term id, tf, docnum) with one numpy sort, which a Counter and per-term Python per
    document used to do. A build worker seals its share before sending it back."""

    def __init__(self) -> None:
        self.terms: dict[str, dict[str, int]] = {f: {} for f in SCORED_FIELDS}
        # 32-bit ids and counts: a 100k-entry kb has ~40M postings, and these arrays are
        # most of what a large build holds in memory.
        self.tids: dict[str, array] = {f: array("i") for f in SCORED_FIELDS}
        self.tfs: dict[str, array] = {f: array("i") for f in SCORED_FIELDS}
        self.dnums: dict[str, array] = {f: array("i") for f in SCORED_FIELDS}
        self.lengths: dict[str, array] = {f: array("q") for f in SCORED_FIELDS}
        # Every document's terms in order (ids), for quoted phrases (not the pinyin field).
        self.seq: dict[str, array] = {f: array("i") for f in PHRASE_FIELDS}
        # The term ids of the documents added since the last seal (the pinyin field's only;
        # the phrase fields' are the tail of seq, from sealed_at).
        self.pending: dict[str, array] = {f: array("i") for f in SCORED_FIELDS if f not in PHRASE_FIELDS}
        self.sealed_at: dict[str, int] = dict.fromkeys(PHRASE_FIELDS, 0)
        self.sealed = 0  # documents whose postings are in tids/tfs/dnums
        self.n = 0

    def merge(self, other: ImpactWriter) -> None:
        """Append the documents ``other`` collected (a build worker's share, the next
        documents in docnum order). Its term ids are mapped to this writer's, new terms
        numbered as they come, so the result is exactly what adding every document here
        would have given: the same ids, the same arrays."""
        self.seal()
        other.seal()
        base = self.n
        self.n += other.n
        self.sealed = self.n
        for f in SCORED_FIELDS:
            tdict = self.terms[f]
            # other's ids are 0, 1, ... in its dict's order; its new terms get the next ids in
            # that order (one membership test per term, then C-level lookups: the builder
            # remaps every worker's whole vocabulary, ~1M terms at 10k entries)
            keys = other.terms[f]
            missing = [t for t in keys if t not in tdict]
            tdict.update(zip(missing, range(len(tdict), len(tdict) + len(missing)), strict=True))
            remap = np.fromiter(map(tdict.__getitem__, keys), dtype=np.int64, count=len(keys))
            self.tids[f].frombytes(remap[np.frombuffer(other.tids[f], dtype=np.int32)].astype(np.int32).tobytes())
            self.tfs[f].extend(other.tfs[f])
            self.dnums[f].frombytes((np.frombuffer(other.dnums[f], dtype=np.int32) + np.int32(base)).tobytes())
            self.lengths[f].extend(other.lengths[f])
            if f in self.seq:
                self.seq[f].frombytes(remap[np.frombuffer(other.seq[f], dtype=np.int32)].astype(np.int32).tobytes())
                self.sealed_at[f] = len(self.seq[f])

    def add(self, doc: dict) -> None:
        """One document's terms per field: a list, or a string of space-separated terms."""
        self.n += 1
        for f in SCORED_FIELDS:
            toks = doc.get(f, "")
            if isinstance(toks, str):
                toks = toks.split()
            self.lengths[f].append(len(toks))
            tdict = self.terms[f]
            # New terms are numbered in order of first occurrence, as the arrays have always had them.
            ids = [tdict.setdefault(t, len(tdict)) for t in toks]
            (self.seq[f] if f in self.seq else self.pending[f]).extend(ids)

    def seal(self) -> None:
        """Postings of the documents added since the last seal: per document its distinct
        terms with their counts, appended document by document (term ids ascending within
        a document: ``write`` orders postings by term, then document, so the order within
        a document never shows)."""
        first, n = self.sealed, self.n
        if first == n:
            return
        for f in SCORED_FIELDS:
            if f in self.seq:
                ids = np.frombuffer(self.seq[f], dtype=np.int32)[self.sealed_at[f]:]
                self.sealed_at[f] = len(self.seq[f])
            else:
                ids = np.frombuffer(self.pending[f], dtype=np.int32)
            nterms = max(1, len(self.terms[f]))
            lengths = np.frombuffer(self.lengths[f], dtype=np.int64)[first:n]
            docs = np.repeat(np.arange(first, n, dtype=np.int64), lengths)
            keys, counts = np.unique(docs * nterms + ids, return_counts=True)
            self.tids[f].frombytes((keys % nterms).astype(np.int32).tobytes())
            self.tfs[f].frombytes(counts.astype(np.int32).tobytes())
            self.dnums[f].frombytes((keys // nterms).astype(np.int32).tobytes())
            if f not in self.seq:
                self.pending[f] = array("i")
        self.sealed = n

    def write(self, version_dir: Path) -> None:
        """Write the arrays. The writer is spent: each field's buffers are let go as soon
        as its arrays are written (a large build's memory peaks here)."""
        self.seal()
        n = self.n
        for f in SCORED_FIELDS:
            tids = np.frombuffer(self.tids[f], dtype=np.int32)
            nterms = len(self.terms[f])
            order = np.argsort(tids, kind="stable")  # per term, documents stay ascending
            df = np.bincount(tids, minlength=nterms)
            indptr = np.zeros(nterms + 1, dtype=np.int64)
            np.cumsum(df, out=indptr[1:])
            docs = np.frombuffer(self.dnums[f], dtype=np.int32)[order]
            tfs = np.frombuffer(self.tfs[f], dtype=np.int32)
            lengths = np.asarray(self.lengths[f], dtype=np.float64)
            avgfl = (float(lengths.sum()) / n if n else 0.0) or 1.0  # whoosh: field_length / doc_count_all or 1
            # whoosh's idf: log(N / (df + 1)) + 1, with math.log (np.log may differ in the last bit)
            idf = np.array([math.log(n / (int(x) + 1)) + 1 for x in df], dtype=np.float64)
            qlen = _quantized(lengths)
            imp = np.empty(len(order), dtype=np.float64)
            # A slice of postings at a time: the formula's float64 temporaries over a whole
            # field were most of a 100k build's peak memory (same operations, same figures).
            for a in range(0, len(order), WRITE_SLICE):
                o = order[a:a + WRITE_SLICE]
                tf = tfs[o].astype(np.float64)
                fl = qlen[docs[a:a + WRITE_SLICE]]
                # bm25(idf, tf, fl, avgfl, B, K1) in whoosh.scoring, operation for operation
                imp[a:a + WRITE_SLICE] = idf[tids[o]] * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
            np.save(version_dir / f"{IMPACT}.{f}.indptr.npy", indptr)
            np.save(version_dir / f"{IMPACT}.{f}.docs.npy", docs)
            np.save(version_dir / f"{IMPACT}.{f}.imp.npy", imp)
            if f in self.seq:
                seqptr = np.zeros(n + 1, dtype=np.int64)
                np.cumsum(np.asarray(self.lengths[f], dtype=np.int64), out=seqptr[1:])
                np.save(version_dir / f"{IMPACT}.{f}.seqptr.npy", seqptr)
                np.save(version_dir / f"{IMPACT}.{f}.seq.npy", np.frombuffer(self.seq[f], dtype=np.int32))
            del tids, tfs, order, docs, imp  # views of the buffers below: release them first
            self.tids[f], self.tfs[f], self.dnums[f] = array("i"), array("i"), array("i")
            if f in self.seq:
                self.seq[f] = array("i")
        (version_dir / f"{IMPACT}.{TERMS}").write_bytes(marshal.dumps({"n": n, "terms": self.terms}))


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
        a, b = int(self.indptr[field][r]), int(self.indptr[field][r + 1])
        return self.docs[field][a:b], self.imp[field][a:b]

    def docs_of(self, field: str, term: str) -> np.ndarray | None:
        """The ids of the documents holding ``term`` in ``field`` (``row``'s first half,
        one slice: the coverage of a query needs only these)."""
        r = self.terms[field].get(term)
        if r is None:
            return None
        a, b = self.indptr[field][r:r + 2].tolist()
        return self.docs[field][a:b]

    def df(self, field: str, term: str) -> int:
        r = self.terms[field].get(term)
        return 0 if r is None else int(self.indptr[field][r + 1] - self.indptr[field][r])

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
        for f, t, boost in terms:
            r = self.terms[f].get(t)
            if r is None:
                continue
            a, b = self.indptr[f][r:r + 2].tolist()
            docs_parts.append(self.docs[f][a:b])
            imp_parts.append(self.imp[f][a:b])
            boosts.append(boost)
            sizes.append(b - a)
        if not docs_parts:
            return np.zeros(self.n, dtype=np.float64), np.zeros(self.n, dtype=bool), 0
        docs = np.concatenate(docs_parts)
        # impact × boost per posting, as one multiplication (the same products, bit for bit)
        weights = np.concatenate(imp_parts) * np.repeat(boosts, sizes)
        scores = np.bincount(docs, weights=weights, minlength=self.n)
        if min(boosts) > 0:
            # Every impact is above 0 (whoosh's idf, log(N / (df + 1)) + 1, is > 0 for any
            # df <= N; a term frequency is >= 1), so with boosts above 0 a document
            # matched exactly when its score is above 0: no second pass over the postings.
            matched = scores > 0
        else:  # a field weighed 0 (tuning): count the postings
            matched = np.bincount(docs, minlength=self.n) > 0  # cheaper than a scatter of True
        return scores, matched, len(docs)


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
        sample = scores[::step][mask[::step]]  # candidates only: a subset of what is ranked
        if len(sample) >= k:
            bound = np.partition(sample, len(sample) - k)[len(sample) - k]
            cand = np.flatnonzero((scores >= bound) & mask)
    if cand is None:
        cand = np.flatnonzero(mask)
    if len(cand) > k:
        s = scores[cand]
        part = np.argpartition(-s, k - 1)[:k]
        kth = s[part].min()
        cand = cand[s >= kth]  # keep ties at the k-th score so docnum order decides, as whoosh
    order = np.lexsort((cand, -scores[cand]))
    return cand[order][:k], count
