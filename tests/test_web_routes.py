"""The web site through Flask's test client: pages, JSON API, errors, headers, CSRF,
catalogs, escaping. Real fixture kb and index (tests/conftest.py), no mocks."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from conftest import BUNDLED_KB, FIXTURE_KB

from faqkb.feedback import FeedbackStore
from faqkb.web import create_app
from faqkb.web.security import CSP
from faqkb.web.state import state_of

TRANSLATIONS = Path(__file__).parents[1] / "src" / "faqkb" / "translations"
ORIGIN = "http://localhost"
XSS = '<img src=x onerror=window.__xss=1><script>window.__xss=1</script>'


def _app(kb: Path, index: Path, tmp_path: Path):
    return create_app({"KB": kb, "INDEX": index, "INSTANCE": tmp_path / "instance",
                       "TESTING": True, "SECRET_KEY": "test"})


@pytest.fixture
def app(fixture_index, tmp_path):
    """The site over the session's fixture index, which it only reads (its own feedback
    database per test)."""
    return _app(FIXTURE_KB, fixture_index, tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def editable_app(kb_dir, index_dir, tmp_path):
    """The site over a private kb copy and index, for tests that edit the kb and rebuild."""
    return _app(kb_dir, index_dir, tmp_path)


def text(resp) -> str:
    return resp.get_data(as_text=True)


# -- pages

def test_home_has_labelled_search_box_six_categories_and_most_asked(client):
    r = client.get("/", headers={"Accept-Language": "en"})
    assert r.status_code == 200
    html = text(r)
    assert re.search(r'<label for="q">[^<]+</label>', html) and 'id="q"' in html
    for c in ("basics", "costs", "security", "refunds", "scams", "process"):
        assert f'href="/category/{c}"' in html
    assert "Most asked" in html and 'href="/entry/how-to-cancel-russian-sim"' in html


def test_home_lists_the_kb_starter_entries_first(kb_dir, index_dir, tmp_path):
    """The home page's first entries come from kb/home.yaml (editors own them), not from code."""
    def first_card(app) -> str:
        html = text(app.test_client().get("/", headers={"Accept-Language": "en"}))
        return re.findall(r'href="/entry/([a-z0-9-]+)', html[html.index("Most asked"):])[0]

    assert first_card(_app(kb_dir, index_dir, tmp_path)) == "contract-expiring-call-scam"  # no list: by id
    (kb_dir / "home.yaml").write_text("starter: [unlink-before-cancel, daily-keeping-fee]\n", "utf-8")
    assert first_card(_app(kb_dir, index_dir, tmp_path / "2")) == "unlink-before-cancel"


def test_search_page_highlights_and_links_to_the_entry(client):
    html = text(client.get("/search?q=注销 余额", headers={"Accept-Language": "zh-CN"}))
    first = html.index('class="hit-q"')
    assert 'href="/entry/refund-remaining-balance' in html[first:first + 200]
    assert "<mark>注销</mark>" in html and "<mark>余额</mark>" in html
    assert 'lang="zh-Hans"' in html


def test_search_page_category_filter_and_pagination(client):
    html = text(client.get("/search?q=sim&lang=en"))
    assert 'href="/search?q=sim&amp;lang=en&amp;category=refunds"' in html
    filtered = text(client.get("/search?q=sim&lang=en&category=refunds"))
    assert filtered.count('class="hit-q"') >= 1  # the answer box's link or a hit
    assert "/entry/refund-remaining-balance" in filtered and "/entry/daily-keeping-fee" not in filtered


def test_pagination_links_when_more_than_a_page(bundled_index, tmp_path):
    from faqkb.web.pages import PAGE_SIZE
    app = create_app({"KB": BUNDLED_KB, "INDEX": bundled_index, "BUILD": False, "INSTANCE": tmp_path,
                      "SECRET_KEY": "t", "RATELIMIT_ENABLED": False})
    client = app.test_client()
    assert client.get("/api/search?q=俄罗斯手机卡").get_json()["total"] > PAGE_SIZE  # the bundled kb: many
    html = text(client.get("/search?q=俄罗斯手机卡"))
    assert 'rel="next"' in html and 'aria-current="page"' in html
    html2 = text(client.get("/search?q=俄罗斯手机卡&page=2"))
    assert 'rel="prev"' in html2


