"""One bounded cache for everything a version keeps per query word or per hit."""

from __future__ import annotations

from typing import Any


class Bounded(dict):
    """A dict that empties itself when full, then keeps what comes next: what readers ask
    for repeats from query to query (Zipf), so a cache that forgets everything at once
    holds the common keys again within a few queries, with no per-access bookkeeping (an
    LRU's costs more than most of the lookups it saves). ``made`` counts the values put
    in: the work the cache did not save (tests count it; nothing is timed)."""

    def __init__(self, most: int) -> None:
        super().__init__()
        self.most = most
        self.made = 0

    def put(self, key: Any, value: Any) -> Any:
        if len(self) >= self.most:
            self.clear()
        self[key] = value
        self.made += 1
        return value
