"""Try the two-replica deployment of docs/web.md by hand, on loopback: a private PostgreSQL
and Redis (tests/servers.py), one index built once, two `faqkb serve --proxies 1`
replicas sharing them, and Debian's nginx with docs/nginx-faqkb.conf in front
(tests/replicas.py, which tests/test_two_replicas.py runs in CI). Prints what a reader and
an abuser see through nginx; stops everything at the end.

    apt-get install nginx-light postgresql redis-server    # once
    .venv/bin/python tools/two_replicas.py
"""

from __future__ import annotations

import re
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from replicas import fetch, paused, two_replicas  # noqa: E402
from servers import postgres_server, redis_server  # noqa: E402


def main() -> None:
    import sqlalchemy as sa

    from faqkb.service import rebuild

    tmp = Path(tempfile.mkdtemp(prefix="faqkb-replicas-"))
    try:
        rebuild(ROOT / "kb", tmp / "index")
        with postgres_server() as pg, redis_server() as redis_url, \
                two_replicas(ROOT / "kb", tmp / "index", pg, redis_url) as d:
            nport = d.nginx
            r, _ = fetch(nport, "/", {"Accept-Language": "ru"})
            print(f"home page through nginx: {r.status}; Vary: {r.getheader('Vary')}; "
                  f"Cache-Control: {r.getheader('Cache-Control')}")
            print("healthz:", fetch(nport, "/healthz")[1].decode().strip())
            with paused(pg):
                print("feedback database paused (SIGSTOP): search, home through nginx:",
                      [fetch(nport, p)[0].status for p in ("/search?q=refund", "/")],
                      "healthz:", fetch(nport, "/healthz")[1].decode().strip())

            r, body = fetch(nport, "/entry/daily-keeping-fee")
            cookie = r.getheader("Set-Cookie").split(";")[0]
            token = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
            statuses = [fetch(nport, "/entry/daily-keeping-fee/feedback",
                              {"Cookie": cookie, "Origin": f"http://127.0.0.1:{nport}",
                               "Content-Type": "application/x-www-form-urlencoded"}, "POST",
                              urlencode({"csrf_token": token, "helpful": "no" if i else "yes"}))[0].status
                        for i in range(4)]
            engine = sa.create_engine(pg)
            with engine.connect() as c:
                rows = c.execute(sa.text("SELECT helpful, COUNT(*) FROM votes GROUP BY helpful")).all()
            engine.dispose()
            print(f"4 votes, one reader, round-robin over both replicas: statuses {statuses}; "
                  f"PostgreSQL holds {[tuple(r) for r in rows]} (helpful, count)")

            statuses = []
            for i in range(24):  # 4/s: under nginx's 5/s, so the app's shared limit speaks
                r, _ = fetch(nport, f"/api/search?q=sim{i}")
                statuses.append(r.status)
                time.sleep(0.25)
            print(f"24 searches at 4/s over both replicas: {statuses.count(200)} x 200 then "
                  f"{statuses.count(429)} x 429 (Retry-After {r.getheader('Retry-After')}): one count, in Redis")
            r, _ = fetch(nport, "/api/search?q=x", {"X-Forwarded-For": "203.0.113.9"})
            print(f"the same reader claiming another address in X-Forwarded-For: {r.status}")

            slow = []
            for _ in range(300):
                s = socket.create_connection(("127.0.0.1", nport))
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                slow.append(s)
            t0 = time.perf_counter()
            r, _ = fetch(nport, "/api/ping")
            print(f"/api/ping with 300 slow connections open on nginx: {r.status} in "
                  f"{(time.perf_counter() - t0) * 1000:.0f} ms")
            for s in slow:
                s.close()

            d.procs[0].terminate()
            d.procs[0].wait()
            print("replica 1 stopped; 5 pages through nginx:",
                  [fetch(nport, "/category/costs")[0].status for _ in range(5)])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
