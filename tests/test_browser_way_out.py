"""The way out (issue 21, item 2) in real headless Chromium against the site under waitress
on the bundled kb: after "No" and on the page that found nothing, "Still stuck?" lists the
operators' official channels from kb/channels.yaml (https, allowlisted domains only; the
operator the query names first), the scam warning, and a search box that keeps the query;
translated in every UI language."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
import yaml
from conftest import BUNDLED_KB, wait

pytestmark = pytest.mark.browser

UI = ("zh-Hans", "zh-Hant", "ru", "en")
STILL_STUCK = {"zh-Hans": "还是没解决？", "zh-Hant": "還是沒解決？", "ru": "Всё ещё нужна помощь?", "en": "Still stuck?"}
ALLOWED = yaml.safe_load((BUNDLED_KB / "allowed_domains.yaml").read_text(encoding="utf-8"))["domains"]


def By():  # selenium's By, imported late (only when Chromium is there)
    from selenium.webdriver.common.by import By as by
    return by


def assert_way_out(d, query: str, first_channel: str | None = None) -> None:
    box = wait(d, lambda d: d.find_element(By().ID, "way-out"))
    links = box.find_elements(By().CSS_SELECTOR, "a.channel-link")
    assert links, "no official channel listed"
    for a in links:
        host = urlsplit(a.get_attribute("href")).hostname or ""
        assert a.get_attribute("href").startswith("https://"), a.get_attribute("href")
        assert any(host == dom or host.endswith("." + dom) for dom in ALLOWED), host
        assert "nofollow" in a.get_attribute("rel")
    if first_channel:
        assert box.find_element(By().CSS_SELECTOR, ".channels li").get_attribute("data-channel") == first_channel
    assert box.find_element(By().CSS_SELECTOR, ".scam-warning").text.strip()
    assert box.find_element(By().ID, "way-out-q").get_attribute("value") == query


def test_no_vote_shows_the_way_out_and_search_again_keeps_the_query(browser, server):
    d = browser
    d.delete_all_cookies()
    q = "MTS refund balance"
    d.get(f"{server}/lang/en?next=/")
    d.get(f"{server}/entry/refund-remaining-balance?q={quote(q)}")
    assert not d.find_elements(By().ID, "way-out")          # not before the reader said No
    d.find_element(By().CSS_SELECTOR, "form.vote button[value=no]").click()
    wait(d, lambda d: "why=1" in d.current_url)
    assert_way_out(d, q, first_channel="mts")               # the operator the query names comes first
    d.find_element(By().CSS_SELECTOR, "form.reasons button[value=not-answered]").click()
    wait(d, lambda d: "voted=1" in d.current_url)
    assert_way_out(d, q, first_channel="mts")               # still there on the thanks page
    box = d.find_element(By().ID, "way-out-q")
    box.send_keys(" after cancel")
    d.find_element(By().CSS_SELECTOR, "form.search-again button[type=submit]").click()
    wait(d, lambda d: "/search" in d.current_url)
    assert d.find_element(By().ID, "q").get_attribute("value") == q + " after cancel"


def test_a_yes_vote_has_no_way_out(browser, server):
    d = browser
    d.get(f"{server}/entry/refund-remaining-balance")
    d.find_element(By().CSS_SELECTOR, "form.vote button[value=yes]").click()
    wait(d, lambda d: "voted=1" in d.current_url)
    assert not d.find_elements(By().ID, "way-out")


@pytest.mark.parametrize("ui", UI)
def test_zero_results_offer_the_way_out_in_every_ui_language(browser, server, ui):
    d = browser
    q = "pizza margherita"
    d.get(f"{server}/lang/{ui}?next=" + quote(f"/search?q={quote(q)}"))
    wait(d, lambda d: d.find_element(By().TAG_NAME, "html").get_attribute("lang") == ui)
    assert_way_out(d, q)
    assert d.find_element(By().ID, "way-out-h").text == STILL_STUCK[ui]
    # a page with answers has no way out
    d.get(f"{server}/search?q=" + quote("refund my balance"))
    assert not d.find_elements(By().ID, "way-out")
