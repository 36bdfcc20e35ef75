"""Prefix (panel) latency per language: half-typed cuts of real questions, CPU time per search.

    PYTHONPATH=<tree>/src python bench/prefix_latency.py KB INDEX OUT.json SET.yaml... [--passes 3]

Each row's `full` (or `q`) question of the given sets, cut at a random keystroke (Random(19):
at least 2 characters of Han text, 3 otherwise; each distinct cut once), is searched with
prefix=True and timed with time.process_time (CPU, not the wait of a shared machine). The main
figures are FIRST-TIME: each cut the first time the process sees its text (word-level caches fill
as the run goes, as in a server); per language (the row's `lang`: ru, en, zh) the median, p99 and
max over the cuts. `cached` beside them: the same cuts asked again, the median of ``passes``
more timings each (what a repeated query costs: the hit and plan caches answer part of it).
Also cold: the first ru, en and zh prefix query of the process (after one exact query), which
are left out of the timed cuts. Run two trees alternately, each with its own index, and compare
ratios (docs/relevance.md, fifteenth round, the phrasing models made cheap; docs/engine.md,
eighteenth session: until then the figures were the median of three passes, mostly repeats)."""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

import yaml

from faqkb.service import open_searcher


def cuts(files: list[Path]) -> dict[str, list[str]]:
    rnd = random.Random(19)
    by: dict[str, list[str]] = {"ru": [], "en": [], "zh": []}
    for f in files:
        for r in yaml.safe_load(f.read_text("utf-8")) or []:
            full, lang = r.get("full") or r.get("q"), r.get("lang")
            if lang not in by or not full or len(full) < 4:
                continue
            m = 2 if lang == "zh" and not full.isascii() else 3
            by[lang].append(full[:rnd.randint(m, len(full) - 1)])
    return by


def spread(per: list[float]) -> dict:
    per = sorted(per)
    return {"n": len(per), "median": statistics.median(per), "p99": per[int(0.99 * (len(per) - 1))], "max": per[-1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kb", type=Path)
    ap.add_argument("index", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("sets", type=Path, nargs="+")
    ap.add_argument("--passes", type=int, default=3)
    args = ap.parse_args()
    by = cuts(args.sets)
    s = open_searcher(args.kb, args.index, build=True)
    s.search("как отменить сим карту", limit=10)
    res: dict = {"cold_ms": {}, "cached": {}}
    for lang in ("ru", "en", "zh"):
        t = time.process_time()
        s.search(by[lang][0], limit=10, prefix=True)
        res["cold_ms"][lang] = (time.process_time() - t) * 1e3
    timed = {lang: [q for q in dict.fromkeys(qs) if q != qs[0]] for lang, qs in by.items()}
    first: dict[str, list[float]] = {}
    for lang, qs in timed.items():
        first[lang] = []
        for q in qs:
            t = time.process_time()
            s.search(q, limit=10, prefix=True)
            first[lang].append((time.process_time() - t) * 1e3)
    again: dict[str, list[float]] = {}
    for lang, qs in timed.items():
        again[lang] = []
        for q in qs:
            ts = []
            for _ in range(args.passes):
                t = time.process_time()
                s.search(q, limit=10, prefix=True)
                ts.append(time.process_time() - t)
            again[lang].append(statistics.median(ts) * 1e3)
    for lang in timed:
        res[lang] = spread(first[lang])
        res["cached"][lang] = spread(again[lang])
    args.out.write_text(json.dumps(res, indent=1))
    print(json.dumps(res))


if __name__ == "__main__":
    main()
