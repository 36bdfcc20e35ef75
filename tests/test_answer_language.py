"""Answers in the language of the question (web/pages.py answer_lang): Chinese typed into
the Russian UI is answered in Chinese, with the Russian answers one click away; the UI
language stays when the query says nothing about the reader's language."""

from __future__ import annotations

import re

import pytest
from conftest import FIXTURE_KB

from faqkb.web import create_app

RU = {"Accept-Language": "ru"}


@pytest.fixture
def client(fixture_index, tmp_path):
    return create_app({"KB": FIXTURE_KB, "INDEX": fixture_index, "INSTANCE": tmp_path / "instance",
                       "TESTING": True, "SECRET_KEY": "test"}).test_client()


def _hit_langs(html: str) -> set[str]:
    return set(re.findall(r'class="hit-q"[^>]*lang="([^"]+)"', html))


def test_chinese_query_in_russian_ui_is_answered_in_chinese_with_russian_one_click_away(client):
    html = client.get("/search?q=怎么注销手机卡", headers=RU).get_data(as_text=True)
    assert '<html lang="ru">' in html  # the UI stays Russian
    assert _hit_langs(html) == {"zh-Hans"}
    assert "Ответы на китайском — на языке вашего вопроса." in html
    switch = re.search(r'class="lang-switch" href="([^"]+)"', html)
    assert switch and "lang=ru" in switch.group(1) and "Показать ответы на русском" in html
    back = client.get(switch.group(1).replace("&amp;", "&"), headers=RU).get_data(as_text=True)
    assert _hit_langs(back) == {"ru"} and "lang-switch" not in back
    # the entry links keep the language shown
    assert re.search(r'href="/entry/[^"]*lang=zh', html)


def test_query_in_the_ui_language_shows_no_switch(client):
    html = client.get("/search?q=как расторгнуть договор", headers=RU).get_data(as_text=True)
    assert _hit_langs(html) == {"ru"} and "lang-switch" not in html
    assert not re.search(r'href="/entry/[^"]*lang=', html)  # addresses as before: the UI decides


def test_lone_latin_brand_name_keeps_the_ui_language(client):
    html = client.get("/search?q=MTS", headers=RU).get_data(as_text=True)
    assert _hit_langs(html) <= {"ru"} and "lang-switch" not in html


def test_english_sentence_in_chinese_ui_is_answered_in_english(client):
    html = client.get("/search?q=how to cancel my sim card", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert _hit_langs(html) == {"en"} and "改用中文显示答案" in html


def test_live_panel_follows_the_same_rule(client):
    html = client.get("/search/panel?q=怎么注销手机卡", headers=RU).get_data(as_text=True)
    assert _hit_langs(html) == {"zh-Hans"} and "lang-switch" in html
