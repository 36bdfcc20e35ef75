"""The documented scale-out path (docs/web.md "Two replicas behind nginx") as a test on
loopback: Debian's nginx with docs/nginx-faqkb.conf, two `faqkb serve --proxies 1`
replicas, one PostgreSQL and one Redis (tests/replicas.py). Shown by rows and statuses."""

from __future__ import annotations

import json
import re
import signal
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from conftest import FIXTURE_KB
from replicas import fetch, paused, two_replicas
from servers import fresh_postgres_db

pytestmark = pytest.mark.slow  # two faqkb serve processes, nginx, PostgreSQL and Redis

ENTRY = "refund-remaining-balance"
READER = "203.0.113.7"   # the reader's address as nginx states it to the replicas


@pytest.fixture
def deployment(fixture_index, postgres_url, redis_url):
    import redis

    r = redis.Redis.from_url(redis_url)
    r.flushall()
    r.close()
    db = fresh_postgres_db(postgres_url, "t_two_replicas")
    # a search budget per hour, so that "shared" does not depend on where a 10 s window falls
    with two_replicas(FIXTURE_KB, fixture_index, db, redis_url,
                      env={"FAQKB_RATELIMIT_SEARCH": "20 per hour"}) as d:
        yield d


def _vote(port: int, helpful: str, headers: dict) -> int:
    r, body = fetch(port, f"/entry/{ENTRY}", headers)
    cookie = r.getheader("Set-Cookie").split(";")[0]
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
    return fetch(port, f"/entry/{ENTRY}/feedback",
                 {**headers, "Cookie": cookie, "Origin": f"http://127.0.0.1:{port}",
                  "Content-Type": "application/x-www-form-urlencoded"}, "POST",
                 urlencode({"csrf_token": token, "helpful": helpful}))[0].status


def _votes(db: str) -> list[tuple]:
    engine = sa.create_engine(db)
    with engine.connect() as c:
        rows = [tuple(r) for r in c.execute(sa.text("SELECT entry_id, helpful FROM votes ORDER BY helpful"))]
    engine.dispose()
    return rows


def test_votes_from_both_replicas_land_in_one_row(deployment):
    a, b = deployment.replicas
    me = {"X-Forwarded-For": READER}          # what nginx sends for this reader
    statuses = [_vote(a, "yes", me), _vote(b, "no", me), _vote(a, "no", me), _vote(b, "yes", me)]
    statuses += [_vote(deployment.nginx, "no", {}) for _ in range(2)]   # and through nginx itself
    assert statuses == [303] * 6
    # one row for the reader, its last vote (the replicas agree on its key: one secret), and
    # one for the nginx client (127.0.0.1, as nginx states it)
    assert _votes(deployment.feedback_db) == [(ENTRY, False), (ENTRY, True)]


def test_rate_limits_are_one_count_across_replicas_and_per_reader(deployment):
    a, b = deployment.replicas
    me = {"X-Forwarded-For": READER}
    statuses = [fetch(port, f"/api/search?q=sim+{i}", me)[0].status for i, port in enumerate([a, b] * 12)]
    # 20 per hour in Redis: the 21st search is refused whichever replica it reaches (each
    # replica counting alone would have let all 24 through: 12 each)
    assert statuses[:20] == [200] * 20 and statuses[20:] == [429] * 4
    # another reader (as the proxy states it) has its own count
    assert fetch(a, "/api/search?q=sim", {"X-Forwarded-For": "198.51.100.4"})[0].status == 200


def test_a_paused_feedback_database_leaves_both_replicas_searching(deployment):
    a, b = deployment.replicas
    with paused(deployment.feedback_db):
        got = {}
        for name, port in (("a", a), ("b", b), ("nginx", deployment.nginx)):
            got[name] = [fetch(port, p, {"X-Forwarded-For": READER} if port != deployment.nginx else {})[0].status
                         for p in ("/api/search?q=sim", "/search?q=refund", f"/entry/{ENTRY}", "/")]
        health = json.loads(fetch(a, "/healthz")[1])
    assert got == {"a": [200] * 4, "b": [200] * 4, "nginx": [200] * 4}, got
    assert health["status"] == "degraded" and health["reasons"] == ["feedback_unavailable"]


def test_one_replica_killed_leaves_nginx_serving(deployment):
    victim = deployment.procs[0]
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    statuses = [fetch(deployment.nginx, p)[0].status for p in ("/api/search?q=sim", "/", f"/entry/{ENTRY}",
                                                               "/category/costs") * 3]
    assert statuses == [200] * 12


def test_the_session_cookie_is_secure_when_the_proxy_says_https(deployment):
    a = deployment.replicas[0]
    https = fetch(a, f"/entry/{ENTRY}", {"X-Forwarded-For": READER, "X-Forwarded-Proto": "https"})[0]
    plain = fetch(deployment.nginx, f"/entry/{ENTRY}")[0]          # nginx on plain http says http
    assert "Secure" in https.getheader("Set-Cookie") and "Secure" not in plain.getheader("Set-Cookie")
