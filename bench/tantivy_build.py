"""The build peer of bench/build.py: "faqkb's analyser + tantivy indexing". Run as a child
process so its wall, CPU and peak RSS are measured like a `faqkb build`'s:

    python bench/tantivy_build.py ENTRIES ANALYSER_INDEX OUT_DIR [--procs 2]

It regenerates bench/latency.py's synthetic corpus of ENTRIES entries (untimed), then, timed:
analyses every entry with faqkb's analyser (the one of the faqkb index at ANALYSER_INDEX, built
beforehand from the same kb: its jieba dictionary, stems, bigrams and pinyin table; through
`Searcher.analyzer()`) in PROCS forked workers, as `faqkb build` uses its cores, and writes the
five fields into a tantivy index with PROCS indexing threads. Prints {"wall", "cpu"} of that
timed part as JSON (cpu: this process and the workers it waited for).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from latency import corpus
from peers import FIELDS, FaqkbTokens

from faqkb.search import Searcher

_STATE: dict = {}


def _analyse(bounds: tuple[int, int]) -> list[dict[str, list[str]]]:
    tok, entries = _STATE["tok"], _STATE["entries"]
    return [tok.document(e) for e in entries[bounds[0]:bounds[1]]]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("entries", type=int)
    ap.add_argument("analyser_index", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--procs", type=int, default=2)
    args = ap.parse_args(argv)
    import tantivy

    entries = corpus(args.entries)
    s = Searcher(args.analyser_index)
    s.search("zzqx")  # loads the lexicon (jieba dictionary, pinyin table) before the clock starts
    _STATE.update(tok=FaqkbTokens(s), entries=entries)
    t0, c0, ch0 = time.perf_counter(), time.process_time(), os.times()
    step = -(-len(entries) // (args.procs * 4))
    ranges = [(i, min(len(entries), i + step)) for i in range(0, len(entries), step)]
    if args.procs > 1:
        with get_context("fork").Pool(args.procs) as pool:
            docs = [d for part in pool.map(_analyse, ranges) for d in part]
    else:
        docs = _analyse((0, len(entries)))
    sb = tantivy.SchemaBuilder()
    for f in FIELDS:
        sb.add_text_field(f, tokenizer_name="whitespace", index_option="freq")
    schema = sb.build()
    args.out.mkdir(parents=True, exist_ok=True)
    w = tantivy.Index(schema, path=str(args.out)).writer(heap_size=100_000_000 * args.procs, num_threads=args.procs)
    for d in docs:
        w.add_document(tantivy.Document(**{f: " ".join(d[f]) for f in FIELDS}))
    w.commit()
    w.wait_merging_threads()
    ch = os.times()
    cpu = time.process_time() - c0 + (ch.children_user - ch0.children_user) + (ch.children_system - ch0.children_system)
    print(json.dumps({"wall": time.perf_counter() - t0, "cpu": cpu}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
