"""Snippet shape on a phone (issue 21, item 5) in real headless Chromium at 390 px: each result
shows one sentence or up to three list items (never a lead-in line, never a multi-paragraph
wall), and no single function character is marked; results page and live panel alike."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from conftest import wait
from test_snippets import assert_shape

from faqkb.snippets import FUNCTION_HAN

pytestmark = pytest.mark.browser

QUERIES = {
    "zh-Hans": ("注销后要做什么", "余额怎么退", "需要注意什么"),
    "ru": ("что делать после расторжения договора", "возврат денег", "доверенность"),
    "en": ("what to do after cancelling", "refund of the balance", "power of attorney"),
}
MAX_LINES = 9  # three wrapped list items at 390 px; a multi-paragraph answer ran to 15+


def snippets_on_page(d, root: str) -> list[dict]:
    return d.execute_script("""
        return Array.from(document.querySelectorAll(arguments[0] + ' .hit-snippet')).map(p => {
          const s = getComputedStyle(p);
          let lh = parseFloat(s.lineHeight); if (!lh) lh = parseFloat(s.fontSize) * 1.2;
          return {text: p.innerText, lines: Math.round(p.getBoundingClientRect().height / lh),
                  marks: Array.from(p.querySelectorAll('mark')).map(m => m.textContent)};
        });""", root)


def check(found: list[dict], where: str) -> int:
    for s in found:
        assert_shape(s["text"])
        assert s["lines"] <= MAX_LINES, (where, s)
        assert not [m for m in s["marks"] if len(m) == 1 and m in FUNCTION_HAN], (where, s)
    return len(found)


@pytest.mark.parametrize("code", sorted(QUERIES))
def test_snippets_on_a_phone_are_one_sentence_or_three_items(browser, server, code):
    from selenium.webdriver.common.by import By

    d = browser
    d.delete_all_cookies()
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        d.get(f"{server}/lang/{code}?next={quote('/')}")
        seen, lists, marked = 0, 0, 0
        for q in QUERIES[code]:
            d.get(f"{server}/search?" + urlencode({"q": q}))
            found = snippets_on_page(d, "#server-results")
            seen += check(found, q)
            lists += sum(s["text"].startswith("• ") for s in found)
            marked += sum(bool(s["marks"]) for s in found)
        assert seen >= 12 and marked >= 6, (seen, marked)
        assert lists, "no result showed list items: the queries should reach a list"
        # the live panel shows the same fragment
        d.get(server + "/")
        box = d.find_element(By.ID, "q")
        box.send_keys(QUERIES[code][0])
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#live .hit-snippet"))
        assert check(snippets_on_page(d, "#live"), "panel") >= 3
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
