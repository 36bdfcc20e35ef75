"""A small LRU of recent API search responses, keyed by index version and parameters.

Results are a pure function of (index version, parameters), so a cached response is
exactly what the Searcher would return; a rebuilt index changes the key. Readers of a FAQ
ask the same few questions again and again, so this spares the whoosh query (~15 ms of
CPU under the GIL) for most requests. Size 0 disables it."""

from __future__ import annotations

import threading
from collections import OrderedDict


class ResponseCache:
    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        if not self.size:
            return None
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        if not self.size:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
