"""What one anonymous client (or sixteen) can do to a running `faqkb serve`, loopback only,
each figure next to its peer measured in the same run:

1. storage: feedback database growth (SQLite file + WAL) from 10,000 unique junk queries —
   from one client with the default rate limits, and from "many clients" (limits off, so
   only the table cap bounds it). Goal <= 1 MB.
2. vote stuffing: 1,000 "helpful" votes and 300 reloads of one entry from one client, one
   session: votes and views counted. Goal 1.
3. slow clients: /api/ping latency with 300 slow (slowloris) connections open, against the
   same server with none open, and against waitress's default 100-connection limit.
   Goal p99 <= 100 ms.
4. worst-case queries: a normal reader's /api/search p99 while 16 clients (16 loopback
   addresses) send worst-case queries, against the same reader unloaded. Goal <= 5x.

    python bench/abuse.py [--only 1,2,3,4] [--junk 10000] [--seconds 30]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from web_load import QUERIES, free_port  # noqa: E402

SLOW = 300
ATTACKERS = 16
# Worst case for the engine: the longest query allowed, made of the kb's commonest words in
# every script (each matches most entries), with a random tail so no cache can answer it.
WORST = ("注销 手机卡 号码 余额 运营商 合同 俄罗斯 账户 退款 费用 зарегистрировать номер договор баланс оператор "
         "сим карта деньги sim card number balance operator contract cancel refund fee zhuxiao shoujika haoma ")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] * 1000 if xs else float("nan")


class Server:
    """`faqkb serve` as a subprocess with its default options unless told otherwise."""

    def __init__(self, tmp: Path, index: Path, *extra: str, env: dict | None = None) -> None:
        self.port = free_port()
        self.instance = tmp / f"instance-{self.port}"
        self.log = open(tmp / f"serve-{self.port}.log", "w")  # noqa: SIM115 - the server's output until stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "faqkb", "serve", "--port", str(self.port), "--kb", str(ROOT / "kb"),
             "--index", str(index), "--instance", str(self.instance), *extra],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if self.get("/api/ping")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"server did not start: {(tmp / f'serve-{self.port}.log').read_text()[-2000:]}")

    def conn(self, source: str = "127.0.0.1", timeout: float = 30) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout, source_address=(source, 0))

    def get(self, path: str, conn: http.client.HTTPConnection | None = None, headers: dict | None = None):
        c = conn or self.conn()
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        body = r.read()
        if conn is None:
            c.close()
        return r.status, r, body

    def db_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.instance.glob("feedback.sqlite3*"))

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(20)
        self.log.close()


def junk(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789йцукенгшщзхфывапролджэячсмитьбю"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(20, 200)))


def flood_junk(srv: Server, n: int, connections: int = 8) -> tuple[dict, float]:
    """n unique junk /search queries over ``connections`` keep-alive connections."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def send(worker: int) -> None:
        rng = random.Random(worker)
        c = srv.conn()
        for _ in range(n // connections):
            st, _, _ = srv.get("/search?" + urlencode({"q": junk(rng)}), conn=c)
            with lock:
                statuses[st] = statuses.get(st, 0) + 1
        c.close()

    t0 = time.perf_counter()
    ts = [threading.Thread(target=send, args=(w,)) for w in range(connections)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return statuses, time.perf_counter() - t0


def storage(tmp: Path, index: Path, n: int) -> None:
    print(f"\n1. feedback database growth (SQLite file + WAL) from {n} unique junk queries, 20-200 characters")
    srv = Server(tmp, index)
    try:
        srv.get("/search?q=warmup")
        before = srv.db_bytes()
        statuses, secs = flood_junk(srv, n)
        time.sleep(0.5)
        grown = srv.db_bytes() - before
        db = sqlite3.connect(srv.instance / "feedback.sqlite3")
        rows = db.execute("SELECT COUNT(*) FROM gaps").fetchone()[0]
        db.close()
    finally:
        srv.stop()
    print(f"   one client through /search, default rate limits: +{grown / 1e6:.3f} MB, {rows} gap rows; "
          f"statuses {dict(sorted(statuses.items()))} in {secs:.0f} s  [goal <= 1 MB: {'met' if grown <= 1e6 else 'MISSED'}]")
    # Many clients, each under its limit: every junk query reaches the store, so only the
    # table cap bounds it. Written straight through the store's record_gap (what /search
    # calls), since 10,000 uncached junk searches would measure the engine, not storage.
    from faqkb.feedback import FeedbackStore

    inst = tmp / "instance-direct"
    store = FeedbackStore.in_instance(inst)
    store.record_gap("warmup", "en")
    files = lambda: sum(p.stat().st_size for p in inst.glob("feedback.sqlite3*"))  # noqa: E731
    before = files()
    rng = random.Random(7)
    t0 = time.perf_counter()
    for _ in range(n):
        store.record_gap(junk(rng), rng.choice(["zh", "ru", "en"]))
    secs = time.perf_counter() - t0
    grown = files() - before
    rows = store.row_counts()["gaps"]
    store.close()
    print(f"   {n} clients, one junk query each (rate limits cannot help): +{grown / 1e6:.3f} MB, {rows} gap rows "
          f"(cap {store.bounds.max_queries}) in {secs:.0f} s  [goal <= 1 MB: {'met' if grown <= 1e6 else 'MISSED'}]")


def stuffing(tmp: Path, index: Path) -> None:
    print("\n2. one client, one session: 1,000 votes and 300 reloads of one entry")
    srv = Server(tmp, index)
    try:
        c = srv.conn()
        st, r, body = srv.get("/entry/daily-keeping-fee", conn=c)
        cookie = r.getheader("Set-Cookie").split(";")[0]
        token = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
        statuses: dict[int, int] = {}
        t0 = time.perf_counter()
        for i in range(1000):
            c.request("POST", "/entry/daily-keeping-fee/feedback",
                      body=urlencode({"csrf_token": token, "helpful": "yes", "q": f"q{i}"}),
                      headers={"Cookie": cookie, "Origin": f"http://127.0.0.1:{srv.port}",
                               "Content-Type": "application/x-www-form-urlencoded"})
            resp = c.getresponse()
            resp.read()
            statuses[resp.status] = statuses.get(resp.status, 0) + 1
        vote_secs = time.perf_counter() - t0
        views: dict[int, int] = {}
        for _ in range(300):
            st, _, _ = srv.get("/entry/contract-expiring-call-scam", conn=c, headers={"Cookie": cookie})
            views[st] = views.get(st, 0) + 1
        db = sqlite3.connect(srv.instance / "feedback.sqlite3")
        counted = db.execute("SELECT COUNT(*) FROM votes WHERE entry_id = 'daily-keeping-fee'").fetchone()[0]
        viewed = (db.execute("SELECT count FROM views WHERE entry_id = 'contract-expiring-call-scam'").fetchone()
                  or [0])[0]
        db.close()
    finally:
        srv.stop()
    print(f"   votes sent 1000 in {vote_secs:.1f} s, statuses {dict(sorted(statuses.items()))}: "
          f"counted {counted}  [goal 1: {'met' if counted == 1 else 'MISSED'}]")
    print(f"   reloads 300, statuses {dict(sorted(views.items()))}: views counted {viewed}")


def ping_latency(srv: Server, n: int = 300) -> tuple[list[float], int]:
    lat, failed = [], 0
    for _ in range(n):
        t0 = time.perf_counter()
        try:
            st, _, _ = srv.get("/api/ping")  # a new connection each time, like a new reader
            if st != 200:
                failed += 1
                continue
        except OSError:
            failed += 1
            continue
        lat.append(time.perf_counter() - t0)
    return lat, failed


def slow_clients(tmp: Path, index: Path) -> None:
    print(f"\n3. /api/ping (300 requests, new connection each) with {SLOW} slow connections open")
    for label, extra in (("faqkb serve defaults", ()), ("waitress's default limit (--connection-limit 100)",
                                                        ("--connection-limit", "100"))):
        srv = Server(tmp, index, *extra)
        try:
            base, base_failed = ping_latency(srv)
            slow = []
            for _ in range(SLOW):
                s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
                s.sendall(b"GET /api/ping HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                slow.append(s)
            time.sleep(0.5)
            if extra:  # locked out: a handful of tries with a short timeout is enough to show it
                loaded, failed = [], 0
                for _ in range(5):
                    try:
                        c = srv.conn(timeout=3)
                        c.request("GET", "/api/ping")
                        c.getresponse().read()
                        loaded.append(0.0)
                    except OSError:
                        failed += 1
                print(f"   {label}: unloaded p50 {pct(base, .5):.1f} ms p99 {pct(base, .99):.1f} ms; with slow "
                      f"connections {failed}/5 requests got no answer within 3 s")
            else:
                loaded, failed = ping_latency(srv)
                print(f"   {label}: unloaded p50 {pct(base, .5):.1f} ms p99 {pct(base, .99):.1f} ms; "
                      f"with {SLOW} slow connections p50 {pct(loaded, .5):.1f} ms p99 {pct(loaded, .99):.1f} ms, "
                      f"{failed} failed  [goal p99 <= 100 ms: {'met' if pct(loaded, .99) <= 100 and not failed else 'MISSED'}]")
            for s in slow:
                s.close()
        finally:
            srv.stop()


def search_loop(srv: Server, source: str, stop: float, queries, out: list[float] | None, statuses: dict,
                pause: float = 0.0) -> None:
    """GET /api/search with ``queries()`` until ``stop``; a reader pauses between searches."""
    c = srv.conn(source=source)
    while time.perf_counter() < stop:
        t0 = time.perf_counter()
        try:
            st, _, _ = srv.get(f"/api/search?q={quote(queries())}", conn=c)
        except OSError:
            st = 0
            c = srv.conn(source=source)
        dt = time.perf_counter() - t0
        statuses[st] = statuses.get(st, 0) + 1
        if st == 200 and out is not None:
            out.append(dt)
        if pause:
            time.sleep(max(0.0, pause - dt))
    c.close()


def attack_phase(srv: Server, seconds: float, attack: bool) -> tuple[list[float], dict, dict]:
    """4 readers on their own addresses, each a search every 0.6 s (well within the limit),
    alone or with ATTACKERS clients on other addresses sending worst-case queries flat out."""
    stop = time.perf_counter() + seconds
    lat: list[float] = []
    reader_st: dict[int, int] = {}
    attacker_st: dict[int, int] = {}
    threads = []
    for w in range(4):
        it = iter(range(w, 10**9))
        threads.append(threading.Thread(target=search_loop, args=(
            srv, f"127.0.0.{2 + w}", stop, lambda it=it: QUERIES[next(it) % len(QUERIES)], lat, reader_st, 0.6)))
    for i in range(ATTACKERS if attack else 0):
        rng = random.Random(i)
        threads.append(threading.Thread(target=search_loop, args=(
            srv, f"127.0.1.{10 + i}", stop, lambda rng=rng: (WORST + " " + junk(rng))[:200], None, attacker_st)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, reader_st, attacker_st


def worst_case(tmp: Path, index: Path, seconds: float) -> None:
    print(f"\n4. a normal reader's /api/search p99, alone and while {ATTACKERS} clients send worst-case queries "
          f"({seconds:g} s each)")
    for label, env in (("default rate limits", {}), ("rate limits off (peer)", {"FAQKB_RATELIMIT_ENABLED": "0"})):
        srv = Server(tmp, index, env=env)
        try:
            for q in QUERIES:  # warm up: per-thread searchers, lexicon
                srv.get(f"/api/search?q={quote(q)}")
            alone, _, _ = attack_phase(srv, seconds, False)
            loaded, st1, ast = attack_phase(srv, seconds, True)
        finally:
            srv.stop()
        ratio = pct(loaded, .99) / pct(alone, .99)
        print(f"   {label}: alone p50 {pct(alone, .5):.1f} ms p99 {pct(alone, .99):.1f} ms ({len(alone)} requests); "
              f"under attack p50 {pct(loaded, .5):.1f} ms p99 {pct(loaded, .99):.1f} ms ({len(loaded)} requests, "
              f"reader statuses {dict(sorted(st1.items()))}); attackers' statuses {dict(sorted(ast.items()))}; "
              f"p99 ratio {ratio:.1f}x  [goal <= 5x: {'met' if ratio <= 5 else 'MISSED'}]")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="1,2,3,4")
    ap.add_argument("--junk", type=int, default=10_000)
    ap.add_argument("--seconds", type=float, default=30)
    args = ap.parse_args()
    only = {int(x) for x in args.only.split(",")}
    tmp = Path(tempfile.mkdtemp(prefix="faqkb-abuse-"))
    index = tmp / "index"
    subprocess.run([sys.executable, "-m", "faqkb", "build", "--kb", str(ROOT / "kb"), "--index", str(index)],
                   check=True, stdout=subprocess.DEVNULL)
    print(f"faqkb serve on loopback, bundled kb, {os.cpu_count()} CPUs (shared), {time.strftime('%Y-%m-%d %H:%M')}")
    if 1 in only:
        storage(tmp, index, args.junk)
    if 2 in only:
        stuffing(tmp, index)
    if 3 in only:
        slow_clients(tmp, index)
    if 4 in only:
        worst_case(tmp, index, args.seconds)


if __name__ == "__main__":
    main()
