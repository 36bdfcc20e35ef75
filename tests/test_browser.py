"""The browser story in real headless Chromium (Debian's chromium + chromedriver, driven by
selenium) against the site served by waitress on a free loopback port, on the bundled kb.
Missing Chromium is a failure with a clear message, never a silent skip."""

from __future__ import annotations

import time
import urllib.request
from urllib.parse import quote

import pytest
from conftest import chrome_driver, wait

pytestmark = pytest.mark.browser

XSS_PROBES = ["<img src=x onerror=window.__xss=1>", "<script>window.__xss=1</script>"]


@pytest.fixture(scope="module")
def nojs_browser(tmp_path_factory):
    d = chrome_driver(tmp_path_factory, javascript=False)
    yield d
    d.quit()


@pytest.fixture
def fresh(browser, server):
    """The JS browser on a clean slate: no cookies, English UI."""
    browser.get(server + "/healthz")
    browser.delete_all_cookies()
    return browser


def live_hits(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#live a.hit-q')).map(a => a.dataset.id)")


def label_text(driver) -> str:
    """The search box's label (visually hidden outside the home page, still its name)."""
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, "label[for=q]").get_attribute("textContent").strip()


def count_searches(driver) -> None:
    """Counts every live-panel fetch (/search/panel) the page starts from now on (in flight and aborted
    ones included), in window.__searches; search.js calls the global fetch at call time."""
    driver.execute_script("""
      window.__searches = 0;
      const real = window.fetch;
      window.fetch = function (url, opts) {
        if (String(url).includes('/search/panel')) window.__searches++;
        return real.call(this, url, opts);
      };""")


def api_requests(driver) -> int:
    return driver.execute_script("return window.__searches")


def after_debounce(driver) -> None:
    """Returns once every debounce timer set so far has fired: timers fire in the order they
    are due, so a timer set now for longer than the debounce fires after them (ordering, not
    a guess at how long the machine needs)."""
    driver.execute_async_script("setTimeout(arguments[arguments.length - 1], 400)")


def type_query_and_open_first(driver, server, ui: str, query: str, expected: str) -> str:
    from selenium.webdriver.common.by import By

    driver.get(f"{server}/lang/{ui}?next=/")
    box = driver.find_element(By.ID, "q")
    box.send_keys(query)
    wait(driver, lambda d: live_hits(d)[:1] == [expected])
    assert "/search?q=" in driver.current_url  # replaceState kept the URL in step
    driver.find_element(By.CSS_SELECTOR, "#live a.hit-q").click()
    wait(driver, lambda d: "/entry/" in d.current_url)
    return driver.find_element(By.CSS_SELECTOR, "article.entry").text


def test_chinese_query_typed_shows_entry_and_answer(fresh, server):
    from selenium.webdriver.common.by import By

    answer = type_query_and_open_first(fresh, server, "zh-Hans", "注销后余额能退吗", "refund-remaining-balance")
    assert "注销前卡里还有余额" in answer and "T2（原 Tele2）" in answer
    assert fresh.find_element(By.CSS_SELECTOR, "article.entry h1").get_attribute("lang") == "zh-Hans"
    fresh.back()  # back to the results (URL kept by replaceState): from bfcache or rendered by the server
    wait(fresh, lambda d: "/search?q=" in d.current_url)
    shown = wait(fresh, lambda d: [a for a in d.find_elements(By.CSS_SELECTOR, "#server-results a.hit-q, #live a.hit-q")
                                   if a.is_displayed()])
    assert "/entry/refund-remaining-balance" in shown[0].get_attribute("href")
    fresh.refresh()  # and the URL alone brings the same results back
    first = fresh.find_elements(By.CSS_SELECTOR, "#server-results a.hit-q")[0]
    assert "/entry/refund-remaining-balance" in first.get_attribute("href")


def test_russian_query_typed_shows_entry_and_answer(fresh, server):
    answer = type_query_and_open_first(fresh, server, "ru", "как вернуть деньги с баланса",
                                       "refund-remaining-balance")
    assert "Можно ли вернуть деньги" in answer and "Последняя проверка" in answer


