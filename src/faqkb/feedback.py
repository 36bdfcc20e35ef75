"""What readers tell the site, kept private: "was this helpful?" votes (with the query that
led to the entry), queries that found nothing (per language) and view counts per entry
(for "most asked"). SQLite in WAL mode in the instance folder; no IP addresses, user
agents, cookies or timestamps finer than a day are stored."""

from __future__ import annotations

import re
import sqlite3
import threading
from datetime import date
from pathlib import Path

from .search import MAX_QUERY_CHARS  # the same bound as a query the site accepts

DB_NAME = "feedback.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS zero_results (
    query TEXT NOT NULL, lang TEXT NOT NULL, count INTEGER NOT NULL DEFAULT 0,
    last_day TEXT NOT NULL, PRIMARY KEY (query, lang));
CREATE TABLE IF NOT EXISTS votes (
    entry_id TEXT NOT NULL, helpful INTEGER NOT NULL, query TEXT NOT NULL DEFAULT '',
    day TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS votes_entry ON votes (entry_id);
CREATE TABLE IF NOT EXISTS views (
    entry_id TEXT PRIMARY KEY, count INTEGER NOT NULL DEFAULT 0);
"""


def normalize_query(query: str) -> str:
    """One spelling per query for counting: whitespace collapsed, case folded, bounded."""
    return re.sub(r"\s+", " ", (query or "").strip()).casefold()[:MAX_QUERY_CHARS]


class FeedbackStore:
    """Thread-safe: one SQLite connection per thread, all on the same WAL database."""

    def __init__(self, instance_dir: str | Path) -> None:
        self.dir = Path(instance_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / DB_NAME
        self._local = threading.local()
        with self._conn() as c:
            c.executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    # -- writing

    def record_zero_result(self, query: str, lang: str | None) -> None:
        q = normalize_query(query)
        if not q:
            return
        self._conn().execute(
            "INSERT INTO zero_results (query, lang, count, last_day) VALUES (?, ?, 1, ?) "
            "ON CONFLICT (query, lang) DO UPDATE SET count = count + 1, last_day = excluded.last_day",
            (q, lang or "", date.today().isoformat()))

    def record_vote(self, entry_id: str, helpful: bool, query: str = "") -> None:
        self._conn().execute("INSERT INTO votes (entry_id, helpful, query, day) VALUES (?, ?, ?, ?)",
                             (entry_id, 1 if helpful else 0, normalize_query(query), date.today().isoformat()))

    def record_view(self, entry_id: str) -> None:
        self._conn().execute("INSERT INTO views (entry_id, count) VALUES (?, 1) "
                             "ON CONFLICT (entry_id) DO UPDATE SET count = count + 1", (entry_id,))

    # -- reading

    def top_zero_results(self, limit: int = 20) -> list[dict]:
        """Queries that found nothing, most frequent first: [{"query", "lang", "count"}]."""
        rows = self._conn().execute(
            "SELECT query, lang, count FROM zero_results ORDER BY count DESC, query LIMIT ?", (limit,))
        return [{"query": q, "lang": lang or None, "count": n} for q, lang, n in rows]

    def helpfulness(self) -> list[dict]:
        """Votes per entry, most voted first: [{"entry_id", "yes", "no"}]."""
        rows = self._conn().execute(
            "SELECT entry_id, SUM(helpful), SUM(1 - helpful) FROM votes GROUP BY entry_id "
            "ORDER BY COUNT(*) DESC, entry_id")
        return [{"entry_id": e, "yes": y, "no": n} for e, y, n in rows]

    def votes_for(self, entry_id: str) -> list[dict]:
        """Each vote on one entry with the query that led there (for editors)."""
        rows = self._conn().execute("SELECT helpful, query, day FROM votes WHERE entry_id = ?", (entry_id,))
        return [{"helpful": bool(h), "query": q, "day": d} for h, q, d in rows]

    def most_viewed(self, limit: int = 6) -> list[str]:
        rows = self._conn().execute("SELECT entry_id FROM views ORDER BY count DESC, entry_id LIMIT ?", (limit,))
        return [r[0] for r in rows]

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
