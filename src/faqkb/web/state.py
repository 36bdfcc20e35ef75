"""The site's link to the core: one Searcher that follows index rebuilds, an optional kb/
watcher that rebuilds on change, and what /healthz reports."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FaqkbError, IndexNotReady, KBError, KBErrors
from ..search import Searcher

if TYPE_CHECKING:
    from flask import Flask

    from ..feedback import FeedbackStore
    from .cache import ResponseCache
    from .deferred import DeferredWrites

from .cache import Recent

log = logging.getLogger("faqkb.web")

EXT = "faqkb"  # the app's AppState lives in app.extensions[EXT]

REFRESH_EVERY = 1.0   # seconds between checks of the index's CURRENT pointer
WATCH_EVERY = 2.0     # seconds between checks of kb/ for changes


class Site:
    """Holds the searcher for one app. Requests call ``maybe_refresh()``; a rebuilt index
    (by ``faqkb build`` or the watcher) is picked up within a second, and a query already
    running finishes on the version it started with (the Searcher swaps state atomically)."""

    def __init__(self, kb_dir: Path, index_dir: Path, *, build: bool = True) -> None:
        self.kb_dir, self.index_dir = Path(kb_dir), Path(index_dir)
        self.last_error: str | None = None
        self.last_error_at: float | None = None
        # The kb's problems while it cannot be built (file:line each): the --watch banner.
        self.kb_problems: list[KBError | str] = []
        self._failed_fingerprint: str | None = None
        self._refresh_error: str | None = None
        self.refresh_every = REFRESH_EVERY  # seconds between looks at CURRENT (0: every request)
        self._next_refresh = 0.0
        self._rebuild_lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self.starter: tuple[str, ...] = ()  # kb/home.yaml: the home page's first entries
        if build:
            self.rebuild_if_stale()
        from ..service import settle  # the serving process's gc policy

        self.searcher = Searcher(self.index_dir, on_load=settle)  # IndexNotReady if nothing could be built
        self._read_starter()

    # -- following the index

    def maybe_refresh(self) -> None:
        now = time.monotonic()
        if now < self._next_refresh:
            return
        self._next_refresh = now + self.refresh_every
        try:
            switched = self.searcher.refresh()
            if self._refresh_error is not None:  # the index reads again: that error is over
                if self.last_error == self._refresh_error:
                    self.last_error = None
                self._refresh_error = None
            if switched:
                log.info("switched to index %s (%d entries)", self.searcher.info.path.name,
                         self.searcher.entry_count)
                self._read_starter()
        except IndexNotReady as e:  # a half-deleted index dir: keep serving the open one
            self._refresh_error = str(e)
            self._error(str(e))

    def refresh_now(self) -> None:
        """Look at the index's CURRENT pointer at once, not at the next interval."""
        self._next_refresh = 0.0
        self.maybe_refresh()

    def rebuild_if_stale(self) -> bool:
        """Rebuild when kb/ changed since the live index was built. A broken kb is logged
        (one line per problem) and kept in ``last_error``; the old index keeps serving.
        True if a new index went live."""
        from ..service import freshness, rebuild

        with self._rebuild_lock:
            if not self.kb_dir.is_dir():
                return False  # nothing to compare with: serve what was built
            try:
                fresh = freshness(self.kb_dir, self.index_dir)
            except FaqkbError as e:  # e.g. the kb folder is no longer a kb: keep serving
                self._error(f"cannot check the kb: {e}")
                return False
            why, fingerprint = fresh.stale, fresh.fingerprint
            if not why:
                # The kb matches the live index again (a broken file restored as it was
                # built, or another process rebuilt it): nothing is wrong any more.
                self._failed_fingerprint = None
                self.last_error = None
                self.kb_problems = []
                return False
            if fingerprint == self._failed_fingerprint:
                return False  # same broken kb as last time: already reported
            log.info("%s; rebuilding", why)
            try:
                info = rebuild(self.kb_dir, self.index_dir, fingerprint=fingerprint)
            except KBErrors as e:
                self._failed_fingerprint = fingerprint
                self.kb_problems = list(e.errors)
                for err in e.errors:
                    log.error("%s", err)
                self._error(f"{len(e.errors)} problem(s) in {self.kb_dir}; still serving the previous index: "
                            + "; ".join(str(err) for err in e.errors[:5]))
                return False
            except FaqkbError as e:
                self._failed_fingerprint = fingerprint
                self.kb_problems = [str(e)]
                self._error(f"rebuild failed: {e}")
                return False
            self._failed_fingerprint = None
            self.last_error = None
            self.kb_problems = []
            log.info("built %d entries into %s", info.entries, info.path.name)
        if hasattr(self, "searcher"):
            self.refresh_now()
        return True

    def _read_starter(self) -> None:
        """kb/home.yaml's starter ids, read again when a new index goes live (the kb it was built
        from may have changed them); a broken file keeps the previous list (`faqkb check` says why)."""
        from ..kbase.load import read_home

        try:
            self.starter = tuple(read_home(self.kb_dir)) if self.kb_dir.is_dir() else ()
        except FaqkbError as e:
            log.warning("kb home page list not read: %s", e)

    def _error(self, message: str) -> None:
        log.error("%s", message)
        self.last_error, self.last_error_at = message, time.time()

    # -- watching kb/

    def start_watching(self, every: float = WATCH_EVERY) -> None:
        if self._watcher is not None:
            return

        def loop() -> None:
            while not self._stop.wait(every):
                try:
                    self.rebuild_if_stale()
                except Exception:  # the watcher must outlive any one bad rebuild
                    log.exception("kb watcher")

        self._watcher = threading.Thread(target=loop, name="faqkb-kb-watcher", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()

    # -- reporting

    def health(self) -> dict:
        """What the public /healthz shows: no paths, no file names, no error text (those
        go to the log, and `faqkb stats` shows them to the operator)."""
        return {"status": "degraded" if self.last_error else "ok",
                "index_version": self.searcher.info.path.name,
                "entries": self.searcher.entry_count}

    def details(self) -> dict:
        """The operator's view: health plus when the index was built and the last error."""
        info = self.searcher.info
        return {**self.health(),
                "built_at": datetime.fromtimestamp(info.built_at, timezone.utc).isoformat(timespec="seconds"),
                "last_error": self.last_error}


@dataclass(frozen=True)
class AppState:
    """Everything one app holds, in one object (as datasette's Datasette): the live index
    (Site), the feedback store, the API response cache, the writes done after a response and
    the pages' values that may be a little old (Recent: "most asked", the sitemap).
    Views reach it through web/site.py, scripts and tests through ``state_of(app)``."""
    site: Site
    feedback: FeedbackStore
    cache: ResponseCache
    deferred: DeferredWrites
    recent: Recent = field(default_factory=Recent)


def state_of(app: Flask) -> AppState:
    """The AppState of an app made by ``create_app``."""
    return app.extensions[EXT]