def test_zero_result_page_is_helpful_and_recorded(client, app):
    html = text(client.get("/search?q=qwxzv plorbt", headers={"Accept-Language": "en"}))
    assert "No answer found" in html and 'href="/category/process"' in html
    store = state_of(app).feedback
    state_of(app).deferred.flush()  # recorded after the response (web/deferred.py)
    assert store.top_zero_results(5) == [{"query": "qwxzv plorbt", "lang": "en", "count": 1, "found_nothing": 1}]


def test_gap_and_view_writes_do_not_hold_the_response(client, app, monkeypatch):
    """A search with no good answer and an entry view are recorded after the response
    (web/deferred.py): with the store stalled, both pages still answer; once it moves, both
    are recorded, in order (the view is linked to the gap it came from)."""
    store = state_of(app).feedback
    gate = threading.Event()
    real_gap = store.record_gap
    monkeypatch.setattr(store, "record_gap", lambda *a, **k: gate.wait(60) and real_gap(*a, **k))
    assert client.get("/search?q=qwxzv plorbt", headers={"Accept-Language": "en"}).status_code == 200
    assert client.get("/entry/refund-remaining-balance?q=qwxzv plorbt").status_code == 200
    assert store.top_zero_results(5) == [] and store.most_viewed(5) == []  # not yet written
    gate.set()
    state_of(app).deferred.flush()
    assert store.top_zero_results(5)[0]["query"] == "qwxzv plorbt"
    assert store.most_viewed(5) == ["refund-remaining-balance"]
    assert store.gap_rows()[0]["reached"] == {"refund-remaining-balance": 1}


def test_deferred_writes_are_bounded_and_dropped_when_full():
    from faqkb.web.deferred import DeferredWrites

    gate, done = threading.Event(), []
    writes = DeferredWrites(max_pending=3)
    assert writes.submit(gate.wait, 60)  # taken by the writer thread, which then waits
    while writes.stats()["pending"]:  # until the writer holds it
        time.sleep(0.01)
    accepted = [writes.submit(done.append, i) for i in range(10)]
    assert accepted == [True] * 3 + [False] * 7 and writes.dropped == 7
    gate.set()
    writes.flush()
    assert done == [0, 1, 2]


def test_a_read_begun_before_a_write_failed_does_not_end_the_pause():
    # a full disk: reads answer, writes fail. A read that started before a write failed and
    # finishes after it says nothing of the store since; the pause (and /healthz's
    # feedback_unavailable) must hold, or it flips with whichever finished last
    from faqkb.web.deferred import DeferredWrites, StoreUnavailable

    writes = DeferredWrites(pause=3600, wait=60)
    reading, release = threading.Event(), threading.Event()

    def slow_read() -> str:
        reading.set()
        release.wait(60)
        return "rows"

    def full_disk() -> None:
        raise OSError("database or disk is full")

    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(writes.call(slow_read)))
    reader.start()
    assert reading.wait(60)
    assert writes.submit(full_disk)
    writes.flush()
    assert writes.down and writes.failed == 1
    release.set()
    reader.join(60)
    assert got == ["rows"] and writes.down  # the read answered; the store is still left alone
    with pytest.raises(StoreUnavailable):
        writes.call(slow_read)


