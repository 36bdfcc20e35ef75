"""Feedback writes a response need not wait for (a search that found no good answer, an
entry view), done after the response by one background thread, in the order they came.

A new gap row is a database transaction with a commit: about a millisecond, and tens of
milliseconds when the disk syncs (bench/web_load.py's shared machine: p90 21 ms). Done
inside the request, a reader waited for it and a waitress thread was held. The queue is
bounded: when it is full (the database cannot keep up), a write is dropped and counted
(``dropped``; logged) instead of holding the request; counts are statistics for editors,
never something a reader sees. Votes stay synchronous: the reader is told they counted."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger("faqkb.web")

MAX_PENDING = 1000  # writes waiting; a few MB at most, seconds of work for the store


class DeferredWrites:
    def __init__(self, max_pending: int = MAX_PENDING) -> None:
        self._queue: queue.Queue = queue.Queue(max_pending)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.dropped = 0

    def submit(self, fn: Callable[..., object], *args: object, **kwargs: object) -> bool:
        """Run ``fn(*args, **kwargs)`` after the response; False if it was dropped."""
        self._start()
        try:
            self._queue.put_nowait((fn, args, kwargs))
            return True
        except queue.Full:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.warning("feedback writes are falling behind: %d dropped", self.dropped)
            return False

    def flush(self) -> None:
        """Wait until every write submitted so far is done (tests, shutdown)."""
        self._queue.join()

    def _start(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="faqkb-feedback-writes", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while True:
            fn, args, kwargs = self._queue.get()
            try:
                fn(*args, **kwargs)
            except Exception:  # a failed statistic must not stop the ones after it
                log.exception("deferred feedback write failed")
            finally:
                self._queue.task_done()
