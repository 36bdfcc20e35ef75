"""The documented scale-out deployment on loopback, for tests/test_two_replicas.py and
tools/two_replicas.py: Debian's nginx with docs/nginx-faqkb.conf in front of two
`faqkb serve --proxies 1` replicas sharing one PostgreSQL (feedback) and one Redis (rate
limits) (tests/servers.py). Also ``paused``: every process of a PostgreSQL server stopped
with SIGSTOP (a paused VM, a network partition) and continued afterwards."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
HANG = 120  # seconds: only catches a hang
APT_HINT = "apt-get install nginx-light (.ci/run does this)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port: int, path: str, headers: dict | None = None, method: str = "GET", body: str | None = None):
    """(response, body bytes) of one request to 127.0.0.1:port."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data


def wait_up(port: int, proc: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + HANG * 2
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            break
        try:
            if fetch(port, "/api/ping")[0].status == 200:
                return
        except OSError:
            time.sleep(0.3)
    tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise RuntimeError(f"nothing answers on port {port}\n{tail}")


@dataclass
class Deployment:
    nginx: int                      # the port readers use
    replicas: list[int]             # each replica's own port
    procs: list[subprocess.Popen]   # replicas, then nginx
    feedback_db: str
    logs: list[Path] = field(default_factory=list)


@contextmanager
def two_replicas(kb: Path, index: Path, feedback_db: str, redis_url: str,
                 env: dict[str, str] | None = None) -> Iterator[Deployment]:
    """nginx on a free port in front of two replicas over ``index`` (built from ``kb``)."""
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        raise RuntimeError(f"nginx not found: {APT_HINT}")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    tmp = Path(tempfile.mkdtemp(prefix="faqkb-replicas-"))
    procs: list[subprocess.Popen] = []
    try:
        ports = [free_port(), free_port()]
        base = {**os.environ, "FAQKB_FEEDBACK_DB": feedback_db, "FAQKB_RATELIMIT_STORAGE_URI": redis_url,
                "FAQKB_SECRET_KEY": "one-secret-for-all-replicas", "PYTHONUNBUFFERED": "1", **(env or {})}
        logs = []
        for i, port in enumerate(ports):
            logs.append(tmp / f"replica{i}.log")
            with logs[-1].open("w") as log:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "faqkb", "serve", "--port", str(port), "--proxies", "1",
                     "--kb", str(kb), "--index", str(index), "--instance", str(tmp / f"instance{i}")],
                    env=base, stdout=log, stderr=subprocess.STDOUT))
        nport = free_port()
        conf = (ROOT / "docs" / "nginx-faqkb.conf").read_text("utf-8")
        conf = conf.replace("127.0.0.1:8081", f"127.0.0.1:{ports[0]}").replace("127.0.0.1:8082",
                                                                               f"127.0.0.1:{ports[1]}")
        conf = conf.replace("listen 80;", f"listen 127.0.0.1:{nport};")
        ng = tmp / "nginx"
        (ng / "logs").mkdir(parents=True)
        (ng / "faqkb.conf").write_text(conf, "utf-8")
        (ng / "nginx.conf").write_text(
            f"pid {ng}/nginx.pid; error_log {ng}/logs/error.log; events {{}}\n"
            f"http {{ access_log {ng}/logs/access.log; client_body_temp_path {ng}/body; "
            f"proxy_temp_path {ng}/proxy; fastcgi_temp_path {ng}/fastcgi; uwsgi_temp_path {ng}/uwsgi; "
            f"scgi_temp_path {ng}/scgi; include {ng}/faqkb.conf; }}\n", "utf-8")
        subprocess.run([nginx, "-t", "-q", "-p", str(ng), "-c", str(ng / "nginx.conf")], check=True,
                       stderr=subprocess.PIPE)
        for i, port in enumerate(ports):
            wait_up(port, procs[i], logs[i])
        procs.append(subprocess.Popen([nginx, "-p", str(ng), "-c", str(ng / "nginx.conf"), "-g", "daemon off;"]))
        wait_up(nport, procs[-1])
        yield Deployment(nport, ports, procs, feedback_db, logs)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def _ppid(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    raise LookupError(pid)


def server_processes(url: str) -> list[int]:
    """The PostgreSQL postmaster behind ``url`` and all its children (on this machine)."""
    engine = sa.create_engine(url)
    with engine.connect() as c:
        postmaster = _ppid(c.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())
    engine.dispose()
    children = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            with suppress(OSError, LookupError):
                if _ppid(int(d.name)) == postmaster:
                    children.append(int(d.name))
    return [postmaster, *children]


@contextmanager
def paused(url: str) -> Iterator[None]:
    """Every process of the PostgreSQL server behind ``url`` stopped with SIGSTOP, and
    continued with SIGCONT afterwards."""
    pids = server_processes(url)

    def signal_all(sig: int) -> None:
        for pid in pids:
            with suppress(ProcessLookupError):  # a backend that ended meanwhile
                os.kill(pid, sig)

    try:
        signal_all(signal.SIGSTOP)
        yield
    finally:
        signal_all(signal.SIGCONT)
