"""One bounded cache for everything a version keeps per query word or per hit, bounded in
bytes (the budgets are in engine.version, documented in docs/engine.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Bounded(dict):
    """A dict that empties itself when full, then keeps what comes next: what readers ask
    for repeats from query to query (Zipf), so a cache that forgets everything at once
    holds the common keys again within a few queries, with no per-access bookkeeping (an
    LRU's costs more than most of the lookups it saves). Full means ``most`` bytes of values
    as ``cost`` estimates them (an O(1) estimate per value, calibrated against a deep
    sys.getsizeof walk: a walk per value put would cost more than the work kept). ``made``
    counts the values put in: the work the cache did not save (tests count it; nothing is
    timed)."""

    def __init__(self, most: int, cost: Callable[[Any], int]) -> None:
        super().__init__()
        self.most = most
        self.cost = cost
        self.held = 0  # estimated bytes of the values held
        self.made = 0

    def put(self, key: Any, value: Any) -> Any:
        size = self.cost(value)
        if self.held + size > self.most:
            self.clear()
            self.held = 0
        self[key] = value
        self.held += size
        self.made += 1
        return value
