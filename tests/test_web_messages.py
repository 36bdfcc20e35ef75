"""What the site's pages say when something is refused (issue 21, item 8): a reader's words in
the reader's language, never a parameter name or the API's developer message, and the reader's
query kept in a search box (also on the 429 page). Through the real app, in two UI languages
and more; the API keeps naming the parameter (for developers)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from conftest import FIXTURE_KB

from faqkb.search import MAX_QUERY_CHARS
from faqkb.web import create_app

Q = "МТС 余额 退款"
# (path and arguments, what the API's message says instead: none of it may reach the page)
REFUSED = [
    ({"q": Q, "page": "abc"}, "page must be a whole number"),
    ({"q": Q, "page": "100000"}, "page must be between"),
    ({"q": Q, "lang": "xx"}, "unknown language"),
    ({"q": Q, "category": "nope"}, "unknown category"),
    ({"q": "x" * (MAX_QUERY_CHARS + 1)}, "characters; the limit is"),
]
# A parameter named as the API names it ("page must be …", "q is required", "unknown script 'x'").
PARAM_WORDS = re.compile(r"\b(page|lang|category|script|limit|q)\b (must|is required|is \d)|\bunknown (language|category|"
                         r"script)\b|\bparameter\b|whole number|параметр|参数|參數")
CYRILLIC = re.compile(r"[А-Яа-яЁё]{4,}")
HAN = re.compile(r"[\u4e00-\u9fff]{4,}")


@pytest.fixture
def client(fixture_index, tmp_path):
    app = create_app({"KB": FIXTURE_KB, "INDEX": fixture_index, "BUILD": False, "INSTANCE": tmp_path / "inst",
                      "SECRET_KEY": "messages", "RATELIMIT_ENABLED": False, "TESTING": True})
    return app.test_client()


def message_of(html: str) -> str:
    """The error page's own text: its heading and message (not the header's search box)."""
    section = re.search(r'<section class="error">(.*?)</section>', html, re.S)
    assert section, html[:500]
    return unescape(re.sub(r"<[^>]+>", " ", section.group(1)))


def box_value(html: str, box_id: str) -> str | None:
    m = re.search(rf'<input[^>]*id="{box_id}"[^>]*value="([^"]*)"', html)
    return unescape(m.group(1)) if m else None


@pytest.mark.parametrize("hl,script", [("ru", CYRILLIC), ("zh-Hans", HAN), ("en", None)])
@pytest.mark.parametrize("args,developer", REFUSED)
def test_a_refused_search_page_speaks_to_the_reader_and_keeps_the_query(client, hl, script, args, developer):
    r = client.get("/search?" + urlencode({**args, "hl": hl}))
    assert r.status_code == 400 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    text = message_of(html)
    assert developer not in html, (hl, args)
    assert not PARAM_WORDS.search(text), (hl, args, text)
    if script is not None:
        assert script.search(text), (hl, text)  # translated, not English
    q = args["q"][:MAX_QUERY_CHARS]
    assert box_value(html, "again-q") == q and box_value(html, "q") == q  # search again with the query
    api = client.get("/api/search?" + urlencode(args))
    assert api.status_code == 400 and developer in api.get_json()["error"]["message"]  # developers still told
    assert api.get_json()["error"]["param"] in {"q", "page", "lang", "category"}


def test_the_messages_differ_by_what_was_wrong_and_by_language(client):
    seen = {}
    for hl in ("ru", "en"):
        for args, _ in (REFUSED[0], REFUSED[2], REFUSED[3]):  # page, lang, category
            html = client.get("/search?" + urlencode({**args, "hl": hl})).get_data(as_text=True)
            seen[hl, tuple(args)] = message_of(html)
    assert len(set(seen.values())) == len(seen) == 6, seen


@pytest.mark.parametrize("hl,script", [("ru", CYRILLIC), ("en", None)])
def test_a_refused_form_is_explained_without_the_developer_message(client, hl, script):
    r = client.post(f"/entry/refund-remaining-balance/feedback?hl={hl}", data={"helpful": "yes"})
    assert r.status_code == 403
    text = message_of(r.get_data(as_text=True))
    assert "Origin" not in text and "Referer" not in text and "refused" not in text.split("\n", 2)[-1], text
    assert "Reload" in text if script is None else script.search(text), text


@pytest.mark.parametrize("hl,words", [("ru", "Слишком много запросов"), ("zh-Hans", "请求过于频繁"),
                                      ("en", "Too many requests")])
def test_the_429_page_keeps_the_readers_query(fixture_index, tmp_path, hl, words):
    app = create_app({"KB": FIXTURE_KB, "INDEX": fixture_index, "BUILD": False, "INSTANCE": tmp_path / "inst",
                      "SECRET_KEY": "messages", "SEARCH_CACHE": 0, "RATELIMIT_SEARCH": "2 per minute",
                      "RATELIMIT_STORAGE_URI": "memory://", "TESTING": True})
    c = app.test_client()
    url = "/search?" + urlencode({"q": Q, "hl": hl})
    got = [c.get(url) for _ in range(3)]
    assert [r.status_code for r in got] == [200, 200, 429]
    html = got[-1].get_data(as_text=True)
    assert words in html and got[-1].headers["Retry-After"]
    assert box_value(html, "again-q") == Q and box_value(html, "q") == Q
    assert not PARAM_WORDS.search(message_of(html))
