"""The writing half of the impact arrays (impact.py reads them): each scored field's
CSR-like numpy arrays with every posting's precomputed BM25F contribution, whoosh's own
formula to the last bit (impact.py's docstring says how; tests/test_impact.py checks it)."""

from __future__ import annotations

import marshal
import math
from array import array
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..engine.fields import K1, B
from ..impact import PHRASE_FIELDS, TERMS
from ..layout import IMPACT, SCORED_FIELDS

WRITE_SLICE = 1 << 20  # postings whose impacts ImpactWriter.write computes at once


def _quantized(lengths: np.ndarray) -> np.ndarray:
    """whoosh stores a field length in one byte (length_to_byte) and scores with the
    length that byte stands for (byte_to_length): do exactly the same."""
    from whoosh.util.numeric import _length_byte_cache

    table = np.asarray(_length_byte_cache, dtype=np.float64)
    codes = np.searchsorted(table, lengths, side="left")  # bisect_left, as length_to_byte
    return table[np.minimum(codes, 255)]


def _idf(n: int, df: np.ndarray) -> np.ndarray:
    """whoosh's idf of each term, log(N / (df + 1)) + 1 with math.log (np.log may differ in
    the last bit), computed once per distinct document frequency (a few thousand) instead of
    once per term (millions at 100k entries): the same float for every term."""
    table = np.zeros(int(df.max(initial=0)) + 1, dtype=np.float64)
    present = np.flatnonzero(np.bincount(df))
    table[present] = [math.log(n / (int(x) + 1)) + 1 for x in present]
    return table[df]


def _npy_header(out: BinaryIO, dtype: np.dtype, n: int) -> None:
    """The header np.save writes before a 1-d array of ``n`` items of ``dtype`` (format 1.0,
    which a 1-d array's header always fits): the data can then follow a slice at a time."""
    np.lib.format.write_array_header_1_0(out, {"descr": np.lib.format.dtype_to_descr(dtype),
                                               "fortran_order": False, "shape": (n,)})


class ImpactWriter:
    """Collects each document's terms per field (in docnum order), then writes the arrays.

    ``add`` only numbers a document's terms (one dict lookup per term, in token order) and
    keeps them; ``seal`` turns the documents added since the last seal into postings
    (term id, tf, docnum) with one numpy sort, which a Counter and per-term Python per
    document used to do. A build worker seals its share before sending it back."""

    def __init__(self, spill: Path | None = None) -> None:
        # ``spill``: a folder (made here, removed by ``write``) where ``merge`` appends the
        # postings and term sequences instead of keeping them: at 100k entries they are
        # ~400 MB the builder would hold through the whole analysis. The terms stay here.
        self.spill = spill
        if spill is not None:
            spill.mkdir()
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
            self._append(f, "tids", remap[np.frombuffer(other.tids[f], dtype=np.int32)].astype(np.int32).tobytes())
            self._append(f, "tfs", other.tfs[f].tobytes())
            self._append(f, "dnums", (np.frombuffer(other.dnums[f], dtype=np.int32) + np.int32(base)).tobytes())
            self.lengths[f].extend(other.lengths[f])
            if f in self.seq:
                self._append(f, "seq", remap[np.frombuffer(other.seq[f], dtype=np.int32)].astype(np.int32).tobytes())
                self.sealed_at[f] = len(self.seq[f])

    def _append(self, f: str, what: str, data: bytes) -> None:
        """Postings (or a term sequence) of field ``f``, after the ones already merged."""
        if self.spill is None:
            getattr(self, what)[f].frombytes(data)
        else:
            with open(self.spill / f"{f}.{what}", "ab") as out:
                out.write(data)

    def _column(self, f: str, what: str) -> np.ndarray:
        """Field ``f``'s postings (or term sequence) as int32, from memory or the spill."""
        if self.spill is None:
            return np.frombuffer(getattr(self, what)[f], dtype=np.int32)
        path = self.spill / f"{f}.{what}"
        return np.fromfile(path, dtype=np.int32) if path.exists() else np.zeros(0, dtype=np.int32)

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

    def write(self, version_dir: Path, slice_size: int = WRITE_SLICE) -> None:
        """Write the arrays. The writer is spent: each field's buffers are let go as soon
        as its arrays are written (a large build's memory peaks here)."""
        if self.spill is None:
            self.seal()  # (a spilling writer only merges: its documents are sealed by the workers)
        n = self.n
        for f in SCORED_FIELDS:
            tids = self._column(f, "tids")
            nterms = len(self.terms[f])
            order = np.argsort(tids, kind="stable")  # per term, documents stay ascending
            df = np.bincount(tids, minlength=nterms)
            indptr = np.zeros(nterms + 1, dtype=np.int64)
            np.cumsum(df, out=indptr[1:])
            dnums = self._column(f, "dnums")
            tfs = self._column(f, "tfs")
            lengths = np.asarray(self.lengths[f], dtype=np.float64)
            avgfl = (float(lengths.sum()) / n if n else 0.0) or 1.0  # whoosh: field_length / doc_count_all or 1
            idf = _idf(n, df)
            qlen = _quantized(lengths)
            # A slice of postings at a time, each slice's documents and impacts written as
            # made: the formula's float64 temporaries over a whole field, then the whole
            # field's documents and impacts held until saved, were most of a 100k build's
            # peak memory (same operations, same figures, np.save's bytes).
            with open(version_dir / f"{IMPACT}.{f}.docs.npy", "wb") as docs_out, \
                    open(version_dir / f"{IMPACT}.{f}.imp.npy", "wb") as imp_out:
                _npy_header(docs_out, dnums.dtype, len(order))
                _npy_header(imp_out, np.dtype(np.float64), len(order))
                for a in range(0, len(order), slice_size):
                    o = order[a:a + slice_size]
                    docs = dnums[o]
                    tf = tfs[o].astype(np.float64)
                    fl = qlen[docs]
                    # bm25(idf, tf, fl, avgfl, B, K1) in whoosh.scoring, operation for operation
                    imp = idf[tids[o]] * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
                    docs_out.write(docs.tobytes())
                    imp_out.write(imp.tobytes())
            np.save(version_dir / f"{IMPACT}.{f}.indptr.npy", indptr)
            if f in self.seq:
                seqptr = np.zeros(n + 1, dtype=np.int64)
                np.cumsum(np.asarray(self.lengths[f], dtype=np.int64), out=seqptr[1:])
                np.save(version_dir / f"{IMPACT}.{f}.seqptr.npy", seqptr)
                np.save(version_dir / f"{IMPACT}.{f}.seq.npy", self._column(f, "seq"))
            del tids, tfs, dnums, order  # views of the buffers below: release them first
            self.tids[f], self.tfs[f], self.dnums[f] = array("i"), array("i"), array("i")
            if f in self.seq:
                self.seq[f] = array("i")
            if self.spill is not None:
                for what in ("tids", "tfs", "dnums", "seq"):
                    (self.spill / f"{f}.{what}").unlink(missing_ok=True)
        if self.spill is not None:
            self.spill.rmdir()
        (version_dir / f"{IMPACT}.{TERMS}").write_bytes(marshal.dumps({"n": n, "terms": self.terms}))
