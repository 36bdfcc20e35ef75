"""How the site talks to the feedback store without ever being held up by it.

Two paths, both bounded (docs/feedback.md, "When the database is slow or down"):

- **After the response** (``submit``): gaps and entry views are written by one
  background thread per process, in the order they came. A new gap row is a transaction
  with a commit (about a millisecond, tens when the disk syncs); done inside the request,
  a reader waited for it and a waitress thread was held. At most MAX_PENDING writes wait;
  past that, or while the store is known to be down, a write is dropped and counted.
- **In the request** (``call``): what a reader waits for (a vote, the home page's most
  viewed list, /healthz's ping) runs on one of a few store threads, and the request waits
  at most ``wait`` seconds in all. A hung database (a paused VM, a partition: no timeout
  of the driver fires, the server never answers) then holds those few threads, never the
  server's: the first calls time out, and for ``pause`` seconds after a failure calls fail
  at once with StoreUnavailable; the caller degrades (starter list, "could not record
  your vote", /healthz degraded).

A failed write is counted (``dropped``, ``failed``) and logged as one line per
LOG_EVERY seconds, never a traceback per request."""

from __future__ import annotations

import concurrent.futures
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("faqkb.web")

MAX_PENDING = 1000   # writes waiting; a few MB at most, seconds of work for the store
WAIT = 2.0           # seconds a request waits for the store (a free store thread, then the answer)
PAUSE = 5.0          # seconds the store is left alone after a failure
STORE_THREADS = 4    # threads that may be stuck on a hung store at once
LOG_EVERY = 60.0     # seconds between two log lines about a failing store


class StoreUnavailable(Exception):
    """The feedback store did not answer in time, failed, or is known to be down."""


class DeferredWrites:
    def __init__(self, max_pending: int = MAX_PENDING, *, wait: float = WAIT, pause: float = PAUSE,
                 threads: int = STORE_THREADS, clock: Callable[[], float] = time.monotonic) -> None:
        self._queue: queue.Queue = queue.Queue(max_pending)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pool = concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="faqkb-feedback")
        self._slots = threading.BoundedSemaphore(threads)
        self.wait, self.pause, self._clock = wait, pause, clock
        self._down_until = 0.0
        self._next_log = 0.0
        self._unlogged = 0
        self.dropped = 0   # writes never tried: the queue was full or the store was down
        self.failed = 0    # writes and calls tried that failed or timed out
        self.last_failure: str | None = None   # a reason code, e.g. "timeout" (no text from the driver)

    # -- state

    @property
    def down(self) -> bool:
        """True while the store is left alone after a failure."""
        return self._clock() < self._down_until

    def _failure(self, reason: str, error: BaseException | None = None) -> None:
        with self._lock:
            self.failed += 1
            self.last_failure = reason
            self._down_until = self._clock() + self.pause
        self._log(f"feedback store unavailable ({reason}{': ' + type(error).__name__ if error else ''})")

    def _drop(self) -> None:
        with self._lock:
            self.dropped += 1
        self._log("feedback store unavailable")

    def _log(self, what: str) -> None:
        """One warning per LOG_EVERY seconds with the counts so far, not one per request."""
        now = self._clock()
        with self._lock:
            if now < self._next_log:
                self._unlogged += 1
                return
            self._next_log, held, self._unlogged = now + LOG_EVERY, self._unlogged, 0
        log.warning("%s; %d write(s) dropped, %d failed so far (%d such events not logged)",
                    what, self.dropped, self.failed, held)

    def _ok(self, failures_before: int) -> None:
        """A call or write that began when ``failures_before`` failures had been seen succeeded:
        the store answers. One that began before a failure says nothing of the store after it (a
        read that started before a full disk failed a write, finishing after it, must not end the
        pause: /healthz would say ok while every write fails)."""
        if self._down_until:
            with self._lock:
                if self.failed == failures_before:  # (none came while it ran)
                    self._down_until = 0.0

    # -- in the request

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` on a store thread, waiting at most ``wait`` seconds.
        Raises StoreUnavailable if the store is down, every store thread is held, or it
        fails or does not answer in time (the call then finishes or fails on its own)."""
        if self.down:
            raise StoreUnavailable("down")
        start, failures = self._clock(), self.failed
        if not self._slots.acquire(timeout=self.wait):  # every store thread held: by a hung store
            self._failure("busy")
            raise StoreUnavailable("busy")
        left = max(0.0, self.wait - (self._clock() - start))

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                self._slots.release()

        try:
            future = self._pool.submit(run)
        except RuntimeError:  # shut down
            self._slots.release()
            raise StoreUnavailable("closed") from None
        try:
            result = future.result(timeout=left)
        except concurrent.futures.TimeoutError:
            self._failure("timeout")
            raise StoreUnavailable("timeout") from None
        except ValueError:
            raise  # the caller's mistake (e.g. a reason not in the list), not the store's
        except Exception as e:
            self._failure("error", e)
            raise StoreUnavailable("error") from e
        self._ok(failures)
        return result

    # -- after the response

    def submit(self, fn: Callable[..., object], *args: object, **kwargs: object) -> bool:
        """Run ``fn(*args, **kwargs)`` after the response; False if it was dropped."""
        if self.down:
            self._drop()
            return False
        self._start()
        try:
            self._queue.put_nowait((fn, args, kwargs))
            return True
        except queue.Full:
            self._drop()
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
                if self.down:
                    self._drop()
                else:
                    failures = self.failed
                    fn(*args, **kwargs)
                    self._ok(failures)
            except Exception as e:  # a failed statistic must not stop the ones after it
                self._failure("error", e)
            finally:
                self._queue.task_done()

    def stats(self) -> dict:
        """Counts for `faqkb stats` and the tests: dropped, failed, pending, down."""
        return {"dropped": self.dropped, "failed": self.failed, "pending": self._queue.qsize(),
                "down": self.down, "last_failure": self.last_failure}
