"""Serving memory: the resident size of `faqkb serve` on bench/latency.py's synthetic kb after
its first query, and as N distinct reader-like queries (bench/queryset.py) go through it, each
sent once over /api/search by a few keep-alive clients on loopback. Every per-version cache is
bounded (docs/engine.md); this shows what the bounds add up to. The API response cache is the
server's default unless --cache says otherwise.

    python bench/memory.py                          # 10k entries, 10,000 queries
    python bench/memory.py --entries 1000 --queries 2000 --cache 0

Prints VmRSS (and VmHWM) after the first query and at every tenth of the queries, and the
final size as a ratio to the first (goal, issue 22: <= 1.5x at 10k after 10,000 queries).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from latency import corpus, write_kb
from peers import FaqkbTokens
from queryset import make
from web_load import free_port, get, wait_up

from faqkb.search import Searcher


def status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of ``pid`` in MB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--threads", type=int, default=4, help="waitress threads [4]")
    ap.add_argument("--cache", type=int, default=None, help="FAQKB_SEARCH_CACHE for the server [its default]")
    args = ap.parse_args(argv)
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="faqkb-memory-") as tmp_name:
        tmp = Path(tmp_name)
        entries = corpus(args.entries)
        write_kb(entries, tmp / "kb")
        index = tmp / "index"
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "faqkb", "build", "--kb", str(tmp / "kb"), "--index", str(index)],
                       check=True, stdout=subprocess.DEVNULL)
        log(f"  built {args.entries} entries in {time.perf_counter() - t:.0f} s")
        s = Searcher(index)
        qs = [q for _, q, _ in make(args.queries + 1, entries, FaqkbTokens(s).is_content, seed=23)]
        s.close()
        del s
        port = free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "FAQKB_RATELIMIT_ENABLED": "0",
               **({"FAQKB_SEARCH_CACHE": str(args.cache)} if args.cache is not None else {})}
        with open(tmp / "serve.log", "w") as serve_log:
            proc = subprocess.Popen([sys.executable, "-m", "faqkb", "serve", "--port", str(port), "--threads",
                                     str(args.threads), "--kb", str(tmp / "kb"), "--index", str(index),
                                     "--instance", str(tmp / "instance")],
                                    stdout=serve_log, stderr=subprocess.STDOUT, env=env)
            try:
                wait_up(port, timeout=600)
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                get(conn, f"/api/search?q={quote(qs[0])}&limit=10")
                conn.close()
                first = status(proc.pid)
                log(f"  after the first query: {first}")
                rows = [(1, first)]
                todo = qs[1:]
                sent = itertools.count()
                errors = [0]
                step = max(1, len(todo) // 10)
                lock = threading.Lock()

                def client() -> None:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    while (i := next(sent)) < len(todo):
                        try:
                            if get(c, f"/api/search?q={quote(todo[i])}&limit=10").status != 200:
                                errors[0] += 1
                        except (OSError, http.client.HTTPException):
                            errors[0] += 1
                            c.close()
                            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                        if (i + 1) % step == 0:
                            got = status(proc.pid)
                            with lock:
                                rows.append((i + 2, got))
                            log(f"  after {i + 2} queries: {got}")
                    c.close()

                t = time.perf_counter()
                threads = [threading.Thread(target=client) for _ in range(args.clients)]
                for th in threads:
                    th.start()
                for th in threads:
                    th.join()
                took = time.perf_counter() - t
                last = status(proc.pid)
            finally:
                proc.terminate()
                proc.wait(30)
    rows.sort(key=lambda r: r[0])
    load = os.getloadavg()
    print(f"`faqkb serve` ({args.threads} threads, API cache {'default' if args.cache is None else args.cache}) on "
          f"{args.entries} synthetic entries: {len(qs)} distinct queries, each sent once by {args.clients} clients "
          f"in {took:.0f} s, {errors[0]} errors; {os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f}")
    print(f"{'queries':>8} {'VmRSS MB':>9} {'VmHWM MB':>9} {'RSS / first':>12}")
    for n, st in rows:
        print(f"{n:>8} {st['VmRSS']:>9.0f} {st['VmHWM']:>9.0f} {st['VmRSS'] / first['VmRSS']:>11.2f}x")
    print(f"{'end':>8} {last['VmRSS']:>9.0f} {last['VmHWM']:>9.0f} {last['VmRSS'] / first['VmRSS']:>11.2f}x"
          "  (goal at 10k after 10,000 queries: <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
