"""One bounded cache for everything a version keeps per query word or per hit, bounded in
bytes (the budgets are in engine.version, documented in docs/engine.md)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from itertools import islice
from typing import Any

EVICT = 8  # a full cache lets go of the oldest 1/EVICT of its bytes at once


class Bounded(dict):
    """A dict that, when full, lets go of its oldest values (first put, first out) until an
    EVICT-th of its budget is free, then keeps what comes next: what readers ask for
    repeats from query to query (Zipf), so the common keys come back within a few
    queries, with no per-access bookkeeping (an LRU's costs more than most of the lookups
    it saves). Not all at once: freeing a whole 12 MB cache of marks was 3-6 ms of one
    query's time (a tenth of the slowest first-time queries at 10k entries); an eighth is a
    few hundred microseconds. Full means ``most`` bytes of values as ``cost`` estimates
    them (an O(1) estimate per value, calibrated against a deep sys.getsizeof walk: a walk
    per value put would cost more than the work kept). ``made`` counts the values put in:
    the work the cache did not save (tests count it; nothing is timed)."""

    def __init__(self, most: int, cost: Callable[[Any], int]) -> None:
        super().__init__()
        self.most = most
        self.cost = cost
        self.held = 0  # estimated bytes of the values held
        self.made = 0
        # Writers take turns: the web's threads share a version's caches, and an eviction
        # iterating the dict while another thread put a key raised "dictionary changed size
        # during iteration" (bench/adversarial.py, 16 threads). Reads (dict.get) need no lock.
        self._writing = threading.Lock()

    def put(self, key: Any, value: Any) -> Any:
        size = self.cost(value)
        with self._writing:
            if key in self:  # replaced (two threads made the same value): counted once
                self.held -= self.cost(self[key])
            elif self.held + size > self.most:
                self._evict(self.most - self.most // EVICT - size)
            self[key] = value
            self.held += size
            self.made += 1
        return value

    def evict(self, keep: int) -> None:
        """Drop the oldest values until at most ``keep`` bytes are held (dicts keep their
        insertion order; a batch of keys is taken at a time, so this is linear in what goes)."""
        with self._writing:
            self._evict(keep)

    def _evict(self, keep: int) -> None:
        cost = self.cost
        while self and self.held > keep:
            for k in list(islice(self, 64)):
                self.held -= cost(self.pop(k))
                if self.held <= keep:
                    break
        if not self:
            self.held = 0
