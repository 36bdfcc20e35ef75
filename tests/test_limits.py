"""Per-client rate limits through the real app, on both storages: Flask-Limiter's memory
storage (one process) and a real private Redis (replicas sharing counts), through the
``limiter_storage`` fixture. Budgets are set small in config; behaviour is shown by
counting responses, never by timing."""

from __future__ import annotations

import re

import pytest

from faqkb.web import create_app

ORIGIN = "http://localhost"


def make_app(fixture_index, tmp_path, storage: str, **extra):
    from conftest import FIXTURE_KB

    return create_app({"KB": FIXTURE_KB, "INDEX": fixture_index, "BUILD": False,
                       "INSTANCE": tmp_path / "instance", "SECRET_KEY": "limits", "SEARCH_CACHE": 0,
                       "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_SEARCH": "3 per minute",
                       "RATELIMIT_SUGGEST": "4 per minute", "RATELIMIT_VOTE": "2 per minute",
                       "RATELIMIT_DEFAULT": "5 per minute", **extra})


@pytest.fixture
def app(fixture_index, tmp_path, limiter_storage):
    return make_app(fixture_index, tmp_path, limiter_storage)


def statuses(client, url: str, n: int, addr: str = "192.0.2.1", **kw) -> list[int]:
    return [client.get(url, environ_base={"REMOTE_ADDR": addr}, **kw).status_code for _ in range(n)]