def test_did_you_mean_link(client):
    # as typed (correct=false): with corrections applied, a correction that answers is shown
    # as "Showing results for" instead (tests/test_corrections.py)
    html = text(client.get("/search?q=refnd balanse&correct=false"))
    m = re.search(r'class="suggest">[^<]*<a href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert m, "no did-you-mean link"
    assert "refund" in m.group(2)


def test_entry_page_renders_answer_related_date_and_lang(client):
    html = text(client.get("/entry/refund-remaining-balance?lang=en"))
    assert '<h1 lang="en">Can I get back the money' in html
    assert "<strong>T2 (formerly Tele2)</strong>" in html and "<ol>" in html
    assert "Last checked: 2026-11-25" in html
    assert 'href="/entry/stop-using-sim-what-happens"' in html  # related
    assert 'lang="zh-Hans"' in html and 'lang="ru"' in html   # other languages, marked


def test_entry_falls_back_visibly_when_language_missing(editable_app, kb_dir):
    app, client = editable_app, editable_app.test_client()
    p = kb_dir / "costs" / "daily-keeping-fee.yaml"
    src = p.read_text("utf-8")
    cut = src.index("\nru:")
    end = src.index("\nen:")
    p.write_text(src[:cut] + src[end:], "utf-8")
    state_of(app).site.rebuild_if_stale()
    html = text(client.get("/entry/daily-keeping-fee", headers={"Accept-Language": "ru"}))
    assert "Этот ответ есть только на" in html and 'class="notice"' in html


def test_answer_markdown_is_sanitized():
    from faqkb.markup import answer_html
    html = str(answer_html("**b** [ok](https://example.org) [js](javascript:alert(1)) <script>x</script>\n\n"
                           "<img src=x onerror=alert(1)>"))
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">ok</a>' in html
    assert 'href="javascript' not in html and "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html  # shown as text, not markup


def test_category_page_lists_its_entries(client):
    html = text(client.get("/category/scams"))
    assert "/entry/contract-expiring-call-scam" in html and "/entry/refund-remaining-balance" not in html
    assert client.get("/category/nope").status_code == 404


def test_unknown_entry_is_404_page(client):
    r = client.get("/entry/no-such-entry")
    assert r.status_code == 404 and "<html" in text(r)


def test_bad_page_parameter_is_400_page_in_a_readers_words(client):
    # issue 21: a page never names the parameter (tests/test_web_messages.py has the rest)
    r = client.get("/search?q=sim&page=0")
    assert r.status_code == 400 and "There is no such page of results" in text(r) and "<code>page</code>" not in text(r)


# -- XSS

def test_xss_probe_in_query_is_escaped_everywhere(client):
    for url in (f"/search?q={XSS}", f"/search?q={XSS} 余额", f"/entry/refund-remaining-balance?q={XSS}"):
        html = text(client.get(url))
        assert "<img src=x" not in html and "<script>window" not in html, url
        assert "&lt;img src=x onerror=window.__xss=1&gt;" in html, url


def test_highlight_escapes_text_inside_and_outside_marks():
    from faqkb.markup import highlight
    assert str(highlight("<b>a</b>&x", [(0, 3), (8, 10)])) == "<mark>&lt;b&gt;</mark>a&lt;/b&gt;<mark>&amp;x</mark>"


# -- languages

def test_language_switch_sets_cookie_over_accept_language(client):
    r = client.get("/lang/ru?next=/search?q=sim", headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/search?q=sim")
    assert "faqkb_lang=ru" in r.headers["Set-Cookie"]
    html = text(client.get("/", headers={"Accept-Language": "zh-CN"}))
    assert '<html lang="ru">' in html and "Задайте вопрос" in html


def test_language_switch_refuses_offsite_redirect(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        r = client.get("/lang/en", query_string={"next": target})
        assert r.headers["Location"] == "/", target


def test_accept_language_traditional_chinese(client):
    html = text(client.get("/", headers={"Accept-Language": "zh-TW,zh;q=0.8"}))
    assert '<html lang="zh-Hant">' in html and "關於俄羅斯手機卡" in html


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant", "ru"])
def test_every_msgid_is_translated_in_every_catalog(locale):
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as f:
        cat = read_po(f, locale=locale)
    have = {m.id: m for m in cat if m.id}
    assert wanted - set(have) == set(), f"{po}: msgids missing"
    untranslated = [m.id for m in have.values() if not m.string or m.fuzzy]
    assert untranslated == [], f"{po}: untranslated or fuzzy"
    assert po.with_suffix(".mo").stat().st_mtime >= po.stat().st_mtime - 1, f"{po}: .mo older than .po; recompile"


def test_templates_and_code_use_no_string_outside_the_catalog():
    """Every gettext string in templates/ and web code is in messages.pot (extraction is current)."""
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        known = {m.id for m in read_po(f) if m.id}
    root = Path(__file__).parents[1]
    found = set()
    for path in [*(root / "templates").glob("*.html"), *(root / "src/faqkb/web").glob("*.py")]:
        for m in re.finditer(r'_l?\(\s*"((?:[^"\\]|\\.)+)"', path.read_text("utf-8")):
            found.add(m.group(1))
    for m in re.finditer(r"_l?\(\s*'((?:[^'\\]|\\.)+)'", "\n".join(
            p.read_text("utf-8") for p in (root / "templates").glob("*.html"))):
        found.add(m.group(1))
    assert found - known == set()


# -- JSON API

def test_api_search_shape(client):
    r = client.get("/api/search?q=余额&limit=2")
    assert r.status_code == 200 and r.mimetype == "application/json"
    data = r.get_json()
    assert set(data) == {"query", "query_lang", "total", "page", "pages", "limit", "answered", "suggestion", "corrected", "typing",
                         "hits"}
    assert data["hits"][0]["id"] == "refund-remaining-balance" and len(data["hits"]) <= 2
    assert "余额" in r.get_data(as_text=True)  # UTF-8, not \u escapes


def test_api_search_russian_query(client):
    data = client.get("/api/search", query_string={"q": "вернуть деньги с баланса"}).get_json()
    assert data["hits"][0]["id"] == "refund-remaining-balance" and data["hits"][0]["lang"] == "ru"


@pytest.mark.parametrize("qs,param", [
    ("q=", "q"), ("", "q"), ("q=" + "a" * 201, "q"), ("q=a&limit=0", "limit"), ("q=a&limit=51", "limit"),
    ("q=a&limit=x", "limit"), ("q=a&page=101", "page"), ("q=a&lang=de", "lang"), ("q=a&category=x", "category"),
])
def test_api_search_bad_params_are_400_naming_the_param(client, qs, param):
    r = client.get("/api/search?" + qs)
    assert r.status_code == 400
    err = r.get_json()["error"]
    assert err["param"] == param and err["message"]


def test_api_entry_and_404(client):
    data = client.get("/api/entries/refund-remaining-balance?lang=ru").get_json()
    assert data["lang"] == "ru" and data["fallback"] is False and "<strong>" in data["answer_html"]
    r = client.get("/api/entries/nope")
    assert r.status_code == 404 and r.get_json()["error"]["message"]
    assert client.get("/api/entries/refund-remaining-balance?lang=xx").status_code == 400
    assert client.get("/api/nothing-here").get_json()["error"]


def test_api_categories_and_suggest(client):
    cats = client.get("/api/categories", headers={"Accept-Language": "ru"}).get_json()
    assert [c["name"] for c in cats] == ["basics", "costs", "security", "refunds", "scams", "process"]
    assert all(c["entries"] == 1 for c in cats) and cats[3]["label"] == "Возврат денег"
    sug = client.get("/api/suggest?q=refund").get_json()
    assert sug and sug[0]["id"] == "refund-remaining-balance" and set(sug[0]) == {"id", "question", "lang"}
    assert client.get("/api/suggest?q=a&limit=11").get_json()["error"]["param"] == "limit"


def test_openapi_matches_the_routes_and_their_parameters(client, app):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.0")
    rules = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()
             if r.rule.startswith("/api/") and r.rule != "/api/openapi.json"}
    assert set(doc["paths"]) == rules
    search = {p["name"]: p for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert set(search) == {"q", "lang", "category", "limit", "page", "script", "prefix", "correct"}
    assert search["limit"]["schema"]["maximum"] == 50 and search["q"]["schema"]["maxLength"] == 200
    # the documented bounds are the enforced ones
    assert client.get("/api/search?q=a&limit=50").status_code == 200
    assert client.get("/api/search?q=a&limit=51").status_code == 400
    assert client.get(f"/api/search?q=a&page={search['page']['schema']['maximum']}").status_code == 200
    for path in doc["paths"].values():
        for op in path.values():
            for resp in op["responses"].values():
                ref = json.dumps(resp)
                for name in re.findall(r"#/components/schemas/(\w+)", ref):
                    assert name in doc["components"]["schemas"]
    hit_fields = set(doc["components"]["schemas"]["Hit"]["properties"])
    assert set(client.get("/api/search?q=余额").get_json()["hits"][0]) == hit_fields
    entry_fields = set(doc["components"]["schemas"]["Entry"]["properties"])
    assert set(client.get("/api/entries/refund-remaining-balance").get_json()) == entry_fields


# -- headers

@pytest.mark.parametrize("url", ["/", "/search?q=sim", "/api/search?q=sim", "/api/entries/nope", "/static/site.css",
                                 "/healthz"])
def test_security_headers_on_every_response(client, url):
    h = client.get(url).headers
    assert h["Content-Security-Policy"] == CSP and "unsafe-inline" not in CSP
    assert "frame-ancestors 'none'" in CSP
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin" and h["X-Frame-Options"] == "DENY"


def test_no_inline_scripts_or_styles_in_pages(client):
    for url in ("/", "/search?q=余额", "/entry/refund-remaining-balance", "/category/costs", "/search?q=zzzz"):
        html = text(client.get(url))
        # A JSON-LD data block is not run (CSP does not apply to it); any other inline script would be.
        assert not re.search(r"<script(?![^>]*\s(?:src=|type=\"application/ld\+json\"))", html), url
        assert " style=" not in html and "<style" not in html and " on" + "click=" not in html, url


# -- feedback and CSRF

def _token(client, entry="refund-remaining-balance", q=""):
    html = text(client.get(f"/entry/{entry}", query_string={"q": q}))
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_vote_is_recorded_with_the_query(client, app):
    token = _token(client, q="余额 退款")
    r = client.post("/entry/refund-remaining-balance/feedback", headers={"Origin": ORIGIN},
                    data={"csrf_token": token, "helpful": "yes", "q": "余额 退款"})
    assert r.status_code == 303 and "voted=1" in r.headers["Location"]
    store: FeedbackStore = state_of(app).feedback
    assert store.helpfulness() == [{"entry_id": "refund-remaining-balance", "yes": 1, "no": 0, "reasons": {}}]
    assert store.votes_for("refund-remaining-balance")[0]["query"] == "余额 退款"
    assert "Thank you" in text(client.get(r.headers["Location"], headers={"Accept-Language": "en"}))


def test_vote_without_token_or_from_another_origin_is_refused(client, app):
    token = _token(client)
    url = "/entry/refund-remaining-balance/feedback"
    assert client.post(url, headers={"Origin": ORIGIN}, data={"helpful": "yes"}).status_code == 403
    assert client.post(url, headers={"Origin": ORIGIN}, data={"helpful": "yes", "csrf_token": "forged"}).status_code == 403
    assert client.post(url, headers={"Origin": "https://evil.example"},
                       data={"helpful": "yes", "csrf_token": token}).status_code == 403
    assert client.post(url, headers={"Referer": "https://evil.example/x"},
                       data={"helpful": "yes", "csrf_token": token}).status_code == 403
    assert client.post(url, data={"helpful": "yes", "csrf_token": token}).status_code == 403  # neither header
    other = app.test_client()  # another session's token does not fit this session
    assert other.post(url, headers={"Origin": ORIGIN}, data={"helpful": "yes", "csrf_token": token}).status_code == 403
    assert state_of(app).feedback.helpfulness() == []
    ok = client.post(url, headers={"Referer": ORIGIN + "/entry/x"}, data={"helpful": "no", "csrf_token": token})
    assert ok.status_code == 303


def test_oversized_post_is_refused(client):
    token = _token(client)
    r = client.post("/entry/refund-remaining-balance/feedback", headers={"Origin": ORIGIN},
                    data={"csrf_token": token, "helpful": "yes", "q": "x" * 100_000})
    assert r.status_code == 413


def test_feedback_store_keeps_no_personal_data(client, app):
    client.get("/search?q=qwxzv plorbt", environ_base={"REMOTE_ADDR": "192.0.2.77"})
    token = _token(client)
    client.post("/entry/refund-remaining-balance/feedback", headers={"Origin": ORIGIN},
                data={"csrf_token": token, "helpful": "no", "reason": "outdated"},
                environ_base={"REMOTE_ADDR": "192.0.2.77"})
    store: FeedbackStore = state_of(app).feedback
    assert store.helpfulness()[0]["reasons"] == {"outdated": 1}
    import sqlite3
    conn = sqlite3.connect(store.engine.url.database)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    cols = {r[1] for t in tables for r in conn.execute(f"PRAGMA table_info({t})")}
    assert not cols & {"ip", "addr", "user_agent", "session", "cookie", "ts", "timestamp"}
    dump = " ".join(str(row) for t in tables for row in conn.execute(f"SELECT * FROM {t}"))
    assert "192.0.2.77" not in dump and "127.0.0.1" not in dump


def test_vote_with_a_reason_outside_the_list_is_refused(client, app):
    token = _token(client)
    url = "/entry/refund-remaining-balance/feedback"
    for data in ({"helpful": "no", "reason": "because"}, {"helpful": "yes", "reason": "outdated"}):
        assert client.post(url, headers={"Origin": ORIGIN}, data={"csrf_token": token, **data}).status_code == 400
    assert state_of(app).feedback.helpfulness() == []


# -- serving: health and index switching

def test_healthz_reports_index_state(client):
    r = client.get("/healthz")
    data = r.get_json()
    assert set(data) == {"status", "reasons", "index_version", "entries"}   # nothing else for the public
    assert data["status"] == "ok" and data["reasons"] == [] and data["entries"] == 6 and data["index_version"].startswith("v-")
    assert r.headers["Cache-Control"] == "no-store"


def test_healthz_shows_no_path_and_recovers_when_the_kb_matches_again(editable_app, kb_dir):
    app, client = editable_app, editable_app.test_client()
    site = state_of(app).site
    p = kb_dir / "costs" / "daily-keeping-fee.yaml"
    good = p.read_bytes()
    p.write_text("id: daily-keeping-fee\ncategory: [nope\n", "utf-8")
    assert site.rebuild_if_stale() is False
    body = client.get("/healthz").get_data(as_text=True)
    assert '"status":"degraded"' in body.replace(" ", "")
    for leak in (str(kb_dir), "daily-keeping-fee.yaml", "/tmp", "yaml", "kb/"):
        assert leak not in body, leak
    assert "daily-keeping-fee.yaml" in site.details()["last_error"]   # the operator still has it
    p.write_bytes(good)                                                 # restored exactly as built
    assert site.rebuild_if_stale() is False                             # nothing to rebuild ...
    assert client.get("/healthz").get_json()["status"] == "ok"          # ... and healthy again
    assert site.details()["last_error"] is None


def test_pages_and_api_vary_on_language_and_static_is_cacheable(client):
    for url in ("/", "/search?q=sim", "/entry/refund-remaining-balance", "/category/costs", "/api/search?q=sim",
                "/api/categories", "/api/entries/refund-remaining-balance"):
        r = client.get(url)
        assert r.status_code == 200, url
        vary = {v.strip() for v in r.headers.get("Vary", "").split(",")}
        assert {"Accept-Language", "Cookie"} <= vary, url
    for url in ("/", "/search?q=sim", "/entry/refund-remaining-balance"):
        assert client.get(url).headers["Cache-Control"] == "private, no-cache", url
    assert client.get("/api/search?q=sim").headers["Cache-Control"] == "public, max-age=60"
    static = client.get("/static/site.css")
    assert static.headers["Cache-Control"] == "public, max-age=3600" and "Cookie" not in static.headers.get("Vary", "")
    assert client.get("/nope").headers["Cache-Control"] == "no-store"


def test_rebuilt_index_is_picked_up_and_broken_kb_keeps_old_index(editable_app, kb_dir):
    app, client = editable_app, editable_app.test_client()
    site = state_of(app).site
    before = client.get("/healthz").get_json()["index_version"]
    assert client.get("/api/search?q=Zyxwvut").get_json()["total"] == 0  # cached for the old version
    p = kb_dir / "costs" / "daily-keeping-fee.yaml"
    p.write_text(p.read_text("utf-8").replace("question:", "question: Zyxwvut", 1), "utf-8")
    assert site.rebuild_if_stale() is True
    site.refresh_every = 0
    after = client.get("/healthz").get_json()
    assert after["index_version"] != before and after["status"] == "ok"
    assert client.get("/api/search?q=Zyxwvut").get_json()["total"] == 1

    (kb_dir / "costs" / "broken.yaml").write_text("id: broken\ncategory: [nope\n", "utf-8")
    assert site.rebuild_if_stale() is False
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded" and "broken.yaml" in site.details()["last_error"]
    assert health["index_version"] == after["index_version"]
    assert client.get("/api/search?q=Zyxwvut").get_json()["total"] == 1  # old index still serves


def test_wsgi_entry_point_reads_environment(fixture_index, tmp_path, monkeypatch):
    import importlib
    import sys
    monkeypatch.setenv("FAQKB_KB", str(FIXTURE_KB))
    monkeypatch.setenv("FAQKB_INDEX", str(fixture_index))
    monkeypatch.setenv("FAQKB_INSTANCE", str(tmp_path / "inst"))
    sys.modules.pop("faqkb.wsgi", None)
    wsgi = importlib.import_module("faqkb.wsgi")
    assert wsgi.app.test_client().get("/healthz").get_json()["entries"] == 6
    sys.modules.pop("faqkb.wsgi", None)


def test_watcher_rebuilds_when_kb_changes(editable_app, kb_dir):
    import time
    site = state_of(editable_app).site
    before = site.searcher.info.path.name
    p = kb_dir / "scams" / "contract-expiring-call-scam.yaml"
    p.write_text(p.read_text("utf-8").replace("question:", "question: Qwertzu", 1), "utf-8")
    site.start_watching(every=0.1)
    try:
        deadline = time.time() + 120  # only catches a hang
        while time.time() < deadline and site.searcher.info.path.name == before:
            time.sleep(0.1)
            site.refresh_now()
    finally:
        site.stop()
    assert site.searcher.info.path.name != before
    assert site.searcher.search("Qwertzu").total == 1


@pytest.mark.slow  # rebuilds twice under three hammering threads
def test_no_failed_request_while_the_index_switches(kb_dir, index_dir, tmp_path):
    import threading

    app = create_app({"KB": kb_dir, "INDEX": index_dir, "INSTANCE": tmp_path / "i2",
                      "SECRET_KEY": "t", "SEARCH_CACHE": 0,
                      "RATELIMIT_ENABLED": False})  # three threads of one client, flat out
    site = state_of(app).site
    statuses: list[int] = []
    stop = threading.Event()

    def hammer():
        c = app.test_client()
        while not stop.is_set():
            statuses.append(c.get("/api/search?q=余额 refund").status_code)

    site.refresh_every = 0
    threads = [threading.Thread(target=hammer) for _ in range(3)]
    try:
        for t in threads:
            t.start()
        for i in range(2):
            p = kb_dir / "basics" / "stop-using-sim-what-happens.yaml"
            p.write_text(p.read_text("utf-8") + f"\n# edit {i}\n", "utf-8")
            assert site.rebuild_if_stale()
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert statuses and set(statuses) == {200}


def test_traditional_reader_sees_answers_in_traditional_characters(client):
    client.get("/lang/zh-Hant")
    html = text(client.get("/search?q=注销 余额"))
    assert "註銷" in html and 'lang="zh-Hant"' in html
    assert "<mark>註銷</mark>" in html  # offsets still fit the converted text
    page = text(client.get("/entry/refund-remaining-balance"))
    assert "餘額" in page and "余额" not in page
    api = client.get("/api/search?q=注销&script=Hant").get_json()
    assert "註銷" in api["hits"][0]["question"]
    assert client.get("/api/search?q=x&script=Latn").get_json()["error"]["param"] == "script"


# -- issue 11: the live panel's fragment, the answer box, reasons after "No"

def test_panel_is_the_results_fragment_and_records_no_gap(client, app):
    page = text(client.get("/search?q=余额 退款"))
    panel = client.get("/search/panel?q=余额 退款")
    assert panel.status_code == 200 and "<html" not in text(panel)
    ids = re.findall(r'data-id="([^"]+)"', text(panel))
    assert ids and ids == re.findall(r'data-id="([^"]+)"', page)
    assert client.get("/search/panel?q=").status_code == 204
    client.get("/search/panel?q=qwxzv")
    state_of(app).deferred.flush()
    assert state_of(app).feedback.top_zero_results(5) == []  # prefixes are not gaps


def test_answer_box_only_when_answered(client, app):
    s = state_of(app).site.searcher
    for q in ("注销 余额", "how to cook rice", "refund balance"):
        res = s.search(q, lang="en")
        html = text(client.get("/search", query_string={"q": q}, headers={"Accept-Language": "en"}))
        assert ('class="answer-box"' in html) == (res.answered and bool(res.hits)), q
        assert ("We have no direct answer to that" in html) == (not res.answered and bool(res.hits)), q


def test_no_is_recorded_then_asks_why_and_the_reason_replaces_it(client, app):
    url = "/entry/refund-remaining-balance/feedback"
    page = text(client.get("/entry/refund-remaining-balance"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    store = state_of(app).feedback
    r = client.post(url, headers={"Origin": ORIGIN}, data={"csrf_token": token, "helpful": "no"})
    assert r.status_code == 303 and "why=1" in r.headers["Location"]
    assert store.helpfulness() == [{"entry_id": "refund-remaining-balance", "yes": 0, "no": 1, "reasons": {}}]
    why = text(client.get(r.headers["Location"]))
    assert re.findall(r'name="reason" value="([^"]*)"', why) == [
        "not-answered", "outdated", "hard-to-understand", "wrong-language", ""]
    assert client.post(url, headers={"Origin": ORIGIN},
                       data={"csrf_token": token, "helpful": "no", "reason": "because"}).status_code == 400
    r = client.post(url, headers={"Origin": ORIGIN}, data={"csrf_token": token, "helpful": "no", "reason": "outdated"})
    assert r.status_code == 303 and "voted=1" in r.headers["Location"]
    assert store.helpfulness() == [{"entry_id": "refund-remaining-balance", "yes": 0, "no": 1,  # one vote
                                    "reasons": {"outdated": 1}}]


def test_entry_page_lists_sources_as_links_and_marks_searched_words(client):
    html = text(client.get("/entry/refund-remaining-balance?q=余额", headers={"Accept-Language": "zh-CN"}))
    sources = html[html.index('class="sources"'):]
    assert re.search(r'<a href="https://[^"]+" rel="noopener noreferrer"', sources)
    answer = html[html.index('class="answer"'):html.index('class="checked"')]
    assert "<mark>余额</mark>" in answer


def test_reason_labels_match_the_feedback_store():
    from faqkb.feedback import REASONS
    from faqkb.web.i18n import REASON_LABELS

    assert tuple(REASON_LABELS) == REASONS


# -- issue 23: the Host header and cookies behind https

def test_a_host_not_allowed_is_refused_so_dns_rebinding_cannot_vote(app, client):
    token = _token(client)
    url = "/entry/refund-remaining-balance/feedback"
    evil = {"Host": "rebind.evil.example", "Origin": "http://rebind.evil.example"}
    assert client.get("/", headers={"Host": "rebind.evil.example"}).status_code == 400
    assert client.post(url, headers=evil, data={"csrf_token": token, "helpful": "yes"}).status_code == 400
    assert state_of(app).feedback.helpfulness() == []
    for host in ("localhost", "localhost:8080", "127.0.0.1:5000", "[::1]:8080"):
        assert client.get("/api/search?q=sim", headers={"Host": host}).status_code == 200, host
    for probe in ("/healthz", "/api/ping"):       # load balancers probe by address
        assert client.get(probe, headers={"Host": "10.0.0.5:8080"}).status_code == 200


def test_allowed_hosts_setting_names_the_site(fixture_index, tmp_path):
    app = create_app({"KB": FIXTURE_KB, "INDEX": fixture_index, "INSTANCE": tmp_path / "i", "TESTING": True,
                      "SECRET_KEY": "t", "ALLOWED_HOSTS": "help.example.org, .example.net"})
    c = app.test_client()
    assert c.get("/", headers={"Host": "help.example.org"}).status_code == 200
    assert c.get("/", headers={"Host": "ru.example.net:443"}).status_code == 200
    assert c.get("/", headers={"Host": "example.org"}).status_code == 400
    assert c.get("/", headers={"Host": "localhost"}).status_code == 400


def test_session_cookie_is_secure_behind_https_and_only_then(fixture_index, tmp_path):
    app = create_app({"KB": FIXTURE_KB, "INDEX": fixture_index, "INSTANCE": tmp_path / "i", "TESTING": True,
                      "SECRET_KEY": "t", "PROXIES": 1})
    c = app.test_client()
    https = c.get("/entry/refund-remaining-balance", headers={"X-Forwarded-Proto": "https",
                                                               "X-Forwarded-For": "192.0.2.1"})
    cookie = https.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    plain = app.test_client().get("/entry/refund-remaining-balance", headers={"X-Forwarded-For": "192.0.2.2"})
    assert "Secure" not in plain.headers["Set-Cookie"]


def test_healthz_opens_the_live_version_and_says_503_when_it_is_gone(editable_app, index_dir):
    import shutil

    from faqkb.layout import current_version

    live = current_version(index_dir)
    shutil.rmtree(live)                      # the live version folder deleted, CURRENT still names it
    r = editable_app.test_client().get("/healthz")
    body = r.get_data(as_text=True)
    assert r.status_code == 503 and r.get_json()["status"] == "degraded"
    assert r.get_json()["reasons"][0] == "index_missing"
    assert str(index_dir) not in body and live.name + "/" not in body
