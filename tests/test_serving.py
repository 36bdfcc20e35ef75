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

from faqkb.web.serving import CONNECTION_LIMIT, Sparse, fit_open_files, sparse_queue_warnings, waitress_options

HANG = 180  # seconds: only catches a hang (a busy 2-core machine starts the server slowly)
SLOW_CLIENTS = 300   # three times waitress's own default limit (100)


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


@pytest.mark.slow  # a faqkb serve subprocess and 300 connections
def test_slow_clients_do_not_lock_out_a_normal_one(served):
    fit_open_files(SLOW_CLIENTS + 100)  # this test process holds the slow clients' sockets
    slow = []
    try:
        for _ in range(SLOW_CLIENTS):
            s = socket.create_connection(("127.0.0.1", served), timeout=HANG)
            s.sendall(b"GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")   # and never finish
            slow.append(s)
        answered = []
        for path in ("/api/ping", "/search?q=sim", "/entry/refund-remaining-balance"):
            c = http.client.HTTPConnection("127.0.0.1", served, timeout=HANG)
            c.request("GET", path)
            answered.append(c.getresponse().status)
            c.close()
        assert answered == [200, 200, 200]
        # the slow clients are still connected (held, not dropped to make room)
        for s in slow[:10]:
            s.sendall(b"x")
    finally:
        for s in slow:
            s.close()


def test_serve_options_have_safe_defaults():
    opts = waitress_options()
    assert opts["connection_limit"] == CONNECTION_LIMIT >= 3 * SLOW_CLIENTS
    assert opts["channel_timeout"] <= 60 and opts["asyncore_use_poll"] is True and opts["threads"] >= 2


def test_waitress_queue_warnings_are_one_line_per_interval_not_one_per_request(monkeypatch):
    """Under load waitress warns "Task queue depth is N" for every request that waits for a
    thread; the entry points let one through per interval, saying how many were held back
    (a thousand queued requests, one log line). The clock is the filter's, moved by hand."""
    import logging

    import faqkb.web.serving as serving

    now = [1000.0]
    monkeypatch.setattr(serving.time, "monotonic", lambda: now[0])
    logger = logging.getLogger("waitress.queue")
    monkeypatch.setattr(logger, "filters", list(logger.filters))  # restored after the test
    sparse_queue_warnings()
    sparse_queue_warnings()  # idempotent: one filter
    assert sum(isinstance(f, Sparse) for f in logger.filters) == 1
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
