"""`faqkb serve` as readers meet it: a real waitress process on loopback with its default
options. Slow clients (slowloris: headers that never finish) must not lock out a normal
one. Shown by counting connections held and answers received; the timeouts only catch a
hang."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time

import pytest
from conftest import FIXTURE_KB

from faqkb.web.serving import (
    CONNECTION_LIMIT,
    PER_ADDRESS,
    Sparse,
    fit_open_files,
    sparse_queue_warnings,
    waitress_options,
)

HANG = 180  # seconds: only catches a hang (a busy 2-core machine starts the server slowly)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(fixture_index, tmp_path):
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-c", "from faqkb.cli import main; main()", "serve", "--port", str(port),
                             "--kb", str(FIXTURE_KB), "--index", str(fixture_index),
                             "--instance", str(tmp_path / "instance")], stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + HANG
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/api/ping")
            if c.getresponse().status == 200:
                break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail((tmp_path / "serve.log").read_text(), pytrace=False)
        time.sleep(0.2)
    yield port
    proc.terminate()
    proc.wait(HANG)
    log.close()


def _held(s: socket.socket) -> bool:
    """Whether the server still holds this connection open (nothing to read, no FIN)."""
    s.settimeout(0.0)
    try:
        return s.recv(1) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


@pytest.mark.slow  # a faqkb serve subprocess and 1,010 connections
def test_1010_slow_connections_from_one_address_do_not_lock_out_a_reader_on_another(served):
    """More slow connections from 127.0.0.1 than the whole connection limit (1,000): the
    reader on 127.0.0.2 is still answered, because one address holds at most
    PER_ADDRESS of them (the rest are closed on accept)."""
    fit_open_files(1010 + 200)  # this test process holds the slow clients' sockets
    slow, refused = [], 0
    try:
        for _ in range(1010):
            s = socket.create_connection(("127.0.0.1", served), timeout=HANG, source_address=("127.0.0.1", 0))
            try:
                s.sendall(b"GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")   # and never finish
            except OSError:
                refused += 1
            slow.append(s)
        answered = []
        for path in ("/api/ping", "/search?q=sim", "/entry/refund-remaining-balance"):
            s = socket.create_connection(("127.0.0.1", served), timeout=HANG, source_address=("127.0.0.2", 0))
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            answered.append(s.recv(64).split(b"\r\n", 1)[0])
            s.close()
        assert answered == [b"HTTP/1.1 200 OK"] * 3
        # PER_ADDRESS are held (less one if the fixture's probe connection still is); the rest were closed
        assert PER_ADDRESS - 1 <= sum(map(_held, slow)) <= PER_ADDRESS
    finally:
        for s in slow:
            s.close()


def test_serve_options_have_safe_defaults():
    opts = waitress_options()
    assert opts["connection_limit"] == CONNECTION_LIMIT >= 900
    assert 6 <= PER_ADDRESS <= CONNECTION_LIMIT // 5   # a browser's few, well under the limit
    # X-Forwarded-* reach the app (its ProxyFix) only behind a proxy; otherwise waitress drops them
    assert opts["clear_untrusted_proxy_headers"] is True
    assert waitress_options(proxies=1)["clear_untrusted_proxy_headers"] is False
    assert opts["channel_timeout"] <= 60 and opts["asyncore_use_poll"] is True and opts["threads"] >= 2


def test_waitress_queue_warnings_are_one_line_per_interval_not_one_per_request(monkeypatch):
    """Under load waitress warns "Task queue depth is N" for every request that waits for a
    thread; the entry points let one through per interval, saying how many were held back
    (a thousand queued requests, one log line). The clock is the filter's, moved by hand."""
    import logging

    import faqkb.web.serving as serving

    now = [1000.0]
    logger = logging.getLogger("waitress.queue")
    monkeypatch.setattr(logger, "filters", list(logger.filters))  # restored after the test
    sparse_queue_warnings()
    sparse_queue_warnings()  # idempotent: one filter
    (sparse,) = [f for f in logger.filters if isinstance(f, Sparse)]
    sparse.clock = lambda: now[0]
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler = Keep()
    logger.addHandler(handler)
    try:
        for depth in range(1, 1001):
            logger.warning("Task queue depth is %d", depth)
        assert seen == ["Task queue depth is 1"]
        now[0] += serving.QUEUE_LOG_EVERY
        logger.warning("Task queue depth is %d", 7)
        assert seen[1] == "Task queue depth is 7 (999 more such warnings held back)"
    finally:
        logger.removeHandler(handler)
