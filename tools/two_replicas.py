"""Try the two-replica deployment of docs/web.md by hand, on loopback: a private PostgreSQL
and Redis (tests/servers.py), one index built once, two `faqkb serve --proxies 1`
replicas sharing them, and Debian's nginx with docs/nginx-faqkb.conf in front. Prints
what a reader and an abuser see through nginx; stops everything at the end.

    apt-get install nginx-light postgresql redis-server    # once
    .venv/bin/python tools/two_replicas.py
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from servers import postgres_server, redis_server  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port: int, path: str, headers: dict | None = None, method: str = "GET", body: str | None = None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data


def wait_up(port: int) -> None:
    for _ in range(300):
        try:
            if fetch(port, "/api/ping")[0].status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"nothing answers on port {port}")


def main() -> None:
    import sqlalchemy as sa

    tmp = Path(tempfile.mkdtemp(prefix="faqkb-replicas-"))
    py = sys.executable
    procs: list[subprocess.Popen] = []
    with postgres_server() as pg, redis_server() as redis_url:
        subprocess.run([py, "-m", "faqkb", "build", "--kb", str(ROOT / "kb"), "--index", str(tmp / "index")], check=True)
        ports = [free_port(), free_port()]
        env = {**os.environ, "FAQKB_FEEDBACK_DB": pg, "FAQKB_RATELIMIT_STORAGE_URI": redis_url,
               "FAQKB_SECRET_KEY": "one-secret-for-all-replicas"}
        for i, port in enumerate(ports):
            log = (tmp / f"replica{i}.log").open("w")
            procs.append(subprocess.Popen([py, "-m", "faqkb", "serve", "--port", str(port), "--proxies", "1",
                                           "--kb", str(ROOT / "kb"), "--index", str(tmp / "index"),
                                           "--instance", str(tmp / f"instance{i}")],
                                          env=env, stdout=log, stderr=subprocess.STDOUT))
        nport = free_port()
        conf = (ROOT / "docs" / "nginx-faqkb.conf").read_text("utf-8")
        conf = conf.replace("127.0.0.1:8081", f"127.0.0.1:{ports[0]}").replace("127.0.0.1:8082", f"127.0.0.1:{ports[1]}")
        conf = conf.replace("listen 80;", f"listen 127.0.0.1:{nport};")
        ng = tmp / "nginx"
        (ng / "logs").mkdir(parents=True)
        (ng / "faqkb.conf").write_text(conf, "utf-8")
        (ng / "nginx.conf").write_text(
            f"pid {ng}/nginx.pid; error_log {ng}/logs/error.log; events {{}}\n"
            f"http {{ access_log {ng}/logs/access.log; client_body_temp_path {ng}/body; "
            f"proxy_temp_path {ng}/proxy; include {ng}/faqkb.conf; }}\n", "utf-8")
        subprocess.run(["nginx", "-t", "-q", "-p", str(ng), "-c", str(ng / "nginx.conf")], check=True)
        procs.append(subprocess.Popen(["nginx", "-p", str(ng), "-c", str(ng / "nginx.conf"), "-g", "daemon off;"]))
        try:
            for port in [*ports, nport]:
                wait_up(port)
            r, _ = fetch(nport, "/", {"Accept-Language": "ru"})
            print(f"home page through nginx: {r.status}; Vary: {r.getheader('Vary')}; "
                  f"Cache-Control: {r.getheader('Cache-Control')}")
            print("healthz:", fetch(nport, "/healthz")[1].decode().strip())

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

            procs[0].terminate()
            procs[0].wait()
            print("replica 1 stopped; 5 pages through nginx:",
                  [fetch(nport, "/category/costs")[0].status for _ in range(5)])
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
