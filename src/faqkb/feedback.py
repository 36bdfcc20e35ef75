"""What readers tell the site, kept small and private, in any SQL database SQLAlchemy Core
reaches by URL: ``sqlite:///…/feedback.sqlite3`` (the default, in the instance folder) or
``postgresql://…`` shared by several replicas.

What is kept, and for how long (docs/feedback.md says the same for operators):

- **gaps**: queries that found nothing or only a weak answer — normalized (NFKC, case
  folded, whitespace collapsed), cut to ``query_chars``, one counted row per (query,
  language), at most ``max_queries`` rows; a row unseen for ``retention_days`` is deleted.
- **gap_entries**: which entry a reader opened from such a query (counted, same bounds).
- **votes**: one "was this helpful?" vote per client per entry per day (a second vote
  replaces the first), with an optional reason from ``REASONS`` and the normalized query;
  at most ``max_votes`` rows, each kept ``retention_days``.
- **views**: a counter per entry; a client's views of one entry count once a day
  (``views_seen`` remembers who saw what today, and only today).
- **gaps_seen**: the same for gaps: a client's gap counts once per query a day, and one
  client adds at most ``gaps_per_client`` new queries a day.

A *client key* is ``HMAC(day key, address)`` (an IPv6 address by its /64), where the day
key is ``HMAC(secret, date)`` and the secret is the app's SECRET_KEY, which is not stored
with the data: a copy of the database alone cannot turn keys back into addresses, and
nothing is written to make a key (a page view costs no database write). No address, user
agent, cookie or time finer than a day is stored.

Every bound is enforced when writing, so one client with a loop can neither fill the
database nor move a count by more than one. Retention trusts the wall clock only as far
as the data and the process's monotonic clock agree with it (``_cutoff``): a clock that
jumps forward deletes nothing real, and rows this process stamped in the future are set
back to today once the clock returns.

Every statement is bounded: connecting takes at most ``connect_timeout`` seconds and a
statement (or SQLite's wait for the write lock) at most ``statement_timeout``; the web
calls the store through web/deferred.py, which also bounds how long a request waits.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

DB_NAME = "feedback.sqlite3"
REASONS = ("not-answered", "outdated", "hard-to-understand", "wrong-language")
KINDS = ("none", "weak")  # a query that found nothing / found only a weak answer (answered: false)


@dataclass(frozen=True)
class Bounds:
    """What the store keeps at most (see the module docstring)."""

    query_chars: int = 100
    max_queries: int = 2000
    max_reached: int = 5000
    max_votes: int = 50_000
    max_seen: int = 50_000
    retention_days: int = 90
    gaps_per_client: int = 10   # new gap queries one client may add in a day
    max_answered: int = 2000    # answered queries followed (what readers did after a short answer)
    asked_days: int = 30        # "most asked" counts distinct readers over this many days ...
    asked_min: int = 5          # ... and an entry needs this many before it displaces the editors' starter list


CONNECT_TIMEOUT = 2.0     # seconds to open a connection to the database
STATEMENT_TIMEOUT = 5.0   # seconds a statement may run (SQLite: wait for the write lock)
_DAY = 86_400.0


_ID = 100   # entry ids are short; a longer one is not ours and is cut
_LANG = 8

metadata = sa.MetaData()
_LOCK_IDS = {"gaps": 0x6661716B01, "votes": 0x6661716B02, "views_seen": 0x6661716B03,
             "gaps_seen": 0x6661716B04, "answered": 0x6661716B05, "answered_seen": 0x6661716B06}
gaps = sa.Table(
    "gaps", metadata,
    sa.Column("query", sa.String(200), primary_key=True),
    sa.Column("lang", sa.String(_LANG), primary_key=True),   # "" when unknown
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("none_count", sa.Integer, nullable=False),      # of which found nothing at all
    sa.Column("first_day", sa.String(10), nullable=False),
    sa.Column("last_day", sa.String(10), nullable=False, index=True),
    sqlite_with_rowid=False,  # rows live in the primary-key tree: half the bytes of rowid + index
)
gap_entries = sa.Table(
    "gap_entries", metadata,
    sa.Column("query", sa.String(200), primary_key=True),
    sa.Column("lang", sa.String(_LANG), primary_key=True),
    sa.Column("entry_id", sa.String(_ID), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("last_day", sa.String(10), nullable=False, index=True),
    sqlite_with_rowid=False,
)
votes = sa.Table(
    "votes", metadata,
    sa.Column("client", sa.String(32), primary_key=True),
    sa.Column("entry_id", sa.String(_ID), primary_key=True),
    sa.Column("helpful", sa.Boolean, nullable=False),
    sa.Column("reason", sa.String(24), nullable=True),         # one of REASONS, only when not helpful
    sa.Column("query", sa.String(200), nullable=False),
    sa.Column("day", sa.String(10), nullable=False, index=True),
    sqlite_with_rowid=False,
)
views = sa.Table(
    "views", metadata,
    sa.Column("entry_id", sa.String(_ID), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)
view_days = sa.Table(   # distinct readers of an entry per day, for "most asked" over a window
    "view_days", metadata,
    sa.Column("entry_id", sa.String(_ID), primary_key=True),
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sqlite_with_rowid=False,
)
views_seen = sa.Table(
    "views_seen", metadata,
    sa.Column("client", sa.String(32), primary_key=True),
    sa.Column("entry_id", sa.String(_ID), primary_key=True),
    sa.Column("day", sa.String(10), nullable=False, index=True),
    sqlite_with_rowid=False,
)
gaps_seen = sa.Table(
    "gaps_seen", metadata,
    sa.Column("client", sa.String(32), primary_key=True),
    sa.Column("query", sa.String(200), primary_key=True),
    sa.Column("lang", sa.String(_LANG), primary_key=True),
    sa.Column("day", sa.String(10), nullable=False, index=True),
    sqlite_with_rowid=False,
)
# Answered queries (the search gave a short answer): what readers did next. One row per
# (query, language, answer); a client counts once a day in each column (answered_seen).
answered = sa.Table(
    "answered", metadata,
    sa.Column("query", sa.String(200), primary_key=True),
    sa.Column("lang", sa.String(_LANG), primary_key=True),
    sa.Column("answer_id", sa.String(_ID), primary_key=True),
    sa.Column("shown", sa.Integer, nullable=False),           # readers who got this answer
    sa.Column("clicked_answer", sa.Integer, nullable=False),  # ... and opened it
    sa.Column("clicked_other", sa.Integer, nullable=False),   # ... and opened another entry first
    sa.Column("voted_no", sa.Integer, nullable=False),        # ... and voted "not helpful" on it
    sa.Column("first_day", sa.String(10), nullable=False),
    sa.Column("last_day", sa.String(10), nullable=False, index=True),
    sqlite_with_rowid=False,
)
answered_other = sa.Table(
    "answered_other", metadata,
    sa.Column("query", sa.String(200), primary_key=True),
    sa.Column("lang", sa.String(_LANG), primary_key=True),
    sa.Column("answer_id", sa.String(_ID), primary_key=True),
    sa.Column("entry_id", sa.String(_ID), primary_key=True),  # the entry opened instead
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("last_day", sa.String(10), nullable=False, index=True),
    sqlite_with_rowid=False,
)
answered_seen = sa.Table(
    "answered_seen", metadata,
    sa.Column("client", sa.String(32), primary_key=True),
    sa.Column("query", sa.String(200), primary_key=True),
    sa.Column("lang", sa.String(_LANG), primary_key=True),
    sa.Column("clicked", sa.Boolean, nullable=False),
    sa.Column("voted_no", sa.Boolean, nullable=False),
    sa.Column("day", sa.String(10), nullable=False, index=True),
    sqlite_with_rowid=False,
)
ANSWERED_EVENTS = ("shown", "click", "no")
# Columns holding a day, per table: what retention and clock repairs look at.
_DAY_COLUMNS = {gaps: ("last_day", "first_day"), gap_entries: ("last_day",), votes: ("day",),
                views_seen: ("day",), gaps_seen: ("day",), view_days: ("day",),
                answered: ("last_day", "first_day"), answered_other: ("last_day",), answered_seen: ("day",)}


def normalize_query(query: str, limit: int = Bounds.query_chars) -> str:
    """One spelling per query for counting: NFKC (full-width → ASCII), whitespace
    collapsed, case folded, cut to ``limit`` characters."""
    q = unicodedata.normalize("NFKC", query or "")
    q = "".join(c for c in q if c.isprintable() or c.isspace())
    return re.sub(r"\s+", " ", q).strip().casefold()[:limit].strip()


def client_address(addr: str | None) -> str:
    """The part of an address that names one client: IPv4 as is, IPv6 by its /64 (one
    machine is handed a whole /64 and could otherwise vote once per address in it)."""
    try:
        ip = ipaddress.ip_address((addr or "").split("%")[0])
    except ValueError:
        return addr or ""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address) + "/64"
    return str(ip)


def default_url(instance_dir: str | Path) -> str:
    path = Path(instance_dir).resolve() / DB_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


_READ = "faqkb_read_only"


def _engine(url: str, connect_timeout: float, statement_timeout: float) -> Engine:
    u = sa.make_url(url)
    if u.drivername == "postgresql":  # psycopg 3 is what the extra installs, not psycopg2
        u = u.set(drivername="postgresql+psycopg")
    if u.get_backend_name() != "sqlite":
        ms = int(statement_timeout * 1000)
        # connect_timeout bounds connecting (libpq: whole seconds, at least 2); the server
        # cancels a statement, a lock wait or an idle transaction past statement_timeout.
        # A server that is paused answers none of these: web/deferred.py bounds the wait.
        options = f"-c statement_timeout={ms} -c lock_timeout={ms} -c idle_in_transaction_session_timeout={ms}"
        return sa.create_engine(u, pool_pre_ping=True, pool_size=5, max_overflow=10,
                                pool_timeout=connect_timeout,
                                connect_args={"connect_timeout": max(2, round(connect_timeout)),
                                              "options": options})
    engine = sa.create_engine(u, connect_args={"timeout": statement_timeout})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        # Autocommit at the driver level, so that "begin" below decides how a transaction starts.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        # Bound the WAL file too: checkpoint every ~100 KB and truncate it back afterwards.
        cur.execute("PRAGMA wal_autocheckpoint=25")
        cur.execute("PRAGMA journal_size_limit=131072")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        # A writing transaction takes the write lock up front, so that two writers queue on
        # the busy timeout instead of one failing to upgrade its read lock; reads don't.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(_READ) else "BEGIN IMMEDIATE")

    return engine


class FeedbackStore:
    """Thread- and process-safe (the database does the locking); share one per process."""

    def __init__(self, url: str, bounds: Bounds | None = None, *,
                 today: Callable[[], date] | None = None, monotonic: Callable[[], float] | None = None,
                 secret: str | bytes | None = None, connect_timeout: float = CONNECT_TIMEOUT,
                 statement_timeout: float = STATEMENT_TIMEOUT) -> None:
        """``today`` and ``monotonic`` are the clocks (the wall clock's UTC date and
        time.monotonic by default; tests pass their own). ``secret`` keys the client keys
        (the web passes its SECRET_KEY; without one, a random secret of this process)."""
        self.url = url
        self.bounds = bounds or Bounds()
        self._today = today or (lambda: datetime.now(timezone.utc).date())
        self._monotonic = monotonic or time.monotonic
        if secret is None:
            secret = secrets.token_bytes(32)
        self._secret = secret.encode() if isinstance(secret, str) else bytes(secret)
        self._day_key: tuple[str, bytes] = ("", b"")
        self._clock_lock = threading.Lock()
        self._anchor: tuple[str, float] | None = None   # (newest day in the data at start, monotonic then)
        self._stamped: set[str] = set()                  # days this process wrote that may lie ahead
        self.engine = _engine(url, connect_timeout, statement_timeout)
        self._keep_old_votes()
        try:
            metadata.create_all(self.engine)
        except sa.exc.IntegrityError:  # replicas starting at once on a shared server: one won
            metadata.create_all(self.engine)
        except sa.exc.ProgrammingError as e:
            if "already exists" not in str(e):
                raise
            metadata.create_all(self.engine)
        self._drop_salts()
        with self.engine.connect().execution_options(**{_READ: True}) as c:
            self._cutoff(c)  # anchors retention on the data as this process found it

    def _drop_salts(self) -> None:
        """An earlier release kept the day's random salt in a ``salts`` table, next to the
        keys it made: a copy of the database could reverse them. Keys no longer use it."""
        if "salts" in sa.inspect(self.engine).get_table_names():
            try:
                with self.engine.begin() as c:
                    c.exec_driver_sql("DROP TABLE IF EXISTS salts")
            except sa.exc.DBAPIError:  # another replica dropped it first
                pass

    def _keep_old_votes(self) -> None:
        """A database from before client keys has a ``votes`` table without ``client`` (every
        vote counted, however often one reader cast it). It is kept, renamed, so its data is
        not lost and the new table can take the name."""
        inspector = sa.inspect(self.engine)
        if "votes" in inspector.get_table_names() and \
                "client" not in {c["name"] for c in inspector.get_columns("votes")}:
            with self.engine.begin() as c:
                c.exec_driver_sql("ALTER TABLE votes RENAME TO votes_without_client_keys")

    @classmethod
    def in_instance(cls, instance_dir: str | Path, bounds: Bounds | None = None) -> FeedbackStore:
        """The default store: SQLite in the instance folder."""
        return cls(default_url(instance_dir), bounds)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # -- days and client keys

    def _day(self, offset: int = 0) -> str:
        return (self._today() + timedelta(days=offset)).isoformat()

    def _stamp(self) -> str:
        """Today, for a row being written. A day past what this process can vouch for
        (``_trusted``: the clock may be ahead) is remembered, so that ``_repair_clock``
        can set such rows back to today once the clock returns."""
        day = self._day()
        trusted = self._trusted()
        if trusted is not None and day > trusted.isoformat():
            with self._clock_lock:
                self._stamped.add(day)
        return day

    def _repair_clock(self, c: Connection) -> str:
        """Rows this process stamped ahead of the time it could vouch for, with a day
        that is now in the future (the clock was ahead and came back), are set to today,
        so they do not outlive retention. Other rows with a future day are left as they
        are (a clock that is now behind must not rewrite real days) and retention ignores
        them until their day comes. Returns today."""
        today = self._day()
        with self._clock_lock:
            ahead = sorted(d for d in self._stamped if d > today)
            self._stamped = {d for d in self._stamped if d >= today}  # today's may still come back
        if ahead:
            for table, cols in _DAY_COLUMNS.items():
                for col in cols:
                    c.execute(table.update().where(table.c[col].in_(ahead)).values({col: today}))
            with self._clock_lock:
                self._stamped -= set(ahead)
        return today

    def _trusted(self) -> date | None:
        """The latest day this process can vouch for: the newest day in the data when it
        started, plus the days its monotonic clock has seen pass (None before it looked)."""
        with self._clock_lock:
            anchor = self._anchor
        if anchor is None:
            return None
        start, then = anchor
        return date.fromisoformat(start) + timedelta(days=int((self._monotonic() - then) // _DAY) + 1)

    def _cutoff(self, c: Connection) -> str:
        """Rows last seen before this day are past retention. Not simply today minus the
        window: the cutoff never passes ``_trusted()`` minus the window, so a wall clock
        that jumps ahead (a board booting before NTP) deletes nothing real. After a real
        idle spell, old rows go once the process has seen the days pass or restarts on
        data that proves them (at most one window late)."""
        if self._anchor is None:
            newest = max((c.execute(sa.select(sa.func.max(t.c[cols[0]]))).scalar() or ""
                          for t, cols in _DAY_COLUMNS.items()
                          if t not in (views_seen, gaps_seen, answered_seen, view_days)),
                         default="")
            today = self._day()
            with self._clock_lock:
                self._anchor = (newest if newest and newest <= today else today, self._monotonic())
        trusted = min(self._trusted() or self._today(), self._today())
        return (trusted - timedelta(days=self.bounds.retention_days)).isoformat()

    def client_key(self, addr: str | None) -> str:
        """The day's pseudonym for a client address (see the module docstring): computed,
        never written, so asking for it cannot block or fail on the database."""
        day = self._day()
        key_day, key = self._day_key
        if key_day != day:  # yesterday's day key is dropped: only today's is in memory
            key = hmac.new(self._secret, f"faqkb client key\0{day}".encode(), hashlib.sha256).digest()
            self._day_key = (day, key)
        return hmac.new(key, client_address(addr).encode(), hashlib.sha256).hexdigest()[:32]

    def ping(self) -> None:
        """One round trip to the database (raises if it cannot be reached)."""
        with self.engine.connect() as c:
            c.execute(sa.text("SELECT 1"))

    # -- writing

    def _upsert(self, c: Connection, table: sa.Table, values: dict, keys: list[str],
                update: dict | None) -> int:
        """INSERT … ON CONFLICT (keys) DO UPDATE SET update (or DO NOTHING); rows changed."""
        from sqlalchemy.dialects import postgresql, sqlite

        insert: Any = postgresql.insert if self.backend == "postgresql" else sqlite.insert
        stmt = insert(table).values(**values)
        stmt = stmt.on_conflict_do_update(index_elements=keys, set_=update) if update else \
            stmt.on_conflict_do_nothing(index_elements=keys)
        # RETURNING, not rowcount: drivers disagree on rowcount for a skipped insert.
        return len(c.execute(stmt.returning(table.c[keys[0]])).all())

    def _lock(self, c: Connection, table: sa.Table) -> None:
        """Serialize the writers that may add a row to ``table`` until this transaction ends,
        so that "count, then insert or evict" holds the cap exactly with many writers.
        SQLite's BEGIN IMMEDIATE already does; PostgreSQL takes a transaction advisory lock."""
        if self.backend == "postgresql":
            c.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_IDS[table.name])))

    def _over(self, c: Connection, table: sa.Table, cap: int) -> int:
        return max(0, c.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() - cap)

    def record_gap(self, query: str, lang: str | None, *, found_nothing: bool = True,
                   client: str | None = None) -> bool:
        """Count a query that found nothing (or, with found_nothing=False, only a weak
        answer). With ``client`` (a key from ``client_key``; the web always gives one) a
        client counts once per query a day and adds at most ``gaps_per_client`` new
        queries a day. A new row first clears rows past retention, then, if the table is
        full, evicts the least-asked, longest-unseen rows. False if nothing was counted."""
        q = normalize_query(query, self.bounds.query_chars)
        if not q:
            return False
        lang, day, none = (lang or "")[:_LANG], self._stamp(), int(found_nothing)
        row = (gaps.c.query == q) & (gaps.c.lang == lang)
        with self.engine.begin() as c:
            if client is not None and not self._first_gap_today(c, client, q, lang, day):
                return False
            if c.execute(gaps.update().where(row).values(
                    count=gaps.c.count + 1, none_count=gaps.c.none_count + none, last_day=day)).rowcount:
                return True
            self._lock(c, gaps)
            self._repair_clock(c)
            self._upsert(c, gaps, {"query": q, "lang": lang, "count": 1, "none_count": none,
                                   "first_day": day, "last_day": day}, ["query", "lang"],
                         {"count": gaps.c.count + 1, "none_count": gaps.c.none_count + none, "last_day": day})
            cutoff = self._cutoff(c)
            c.execute(gaps.delete().where(gaps.c.last_day < cutoff))
            c.execute(gap_entries.delete().where(gap_entries.c.last_day < cutoff))
            excess = self._over(c, gaps, self.bounds.max_queries)
            if excess:
                victims = (sa.select(gaps.c.query, gaps.c.lang).where(~row)
                           .order_by(gaps.c.count, gaps.c.last_day, gaps.c.first_day).limit(excess))
                c.execute(gaps.delete().where(sa.tuple_(gaps.c.query, gaps.c.lang).in_(victims)))
        return True

    def _first_gap_today(self, c: Connection, client: str, q: str, lang: str, day: str) -> bool:
        """Whether this client's gap (q, lang) is its first today and within its daily
        allowance (remembered in gaps_seen, today only, at most max_seen rows)."""
        mine = (gaps_seen.c.client == client) & (gaps_seen.c.query == q) & (gaps_seen.c.lang == lang)
        if c.execute(sa.select(gaps_seen.c.day).where(mine)).scalar() == day:
            return False  # the common repeat, decided without waiting for the lock
        self._lock(c, gaps_seen)
        c.execute(gaps_seen.delete().where(gaps_seen.c.day != day))   # other days' rows: not needed
        if c.execute(sa.select(gaps_seen.c.day).where(mine)).scalar() == day:
            return False
        added = c.execute(sa.select(sa.func.count()).select_from(gaps_seen)
                          .where(gaps_seen.c.client == client)).scalar_one()
        if added >= self.bounds.gaps_per_client or self._over(c, gaps_seen, self.bounds.max_seen - 1):
            return False  # this client's allowance for today, or the table, is full
        c.execute(gaps_seen.insert().values(client=client, query=q, lang=lang, day=day))
        return True

    def record_answered(self, query: str, lang: str | None, answer_id: str, event: str, *,
                        client: str, entry_id: str | None = None) -> bool:
        """What a reader did after the search gave ``answer_id`` as its short answer for
        ``query``: ``shown`` (the results page), ``click`` (opened ``entry_id`` from it: the
        answer or another entry) or ``no`` (voted "not helpful" on the answer). Per client,
        query and day: counted as shown once, its first click once, its No once; one client
        adds at most ``gaps_per_client`` new queries a day. Bounded like gaps (retention,
        ``max_answered`` rows, ``max_reached`` "opened instead" rows). False if nothing counted."""
        if event not in ANSWERED_EVENTS:
            raise ValueError(f"event must be one of {', '.join(ANSWERED_EVENTS)}")
        q = normalize_query(query, self.bounds.query_chars)
        if not q or not answer_id:
            return False
        lang, answer_id, day = (lang or "")[:_LANG], answer_id[:_ID], self._stamp()
        entry_id = (entry_id or answer_id)[:_ID]
        mine = (answered_seen.c.client == client) & (answered_seen.c.query == q) & (answered_seen.c.lang == lang)
        with self.engine.begin() as c:
            row_seen = c.execute(sa.select(answered_seen.c.day, answered_seen.c.clicked, answered_seen.c.voted_no)
                                 .where(mine)).first()
            seen: tuple[str, bool, bool] | None = tuple(row_seen) if row_seen is not None else None
            if seen is not None and seen[0] != day:
                c.execute(answered_seen.delete().where(mine))
                seen = None
            new = seen is None
            if new:
                self._lock(c, answered_seen)
                c.execute(answered_seen.delete().where(answered_seen.c.day != day))
                added = c.execute(sa.select(sa.func.count()).select_from(answered_seen)
                                  .where(answered_seen.c.client == client)).scalar_one()
                if added >= self.bounds.gaps_per_client or self._over(c, answered_seen, self.bounds.max_seen - 1):
                    return False
                if not self._upsert(c, answered_seen, {"client": client, "query": q, "lang": lang,
                                                       "clicked": False, "voted_no": False, "day": day},
                                    ["client", "query", "lang"], None):
                    return False  # another request of this client got there first
                seen = (day, False, False)
            assert seen is not None
            inc: dict[str, Any] = {}
            if new:
                inc["shown"] = answered.c.shown + 1
            if event == "click" and not seen[1]:
                col = "clicked_answer" if entry_id == answer_id else "clicked_other"
                inc[col] = answered.c[col] + 1
                c.execute(answered_seen.update().where(mine).values(clicked=True))
            if event == "no" and entry_id == answer_id and not seen[2]:
                inc["voted_no"] = answered.c.voted_no + 1
                c.execute(answered_seen.update().where(mine).values(voted_no=True))
            if not inc:
                return False
            row = (answered.c.query == q) & (answered.c.lang == lang) & (answered.c.answer_id == answer_id)
            if not c.execute(answered.update().where(row).values(last_day=day, **inc)).rowcount:
                self._lock(c, answered)
                self._repair_clock(c)
                cutoff = self._cutoff(c)
                c.execute(answered.delete().where(answered.c.last_day < cutoff))
                c.execute(answered_other.delete().where(answered_other.c.last_day < cutoff))
                excess = self._over(c, answered, self.bounds.max_answered - 1)
                if excess:  # full: the least-shown, longest-unseen rows make room
                    victims = (sa.select(answered.c.query, answered.c.lang, answered.c.answer_id)
                               .order_by(answered.c.shown, answered.c.last_day, answered.c.first_day).limit(excess))
                    c.execute(answered.delete().where(
                        sa.tuple_(answered.c.query, answered.c.lang, answered.c.answer_id).in_(victims)))
                first = dict.fromkeys(("shown", "clicked_answer", "clicked_other", "voted_no"), 0)
                first.update(dict.fromkeys(inc, 1))
                c.execute(answered.insert().values(query=q, lang=lang, answer_id=answer_id,
                                                   first_day=day, last_day=day, **first))
            if "clicked_other" in inc and not self._over(c, answered_other, self.bounds.max_reached - 1):
                self._upsert(c, answered_other, {"query": q, "lang": lang, "answer_id": answer_id,
                                                 "entry_id": entry_id, "count": 1, "last_day": day},
                             ["query", "lang", "answer_id", "entry_id"],
                             {"count": answered_other.c.count + 1, "last_day": day})
        return True

    def record_vote(self, entry_id: str, helpful: bool, *, client: str, query: str = "",
                    reason: str | None = None) -> None:
        """The client's vote on one entry; a later vote by the same client (the same day)
        replaces it. ``client`` is a key from ``client_key``. ``reason`` (one of REASONS)
        only goes with helpful=False. Raises ValueError on a reason not in the list."""
        if reason is not None and (helpful or reason not in REASONS):
            raise ValueError(f"reason must be one of {', '.join(REASONS)} and only with helpful=False")
        values = {"helpful": bool(helpful), "reason": reason,
                  "query": normalize_query(query, self.bounds.query_chars), "day": self._stamp()}
        key = (votes.c.client == client) & (votes.c.entry_id == entry_id[:_ID])
        with self.engine.begin() as c:
            if c.execute(votes.update().where(key).values(**values)).rowcount:
                return
            self._lock(c, votes)
            self._repair_clock(c)
            c.execute(votes.delete().where(votes.c.day < self._cutoff(c)))
            excess = self._over(c, votes, self.bounds.max_votes - 1)
            if excess:
                # Full: the oldest votes make room (a flood cannot lock real readers out).
                oldest = sa.select(votes.c.client, votes.c.entry_id).order_by(votes.c.day).limit(excess)
                c.execute(votes.delete().where(sa.tuple_(votes.c.client, votes.c.entry_id).in_(oldest)))
            self._upsert(c, votes, {"client": client, "entry_id": entry_id[:_ID], **values},
                         ["client", "entry_id"], values)

    def record_reason(self, entry_id: str, *, client: str, reason: str) -> bool:
        """Add a reason to the client's "not helpful" vote on an entry; False if there is none."""
        if reason not in REASONS:
            raise ValueError(f"reason must be one of {', '.join(REASONS)}")
        with self.engine.begin() as c:
            return bool(c.execute(votes.update().where(
                (votes.c.client == client) & (votes.c.entry_id == entry_id[:_ID]) & ~votes.c.helpful)
                .values(reason=reason)).rowcount)

    def record_view(self, entry_id: str, *, client: str, query: str = "") -> bool:
        """Count a view of an entry, once per client per entry per day. With ``query``, the
        query it was opened from, when that query is a known gap, is linked to the entry
        (what readers reached instead). True if the view counted."""
        entry_id, day = entry_id[:_ID], self._stamp()
        mine = (views_seen.c.client == client) & (views_seen.c.entry_id == entry_id)
        with self.engine.begin() as c:
            if c.execute(sa.select(views_seen.c.day).where(mine)).scalar() == day:
                return False  # the common case, decided without waiting for the lock
            self._lock(c, views_seen)
            seen_day = c.execute(sa.select(views_seen.c.day).where(mine)).scalar()
            if seen_day == day:
                return False
            if seen_day is not None:  # a row left from another day under the same key
                c.execute(views_seen.update().where(mine).values(day=day))
            else:
                c.execute(views_seen.delete().where(views_seen.c.day != day))
                if self._over(c, views_seen, self.bounds.max_seen - 1):
                    return False  # full for today: stop counting new clients rather than forget who counted
                c.execute(views_seen.insert().values(client=client, entry_id=entry_id, day=day))
            self._upsert(c, views, {"entry_id": entry_id, "count": 1}, ["entry_id"], {"count": views.c.count + 1})
            self._count_view_day(c, entry_id, day)
            q = normalize_query(query, self.bounds.query_chars)
            if q:
                langs = c.execute(sa.select(gaps.c.lang).where(gaps.c.query == q)).scalars().all()
                for lang in langs[:4]:
                    if not self._over(c, gap_entries, self.bounds.max_reached - 1):
                        self._upsert(c, gap_entries, {"query": q, "lang": lang, "entry_id": entry_id,
                                                      "count": 1, "last_day": day},
                                     ["query", "lang", "entry_id"],
                                     {"count": gap_entries.c.count + 1, "last_day": day})
        return True

    def _count_view_day(self, c: Connection, entry_id: str, day: str) -> None:
        """One more distinct reader of ``entry_id`` today (view_days): rows older than the
        "most asked" window go first (clock-safe, as retention), and a full table (max_seen
        rows) counts no new (entry, day) until older days leave."""
        if c.execute(view_days.update().where((view_days.c.entry_id == entry_id) & (view_days.c.day == day))
                     .values(count=view_days.c.count + 1)).rowcount:
            return
        trusted = min(self._trusted() or self._today(), self._today())
        c.execute(view_days.delete().where(view_days.c.day < (trusted - timedelta(days=self.bounds.asked_days)).isoformat()))
        if not self._over(c, view_days, self.bounds.max_seen - 1):
            self._upsert(c, view_days, {"entry_id": entry_id, "day": day, "count": 1}, ["entry_id", "day"],
                         {"count": view_days.c.count + 1})

    # -- reading

    def _rows(self, stmt) -> list:
        with self.engine.connect().execution_options(**{_READ: True}) as c:
            return list(c.execute(stmt).all())

    def top_zero_results(self, limit: int = 20) -> list[dict]:
        """Queries that found nothing or only a weak answer, most frequent first:
        [{"query", "lang", "count", "found_nothing"}]."""
        rows = self._rows(sa.select(gaps.c.query, gaps.c.lang, gaps.c.count, gaps.c.none_count)
                          .order_by(gaps.c.count.desc(), gaps.c.query).limit(limit))
        return [{"query": q, "lang": lang or None, "count": n, "found_nothing": none}
                for q, lang, n, none in rows]

    def gap_rows(self, limit: int = 5000) -> list[dict]:
        """Every stored gap query with the entries readers opened from it."""
        reached: dict[tuple[str, str], dict[str, int]] = {}
        for q, lang, e, n in self._rows(sa.select(gap_entries.c.query, gap_entries.c.lang,
                                                  gap_entries.c.entry_id, gap_entries.c.count)):
            reached.setdefault((q, lang), {})[e] = n
        rows = self._rows(sa.select(gaps.c.query, gaps.c.lang, gaps.c.count, gaps.c.none_count,
                                    gaps.c.first_day, gaps.c.last_day)
                          .order_by(gaps.c.count.desc(), gaps.c.query).limit(limit))
        return [{"query": q, "lang": lang or None, "count": n, "found_nothing": none,
                 "first_day": first, "last_day": last, "reached": reached.get((q, lang), {})}
                for q, lang, n, none, first, last in rows]

    def answered_rows(self, limit: int = 5000) -> list[dict]:
        """Answered queries with what readers did next, most disagreed with first:
        [{"query", "lang", "answer_id", "shown", "clicked_answer", "clicked_other",
        "voted_no", "no_click", "disagreed", "opened_instead": {entry id: n}, days}]."""
        other: dict[tuple[str, str, str], dict[str, int]] = {}
        for q, lang, a, e, n in self._rows(sa.select(answered_other.c.query, answered_other.c.lang,
                                                     answered_other.c.answer_id, answered_other.c.entry_id,
                                                     answered_other.c.count)):
            other.setdefault((q, lang, a), {})[e] = n
        disagreed = answered.c.clicked_other + answered.c.voted_no
        rows = self._rows(sa.select(answered.c.query, answered.c.lang, answered.c.answer_id, answered.c.shown,
                                    answered.c.clicked_answer, answered.c.clicked_other, answered.c.voted_no,
                                    answered.c.first_day, answered.c.last_day)
                          .order_by(disagreed.desc(), answered.c.shown.desc(), answered.c.query).limit(limit))
        return [{"query": q, "lang": lang or None, "answer_id": a, "shown": shown, "clicked_answer": ca,
                 "clicked_other": co, "voted_no": no, "no_click": max(0, shown - ca - co),
                 "disagreed": co + no, "opened_instead": other.get((q, lang, a), {}),
                 "first_day": first, "last_day": last}
                for q, lang, a, shown, ca, co, no, first, last in rows]

    def helpfulness(self) -> list[dict]:
        """Votes per entry, most voted first: [{"entry_id", "yes", "no", "reasons": {reason: n}}]."""
        per: dict[str, dict] = {}
        for e, helpful, reason, n in self._rows(
                sa.select(votes.c.entry_id, votes.c.helpful, votes.c.reason, sa.func.count())
                .group_by(votes.c.entry_id, votes.c.helpful, votes.c.reason)):
            d = per.setdefault(e, {"entry_id": e, "yes": 0, "no": 0, "reasons": {}})
            d["yes" if helpful else "no"] += n
            if reason:
                d["reasons"][reason] = d["reasons"].get(reason, 0) + n
        return sorted(per.values(), key=lambda d: (-(d["yes"] + d["no"]), d["entry_id"]))

    def votes_for(self, entry_id: str) -> list[dict]:
        """Each vote on one entry with the query that led there (for editors)."""
        rows = self._rows(sa.select(votes.c.helpful, votes.c.reason, votes.c.query, votes.c.day)
                          .where(votes.c.entry_id == entry_id).order_by(votes.c.day))
        return [{"helpful": bool(h), "reason": r, "query": q, "day": d} for h, r, q, d in rows]

    def view_count(self, entry_id: str) -> int:
        return self._rows(sa.select(sa.func.coalesce(sa.func.sum(views.c.count), 0))
                          .where(views.c.entry_id == entry_id))[0][0]

    def most_viewed(self, limit: int = 6) -> list[str]:
        return [r[0] for r in self._rows(sa.select(views.c.entry_id)
                                         .order_by(views.c.count.desc(), views.c.entry_id).limit(limit))]

    def most_asked(self, limit: int = 6) -> list[str]:
        """The home page's "most asked": entries by distinct readers (one per client a day)
        over the last ``asked_days`` days, only those with at least ``asked_min`` (fewer, and
        the editors' starter list stands: one crawler pass or one curious reader moves nothing)."""
        since = (self._today() - timedelta(days=self.bounds.asked_days)).isoformat()
        total = sa.func.sum(view_days.c.count)
        return [r[0] for r in self._rows(
            sa.select(view_days.c.entry_id).where(view_days.c.day > since).group_by(view_days.c.entry_id)
            .having(total >= self.bounds.asked_min).order_by(total.desc(), view_days.c.entry_id).limit(limit))]

    def row_counts(self) -> dict[str, int]:
        """Rows per table (for `faqkb stats` and the tests of the bounds)."""
        with self.engine.connect().execution_options(**{_READ: True}) as c:
            return {t.name: c.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in metadata.sorted_tables}
