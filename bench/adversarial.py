"""Worst case: what hostile queries cost, and what they do to a normal reader.

Query classes (all at the 200-character limit, each one unique so no cache can help):
  latin     made-up Latin words          (each unknown word used to walk the vocabulary)
  cyrillic  made-up Cyrillic words
  han       random Han characters         (jieba, bigrams, pinyin of 200 characters)
  quoted    long quoted phrases           (phrase checks by whoosh)
  mixed     all of the above in one query
against `normal` queries (the golden set: what readers type).

Figures, medians over the run:
  1. per class: median and worst query cost (did-you-mean on, as the web calls it): each
     query's CPU time in the calling thread (time.thread_time), the best of --repeat runs
     of it (default 3). On cores shared with other work a wall-clock single run's worst is
     mostly the scheduler's (the normal class's own was 10-20x its median); CPU time is
     the work a query makes, which is what an attacker controls. The searcher keeps
     nothing per query, so a repeat is no cache hit. The wall-clock single-run worst is
     printed too. Goal: the worst query <= 10x the median normal query.
  2. a normal reader's p50/p99 alone, then while 16 threads send attack queries in a loop
     against the same Searcher (as waitress' threads share one process and its GIL);
     goal: loaded p99 <= 5x unloaded p99. Its peer: the reader while as many threads send
     normal queries (17 threads share one GIL and two cores whatever they send, so what
     the attack itself adds is loaded p99 / that p99).

    python bench/adversarial.py                  # bundled kb
    python bench/adversarial.py --synthetic 5000 # a 5k-entry synthetic kb (bench/latency.py's corpus)
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from faqkb.evaluate import load_queries
from faqkb.search import MAX_QUERY_CHARS, Searcher
from faqkb.service import rebuild, settle

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "queries.yaml"
LAT, CYR = "abcdefghijklmnopqrstuvwxyz", "абвгдежзийклмнопрстуфхцчшщыьэюя"


def _words(rng: random.Random, alphabet: str) -> str:
    out = ""
    while len(out) < MAX_QUERY_CHARS:
        out += "".join(rng.choice(alphabet) for _ in range(rng.randint(4, 11))) + " "
    return out[:MAX_QUERY_CHARS].strip()


def _han(rng: random.Random) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(MAX_QUERY_CHARS))


def attack(kind: str, rng: random.Random) -> str:
    if kind == "latin":
        return _words(rng, LAT)
    if kind == "cyrillic":
        return _words(rng, CYR)
    if kind == "han":
        return _han(rng)
    if kind == "quoted":
        parts = []
        while sum(len(p) + 3 for p in parts) < MAX_QUERY_CHARS - 40:
            parts.append(rng.choice([_words(rng, LAT)[:40], _han(rng)[:30], _words(rng, CYR)[:40]]))
        return " ".join(f'"{p}"' for p in parts)[:MAX_QUERY_CHARS - 1] + '"'
    half = MAX_QUERY_CHARS // 4
    return (_words(rng, LAT)[:half] + " " + _han(rng)[:half] + " " + _words(rng, CYR)[:half] + ' "'
            + _han(rng)[:half - 4] + '"')[:MAX_QUERY_CHARS]


KINDS = ("latin", "cyrillic", "han", "quoted", "mixed")


def timed(fn, q: str) -> float:
    t = time.perf_counter()
    fn(q)
    return (time.perf_counter() - t) * 1000


def cpu(fn, q: str) -> tuple[float, float]:
    """(CPU ms of this thread, wall ms) of one call."""
    c, t = time.thread_time(), time.perf_counter()
    fn(q)
    return (time.thread_time() - c) * 1000, (time.perf_counter() - t) * 1000


def costs(fn, qs: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """Per query: (best CPU ms of ``repeat`` runs, wall ms of the first run); the runs of
    one query are spread over the whole list so a burst of other work does not hit all."""
    runs = [[cpu(fn, q) for q in qs] for _ in range(repeat)]
    return [min(r[0] for r in xs) for xs in zip(*runs, strict=True)], [r[1] for r in runs[0]]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--synthetic", type=int, default=0, help="entries of a synthetic kb instead of the bundled one")
    ap.add_argument("--per-kind", type=int, default=60, help="attack queries per class [60]")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=20, help="length of the loaded phase [20]")
    ap.add_argument("--repeat", type=int, default=3, help="runs per query; its best is its cost [3]")
    ap.add_argument("--prefix", action="store_true",
                    help="search as the live panel does (prefix=true: completion and the phrasing models)")
    args = ap.parse_args(argv)
    rng = random.Random(5)
    with tempfile.TemporaryDirectory(prefix="faqkb-adv-") as tmp:
        kb = ROOT / "kb"
        if args.synthetic:
            from latency import corpus, write_kb

            kb = Path(tmp) / "kb"
            write_kb(corpus(args.synthetic), kb)
        rebuild(kb, Path(tmp) / "index")
        s = Searcher(Path(tmp) / "index", on_load=settle)  # as served (service.settle)
        search = functools.partial(s.search, prefix=True) if args.prefix else s.search
        normal = [q.text for q in load_queries(GOLDEN)]
        for q in normal[:50]:
            search(q)  # warm: lexicon, arrays, speller
        base, base1 = costs(search, normal, args.repeat)
        med = statistics.median(base)
        print(f"faqkb adversarial bench{' (prefix=true, as typed)' if args.prefix else ''}: {'bundled kb' if not args.synthetic else f'{args.synthetic} synthetic entries'}"
              f" ({s.entry_count} entries), {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")
        print(f"per query: CPU ms, best of {args.repeat} runs (single run: wall ms of its first run)\n")
        print(f"{'class':10}{'n':>5}{'median ms':>11}{'worst ms':>10}{'worst/normal median':>21}"
              f"{'single-run wall worst':>23}{'/ median':>9}")

        def row(kind: str, xs: list[float], first: list[float]) -> None:
            print(f"{kind:10}{len(xs):>5}{statistics.median(xs):>11.2f}{max(xs):>10.2f}{max(xs) / med:>20.1f}x"
                  f"{max(first):>23.2f}{max(first) / statistics.median(base1):>8.1f}x")

        row("normal", base, base1)
        worst_all = worst1 = 0.0
        for kind in KINDS:
            xs, first = costs(search, [attack(kind, rng) for _ in range(args.per_kind)], args.repeat)
            worst_all, worst1 = max(worst_all, max(xs)), max(worst1, max(first))
            row(kind, xs, first)
        print(f"\nworst attack query / median normal query: {worst_all / med:.1f}x  (goal <= 10x: "
              f"{'MET' if worst_all / med <= 10 else 'NOT MET'}); single-run wall: "
              f"{worst1 / statistics.median(base1):.1f}x")

        # a normal reader, alone and under `clients` attacking threads
        def reader(seconds: float) -> list[float]:
            out, end, i = [], time.perf_counter() + seconds, 0
            while time.perf_counter() < end:
                out.append(timed(search, normal[i % len(normal)]))
                i += 1
            return out

        alone = reader(args.seconds / 2)

        def under(query) -> list[float]:
            """The reader while ``args.clients`` threads send ``query(rng)`` in a loop."""
            stop = threading.Event()

            def client(seed: int) -> None:
                r = random.Random(seed)
                while not stop.is_set():
                    search(query(r))

            threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
            for t in threads:
                t.start()
            got = reader(args.seconds)
            stop.set()
            for t in threads:
                t.join()
            return got

        # The peer: as many threads sending what readers type. 17 threads share one GIL and
        # the machine's cores whatever they send; what the attack adds is loaded / busy.
        busy = under(lambda r: normal[r.randrange(len(normal))])
        loaded = under(lambda r: attack(KINDS[r.randrange(len(KINDS))], r))
        print(f"\nnormal reader alone:                   p50 {pct(alone, 50):7.2f} ms  p99 {pct(alone, 99):7.2f} ms"
              f"  ({len(alone)} queries)")
        print(f"normal reader, {args.clients} threads of normal queries: p50 {pct(busy, 50):7.2f} ms  "
              f"p99 {pct(busy, 99):7.2f} ms  ({len(busy)} queries)")
        print(f"normal reader, {args.clients} attacking threads: p50 {pct(loaded, 50):7.2f} ms  "
              f"p99 {pct(loaded, 99):7.2f} ms  ({len(loaded)} queries)")
        ratio = pct(loaded, 99) / pct(alone, 99)
        print(f"loaded p99 / unloaded p99: {ratio:.1f}x  (goal <= 5x: {'MET' if ratio <= 5 else 'NOT MET'}); "
              f"loaded p99 / p99 under as many normal clients: {pct(loaded, 99) / pct(busy, 99):.1f}x")
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
