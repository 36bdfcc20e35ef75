"""Speed at scale: build time, index size and warm query latency of faqkb against SQLite FTS5
on the same synthetic FAQ-like corpus (zh/ru/en, generated deterministically) at 1k, 10k and
100k entries. Prints a table and draws bench/out/latency.png (matplotlib, the bench extra).

    python bench/latency.py                        # 1k, 10k, 100k
    python bench/latency.py --sizes 1000,10000     # quicker
    python bench/latency.py --sizes 1000 --procs 1 --queries 100   # smoke run

The workload (issue 9: fair, at scale): real word frequencies per language (Chinese from
jieba's dictionary, Russian and English from the bundled kb's own text, each word weighted
by its count), entries grouped in topic clusters that share topical words, and queries of
two kinds: ~90 % known-item queries (2-4 words of one entry's question or alternative,
sometimes with a word from its topic: MRR is measured at scale too) and ~10 % queries of
high-frequency words only (they match most entries: they keep p99 honest).

Latency is single-thread, warm (every query run once before timing), per call of
`Searcher.search(q, limit=10)` as the CLI and the web call it (did-you-mean on: ten hits,
each with its question and an answer snippet, the query's words marked in both), and for
FTS5 per call of tokenize (same jieba/Snowball tokens as bench/quality.py) + MATCH ...
ORDER BY bm25(d, 3.0, 1.0) LIMIT 10 on an on-disk database with the same two fields and
weights as faqkb's words (question + alternatives 3.0, answer 1.0). Like for like, the
FTS5 peer the goal is measured against fetches what faqkb returns for its ten hits: the
question with its matches marked (highlight()) and an answer snippet (snippet()), read for
the ten ids only (a second statement: selecting them in the ranking statement makes
SQLite read every matching row's text before its LIMIT, 2x slower). "FTS5 ids" (rowids
only, no text: the peer before this session) is printed beside it. Build memory is the
peak RSS of a `faqkb build` child process.
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
from quality import PeerTokens, _hex  # noqa: E402  same peer tokens as the quality bench

from faqkb.kbase.model import CATEGORIES  # noqa: E402
from faqkb.search import Searcher  # noqa: E402

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


def run_size(n: int, qs_n: int, procs: list[int], tok: PeerTokens, tmp: Path, log) -> dict:
    r: dict = {"entries": n}
    kb_dir = tmp / f"kb-{n}"
    t = time.perf_counter()
    entries = corpus(n)
    write_kb(entries, kb_dir)
    qs = queries(qs_n, entries)
    log(f"  {n}: corpus written in {time.perf_counter() - t:.1f} s")

    for p in procs:
        index_dir = tmp / f"index-{n}-p{p}"
        took, rss = _build(kb_dir, index_dir, p)
        r[f"build_p{p}_s"] = round(took, 2)
        r[f"build_p{p}_rss_mb"] = round(rss)
        log(f"  {n}: build procs={p}: {took:.1f} s, peak RSS {rss:.0f} MB")
    index_dir = tmp / f"index-{n}-p{procs[0]}"
    version = next(p for p in index_dir.iterdir() if p.name.startswith("v-"))
    r["index_mb"] = round(du(version) / 1e6, 1)

    # FTS5 on the same corpus, like for like: the same two fields as faqkb's words (question
    # + alternatives, answer), the same weights (3.0, 1.0), the same jieba/Snowball tokens.
    db_path = tmp / f"fts-{n}.sqlite"
    t = time.perf_counter()
    db = build_fts5(entries, tok, db_path)
    r["fts5_build_s"] = round(time.perf_counter() - t, 2)
    r["fts5_mb"] = round(db_path.stat().st_size / 1e6, 1)
    ids = [e["id"] for e in entries]

    def fts(q, hits: bool = False):
        lang, text, _ = q
        terms = list(dict.fromkeys(_hex(x) for x in tok(text, lang)))
        if not terms:
            return []
        match = " OR ".join(terms)
        top = [row[0] for row in db.execute(
            "SELECT rowid FROM d WHERE d MATCH ? ORDER BY bm25(d, 3.0, 1.0) LIMIT 10", (match,))]
        if hits and top:  # what a hit shows: the question marked, a snippet of the answer
            shown = {row[0]: row[1:] for row in db.execute(
                "SELECT rowid, highlight(d, 0, '[', ']'), snippet(d, 1, '[', ']', '…', 24) FROM d "
                f"WHERE d MATCH ? AND rowid IN ({','.join('?' * len(top))})", (match, *top))}
            return [(ids[r], *shown[r]) for r in top]
        return [ids[r] for r in top]

    s = Searcher(index_dir)
    variants = {
        "faqkb": lambda q: s.search(q[1], limit=10),
        "faqkb_nosuggest": lambda q: s.search(q[1], limit=10, suggest=False),
        "faqkb_limit50": lambda q: s.search(q[1], limit=50),
    }
    for name, fn in [("fts5", lambda q: fts(q, hits=True)), ("fts5_ids", fts), *variants.items()]:
        xs = timed(fn, qs)
        r[f"{name}_p50"], r[f"{name}_p99"] = round(pct(xs, 50), 2), round(pct(xs, 99), 2)
        r[f"{name}_by_lang"] = {lang: round(statistics.median(x for q, x in zip(qs, xs, strict=True) if q[0] == lang), 2)
                                for lang in ("zh", "ru", "en")}
        log(f"  {n}: {name:16} p50 {r[name + '_p50']:7.2f} ms  p99 {r[name + '_p99']:7.2f} ms  "
            f"median by lang {r[name + '_by_lang']}")
    # known-item MRR@10 of both engines at this size
    r["faqkb_mrr"] = _mrr([[h.id for h in s.search(q[1], limit=10, suggest=False).hits] for q in qs], qs)
    r["fts5_mrr"] = _mrr([fts(q) for q in qs], qs)
    log(f"  {n}: known-item MRR@10 faqkb {r['faqkb_mrr']}  FTS5 {r['fts5_mrr']}")
    s.close()
    db.close()
    shutil.rmtree(kb_dir, ignore_errors=True)
    return r


def table(rows: list[dict], procs: list[int]) -> str:
    head = (f"{'entries':>8}" + "".join(f"{'build p' + str(p):>10}" for p in procs)
            + f"{'index MB':>9}{'FTS5 MB':>8} | {'faqkb p50':>9}{'p99':>8} | {'FTS5 p50':>9}{'p99':>8} | "
            f"{'p50 ratio':>9}{'p99 ratio':>10} | {'FTS5 ids p50':>12}{'p99':>8}{'ratios':>12} | "
            f"{'no-suggest p50':>14}{'p99':>8} | {'limit50 p50':>11}{'p99':>8}")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['entries']:>8}" + "".join(f"{r[f'build_p{p}_s']:>9.1f}s" for p in procs)
            + f"{r['index_mb']:>9.1f}{r['fts5_mb']:>8.1f} | {r['faqkb_p50']:>9.2f}{r['faqkb_p99']:>8.2f} | "
            f"{r['fts5_p50']:>9.2f}{r['fts5_p99']:>8.2f} | {r['faqkb_p50'] / r['fts5_p50']:>8.1f}x"
            f"{r['faqkb_p99'] / r['fts5_p99']:>9.1f}x | {r['fts5_ids_p50']:>12.2f}{r['fts5_ids_p99']:>8.2f}"
            f"{r['faqkb_p50'] / r['fts5_ids_p50']:>6.1f}x{r['faqkb_p99'] / r['fts5_ids_p99']:>5.1f}x | "
            f"{r['faqkb_nosuggest_p50']:>14.2f}"
            f"{r['faqkb_nosuggest_p99']:>8.2f} | {r['faqkb_limit50_p50']:>11.2f}{r['faqkb_limit50_p99']:>8.2f}")
    lines.append("(latencies in ms, warm, single thread; FTS5: ten hits with highlight() and snippet(), as faqkb's "
                 "hits; FTS5 ids: rowids only; goal: faqkb p50 <= FTS5 p50, p99 <= 1.5x FTS5 p99; "
                 "build of 10k <= 10 s, 100k <= 120 s)")
    for r in rows:
        rss = "  ".join(f"build p{p} peak RSS {r[f'build_p{p}_rss_mb']} MB" for p in procs)
        lines.append(f"{r['entries']:>8}: median by language  faqkb {r['faqkb_by_lang']}  FTS5 {r['fts5_by_lang']}"
                     f"  FTS5 build {r['fts5_build_s']} s  known-item MRR@10 faqkb {r['faqkb_mrr']} FTS5 "
                     f"{r['fts5_mrr']}  {rss}")
    return "\n".join(lines)


def plot(rows: list[dict], procs: list[int], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [r["entries"] for r in rows]
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(15, 4.5))
    for key, label, style, color in (("faqkb", "faqkb", "o-", "C0"), ("faqkb_nosuggest", "faqkb suggest=False", "^--", "C2"),
                                     ("faqkb_limit50", "faqkb limit=50", "v:", "C4"), ("fts5", "SQLite FTS5 (hits)", "s-", "C1"),
                                     ("fts5_ids", "SQLite FTS5 (ids only)", "d:", "C3")):
        a.plot(n, [r[f"{key}_p50"] for r in rows], style, color=color, label=f"{label} p50")
        a.plot(n, [r[f"{key}_p99"] for r in rows], style, color=color, alpha=0.4, label=f"{label} p99")
    a.set(xscale="log", yscale="log", xlabel="entries (zh+ru+en each)", ylabel="ms per query",
          title="warm query latency (single thread)")
    a.legend(fontsize=7)
    for p in procs:
        b.plot(n, [r[f"build_p{p}_s"] for r in rows], "o-", label=f"faqkb build procs={p}")
    b.plot(n, [r["fts5_build_s"] for r in rows], "s-", label="FTS5 build (tokens + insert)")
    b.axhline(10, color="grey", ls=":", lw=1)
    b.set(xscale="log", yscale="log", xlabel="entries", ylabel="seconds", title="full build time")
    b.legend(fontsize=7)
    c.plot(n, [r["index_mb"] for r in rows], "o-", label="faqkb index")
    c.plot(n, [r["fts5_mb"] for r in rows], "s-", label="FTS5 database")
    c.set(xscale="log", yscale="log", xlabel="entries", ylabel="MB on disk", title="index size")
    c.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--procs", default="1,2", help="writer processes to try for the build [1,2]")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--png", type=Path, default=OUT / "latency.png")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--max-build", type=float, default=600,
                    help="skip a size whose build, extrapolated linearly from the previous size, "
                         "would take longer than this many seconds [600]")
    args = ap.parse_args(argv)
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    sizes = [int(x) for x in args.sizes.split(",")]
    procs = [int(x) for x in args.procs.split(",")]
    tok = PeerTokens()
    rows, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="faqkb-latency-") as tmp:
        for n in sizes:
            if rows:
                prev = rows[-1]
                est = min(prev[f"build_p{p}_s"] for p in procs) * n / prev["entries"]
                if est > args.max_build:
                    skipped.append(f"{n} entries skipped: build extrapolated linearly from "
                                   f"{prev['entries']} entries = {est:.0f} s (> {args.max_build:.0f} s); "
                                   f"index ~{prev['index_mb'] * n / prev['entries']:.0f} MB")
                    log("  " + skipped[-1])
                    continue
            rows.append(run_size(n, args.queries, procs, tok, Path(tmp), log))
            if args.json:
                args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), "utf-8")
    load = os.getloadavg()
    print(f"faqkb vs SQLite FTS5, synthetic zh/ru/en FAQ corpus, {args.queries} queries, {os.cpu_count()} CPUs, "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}\n")
    print(table(rows, procs))
    for line in skipped:
        print(line)
    plot(rows, procs, args.png)
    print(f"\nplot: {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
