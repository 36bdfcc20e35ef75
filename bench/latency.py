"""Query speed that cannot flatter: faqkb's FIRST-TIME queries against tantivy, bm25s and SQLite
FTS5 (two ways) in the same run, on the same synthetic zh/ru/en FAQ corpus (real word
frequencies, topic clusters; generated deterministically), with known-item MRR beside speed.

    python bench/latency.py                         # 1k and 10k, 3,000 queries each, 6 rounds
    python bench/latency.py --sizes 10000 --rounds 4
    python bench/latency.py --big                   # and 100k (minutes of build, GBs)
    python bench/latency.py --sizes 300 --queries 300 --rounds 2   # smoke run
    python bench/latency.py --sizes 1000 --bags 600 # also MRR on the old bags of words

Queries (bench/queryset.py): entries' own questions and alternatives retyped the way readers
do (a word dropped, neighbours swapped, a typo, a word paraphrased or an opener added), and a
tenth of stress queries of the corpus's most frequent CONTENT words; every text unique.

First-time, stated in the output: the timed queries are split into rounds, each on a FRESH
`Searcher` (its files opened by one untimed query of words no query holds), so no query text
was seen before by the object that answers it. The cached column asks the round's queries
again on the same searcher. Peers (bench/peers.py, set up as their users would): tantivy-py
and bm25s on faqkb's own tokens, fields and weights, ids only; FTS5 on faqkb's tokens (ids)
and FTS5 with its own unicode61 tokenizer (stop words dropped from queries, hits with
highlight() and snippet() from ONE ranked statement; ids too). Engines alternate their order
between rounds; printed: pooled p50/p99 (wall, and CPU time of the thread: on a shared
machine a preempted query's wall time is the neighbours'), the median of per-round ratios,
and MRR per language. The synthetic kb has no synonyms, so faqkb's query terms are exactly
`Searcher.terms()` of its analysis.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import PeerTokens, _hex  # the old FTS5 peer's tokens (build.py, --bags)

from faqkb.kbase.model import CATEGORIES
from faqkb.search import Searcher

OUT = Path(__file__).resolve().parent / "out"

KB = Path(__file__).resolve().parents[1] / "kb"
JIEBA_WORDS = 30_000  # most frequent words of jieba's dictionary (real corpus frequencies)


def _vocab() -> dict[str, tuple[list[str], list[float]]]:
    """(words, cumulative weights) per language, most frequent first."""
    import re
    from collections import Counter

    import jieba

    zh = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            w, n, *_ = line.split()
            if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", w):
                zh.append((int(n), w))
    zh.sort(reverse=True)
    counts = {"zh": Counter({w: n for n, w in zh[:JIEBA_WORDS]}), "ru": Counter(), "en": Counter()}
    for p in sorted(KB.glob("*/*.yaml")):
        d = yaml.safe_load(p.read_text("utf-8"))
        for lang, rx in (("ru", r"[А-Яа-яЁё]{2,}"), ("en", r"[A-Za-z]{2,}")):
            tr = d.get(lang) or {}
            text = " ".join([tr.get("question", ""), *tr.get("alternatives", []), tr.get("answer", "")])
            counts[lang].update(w.lower() for w in re.findall(rx, text))
    out = {}
    for lang, c in counts.items():
        words = [w for w, _ in c.most_common()]
        cum, acc = [], 0.0
        for w in words:
            acc += c[w]
            cum.append(acc)
        out[lang] = (words, cum)
    return out


_VOCAB: dict | None = None


def vocab() -> dict:
    global _VOCAB
    if _VOCAB is None:
        _VOCAB = _vocab()
    return _VOCAB


def _words(rng: random.Random, lang: str, k: int, topic: list[str] | None = None, share: float = 0.5) -> list[str]:
    words, cum = vocab()[lang]
    out = rng.choices(words, cum_weights=cum, k=k)
    if topic:
        out = [rng.choice(topic) if rng.random() < share else w for w in out]
    return out


def _join(lang: str, words: list[str], end: str = "") -> str:
    return ("".join(words) if lang == "zh" else " ".join(words)) + end


def corpus(n: int, seed: int = 7) -> list[dict]:
    """``n`` entries, each in zh, ru and en, in topic clusters of ~50 entries: a question,
    one alternative and an answer of 20-60 words; topic words are mid-frequency words."""
    rng = random.Random(seed)
    topics = []
    for _ in range(max(20, n // 50)):
        t = {}
        for lang in ("zh", "ru", "en"):
            words = vocab()[lang][0]
            lo, hi = min(100, len(words) // 10), len(words)
            t[lang] = [words[rng.randrange(lo, hi)] for _ in range(25)]
        topics.append(t)
    entries = []
    for i in range(n):
        topic = topics[rng.randrange(len(topics))]
        e = {"id": f"e{i:06d}", "category": CATEGORIES[i % len(CATEGORIES)], "updated": "2026-11-20"}
        for lang in ("zh", "ru", "en"):
            e[lang] = {"question": _join(lang, _words(rng, lang, rng.randint(4, 8), topic[lang]), "?"),
                       "alternatives": [_join(lang, _words(rng, lang, rng.randint(3, 6), topic[lang]), "?")],
                       "lead": _join(lang, _words(rng, lang, rng.randint(5, 10), topic[lang], 0.3), "."),
                       "answer": _join(lang, _words(rng, lang, rng.randint(20, 60), topic[lang], 0.3), ".")}
        entries.append(e)
    return entries


def queries(n: int, entries: list[dict], seed: int = 11) -> list[tuple[str, str, str | None]]:
    """(lang, query, wanted id or None): ~90 % known-item queries, ~10 % high-frequency words only."""
    import re

    rng = random.Random(seed)
    out = []
    for i in range(n):
        lang = ("zh", "ru", "en")[i % 3]
        if i % 10 == 9:
            top = vocab()[lang][0][:30]
            out.append((lang, _join(lang, rng.sample(top, rng.randint(2, 4))), None))
            continue
        e = entries[rng.randrange(len(entries))]
        text = rng.choice([e[lang]["question"], e[lang]["alternatives"][0]]).rstrip("?")
        words = re.findall(r"[\u4e00-\u9fff]{2,4}", text) if lang == "zh" else text.split()
        if lang == "zh":  # the question was built from whole words: recover them by the vocabulary
            words = [w for w in vocab()[lang][0] if w in text][:12] or [text[:4]]
        k = min(len(words), rng.randint(2, 4))
        out.append((lang, _join(lang, rng.sample(words, k)), e["id"]))
    return out


def write_kb(entries: list[dict], root: Path) -> None:
    for c in CATEGORIES:
        (root / c).mkdir(parents=True, exist_ok=True)
    for e in entries:
        (root / e["category"] / f"{e['id']}.yaml").write_text(
            yaml.safe_dump(e, allow_unicode=True, sort_keys=False, width=1000), "utf-8")
    (root / "synonyms.yaml").write_text("groups: []\n", "utf-8")


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed(fn, qs, warm: bool = True) -> list[float]:
    if warm:
        for q in qs:
            fn(q)
    out = []
    for q in qs:
        t = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t) * 1000)
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def _build(kb_dir: Path, index_dir: Path, procs: int) -> tuple[float, float]:
    """`faqkb build` in a child process: (seconds, peak RSS in MB of that child and the
    workers it waited for). wait4 gives this child's own figure; RUSAGE_CHILDREN is the max
    over every child so far, so a smaller build after a bigger one had no figure (NaN)."""
    import subprocess

    t = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "faqkb", "build", "--kb", str(kb_dir), "--index",
                              str(index_dir), "--procs", str(procs)], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - t
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, child.args)
    return took, usage.ru_maxrss / 1024  # KiB on Linux


def build_fts5(entries: list[dict], tok: PeerTokens, db_path: Path) -> sqlite3.Connection:
    """The FTS5 peer's build: tokenize (jieba/Snowball, as bench/quality.py) and insert the
    same two fields faqkb scores words in (question + alternatives, answer)."""
    db = sqlite3.connect(db_path)
    db.execute("CREATE VIRTUAL TABLE d USING fts5(q, a, tokenize='ascii')")
    rows = []
    for i, e in enumerate(entries):
        q_toks = [x for lang in ("zh", "ru", "en") for f in (e[lang]["question"], *e[lang]["alternatives"])
                  for x in tok(f, lang)]
        a_toks = [x for lang in ("zh", "ru", "en") for x in tok(e[lang]["answer"], lang)]
        rows.append((i, " ".join(_hex(x) for x in q_toks), " ".join(_hex(x) for x in a_toks)))
    db.executemany("INSERT INTO d(rowid, q, a) VALUES (?, ?, ?)", rows)
    db.commit()
    return db


def _mrr(ranked: list[list[str]], qs: list) -> float:
    known = [(r, q[2]) for r, q in zip(ranked, qs, strict=True) if q[2]]
    return round(sum(1 / (r.index(w) + 1) if w in r else 0.0 for r, w in known) / len(known), 3)


ENGINES = ("faqkb", "faqkb_cached", "tantivy", "bm25s", "fts5_tok", "fts5_own", "fts5_own_ids")
LABEL = {"faqkb": "faqkb first-time (10 hits + snippets)", "faqkb_cached": "faqkb cached (same queries again)",
         "tantivy": "tantivy, faqkb tokens, ids", "bm25s": "bm25s, faqkb tokens, ids",
         "fts5_tok": "FTS5, faqkb tokens, ids", "fts5_own": "FTS5 unicode61, hits + snippets",
         "fts5_own_ids": "FTS5 unicode61, ids"}
WARM = "zzqx qqzv"  # opens a fresh searcher's files (lexicon, arrays, speller): words no query holds


def _mrr(ranked: list[list[str]], qs: list, lang: str | None = None) -> float:
    known = [(r, q[2]) for r, q in zip(ranked, qs, strict=True) if q[2] and (lang is None or q[0] == lang)]
    if not known:
        return float("nan")
    return round(sum(1 / (r.index(w) + 1) if w in r else 0.0 for r, w in known) / len(known), 3)


def _time(fn, arg) -> tuple[float, object, float]:
    """(wall ms, result, this thread's CPU ms): on a shared machine a preempted query's wall
    time is the neighbours' doing, so p99 is printed on CPU time too (every engine here
    searches on the calling thread)."""
    c, t = time.thread_time(), time.perf_counter()
    got = fn(arg)
    return (time.perf_counter() - t) * 1000, got, (time.thread_time() - c) * 1000


def run_size(n: int, args, tmp: Path, log) -> dict:
    from peers import BM25S, FaqkbTokens, Fts5Own, Fts5Tokens, Tantivy
    from queryset import OPENERS
    from queryset import make as make_queries

    r: dict = {"entries": n}
    kb_dir = tmp / f"kb-{n}"
    entries = corpus(n)
    write_kb(entries, kb_dir)
    index_dir = tmp / f"index-{n}"
    took, rss = _build(kb_dir, index_dir, args.procs)
    r["build_s"], r["build_rss_mb"] = round(took, 1), round(rss)
    version = next(p for p in index_dir.iterdir() if p.name.startswith("v-"))
    r["index_mb"] = round(du(version) / 1e6, 1)
    log(f"  {n}: faqkb build --procs {args.procs}: {took:.1f} s, peak RSS {rss:.0f} MB")

    s0 = Searcher(index_dir)
    s0.search(WARM)
    tok = FaqkbTokens(s0)
    t = time.perf_counter()
    docs = [tok.document(e) for e in entries]
    r["analysis_s"] = round(time.perf_counter() - t, 1)
    ids = [e["id"] for e in entries]
    qs = make_queries(args.queries, entries, tok.is_content)
    terms = [tok.query(q[1]) for q in qs]  # the peers' input, made once (faqkb's own analysis)
    analysis_ms = [_time(tok.query, q[1])[2] for q in qs]  # its cost, printed on its own line
    stop = {w for lang in ("ru", "en") for w in vocab()[lang][0] + " ".join(OPENERS[lang]).split()
            if not tok.is_content(w)}
    log(f"  {n}: {len(qs)} queries ({sum(q[2] is None for q in qs)} stress), documents analysed in "
        f"{r['analysis_s']} s (1 process)")
    builds = {}
    t = time.perf_counter()
    tantivy = Tantivy(docs, ids, tmp / f"tantivy-{n}")
    builds["tantivy"] = time.perf_counter() - t
    t = time.perf_counter()
    bm25 = BM25S(docs, ids, tok.weights)
    builds["bm25s"] = time.perf_counter() - t
    t = time.perf_counter()
    fts_tok = Fts5Tokens(docs, ids, tok.weights, tmp / f"fts-tok-{n}.sqlite")
    builds["fts5_tok"] = time.perf_counter() - t
    t = time.perf_counter()
    fts_own = Fts5Own(entries, tmp / f"fts-own-{n}.sqlite", stop)
    builds["fts5_own"] = builds["fts5_own_ids"] = time.perf_counter() - t
    r["peer_build_s"] = {k: round(v, 2) for k, v in builds.items()}
    log(f"  {n}: peers built (s, on faqkb's analysed tokens where named) {r['peer_build_s']}")

    times: dict[str, list[float]] = {k: [] for k in ENGINES}
    cpu: dict[str, list[float]] = {k: [] for k in ENGINES}
    ranked: dict[str, list[list[str]]] = {k: [] for k in ENGINES}
    rounds: dict[str, list[tuple[float, ...]]] = {k: [] for k in ENGINES}  # p50, p99, CPU p50, CPU p99
    size = -(-len(qs) // args.rounds)
    for rnd in range(args.rounds):
        lo, hi = rnd * size, min(len(qs), (rnd + 1) * size)
        chunk, chunk_terms = qs[lo:hi], terms[lo:hi]
        s = Searcher(index_dir)  # fresh: every query of this round is new to it
        s.search(WARM)
        runs = {
            "faqkb": lambda q, _t, s=s: [h.id for h in s.search(q[1], limit=10).hits],
            "faqkb_cached": lambda q, _t, s=s: [h.id for h in s.search(q[1], limit=10).hits],
            "tantivy": lambda _q, t: tantivy(t), "bm25s": lambda _q, t: bm25(t),
            "fts5_tok": lambda _q, t: fts_tok(t), "fts5_own": lambda q, _t: [h[0] for h in fts_own.hits(q[1])],
            "fts5_own_ids": lambda q, _t: fts_own(q[1]),
        }
        peers_order = list(ENGINES[2:]) if rnd % 2 == 0 else list(ENGINES[2:])[::-1]
        order = ["faqkb", "faqkb_cached", *peers_order] if rnd % 2 == 0 else [*peers_order, "faqkb", "faqkb_cached"]
        for name in order:
            xs, cs = [], []
            for q, tm in zip(chunk, chunk_terms, strict=True):
                ms, got, c = _time(lambda a: runs[name](*a), (q, tm))  # noqa: B023
                xs.append(ms)
                cs.append(c)
                if name != "faqkb_cached":
                    ranked[name].append(got)
            times[name] += xs
            cpu[name] += cs
            rounds[name].append((pct(xs, 50), pct(xs, 99), pct(cs, 50), pct(cs, 99)))
        ranked["faqkb_cached"] = ranked["faqkb"]
        s.close()
        log(f"  {n}: round {rnd + 1}/{args.rounds} (load {os.getloadavg()[0]:.1f}): " + "  ".join(
            f"{k} {rounds[k][-1][0]:.2f}/{rounds[k][-1][1]:.2f} (CPU {rounds[k][-1][2]:.2f}/{rounds[k][-1][3]:.2f})"
            for k in ENGINES) + " ms p50/p99")
    stress = [q[2] is None for q in qs]
    for name in ENGINES:
        xs = times[name]
        got = ranked[name]
        r[name] = {
            "p50": round(pct(xs, 50), 3), "p99": round(pct(xs, 99), 3),
            "cpu_p50": round(pct(cpu[name], 50), 3), "cpu_p99": round(pct(cpu[name], 99), 3),
            "stress_p50": round(statistics.median(x for x, st in zip(xs, stress, strict=True) if st), 3),
            "mrr": _mrr(got, qs), **{f"mrr_{lang}": _mrr(got, qs, lang) for lang in ("zh", "ru", "en")},
            "rounds": [tuple(round(x, 3) for x in rnd) for rnd in rounds[name]],
        }
        if name != "faqkb":
            r[name]["ratio_p50"] = round(statistics.median(
                a[0] / b[0] for a, b in zip(rounds["faqkb"], rounds[name], strict=True)), 2)
            r[name]["ratio_p99"] = round(statistics.median(
                a[1] / b[1] for a, b in zip(rounds["faqkb"], rounds[name], strict=True)), 2)
            r[name]["ratio_cpu_p50"] = round(statistics.median(
                a[2] / b[2] for a, b in zip(rounds["faqkb"], rounds[name], strict=True)), 2)
            r[name]["ratio_cpu_p99"] = round(statistics.median(
                a[3] / b[3] for a, b in zip(rounds["faqkb"], rounds[name], strict=True)), 2)
    r["analysis_p50"], r["analysis_p99"] = round(pct(analysis_ms, 50), 3), round(pct(analysis_ms, 99), 3)
    if args.bags:
        r["bags"] = bags(entries, args.bags, s0, tok, fts_tok, tmp / f"fts-old-{n}.sqlite")
    s0.close()
    shutil.rmtree(kb_dir, ignore_errors=True)
    return r


def bags(entries: list[dict], n: int, s, tok, fts_tok, path: Path) -> dict:
    """Known-item MRR on the old bags of words (`queries`), for docs/engine.md: faqkb, FTS5 on
    the old peer tokens (jieba lcut_for_search, Snowball) and FTS5 on faqkb's tokens."""
    qs = [q for q in queries(n, entries) if q[2]]
    peer = PeerTokens()
    db = build_fts5(entries, peer, path)
    ids = [e["id"] for e in entries]

    def old(q):
        terms = list(dict.fromkeys(_hex(x) for x in peer(q[1], q[0])))
        if not terms:
            return []
        return [ids[r[0]] for r in db.execute("SELECT rowid FROM d WHERE d MATCH ? ORDER BY bm25(d, 3.0, 1.0) LIMIT 10",
                                              (" OR ".join(terms),))]

    got = {"faqkb": [[h.id for h in s.search(q[1], limit=10).hits] for q in qs],
           "fts5_old_peer": [old(q) for q in qs], "fts5_tok": [fts_tok(tok.query(q[1])) for q in qs]}
    db.close()
    return {k: {"all": _mrr(v, qs), **{lang: _mrr(v, qs, lang) for lang in ("zh", "ru", "en")}} for k, v in got.items()}