def test_search_over_the_limit_gets_429_with_retry_after(app):
    c = app.test_client()
    assert statuses(c, "/api/search?q=余额", 5) == [200, 200, 200, 429, 429]
    r = c.get("/api/search?q=余额", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert r.status_code == 429 and r.is_json and "retry" in r.get_json()["error"]["message"]
    assert 1 <= int(r.headers["Retry-After"]) <= 61  # the window (60 s), rounded up to whole seconds
    assert r.headers["Cache-Control"] == "no-store"


def test_429_page_is_in_the_readers_language(app):
    c = app.test_client()
    statuses(c, "/search?q=余额", 3)
    for lang, words in (("ru", "Слишком много запросов"), ("zh-CN", "请求过于频繁"), ("zh-TW", "請求過於頻繁"),
                        ("en", "Too many requests")):
        r = c.get("/search?q=余额", headers={"Accept-Language": lang}, environ_base={"REMOTE_ADDR": "192.0.2.1"})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        assert r.mimetype == "text/html" and words in r.get_data(as_text=True), lang
        seconds = re.search(r"(\d+)", r.get_data(as_text=True).split(words)[-1])
        assert seconds, "the page says how long to wait"


def test_search_page_and_api_share_one_budget(app):
    c = app.test_client()
    assert statuses(c, "/search?q=sim", 2) == [200, 200]
    assert statuses(c, "/api/search?q=sim", 2) == [200, 429]


def test_limits_are_per_client(app):
    c = app.test_client()
    assert statuses(c, "/api/search?q=sim", 4, addr="192.0.2.1")[-1] == 429
    assert statuses(c, "/api/search?q=sim", 3, addr="192.0.2.2") == [200, 200, 200]
    # one IPv6 client is one /64, whichever address in it it uses
    assert statuses(c, "/api/search?q=sim", 3, addr="2001:db8:0:1::1") == [200] * 3
    assert statuses(c, "/api/search?q=sim", 1, addr="2001:db8:0:1::ffff") == [429]


def test_suggest_votes_and_pages_have_their_own_limits(app):
    c = app.test_client()
    assert statuses(c, "/api/suggest?q=si", 5) == [200] * 4 + [429]
    assert statuses(c, "/category/costs", 6, addr="192.0.2.9") == [200] * 5 + [429]
    html = c.get("/entry/refund-remaining-balance", environ_base={"REMOTE_ADDR": "192.0.2.10"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    votes = [c.post("/entry/refund-remaining-balance/feedback", headers={"Origin": ORIGIN},
                    data={"csrf_token": token, "helpful": "yes"},
                    environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code for _ in range(3)]
    assert votes == [303, 303, 429]


def test_health_ping_and_static_are_never_limited(app):
    c = app.test_client()
    for url in ("/healthz", "/api/ping", "/static/site.css"):
        assert set(statuses(c, url, 12)) == {200}, url


def test_limits_can_be_turned_off(fixture_index, tmp_path, limiter_storage):
    c = make_app(fixture_index, tmp_path, limiter_storage, RATELIMIT_ENABLED=False).test_client()
    assert set(statuses(c, "/api/search?q=sim", 8)) == {200}


def test_replicas_share_counts_only_through_shared_storage(fixture_index, tmp_path, limiter_storage):
    one = make_app(fixture_index, tmp_path / "a", limiter_storage).test_client()
    two = make_app(fixture_index, tmp_path / "b", limiter_storage).test_client()
    assert statuses(one, "/api/search?q=sim", 3) == [200] * 3
    # Redis: the second replica sees the same client's three searches; memory: its own count
    expected = [429] if limiter_storage.startswith("redis") else [200]
    assert statuses(two, "/api/search?q=sim", 1) == expected


def test_behind_a_proxy_each_reader_has_its_own_limit_and_nobody_else_can_claim_one(fixture_index, tmp_path,
                                                                                   limiter_storage):
    proxied = make_app(fixture_index, tmp_path / "p", limiter_storage, PROXIES=1).test_client()
    for reader in ("198.51.100.1", "198.51.100.2"):
        got = statuses(proxied, "/api/search?q=sim", 4, addr="127.0.0.1", headers={"X-Forwarded-For": reader})
        assert got == [200, 200, 200, 429], reader
    # without a proxy configured, X-Forwarded-For is ignored: a client cannot reset its budget
    direct = make_app(fixture_index, tmp_path / "d", limiter_storage).test_client()
    got = [direct.get("/api/search?q=sim", headers={"X-Forwarded-For": f"203.0.113.{i}"},
                      environ_base={"REMOTE_ADDR": "192.0.2.50"}).status_code for i in range(4)]
    assert got == [200, 200, 200, 429]


def test_a_client_refused_on_the_api_is_refused_again_before_flask_runs(app):
    from flask import request_started

    started: list[str] = []

    def count(sender, **extra) -> None:
        started.append("x")

    request_started.connect(count, app)
    try:
        c = app.test_client()
        assert statuses(c, "/api/search?q=sim", 4) == [200, 200, 200, 429]
        flask_requests = len(started)
        for _ in range(50):
            r = c.get("/api/search?q=sim", environ_base={"REMOTE_ADDR": "192.0.2.1"})
            assert r.status_code == 429 and r.is_json and int(r.headers["Retry-After"]) >= 1
            assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert len(started) == flask_requests          # none of the 50 reached Flask
        assert statuses(c, "/api/search?q=sim", 1, addr="192.0.2.2") == [200]   # others unaffected
        assert statuses(c, "/api/suggest?q=si", 1) == [200]                      # other scopes too
        r = c.get("/search?q=sim", headers={"Accept-Language": "ru"}, environ_base={"REMOTE_ADDR": "192.0.2.1"})
        assert r.status_code == 429 and "Слишком много запросов" in r.get_data(as_text=True)  # pages: Flask's page
    finally:
        request_started.disconnect(count, app)


def test_long_queries_use_up_the_search_budget_faster(fixture_index, tmp_path, limiter_storage):
    c = make_app(fixture_index, tmp_path, limiter_storage, RATELIMIT_SEARCH="12 per minute").test_client()
    long_q = "注销 余额 " * 20                                   # 120 characters: costs 4
    assert statuses(c, "/api/search?q=" + long_q, 4) == [200, 200, 200, 429]
    short = make_app(fixture_index, tmp_path / "s", limiter_storage, RATELIMIT_SEARCH="12 per minute").test_client()
    assert set(statuses(short, "/api/search?q=余额", 12, addr="192.0.2.3")) == {200}   # a short one costs 1


def test_the_live_panel_and_suggest_share_the_as_you_type_budget(app):
    c = app.test_client()
    assert statuses(c, "/search/panel?q=sim", 2) == [200, 200]
    assert statuses(c, "/api/suggest?q=si", 3) == [200, 200, 429]       # 4 per minute in these tests
    assert statuses(c, "/search?q=sim", 1) == [200]                      # submitting still works


def test_counting_in_memory_starts_no_thread_per_request(fixture_index, tmp_path):
    """One client with a loop: the memory storage lets expired counts go at most once a
    second, not from a new timer thread per counted request (limits' stock storage starts
    one whenever the last, 10 ms long, has ended)."""
    import threading
    import time

    c = make_app(fixture_index, tmp_path, "memory://", RATELIMIT_SEARCH="1000 per minute").test_client()
    c.get("/api/search?q=sim", environ_base={"REMOTE_ADDR": "192.0.2.8"})   # whatever a first search opens
    started: set[threading.Thread] = set()   # the threads themselves: an ident is reused
    threading.setprofile(lambda frame, event, arg: started.add(threading.current_thread()))
    t0 = time.monotonic()
    try:
        for i in range(150):
            assert c.get(f"/api/search?q=sim{i % 7}", environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 200
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]
    seconds = time.monotonic() - t0
    assert len(started) <= 1 + seconds, (len(started), seconds)   # a sweep a second at most
