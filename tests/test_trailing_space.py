"""A trailing space ends the last word (issue 19, item 3, as-you-type): with ``prefix=True``
a query whose text ends in whitespace is searched with its last word whole, as exact search
reads it, the rest of prefix mode unchanged; without the space the last word is begun and
completed over the kb's words. The core decides (Searcher.search on the raw text); the API
and the live panel pass the space through, and exact search does not change. Queries are
made up, as readers type them; none is copied from an evaluation set."""

from __future__ import annotations

import pytest

from faqkb.prefix import word_ended


@pytest.mark.parametrize("typed", [
    "how do i get a refu",   # Latin: refu goes on to refund
    "номер заблок",          # Cyrillic: заблок goes on to заблокировать, ...
    "怎么退",                 # Chinese: a trailing character goes on to 退款, 退钱, ...
    "tuik",                  # pinyin: tuikuan
])
def test_the_last_word_is_begun_only_without_a_trailing_space(bundled, typed):
    last = typed.split()[-1] if typed.isascii() or " " in typed else typed[-1]
    begun = bundled.search(typed, prefix=True)
    completed = begun.signals["prefix"]
    assert completed["expansions"] and all(w.startswith(last) and w != last for w in completed["expansions"])
    assert len(completed["searched"]) > len(typed)
    ended = bundled.search(typed + " ", prefix=True)
    assert "prefix" not in ended.signals, "a trailing space ended the word: nothing is completed"
    assert ended.query == typed  # the bounds strip the space; it was read before
    # read as exact search reads it: the same first entry as the results page's
    exact = bundled.search(typed)
    assert [h.id for h in ended.hits[:1]] == [h.id for h in exact.hits[:1]]


def test_a_half_word_ended_by_a_space_is_an_unknown_word_not_an_answer(bundled):
    assert bundled.search("how do i get a refu", prefix=True).answered
    assert not bundled.search("how do i get a refu ", prefix=True).answered
    assert bundled.search("tuik", prefix=True).hits and not bundled.search("tuik ", prefix=True).hits


def test_a_space_after_a_whole_word_changes_nothing_and_exact_search_ignores_it(bundled):
    # a word typed whole (no completion) reads the same with or without the space
    for q in ("cancel my sim card", "注销俄罗斯手机卡"):
        assert bundled.search(q + " ", prefix=True).to_dict() == bundled.search(q, prefix=True).to_dict()
    # exact search (prefix=False) reads no prefix: a trailing space, one or several, changes nothing
    for q in ("how do i get a refu", "номер заблок", "怎么退"):
        assert bundled.search(q + " \t ").to_dict() == bundled.search(q).to_dict()


def test_word_ended_is_whitespace_at_the_very_end():
    assert word_ended("how to ") and word_ended("注销\u3000") and word_ended("как\u00a0")
    assert not word_ended("how to") and not word_ended(" how to") and not word_ended("")


@pytest.fixture
def client(bundled_index, tmp_path):
    from faqkb.paths import bundled_kb
    from faqkb.web import create_app

    return create_app({"KB": bundled_kb(), "INDEX": bundled_index, "INSTANCE": tmp_path / "instance",
                       "TESTING": True, "SECRET_KEY": "test"}).test_client()


def _api(client, q: str, **more) -> dict:
    return client.get("/api/search", query_string={"q": q, **more}).get_json()


def test_the_api_passes_the_trailing_space_through_in_prefix_mode(client):
    q = "how do i get a refu"
    begun, ended = _api(client, q, prefix="true"), _api(client, q + " ", prefix="true")
    assert begun["answered"] and not ended["answered"]  # refu read as refund only without the space
    assert _api(client, "tuik", prefix="true")["hits"] and not _api(client, "tuik ", prefix="true")["hits"]
    # several spaces read as one, and exact search is the same with or without them
    assert _api(client, q + "   ", prefix="true") == ended
    assert _api(client, q + "  ") == _api(client, q)
    suggest = [h["id"] for h in client.get("/api/suggest", query_string={"q": "tuik", "prefix": "true"}).get_json()]
    assert suggest and client.get("/api/suggest", query_string={"q": "tuik ", "prefix": "true"}).get_json() == []


def test_the_panel_passes_the_trailing_space_through(client):
    begun = client.get("/search/panel", query_string={"q": "tuik"}).get_data(as_text=True)
    ended = client.get("/search/panel", query_string={"q": "tuik "}).get_data(as_text=True)
    assert 'class="hit-q"' in begun and 'class="hit-q"' not in ended
