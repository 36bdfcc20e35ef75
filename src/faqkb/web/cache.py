"""A small LRU of recent API search responses, keyed by index version and parameters; and
``Recent``, the few values pages show that may be a little old (module end). Both keep their
values in one ``LRU``.

Results are a pure function of (index version, parameters), so a cached response is
exactly what the Searcher would return; a rebuilt index changes the key. Readers of a FAQ
ask the same few questions again and again, so this spares the whoosh query (~15 ms of
CPU under the GIL) for most requests. Size 0 disables it."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class LRU:
    """At most ``size`` values, thread-safe, the least recently used (got or put) dropped
    first; size 0 keeps nothing."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The value of ``key``, now the most recently used; None when missing."""
        if not self.size:
            return None
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> list[Hashable]:
        """Keep ``value`` as ``key``'s; returns the keys no longer kept (the least recently
        used beyond ``size``; ``key`` itself when the size is 0)."""
        if not self.size:
            return [key]
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            dropped = []
            while len(self._data) > self.size:
                dropped.append(self._data.popitem(last=False)[0])
            return dropped


class ResponseCache(LRU):
    """API search response bodies by (index version, parameters)."""

    def __init__(self, size: int = 1024) -> None:
        super().__init__(size)


_WAIT = object()  # Recent.get without a default: wait for a value being computed


class Recent:
    """Values a page shows that are costly to compute and may be a little old: the home
    page's "most asked" (a feedback-store query) for ``seconds``, the sitemap until the index
    version changes (its key names the version). Bounded: ``size`` keys, the least recently
    used dropped. One computation per key at a time; while one runs, other requests get the
    value it replaces (a store that is slow holds one request, not every one).

    ``computed`` counts computations: with many requests it stays at one per key and
    period (tests/test_web_caches.py), the cost that must not scale with requests."""

    def __init__(self, size: int = 64, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.computed = 0
        self._clock = clock
        self._data = LRU(size)  # key -> (expiry on ``clock``, value)
        self._lock = threading.Lock()
        self._busy: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], tuple[Any, float]], default: Any = _WAIT) -> Any:
        """The value of ``key``, computed by ``compute()`` when missing or expired;
        ``compute`` returns (value, seconds it may be kept; 0 keeps it not at all). While
        another request computes a missing value, ``default`` is returned at once if given
        (the home page's starter list: a hung store holds one request, not every one), else
        the request waits for that value."""
        with self._lock:
            got = self._data.get(key)
            if got is not None and self._clock() < got[0]:
                return got[1]
            busy = self._busy.setdefault(key, threading.Lock())
        # Expired or missing: one request computes it; the others use the old value if there is one.
        if not busy.acquire(blocking=got is None and default is _WAIT):
            return got[1] if got is not None else default
        try:
            with self._lock:
                again = self._data.get(key)
            if again is not None and self._clock() < again[0]:
                return again[1]  # computed by the request we waited for
            value, seconds = compute()
            with self._lock:
                self.computed += 1
                if seconds > 0:
                    for old in self._data.put(key, (self._clock() + seconds, value)):
                        self._busy.pop(old, None)
            return value
        finally:
            busy.release()
