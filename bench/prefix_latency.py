"""Prefix (panel) latency per language: half-typed cuts of real questions, CPU time per search.

    PYTHONPATH=<tree>/src python bench/prefix_latency.py KB INDEX OUT.json SET.yaml... [--passes 3]

Each row's `full` (or `q`) question of the given sets, cut at a random keystroke (Random(19):
at least 2 characters of Han text, 3 otherwise), is searched with prefix=True; per query the
median of ``passes`` timings (time.process_time: CPU, not the wait of a shared machine), then per
language (the row's `lang`: ru, en, zh) the median, p99 and max over the queries. Also cold: the
first ru and the first zh prefix query of the process (after one exact query). Run two trees
alternately, each with its own index, and compare ratios (docs/relevance.md, fifteenth round, the
phrasing models made cheap)."""

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
    res: dict = {"cold_ms": {}}
    for lang in ("ru", "zh"):
        t = time.process_time()
        s.search(by[lang][0], limit=10, prefix=True)
        res["cold_ms"][lang] = (time.process_time() - t) * 1e3
    for lang, qs in by.items():
        for q in qs[:50]:
            s.search(q, limit=10, prefix=True)
        per = []
        for q in qs:
            ts = []
            for _ in range(args.passes):
                t = time.process_time()
                s.search(q, limit=10, prefix=True)
                ts.append(time.process_time() - t)
            per.append(statistics.median(ts) * 1e3)
        per.sort()
        res[lang] = {"n": len(per), "median": statistics.median(per), "p99": per[int(0.99 * (len(per) - 1))],
                     "max": per[-1]}
    args.out.write_text(json.dumps(res, indent=1))
    print(json.dumps(res))


if __name__ == "__main__":
    main()