def test_switching_ui_language(fresh, server):
    from selenium.webdriver.common.by import By

    fresh.get(server + "/")
    assert fresh.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert label_text(fresh) == "Ask a question about your Russian SIM card"
    fresh.find_element(By.CSS_SELECTOR, ".langs a[lang=ru]").click()
    wait(fresh, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru")
    assert label_text(fresh) == "Задайте вопрос о вашей российской SIM-карте"
    fresh.find_element(By.CSS_SELECTOR, ".langs a[lang=zh-Hant]").click()
    wait(fresh, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hant")
    fresh.get(server + "/category/refunds")  # the choice sticks (cookie) over Accept-Language: en
    assert fresh.find_element(By.TAG_NAME, "h1").text == "退款"
    assert "關於俄羅斯手機卡" in label_text(fresh)


def test_search_form_works_without_javascript(nojs_browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = nojs_browser
    d.get(server + "/")
    d.find_element(By.ID, "q").send_keys("как расторгнуть договор МТС", Keys.ENTER)
    wait(d, lambda d: "/search?q=" in d.current_url)
    assert d.find_element(By.ID, "live").get_attribute("hidden") is not None  # JS never ran
    first = d.find_elements(By.CSS_SELECTOR, "#server-results a.hit-q")[0]
    assert "/entry/how-to-cancel-russian-sim" in first.get_attribute("href")
    first.click()
    wait(d, lambda d: "/entry/how-to-cancel-russian-sim" in d.current_url)
    assert d.find_element(By.CSS_SELECTOR, "article.entry .answer").text.strip()


def test_ime_composition_does_not_search_until_it_ends(fresh, server):
    from selenium.webdriver.common.by import By

    fresh.get(server + "/")
    count_searches(fresh)
    compose = """
      const q = document.getElementById('q');
      q.focus();
      q.dispatchEvent(new CompositionEvent('compositionstart', {bubbles: true, data: ''}));
      for (const v of ['z', 'zh', 'zhu', 'zhux', 'zhuxiao', '注销']) {
        q.value = v;
        q.dispatchEvent(new CompositionEvent('compositionupdate', {bubbles: true, data: v}));
        q.dispatchEvent(new InputEvent('input', {bubbles: true, isComposing: true, data: v,
                                                 inputType: 'insertCompositionText'}));
      }"""
    fresh.execute_script(compose)
    after_debounce(fresh)
    assert api_requests(fresh) == 0, "a search fired during the IME composition"
    assert fresh.find_element(By.ID, "live").get_attribute("hidden") is not None
    fresh.execute_script("""
      const q = document.getElementById('q');
      q.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true, data: '注销'}));""")
    wait(fresh, lambda d: live_hits(d))
    after_debounce(fresh)
    assert api_requests(fresh) == 1, "expected exactly one search when the composition ended"


def test_typing_is_debounced(fresh, server):
    """Keystrokes that come faster than the debounce make one search, not one each. The
    keystrokes are dispatched in one script, so they are faster than any debounce however
    busy the machine is (selenium's send_keys can be slower than 200 ms per key under load)."""
    fresh.get(server + "/")
    count_searches(fresh)
    fresh.execute_script("""
      const q = document.getElementById('q');
      q.focus();
      for (const ch of 'refund my balance') {
        q.value += ch;
        q.dispatchEvent(new InputEvent('input', {bubbles: true, data: ch, inputType: 'insertText'}));
      }""")
    wait(fresh, lambda d: live_hits(d))
    after_debounce(fresh)
    assert api_requests(fresh) == 1  # 17 input events, one search


@pytest.mark.parametrize("probe", XSS_PROBES)
def test_xss_probe_in_query_is_text_and_never_runs(fresh, server, probe):
    from selenium.webdriver.common.by import By

    fresh.get(server + "/")
    box = fresh.find_element(By.ID, "q")
    box.send_keys(probe)
    wait(fresh, lambda d: d.find_element(By.ID, "live").get_attribute("hidden") is None)
    time.sleep(0.3)
    assert fresh.execute_script("return typeof window.__xss") == "undefined"
    assert fresh.execute_script("return document.querySelectorAll('#live img, #live script').length") == 0
    assert probe in fresh.find_element(By.ID, "live").text  # the query, shown as text
    # the server-rendered page with the probe in the URL
    fresh.get(f"{server}/search?q={quote(probe)}")
    assert fresh.find_element(By.ID, "q").get_attribute("value") == probe
    page_text = fresh.find_element(By.TAG_NAME, "main").text
    assert probe in page_text  # shown as text (zero-result heading)
    assert fresh.execute_script("return typeof window.__xss") == "undefined"
    assert fresh.execute_script("return document.querySelectorAll('main img, main script').length") == 0


def test_csp_and_security_headers_present(server):
    with urllib.request.urlopen(server + "/search?q=%E6%B3%A8%E9%94%80") as r:
        csp = r.headers["Content-Security-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["Referrer-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp


def test_no_csp_violations_on_pages(fresh, server):
    """The CSP is enforced by the browser: nothing on our pages is blocked by it."""
    for url in ("/", "/search?q=%E4%BD%99%E9%A2%9D", "/entry/refund-remaining-balance", "/category/scams"):
        fresh.get(server + url)
        logs = [e for e in fresh.get_log("browser") if "Content Security Policy" in e.get("message", "")]
        assert logs == [], (url, logs)
    # the stylesheet really applied (an inline-blocked or missing CSS would leave the default)
    color = fresh.execute_script("return getComputedStyle(document.querySelector('.brand')).fontWeight")
    assert color in ("700", "bold")
