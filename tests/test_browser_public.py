"""The public help-center parts in real headless Chromium (web/public.py, static/share.js,
the print stylesheet): what a crawler or link preview reads from the DOM, share and
copy-link, and the page as printed (print media emulated)."""

from __future__ import annotations

import json

import pytest
from conftest import wait
from test_public import validate_faqpage

pytestmark = pytest.mark.browser

ENTRY = "how-to-cancel-russian-sim"
SHARE_STUB = ("navigator.share = function (data) { window.__shared = data; return Promise.resolve(); };")


@pytest.fixture
def fresh(browser, server):
    browser.get(server + "/healthz")
    browser.delete_all_cookies()
    return browser


def test_head_tags_as_the_browser_sees_them(fresh, server):
    fresh.get(f"{server}/entry/{ENTRY}?hl=zh-Hans")
    head = fresh.execute_script("""
      const q = s => Array.from(document.querySelectorAll(s));
      return {canonical: q('link[rel=canonical]').map(l => l.href),
              alternates: q('link[rel=alternate][hreflang]').map(l => [l.hreflang, l.href]),
              og: Object.fromEntries(q('meta[property^="og:"]').map(m => [m.getAttribute('property'), m.content])),
              ld: q('script[type="application/ld+json"]').map(s => s.textContent)};""")
    assert head["canonical"] == [f"{server}/entry/{ENTRY}?hl=zh-Hans"]
    assert dict(head["alternates"])["x-default"] == f"{server}/entry/{ENTRY}"
    assert {h for h, _ in head["alternates"]} == {"zh-Hans", "zh-Hant", "ru", "en", "x-default"}
    assert head["og"]["og:url"] == head["canonical"][0] and "注销" in head["og"]["og:title"]
    assert head["og"]["og:description"]
    [ld] = head["ld"]
    validate_faqpage(json.loads(ld))


def test_share_uses_the_web_share_api_where_present(browser, server):
    browser.get(server + "/healthz")
    stub = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": SHARE_STUB})
    try:
        browser.get(f"{server}/entry/{ENTRY}?hl=en")
        btn = wait(browser, lambda d: d.find_element("css selector", ".share-btn:not([hidden])"))
        assert btn.text == "Share"
        btn.click()
        shared = wait(browser, lambda d: d.execute_script("return window.__shared"))
        assert shared["url"] == f"{server}/entry/{ENTRY}?hl=en" and "cancel" in shared["title"].lower()
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": stub["identifier"]})


def test_copy_link_puts_the_address_on_the_clipboard_where_share_is_missing(fresh, server):
    fresh.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": server, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    fresh.get(f"{server}/entry/{ENTRY}?hl=ru")
    assert fresh.execute_script("return typeof navigator.share") != "function"  # desktop headless: no share sheet
    btn = wait(fresh, lambda d: d.find_element("css selector", ".share-btn:not([hidden])"))
    assert btn.text == "Скопировать ссылку"
    btn.click()
    wait(fresh, lambda d: d.find_element("css selector", ".share-status").text == "Ссылка скопирована")
    copied = fresh.execute_async_script("navigator.clipboard.readText().then(arguments[0])")
    assert copied == f"{server}/entry/{ENTRY}?hl=ru"


def test_print_shows_answer_and_sources_without_navigation_search_or_vote(fresh, server):
    fresh.get(f"{server}/entry/{ENTRY}?hl=en")
    fresh.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = fresh.execute_script("""
          const d = s => { const e = document.querySelector(s); return e ? getComputedStyle(e).display : 'absent'; };
          const src = document.querySelector('.sources a[href^="http"]');
          return {header: d('header.top'), search: d('form[role=search], header form'), vote: d('.feedback'),
                  share: d('.share'), foot: d('.foot'), answer: d('.answer'), sources: d('.sources'),
                  h1: d('h1'), srcAfter: src ? getComputedStyle(src, '::after').content : null,
                  srcHref: src ? src.href : null,
                  color: getComputedStyle(document.querySelector('.answer')).color};""")
    finally:
        fresh.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert shown["header"] == shown["vote"] == shown["share"] == shown["foot"] == "none"
    assert shown["search"] in ("none", "absent")
    assert "none" not in (shown["answer"], shown["sources"], shown["h1"])
    assert shown["srcHref"] and shown["srcHref"] in shown["srcAfter"]  # a printed source says where it is
    assert shown["color"] == "rgb(0, 0, 0)"
    # and on screen the reader still has all of it
    assert fresh.execute_script("return getComputedStyle(document.querySelector('header.top')).display") != "none"


def test_chinese_typed_into_the_russian_ui_is_answered_in_chinese_then_russian_in_one_click(fresh, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    fresh.get(f"{server}/?hl=ru")
    box = fresh.find_element(By.CSS_SELECTOR, "input[name=q]")
    box.send_keys("怎么注销俄罗斯手机卡")
    box.send_keys(Keys.ENTER)
    wait(fresh, lambda d: "/search" in d.current_url and d.find_elements(By.CSS_SELECTOR, "#results a.hit-q, "
                                                                               ".answer-box a.hit-q"))
    langs = {a.get_attribute("lang") for a in fresh.find_elements(By.CSS_SELECTOR, "#page a.hit-q")}
    assert langs == {"zh-Hans"}
    switch = fresh.find_element(By.CSS_SELECTOR, "#page .lang-switch")
    assert switch.text == "Показать ответы на русском"
    switch.click()
    wait(fresh, lambda d: "lang=ru" in d.current_url)
    langs = {a.get_attribute("lang") for a in fresh.find_elements(By.CSS_SELECTOR, "#page a.hit-q")}
    assert langs == {"ru"} and not fresh.find_elements(By.CSS_SELECTOR, "#page .lang-switch")
