"""The feedback store never blocks or breaks reading (issue 23, item 1; /healthz, item 2):
a real PostgreSQL paused with SIGSTOP (a paused VM, a partition: nothing answers, no
driver timeout fires) and stopped, and SQLite on a full disk (a page limit on every
connection). Shown by statuses, counts and log lines; the clients' timeouts only catch a
hang, nothing here asserts a time."""

from __future__ import annotations

import http.client
import logging
import re
import sqlite3
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from conftest import FIXTURE_KB, serve_wsgi
from replicas import paused

from faqkb.web import create_app
from faqkb.web.state import state_of

HANG = 120          # seconds: only catches a hang
ENTRY = "refund-remaining-balance"


def _app(index: Path, tmp_path: Path, db: str | None = None, **extra):
    cfg = {"KB": FIXTURE_KB, "INDEX": index, "INSTANCE": tmp_path / "instance", "SECRET_KEY": "faults",
           "RATELIMIT_ENABLED": False, "BUILD": False, **extra}
    if db:
        cfg["FEEDBACK_DB"] = db
    return create_app(cfg)


class Reader:
    """One reader over real HTTP with its own cookies (the vote form's session)."""

    def __init__(self, base: str) -> None:
        u = urlsplit(base)
        self.host, self.port, self.origin = u.hostname, u.port, base
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        c = http.client.HTTPConnection(self.host, self.port, timeout=HANG)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin}
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        text = r.read().decode("utf-8", "replace")
        cookie = r.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        c.close()
        return r.status, text

    def vote(self, helpful: str = "yes") -> tuple[int, str]:
        status, html = self.request("GET", f"/entry/{ENTRY}")
        assert status == 200
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        return self.request("POST", f"/entry/{ENTRY}/feedback", f"csrf_token={token}&helpful={helpful}")


def _concurrently(calls) -> list:
    out: list = [None] * len(calls)

    def run(i: int) -> None:
        out[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(HANG)
    return out


def _health(reader: Reader) -> tuple[int, dict]:
    import json

    status, body = reader.request("GET", "/healthz")
    return status, json.loads(body)


def test_a_paused_postgresql_leaves_search_home_and_health_answering(fixture_index, tmp_path, postgres_url):
    from servers import fresh_postgres_db

    db = fresh_postgres_db(postgres_url, "t_paused_feedback")
    app = _app(fixture_index, tmp_path, db)
    store = state_of(app).feedback
    with serve_wsgi(app, threads=4) as base:
        readers = [Reader(base) for _ in range(12)]
        assert readers[0].vote()[0] == 303                          # the store works before
        with paused(db):
            # more home pages and votes at once than the server has threads (4)
            got = _concurrently([lambda r=r: r.request("GET", "/") for r in readers[:6]]
                                + [r.vote for r in readers[6:9]])
            after = [readers[9].request("GET", p)[0] for p in
                     ("/api/ping", "/search?q=sim", f"/entry/{ENTRY}", "/api/search?q=refund", "/")]
            health_status, health = _health(readers[10])
        homes, votes = got[:6], got[6:]
        assert [s for s, _ in homes] == [200] * 6
        assert all(f'href="/entry/{ENTRY}' in html for _, html in homes)   # the starter list
        assert after == [200] * 5, after
        assert [s for s, _ in votes] == [503] * 3
        assert all("Could not record your vote" in html for _, html in votes)
        assert (health_status, health["status"], health["reasons"]) == (200, "degraded", ["feedback_unavailable"])
        # resumed: the store is used again (no restart), the vote counts
        for _ in range(200):
            if _health(readers[11])[1]["status"] == "ok":
                break
            threading.Event().wait(0.5)
        assert _health(readers[11])[1]["status"] == "ok"
        assert readers[11].vote("no")[0] == 303                     # (one address: it replaces the first)
    assert [(h["yes"], h["no"]) for h in store.helpfulness()] == [(0, 1)]


@pytest.mark.slow  # starts and stops a private PostgreSQL (initdb)
def test_a_stopped_postgresql_gives_starter_list_and_a_clear_vote_error(fixture_index, tmp_path):
    from servers import postgres_server

    with postgres_server() as db:
        app = _app(fixture_index, tmp_path, db)
    client = app.test_client()                                        # the server is gone now
    home = client.get("/")
    assert home.status_code == 200 and f'href="/entry/{ENTRY}' in home.get_data(as_text=True)
    assert client.get("/search?q=nothing+like+this+zyxw").status_code == 200
    assert client.get(f"/entry/{ENTRY}").status_code == 200
    html = client.get(f"/entry/{ENTRY}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    r = client.post(f"/entry/{ENTRY}/feedback", headers={"Origin": "http://localhost", "Accept-Language": "ru"},
                    data={"csrf_token": token, "helpful": "no"})
    assert r.status_code == 503 and "Не удалось учесть ваш голос" in r.get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["reasons"] == ["feedback_unavailable"]


def test_a_full_disk_for_the_feedback_sqlite_breaks_no_page_and_logs_one_line(fixture_index, tmp_path, caplog):
    # an hour's pause: /healthz below must fall inside it however slowly a busy machine
    # serves the 221 requests (with the default 5 s it once came after, and said "ok")
    app = _app(fixture_index, tmp_path, FEEDBACK_PAUSE=3600)
    store, deferred = state_of(app).feedback, state_of(app).deferred
    path = Path(sa.make_url(store.url).database)
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]

    @sa.event.listens_for(store.engine, "connect")
    def _full(dbapi_conn, _record) -> None:  # the disk holds no page more than the file has now
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    store.engine.dispose()
    filled = 0
    with pytest.raises(sa.exc.OperationalError, match="full"):
        for filled in range(100_000):
            store.record_gap(f"filler question number {filled} " + "x" * 80, "en")
    client = app.test_client()
    caplog.set_level(logging.WARNING, logger="faqkb")
    statuses = [client.get(f"/search?q=zyxw+nothing+{i}").status_code for i in range(200)]
    statuses += [client.get(f"/entry/{ENTRY}?q=zyxw").status_code for _ in range(20)]
    statuses.append(client.get("/").status_code)
    deferred.flush()
    assert set(statuses) == {200}
    stats = deferred.stats()
    # (a write or two may still fit in a page's free space; the rest are counted, not raised)
    assert stats["failed"] >= 1 and stats["failed"] + stats["dropped"] >= 200, stats
    lines = [r for r in caplog.records if r.name.startswith("faqkb")]
    assert len(lines) <= 2 and not any(r.exc_info for r in lines), [r.getMessage() for r in lines]
    assert client.get("/healthz").get_json()["reasons"] == ["feedback_unavailable"]
