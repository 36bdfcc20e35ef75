"""What /healthz tells a load balancer, checked rather than assumed: the live index
version's files open, and the feedback store answers. Both checks are bounded (a few
files, one round trip within web/deferred.py's wait) and their result is kept for
CHECK_EVERY seconds, so a probe every few milliseconds costs nothing.

The answer names no path, file or error text (those go to the log and `faqkb stats`):
``{"status": "ok" | "degraded", "reasons": [codes], "index_version", "entries"}``.
Reason codes:

- ``index_missing``: CURRENT names no version folder that exists (HTTP 503: take this
  replica out; its open files may still answer, but the next switch will fail);
- ``index_unreadable``: the files of the version being served cannot be opened (503);
- ``serving_previous_index``: a rebuild or a switch failed; the previous index serves (200);
- ``feedback_unavailable``: the feedback store is slow or down; search and pages work,
  votes and statistics do not (200: every replica shares the store, so taking them all
  out would turn a lost statistic into an outage)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import FaqkbError
from ..feedback import FeedbackStore
from ..layout import current_version
from .deferred import DeferredWrites, StoreUnavailable
from .state import Site

EXT = "faqkb.health"  # the app's Health lives in app.extensions[EXT]
CHECK_EVERY = 1.0     # seconds a check's result is reused
MAX_FILES = 200       # files of one version opened at most (a version has a few dozen)
FATAL = ("index_missing", "index_unreadable")


def index_problem(index_dir: Path, serving: Path) -> str | None:
    """A reason code if the live version (CURRENT) is missing or the version being served
    cannot be read; None if both are fine. Opens each file and reads one byte."""
    try:
        live = current_version(index_dir)
    except (FaqkbError, OSError):
        return "index_missing"
    if live is None or not live.is_dir():
        return "index_missing"
    try:
        files = [p for p in serving.iterdir() if p.is_file()][:MAX_FILES]
        if not files:
            return "index_unreadable"
        for p in files:
            with p.open("rb") as f:
                f.read(1)
    except OSError:
        return "index_unreadable"
    return None


class Health:
    def __init__(self, site: Site, store: FeedbackStore, deferred: DeferredWrites,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.site, self.store, self.deferred, self._clock = site, store, deferred, clock
        self._lock = threading.Lock()
        self._checked: tuple[float, Path | None, list[str]] = (float("-inf"), None, [])

    def _checks(self) -> list[str]:
        serving = self.site.searcher.info.path
        now = self._clock()
        at, path, reasons = self._checked
        if now - at < CHECK_EVERY and path == serving:
            return reasons
        with self._lock:  # one prober at a time; the others reuse its answer
            at, path, reasons = self._checked
            if self._clock() - at < CHECK_EVERY and path == serving:
                return reasons
            reasons = []
            problem = index_problem(self.site.index_dir, serving)
            if problem:
                reasons.append(problem)
            try:
                self.deferred.call(self.store.ping)
            except StoreUnavailable:
                reasons.append("feedback_unavailable")
            self._checked = (self._clock(), serving, reasons)
        return reasons

    def report(self) -> tuple[dict, int]:
        """The public body and its HTTP status (503 only when this replica cannot search)."""
        base = self.site.health()
        reasons = list(self._checks())
        if self.site.last_error:
            reasons.insert(0, "serving_previous_index")
        fatal = any(r in FATAL for r in reasons)
        body = {"status": "degraded" if reasons else "ok", "reasons": reasons,
                "index_version": base["index_version"], "entries": base["entries"]}
        return body, 503 if fatal else 200
