"""Real PostgreSQL and Redis servers for the tests of shared state (feedback store, rate
limits): each started privately, on a free loopback port in a temp folder, once per test
session, from Debian's `postgresql` and `redis-server` packages (.ci/run and the README's
apt line install them). FAQKB_TEST_POSTGRES / FAQKB_TEST_REDIS (URLs) use running servers
instead. A missing server is a failure that says how to get it, never a silent skip."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest

APT_HINT = "apt-get install postgresql redis-server (.ci/run does this)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> None:
    socket.create_connection(("127.0.0.1", port), timeout=1).close()


def _wait_port(port: int, proc: subprocess.Popen, what: str, log: Path, timeout: float = 180,
               ready: Callable[[int], None] = _port_open) -> None:
    """Wait until `ready(port)` stops raising OSError (by default: the port accepts a connection)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            ready(port)
            return
        except OSError:
            time.sleep(0.05)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    pytest.fail(f"{what} did not start on port {port}:\n{tail}", pytrace=False)


def _pg_bin() -> Path:
    for tool in ("initdb", "pg_ctl", "postgres"):
        found = shutil.which(tool)
        if found:
            return Path(found).parent
    dirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                  key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0)
    if not dirs:
        pytest.fail(f"PostgreSQL server binaries not found: {APT_HINT}", pytrace=False)
    return Path(dirs[-1])


def _pg_session(port: int) -> None:
    import psycopg

    try:
        psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", connect_timeout=2).close()
    except psycopg.OperationalError as e:  # not up yet, or still starting
        raise OSError(str(e)) from e


def _stop(proc: subprocess.Popen) -> None:
    """Stop a server we started: politely, then for good if it hangs."""
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def postgres_server():
    """Yields a SQLAlchemy URL of a throw-away PostgreSQL cluster (user postgres, trust auth)."""
    given = os.environ.get("FAQKB_TEST_POSTGRES")
    if given:
        yield given
        return
    bin_dir = _pg_bin()
    root = Path(tempfile.mkdtemp(prefix="faqkb-pg-"))
    # initdb refuses to run as root: run the server as the postgres user Debian creates.
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, log, port = root / "data", root / "server.log", _free_port()
    try:
        subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                        "--no-sync", "-E", "UTF8", "--locale=C"], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=300)
        proc = subprocess.Popen([*as_user, str(bin_dir / "postgres"), "-D", str(data), "-p", str(port),
                                 "-h", "127.0.0.1", "-k", str(root), "-c", "fsync=off",
                                 "-c", "max_connections=200"],
                                stdout=log.open("w"), stderr=subprocess.STDOUT)
        # a session, not the port: on a loaded machine the postmaster listens a while before it
        # takes sessions ("FATAL: the database system is starting up")
        _wait_port(port, proc, "PostgreSQL", log, ready=_pg_session)
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            # pg_ctl stops the postmaster itself (fast: open sessions closed) and waits for it:
            # a signal to `runuser` alone once left the server running after the suite
            subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-w",
                            "-t", "60"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=90,
                           check=False)
            _stop(proc)
    except FileNotFoundError as e:
        pytest.fail(f"cannot start PostgreSQL ({e}): {APT_HINT}", pytrace=False)
    except subprocess.CalledProcessError as e:
        pytest.fail(f"initdb failed: {e.stderr.decode(errors='replace')[-1000:]}", pytrace=False)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def redis_server():
    """Yields a redis:// URL of a private, memory-only redis-server."""
    given = os.environ.get("FAQKB_TEST_REDIS")
    if given:
        yield given
        return
    exe = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(exe).exists():
        pytest.fail(f"redis-server not found: {APT_HINT}", pytrace=False)
    root = Path(tempfile.mkdtemp(prefix="faqkb-redis-"))
    port, log = _free_port(), root / "server.log"
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(root), "--daemonize", "no"],
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        _wait_port(port, proc, "redis-server", log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(proc)
        shutil.rmtree(root, ignore_errors=True)


def fresh_postgres_db(server_url: str, name: str) -> str:
    """A new empty database on the server (dropped first if a previous run left it)."""
    import sqlalchemy as sa

    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return str(sa.make_url(server_url).set(database=name).render_as_string(hide_password=False))