def table(rows: list[dict], args) -> str:
    lines = []
    for r in rows:
        n = r["entries"]
        lines.append(f"\n{n} entries: faqkb build {r['build_s']} s (--procs {args.procs}, peak RSS "
                     f"{r['build_rss_mb']} MB, index {r['index_mb']} MB); peers' builds (s) {r['peer_build_s']} "
                     f"after faqkb's analysis of every document ({r['analysis_s']} s, one process)")
        head = (f"  {'engine':38}{'p50':>7}{'p99':>8}{'CPU p50':>8}{'p99':>7}{'stress':>7} | "
                f"{'faqkb/this p50':>14}{'p99':>6}{'CPU p50':>8}{'p99':>6} | {'MRR':>6}{'zh':>6}{'ru':>6}{'en':>6}")
        lines += [head, "  " + "-" * (len(head) - 2)]
        for k in ENGINES:
            e = r[k]
            ratio = (f"{e['ratio_p50']:>13.2f}x{e['ratio_p99']:>5.1f}x{e['ratio_cpu_p50']:>7.1f}x"
                     f"{e['ratio_cpu_p99']:>5.1f}x" if "ratio_p50" in e else f"{'':>34}")
            lines.append(f"  {LABEL[k]:38}{e['p50']:>7.2f}{e['p99']:>8.2f}{e['cpu_p50']:>8.2f}{e['cpu_p99']:>7.2f}"
                         f"{e['stress_p50']:>7.2f} | {ratio} | "
                         f"{e['mrr']:>6.3f}{e['mrr_zh']:>6.3f}{e['mrr_ru']:>6.3f}{e['mrr_en']:>6.3f}")
        lines.append(f"  faqkb's query analysis alone (in faqkb's times, not the peers'): CPU p50 "
                     f"{r['analysis_p50']:.3f} ms, p99 {r['analysis_p99']:.3f} ms")
        if "bags" in r:
            lines.append("  old bags of words, known-item MRR (all / zh / ru / en): " + "; ".join(
                f"{k} {v['all']:.3f} / {v['zh']:.3f} / {v['ru']:.3f} / {v['en']:.3f}" for k, v in r["bags"].items()))
    lines.append(
        "\n(ms per query, single thread; wall, and this thread's CPU time (a preempted query's wall time is the "
        "neighbours'); 'stress': wall p50 of the frequent-content-word queries. p50/p99 over every timed query of the "
        "size (pooled); 'faqkb/this' is the median over rounds of the per-round ratio. First-time: a fresh Searcher per round (its files opened by one "
        "untimed query of unknown words), every query text unique in the run, so each is new to the process; word-"
        "level caches fill within a round as they would in a server. Cached: the round's queries again on the same "
        "Searcher. Peers get faqkb's query terms precomputed (ids only: engine time alone); the analysis line is "
        "that step's cost. Goals (issue 22): 10k faqkb first-time p50 <= 3x tantivy, p99 <= 5x.)")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000", help="entries per synthetic kb [1000,10000]")
    ap.add_argument("--big", action="store_true", help="also 100,000 entries (minutes of build, GBs of memory)")
    ap.add_argument("--queries", type=int, default=3000, help="timed queries per size, all unique [3000]")
    ap.add_argument("--rounds", type=int, default=6, help="rounds (a fresh searcher each, engines alternating) [6]")
    ap.add_argument("--procs", type=int, default=2, help="`faqkb build --procs` [2]")
    ap.add_argument("--bags", type=int, default=0, help="also known-item MRR on N old bag-of-words queries")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    sizes = [int(x) for x in args.sizes.split(",")] + ([100_000] if args.big else [])
    rows = []
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="faqkb-latency-") as tmp:
        for n in sizes:
            rows.append(run_size(n, args, Path(tmp), log))
            if args.json:
                args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), "utf-8")
    load = os.getloadavg()
    print(f"faqkb vs tantivy, bm25s, SQLite FTS5 x2 on a synthetic zh/ru/en FAQ corpus; {args.queries} unique "
          f"reader-like queries per size in {args.rounds} alternating rounds; {os.cpu_count()} CPUs, load average "
          f"{load0[0]:.1f} at start, {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at end (a shared machine)")
    print(table(rows, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
