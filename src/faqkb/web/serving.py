"""How `faqkb serve` runs waitress: the connection limit, a cap per client address, idle
timeout and threads, with defaults chosen so that slow clients cannot lock out everyone
else.

Waitress reads requests in its event loop and hands only complete requests to its worker
threads, so a slow client costs one connection (a file descriptor), not a thread. Its own
default limit of 100 connections let 150 slowloris-style clients lock out every reader;
1,000 open connections cost a few MB. A higher limit alone only moves the line: 1,010 slow
connections from one address held all 1,000 and a reader on another address got none of
3 pings answered. So one address may hold at most PER_ADDRESS connections (an IPv6 client
by its /64); a connection over that is closed as soon as it is accepted. Behind nginx
(docs/web.md; ``--proxies``), every connection comes from the proxy, so the cap is off
and nginx's own limits hold the slow clients."""

from __future__ import annotations

import logging
import resource
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from ..feedback import client_address
from ..settings import BY_NAME

log = logging.getLogger("faqkb.web")

# The defaults are the settings' (faqkb/settings.py: THREADS, CONNECTION_LIMIT, CHANNEL_TIMEOUT in
# seconds idle; waitress's own is 120), one place for `faqkb serve`, faqkb.wsgi and this module.
THREADS: int = BY_NAME["THREADS"].default
CONNECTION_LIMIT: int = BY_NAME["CONNECTION_LIMIT"].default
CHANNEL_TIMEOUT: int = BY_NAME["CHANNEL_TIMEOUT"].default
# connections one client address may hold (a browser opens ~6; readers behind one NAT share it)
PER_ADDRESS: int = BY_NAME["CONNECTIONS_PER_ADDRESS"].default
FDS_SPARE = 64            # descriptors for the index, the database, logs
QUEUE_LOG_EVERY = 10.0    # seconds between two of waitress's "Task queue depth" warnings


def waitress_options(threads: int = THREADS, connection_limit: int = CONNECTION_LIMIT,
                     channel_timeout: int = CHANNEL_TIMEOUT, proxies: int = 0) -> dict:
    """Keyword arguments for ``waitress.serve`` / ``create_server``. Raises the process's
    open-file limit to fit the connection limit when allowed; otherwise lowers the limit.

    With ``proxies`` (``--proxies N``), waitress passes the X-Forwarded-* headers on to the
    app, whose ProxyFix trusts exactly N hops: waitress's default removes them before any
    app sees them, and behind nginx every reader was then nginx's address (one vote, one
    rate-limit count and one client key for everyone; no https, so no Secure cookie)."""
    connection_limit = fit_open_files(connection_limit)
    return {"threads": threads, "connection_limit": connection_limit, "channel_timeout": channel_timeout,
            "cleanup_interval": min(30, channel_timeout),
            # select() cannot watch descriptors above 1024: poll() can
            "asyncore_use_poll": True, "ident": "faqkb",
            "clear_untrusted_proxy_headers": not proxies}


def cap_per_address(server: Any, per_address: int = PER_ADDRESS) -> Any:
    """Make ``server`` (what ``waitress.create_server`` returned) close a new connection
    from an address that already holds ``per_address``; 0 leaves it as it is. Returns the
    server. Connections are counted in the event loop thread, which accepts and closes."""
    if per_address <= 0:
        return server
    from waitress.channel import HTTPChannel
    from waitress.server import BaseWSGIServer

    held: Counter[str] = Counter()
    lock = threading.Lock()

    class Channel(HTTPChannel):
        counted: str | None = None

        def del_channel(self, map=None) -> None:
            super().del_channel(map)
            with lock:
                if self.counted is not None:
                    held[self.counted] -= 1
                    if held[self.counted] <= 0:
                        del held[self.counted]
                    self.counted = None

    def channel(server, sock, addr, adj, map=None):
        who = client_address(addr[0] if isinstance(addr, tuple) and addr else str(addr))
        with lock:
            over = held[who] >= per_address
            if not over:
                held[who] += 1
        if over:
            sock.close()
            return None
        try:
            ch = Channel(server, sock, addr, adj, map=map)
        except BaseException:
            with lock:
                held[who] -= 1
            raise
        ch.counted = who
        return ch

    servers = [server] if isinstance(server, BaseWSGIServer) else \
        [s for s in getattr(server, "map", {}).values() if isinstance(s, BaseWSGIServer)]
    for s in servers:
        s.channel_class = channel
    return server


def fit_open_files(connections: int) -> int:
    """The connection limit this process can hold open, raising its soft RLIMIT_NOFILE up
    to the hard limit if needed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = connections + FDS_SPARE
    if soft != resource.RLIM_INFINITY and soft < need:
        new = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
            soft = new
        except (ValueError, OSError):
            pass
        if soft < need:
            fitted = max(10, soft - FDS_SPARE)
            log.warning("open-file limit %d fits %d connections, not %d; serving with %d",
                        soft, fitted, connections, fitted)
            return fitted
    return connections


class Sparse(logging.Filter):
    """Lets one record through per ``every`` seconds and says how many it held back.

    waitress warns "Task queue depth is N" for every request that has to wait for a free
    thread: under load, a formatted, written log line per request, in the thread that
    reads every connection (about 20,000 lines in one bench/web_load.py run, so the more
    a server falls behind, the more it logs). One line per QUEUE_LOG_EVERY seconds says
    the same thing: the server is falling behind."""

    def __init__(self, every: float = QUEUE_LOG_EVERY, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.every, self.clock = every, clock  # the clock is public so a test can move it
        self._next = 0.0
        self._held = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        now = self.clock()
        with self._lock:
            if now < self._next:
                self._held += 1
                return False
            self._next = now + self.every
            held, self._held = self._held, 0
        if held:
            record.msg = f"{record.msg} ({held} more such warnings held back)"
        return True


def sparse_queue_warnings() -> None:
    """waitress's queue-depth warnings at most once per QUEUE_LOG_EVERY seconds (Sparse);
    idempotent. The application's entry points call it (cli serve, faqkb.wsgi)."""
    queue_log = logging.getLogger("waitress.queue")
    if not any(isinstance(f, Sparse) for f in queue_log.filters):
        queue_log.addFilter(Sparse())
