"""Soak test: `faqkb serve` (waitress) as a subprocess on loopback over a private copy of the
kb, N concurrent keep-alive clients for S seconds mixing /api/search (rotating zh/ru/en
queries; the server's API response cache is off, FAQKB_SEARCH_CACHE=0, so every request
really searches), /search result pages and /entry pages. In the middle a kb file is edited
and `faqkb build` runs against the live index (the server must switch to it with no failed
request), then a broken kb file is added and `faqkb build` must refuse it with the live
index untouched, then it is removed again.

    python bench/soak.py [--seconds 180] [--clients 32] [--threads 4] [--rebuilds 1]

Reports requests, 5xx, other non-200, connection errors, p50/p99 latency and the server's
RSS (VmRSS) at start, every 30 s and at the end. Bounded: 16-64 clients, at most one hour,
at most --max-requests requests, loopback only. Exit status 1 if anything failed."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_load import QUERIES, free_port, get, wait_up

ROOT = Path(__file__).resolve().parents[1]
EDITED = Path("costs") / "daily-keeping-fee.yaml"
MARKER = "Quuxsoakmarker"
BROKEN = Path("costs") / "soak-broken.yaml"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def get_json(port: int, path: str) -> dict:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return json.loads(r.read())
    finally:
        c.close()


def faqkb_build(kb: Path, index: Path) -> tuple[int, float, str]:
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "faqkb", "build", "--kb", str(kb), "--index", str(index)],
                       capture_output=True, text=True, timeout=600)
    return p.returncode, time.perf_counter() - t0, (p.stdout + p.stderr).strip()


class Load:
    """The clients: each loops over its own shuffled mix of paths on one keep-alive connection."""

    def __init__(self, port: int, paths: list[str], clients: int, max_requests: int) -> None:
        self.port, self.paths, self.clients, self.max_requests = port, paths, clients, max_requests
        self.lat: list[list[float]] = [[] for _ in range(clients)]
        self.status: list[dict[int, int]] = [{} for _ in range(clients)]
        self.conn_errors = [0] * clients
        self.bad: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(clients)]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def join(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(60)

    def count(self) -> int:
        return sum(len(x) for x in self.lat)

    def _client(self, i: int) -> None:
        rng = random.Random(i)
        paths = self.paths[:]
        rng.shuffle(paths)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        n = 0
        while not self.stop.is_set() and self.count() < self.max_requests:
            path = paths[n % len(paths)]
            n += 1
            t0 = time.perf_counter()
            try:
                resp = get(conn, path)
            except (OSError, http.client.HTTPException) as e:
                self.conn_errors[i] += 1
                if len(self.bad) < 20:
                    self.bad.append(f"{path}: {type(e).__name__}: {e}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            self.lat[i].append(time.perf_counter() - t0)
            self.status[i][resp.status] = self.status[i].get(resp.status, 0) + 1
            if resp.status != 200 and len(self.bad) < 20:
                self.bad.append(f"{path}: HTTP {resp.status}")
            if resp.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--threads", type=int, default=4, help="waitress worker threads")
    ap.add_argument("--max-requests", type=int, default=2_000_000)
    ap.add_argument("--rebuilds", type=int, default=1, help="kb edits + faqkb build during the run (1-20)")
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (server log, kb copy)")
    args = ap.parse_args()
    if not 16 <= args.clients <= 64:
        ap.error("--clients must be 16-64")
    if not 1 <= args.rebuilds <= 20:
        ap.error("--rebuilds must be 1-20")
    if not 10 <= args.seconds <= 3600:
        ap.error("--seconds must be 10-3600")

    tmp = Path(tempfile.mkdtemp(prefix="faqkb-soak-"))
    kb, index, instance = tmp / "kb", tmp / "index", tmp / "instance"
    shutil.copytree(args.kb, kb)
    entry_ids = sorted(p.stem for p in kb.glob("*/*.yaml"))
    port = free_port()
    # Rate limits off: every client here is one loopback address (tests/test_limits.py covers them).
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "FAQKB_SEARCH_CACHE": "0", "FAQKB_RATELIMIT_ENABLED": "0"}
    cmd = [sys.executable, "-m", "faqkb", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--threads", str(args.threads), "--kb", str(kb), "--index", str(index), "--instance", str(instance)]
    log = open(tmp / "serve.log", "w")  # noqa: SIM115 - the server's stdout until it stops
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    events: list[str] = []
    rss: list[tuple[float, int]] = []
    failures: list[str] = []

    def event(msg: str) -> None:
        line = f"[{time.perf_counter() - t_start:6.1f} s] {msg}"
        events.append(line)
        print(line, flush=True)

    t_start = time.perf_counter()
    try:
        wait_up(port)
        langs = ["", "&lang=zh", "&lang=ru", "&lang=en"]
        paths = ([f"/api/search?q={quote(q)}&limit=10" for q in QUERIES] * 2
                 + [f"/search?q={quote(q)}{langs[i % 4]}" for i, q in enumerate(QUERIES)]
                 + [f"/entry/{e}{langs[i % 4].replace('&', '?')}" for i, e in enumerate(entry_ids)])
        # warm up (jieba, lexicon, per-thread searchers, templates) before the first RSS reading
        warm = Load(port, paths, args.clients, 10**9)
        warm.start()
        time.sleep(3)
        warm.join()
        version0 = get_json(port, "/healthz")["index_version"]
        t_start = time.perf_counter()
        rss.append((0.0, rss_kb(proc.pid)))
        event(f"server pid {proc.pid}, {len(entry_ids)} entries, index {version0}, RSS {rss[-1][1] / 1024:.1f} MiB; "
              f"{args.clients} clients x {args.seconds:g} s over {len(paths)} paths")
        load = Load(port, paths, args.clients, args.max_requests)
        load.start()
        deadline = t_start + args.seconds
        # edits + builds spread over the first half (the first at 35% by default), the broken kb at 60%
        t_edits = [t_start + args.seconds * (0.35 if args.rebuilds == 1 else 0.1 + 0.45 * k / (args.rebuilds - 1))
                   for k in range(args.rebuilds)]
        t_broken = t_start + args.seconds * 0.6
        did_edit = did_broken = False
        version1 = version0
        next_rss = t_start + 30
        while time.perf_counter() < deadline and load.count() < args.max_requests:
            time.sleep(0.5)
            now = time.perf_counter()
            if now >= next_rss:
                rss.append((now - t_start, rss_kb(proc.pid)))
                event(f"{load.count()} requests, RSS {rss[-1][1] / 1024:.1f} MiB")
                next_rss += 30
            if t_edits and now >= t_edits[0]:
                t_edits.pop(0)
                did_edit = True
                p = kb / EDITED
                p.write_text(p.read_text("utf-8").replace("question:", f"question: {MARKER}", 1), "utf-8")
                rc, secs, out = faqkb_build(kb, index)
                event(f"edited {EDITED}; faqkb build exit {rc} in {secs:.1f} s: {out.splitlines()[-1] if out else ''}")
                if rc != 0:
                    failures.append(f"build after edit failed: {out}")
                for _ in range(20):  # the server follows CURRENT within a second
                    h = get_json(port, "/healthz")
                    if h["index_version"] != version1:
                        break
                    time.sleep(0.25)
                found = get_json(port, f"/api/search?q={MARKER}")["total"]
                event(f"server now on {h['index_version']} (RSS {rss_kb(proc.pid) / 1024:.1f} MiB); "
                      f"'{MARKER}' finds {found}")
                if h["index_version"] == version1 or found < 1:
                    failures.append("the rebuilt index did not go live")
                version1 = h["index_version"]
            if did_edit and not did_broken and now >= t_broken:
                did_broken = True
                (kb / BROKEN).write_text("id: soak-broken\ncategory: [nope\n", "utf-8")
                rc, secs, out = faqkb_build(kb, index)
                event(f"added broken {BROKEN}; faqkb build exit {rc} in {secs:.1f} s: "
                      f"{out.splitlines()[0] if out else ''}")
                time.sleep(1.5)
                h = get_json(port, "/healthz")
                found = get_json(port, f"/api/search?q={MARKER}")["total"]
                event(f"server still on {h['index_version']}; '{MARKER}' finds {found}")
                if rc == 0 or h["index_version"] != version1 or found < 1:
                    failures.append("the broken kb went live or damaged the live index")
                (kb / BROKEN).unlink()
                rc, secs, out = faqkb_build(kb, index)
                event(f"removed it; faqkb build exit {rc} in {secs:.1f} s")
                if rc != 0:
                    failures.append(f"build after restoring failed: {out}")
        load.join()
        elapsed = time.perf_counter() - t_start
        rss.append((elapsed, rss_kb(proc.pid)))
        alive = proc.poll() is None
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()

    lat = sorted(x for lst in load.lat for x in lst)
    n = len(lat)
    statuses: dict[int, int] = {}
    for d in load.status:
        for k, v in d.items():
            statuses[k] = statuses.get(k, 0) + v
    five = sum(v for k, v in statuses.items() if k >= 500)
    other = sum(v for k, v in statuses.items() if k != 200 and k < 500)
    conn_errors = sum(load.conn_errors)

    def pct(p: float) -> float:
        return lat[min(n - 1, int(p * n))] * 1000 if n else float("nan")

    print()
    print(f"soak: {args.clients} keep-alive clients, waitress {args.threads} threads, {elapsed:.0f} s, "
          f"{os.cpu_count()} CPUs, API cache off, {len(paths)} paths (api search / search page / entry)")
    print(f"requests {n}  ({n / elapsed:.1f} req/s)  statuses {dict(sorted(statuses.items()))}")
    print(f"5xx {five}  other non-200 {other}  connection errors {conn_errors}")
    print(f"latency p50 {pct(0.50):.1f} ms  p99 {pct(0.99):.1f} ms  max {lat[-1] * 1000 if n else 0:.1f} ms")
    print("RSS " + "  ".join(f"{t:.0f}s {kb_ / 1024:.1f}" for t, kb_ in rss) + " MiB")
    print(f"RSS start {rss[0][1] / 1024:.1f} MiB  end {rss[-1][1] / 1024:.1f} MiB  "
          f"growth {(rss[-1][1] - rss[0][1]) / 1024:+.1f} MiB")
    if load.bad:
        print("first problems:", *load.bad[:10], sep="\n  ")
    if not alive:
        failures.append("the server died")
    if five or other or conn_errors:
        failures.append("failed requests")
    print("FAIL: " + "; ".join(failures) if failures else "OK: 0 failed requests, rebuild went live, broken kb refused")
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
