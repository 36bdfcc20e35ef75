"""The feedback store against real databases: SQLite (the default) and PostgreSQL (what
replicas share), each test on both through the ``feedback_url`` fixture. Bounds are
shown by counting rows, never by timing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from helpers import run_concurrently

from faqkb.feedback import REASONS, Bounds, FeedbackStore, client_address, normalize_query


class Clock:
    """The store's two clocks, settable (its ``today`` and ``monotonic`` parameters):
    ``advance`` is time passing, a change of ``day`` alone is the wall clock jumping."""

    def __init__(self, day: date = date(2026, 11, 25)) -> None:
        self.day = day
        self.seconds = 1000.0

    def __call__(self) -> date:
        return self.day

    def monotonic(self) -> float:
        return self.seconds

    def advance(self, days: int) -> None:
        self.day += timedelta(days=days)
        self.seconds += days * 86_400


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(feedback_url, clock):
    s = FeedbackStore(feedback_url, Bounds(max_queries=50, max_reached=40, max_votes=30, max_seen=25,
                                           retention_days=90), today=clock, monotonic=clock.monotonic,
                       secret="test secret", statement_timeout=120)
    # 120 s, not the default 5: these tests check counts and caps, and on two busy cores six
    # concurrent SQLite writers can wait past 5 s for the write lock (test_feedback_faults
    # shows what the bound is for: a paused database).
    yield s
    s.close()


def test_store_runs_on_the_backend_asked_for(store, feedback_url):
    assert store.backend == sa.make_url(feedback_url).get_backend_name()


def test_gap_queries_are_counted_normalized_and_length_capped(store):
    store.record_gap("  Foo   BAR ", "en")
    store.record_gap("ＦＯＯ bar", "en")               # full-width folds to the same row
    store.record_gap("foo bar", "ru")                 # another language: its own row
    store.record_gap("x" * 5000, "en", found_nothing=False)
    assert store.record_gap("   ", "en") is False     # nothing to count
    rows = {(r["query"], r["lang"]): r for r in store.top_zero_results(10)}
    assert rows[("foo bar", "en")]["count"] == 2 and rows[("foo bar", "ru")]["count"] == 1
    assert ("x" * 100, "en") in rows and rows[("x" * 100, "en")]["found_nothing"] == 0
    assert store.row_counts()["gaps"] == 3


def test_table_cap_holds_under_a_flood_of_unique_queries(store):
    for _ in range(3):
        store.record_gap("how to cancel a sim in kazan", "en")   # a real gap, asked often
    for i in range(400):
        store.record_gap(f"junk query {i}", "en")
    assert store.row_counts()["gaps"] == 50
    top = store.top_zero_results(1)[0]
    assert top["query"] == "how to cancel a sim in kazan" and top["count"] == 3
    assert any(r["query"] == "junk query 399" for r in store.top_zero_results(50))  # the newest got in


def test_retention_removes_old_rows_on_write(store, clock):
    store.record_gap("old question", "en")
    key = store.client_key("192.0.2.1")
    store.record_vote("entry-a", False, client=key, reason="outdated")
    clock.advance(91)
    store.record_gap("new question", "en")            # a write enforces retention
    store.record_vote("entry-b", True, client=store.client_key("192.0.2.1"))
    assert [r["query"] for r in store.top_zero_results(10)] == ["new question"]
    assert [h["entry_id"] for h in store.helpfulness()] == ["entry-b"]
    clock.day -= timedelta(days=1)                    # within 90 days a row stays
    store.record_gap("newer", "en")
    assert store.row_counts()["gaps"] == 2


def test_one_vote_per_client_per_entry_counted_once_and_changeable(store):
    me, other = store.client_key("203.0.113.7"), store.client_key("203.0.113.8")
    for _ in range(1000):
        store.record_vote("entry-a", True, client=me, query="q")
    assert store.helpfulness() == [{"entry_id": "entry-a", "yes": 1, "no": 0, "reasons": {}}]
    store.record_vote("entry-a", False, client=me, reason="outdated")        # changed, not added
    store.record_vote("entry-a", True, client=other)
    assert store.helpfulness() == [{"entry_id": "entry-a", "yes": 1, "no": 1, "reasons": {"outdated": 1}}]
    store.record_vote("entry-b", True, client=me)                            # another entry: its own vote
    assert sum(h["yes"] + h["no"] for h in store.helpfulness()) == 3


def test_vote_reasons_come_from_the_fixed_list(store):
    me = store.client_key("198.51.100.1")
    for bad in ("free text", "", "OUTDATED"):
        with pytest.raises(ValueError):
            store.record_vote("entry-a", False, client=me, reason=bad)
    with pytest.raises(ValueError):
        store.record_vote("entry-a", True, client=me, reason="outdated")       # reasons are for "no"
    assert store.record_reason("entry-a", client=me, reason="outdated") is False  # no vote yet
    store.record_vote("entry-a", False, client=me)
    assert store.record_reason("entry-a", client=me, reason="wrong-language") is True
    assert store.helpfulness()[0]["reasons"] == {"wrong-language": 1}
    assert set(REASONS) == {"not-answered", "outdated", "hard-to-understand", "wrong-language"}


def test_votes_table_is_capped(store):
    for i in range(100):
        store.record_vote("entry-a", True, client=store.client_key(f"10.0.{i // 250}.{i % 250}"))
    assert store.row_counts()["votes"] == 30


def test_views_deduplicated_per_client_per_day(store, clock):
    me, other = store.client_key("192.0.2.10"), store.client_key("192.0.2.11")
    assert [store.record_view("entry-a", client=me) for _ in range(300)].count(True) == 1
    store.record_view("entry-a", client=other)
    assert store.view_count("entry-a") == 2
    clock.day += timedelta(days=1)                    # a new day: a new key, counted again
    assert store.record_view("entry-a", client=store.client_key("192.0.2.10")) is True
    assert store.view_count("entry-a") == 3
    assert store.row_counts()["views_seen"] == 1      # yesterday's "who saw what" is gone


def test_seen_table_full_stops_counting_new_clients(store):
    for i in range(60):
        store.record_view("entry-a", client=store.client_key(f"10.1.0.{i}"))
    assert store.row_counts()["views_seen"] == 25 and store.view_count("entry-a") == 25


def test_client_key_rotates_daily_and_no_address_is_stored(store, clock, feedback_url):
    k1 = store.client_key("192.0.2.55")
    assert k1 == store.client_key("192.0.2.55") != store.client_key("192.0.2.56")
    assert store.client_key("2001:db8:1:2:3:4:5:6") == store.client_key("2001:db8:1:2:ffff::1")  # one /64
    store.record_vote("entry-a", True, client=k1, query="q")
    store.record_view("entry-a", client=k1)
    clock.day += timedelta(days=1)
    assert store.client_key("192.0.2.55") != k1
    assert "salts" not in store.row_counts()          # no salt stored: keys come from the secret
    engine = sa.create_engine(feedback_url)
    with engine.connect() as c:
        dump = " ".join(str(row) for table in ("votes", "views_seen", "views", "gaps")
                        for row in c.execute(sa.text(f"SELECT * FROM {table}")))
    engine.dispose()
    assert "192.0.2.55" not in dump and "192.0.2" not in dump


def test_entries_reached_from_a_gap_query_are_linked(store):
    store.record_gap("sim kazan", "en")
    me = store.client_key("192.0.2.1")
    store.record_view("entry-a", client=me, query="SIM  Kazan")
    store.record_view("entry-a", client=me, query="sim kazan")   # same client, same day: once
    store.record_view("entry-b", client=me, query="not a gap")
    rows = store.gap_rows()
    assert rows[0]["reached"] == {"entry-a": 1} and store.row_counts()["gap_entries"] == 1


def test_counts_are_exact_under_concurrent_writers(store):
    threads, n = 6, 30

    def writer(i: int) -> None:
        for j in range(n):
            key = store.client_key(f"10.9.{i}.{j}")
            store.record_vote(f"entry-{i % 3}", j % 2 == 0, client=key)
            store.record_view(f"entry-{i % 3}", client=key)
            store.record_gap("Nothing  HERE", "en")

    assert run_concurrently(writer, threads) == []
    assert store.top_zero_results(1)[0]["count"] == threads * n
    assert sum(store.view_count(f"entry-{k}") for k in range(3)) == 25   # the seen cap
    assert store.row_counts()["votes"] == 30                             # the vote cap


def test_normalize_and_client_address_helpers():
    assert normalize_query("  A\u3000b\tC ") == "a b c"
    assert normalize_query("a\x00b") == "ab"
    assert client_address("::ffff:192.0.2.1") == "192.0.2.1"
    assert client_address("2001:db8::1") == "2001:db8::/64"


def test_a_database_from_before_client_keys_keeps_its_old_votes(tmp_path):
    import sqlite3

    path = tmp_path / "feedback.sqlite3"
    old = sqlite3.connect(path)   # the previous release's schema, with one vote
    old.executescript("CREATE TABLE votes (entry_id TEXT NOT NULL, helpful INTEGER NOT NULL, "
                      "query TEXT NOT NULL DEFAULT '', day TEXT NOT NULL);"
                      "INSERT INTO votes VALUES ('entry-a', 1, 'q', '2026-11-01');")
    old.commit()
    old.close()
    store = FeedbackStore(f"sqlite:///{path}")
    store.record_vote("entry-b", True, client=store.client_key("192.0.2.1"))
    assert [h["entry_id"] for h in store.helpfulness()] == ["entry-b"]
    store.close()
    kept = sqlite3.connect(path).execute("SELECT entry_id FROM votes_without_client_keys").fetchall()
    assert kept == [("entry-a",)]


# -- issue 23: one client, one count; clock-safe retention; keys a copy cannot reverse

def test_a_gap_counts_each_client_once_a_day_and_one_client_cannot_flood_the_table(store, clock):
    me = store.client_key("198.51.100.9")
    counted = [store.record_gap("write to @some_handle on telegram", "en", client=me) for _ in range(20)]
    assert counted.count(True) == 1                               # 20 tries, one count
    for i in range(3):
        store.record_gap("real question", "en", client=store.client_key(f"192.0.2.{i}"))
    top = store.top_zero_results(1)[0]
    assert (top["query"], top["count"]) == ("real question", 3)
    # one client's unique queries: at most gaps_per_client new rows a day, whatever it sends
    added = [store.record_gap(f"junk {i}", "en", client=me) for i in range(200)]
    assert added.count(True) == store.bounds.gaps_per_client - 1   # one already went on the handle
    assert store.row_counts()["gaps"] == 2 + store.bounds.gaps_per_client - 1
    clock.advance(1)                                               # tomorrow: a new key, counted again
    assert store.record_gap("real question", "en", client=store.client_key("192.0.2.0")) is True
    assert store.row_counts()["gaps_seen"] == 1                    # yesterday's "who asked what" is gone


def test_a_wall_clock_jump_forward_deletes_nothing_real_and_rows_stamped_ahead_come_back(store, clock):
    bounds = store.bounds
    store.bounds = Bounds(max_queries=500, max_votes=1000, max_seen=1000, retention_days=90)
    for i in range(210):
        store.record_vote(f"entry-{i % 7}", i % 2 == 0, client=store.client_key(f"10.2.{i // 200}.{i % 200}"))
    for i in range(7):
        store.record_gap(f"question {i}", "en")
    real = date(2026, 11, 25)
    clock.day = real + timedelta(days=365)                         # a board booting before NTP
    for i in range(5):
        store.record_vote("entry-x", True, client=store.client_key(f"10.3.0.{i}"))
        store.record_gap(f"asked while the clock was ahead {i}", "en")
    counts = store.row_counts()
    assert (counts["votes"], counts["gaps"]) == (215, 12), "rows deleted by a clock jump"
    clock.day = real                                               # NTP sets it back
    store.record_vote("entry-y", True, client=store.client_key("10.4.0.1"))
    store.record_gap("after the clock came back", "en")
    assert store.row_counts()["votes"] == 216 and store.row_counts()["gaps"] == 13
    days = {v["day"] for e in ("entry-x", "entry-0") for v in store.votes_for(e)}
    assert max(days) == real.isoformat(), "a row stamped a year ahead would outlive retention"
    clock.advance(91)                                              # real time passing still deletes
    store.record_gap("three months later", "en")
    store.record_vote("entry-z", True, client=store.client_key("10.4.0.2"))
    assert store.row_counts()["gaps"] == 1 and store.row_counts()["votes"] == 1
    store.bounds = bounds


def test_a_wall_clock_behind_deletes_nothing_and_rewrites_no_day(store, clock):
    for i in range(20):
        store.record_vote("entry-a", True, client=store.client_key(f"10.5.0.{i}"))
        store.record_gap(f"question {i}", "en")
    clock.day -= timedelta(days=365)                                # a board's clock from last year
    store.record_vote("entry-b", True, client=store.client_key("10.5.1.1"))
    store.record_gap("asked with the clock behind", "en")
    clock.day += timedelta(days=365)
    store.record_gap("one more", "en")
    # the 20 real questions stay; the one stamped a year back is past retention once the clock is right
    assert {r["query"] for r in store.top_zero_results(50)} == {f"question {i}" for i in range(20)} | {"one more"}
    assert store.row_counts()["votes"] == 21
    assert {v["day"] for v in store.votes_for("entry-a")} == {date(2026, 11, 25).isoformat()}


def test_client_keys_come_from_the_secret_not_from_the_database(feedback_url, clock):
    one = FeedbackStore(feedback_url, today=clock, secret="replica secret")
    two = FeedbackStore(feedback_url, today=clock, secret="replica secret")
    other = FeedbackStore(feedback_url, today=clock, secret="another secret")
    try:
        assert one.client_key("192.0.2.7") == two.client_key("192.0.2.7")   # replicas agree
        assert other.client_key("192.0.2.7") != one.client_key("192.0.2.7")  # the database alone is not enough
        before = one.row_counts()
        for i in range(50):
            one.client_key(f"192.0.2.{i}")
        assert one.row_counts() == before                                    # a key costs no write
        assert "salts" not in sa.inspect(one.engine).get_table_names()
    finally:
        for s in (one, two, other):
            s.close()


def test_an_old_salts_table_is_dropped(tmp_path):
    import sqlite3

    path = tmp_path / "feedback.sqlite3"
    old = sqlite3.connect(path)
    old.executescript("CREATE TABLE salts (day TEXT PRIMARY KEY, salt TEXT NOT NULL);"
                      "INSERT INTO salts VALUES ('2026-11-01', 'abc');")
    old.commit()
    old.close()
    FeedbackStore(f"sqlite:///{path}").close()
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "salts" not in tables and "votes" in tables
