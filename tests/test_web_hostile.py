"""The site under hostile input, OWASP-style, against the real app (fixture kb plus one entry
full of script payloads, real index, waitress on loopback, real headless Chromium):

- XSS in the query, the language switch, category/page/lang parameters and in a kb entry's
  question and answer: nothing executes, the dangerous HTML is absent from the DOM, and the
  browser reports no CSP violation (nothing inline was even attempted); a positive control
  shows the CSP really blocks inline script.
- no open redirect through any parameter or path; no path traversal on entry ids or static
  files; oversized queries, URLs, bodies and header sets are refused with 4xx;
- feedback POSTs without the session's token or from another origin are refused;
- the SQLite feedback database keeps exact counts under concurrent writers and survives
  writers killed with SIGKILL mid-write (integrity_check ok, still WAL, nothing acked lost);
  one client's many votes through the real server count once.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import pytest
from conftest import FIXTURE_KB, chrome_driver, serve_wsgi, wait
from helpers import run_concurrently

from faqkb.feedback import FeedbackStore, default_url
from faqkb.service import rebuild
from faqkb.web import create_app
from faqkb.web.state import state_of

ROOT = Path(__file__).parents[1]
HOSTILE_ID = "xss-payloads"
# An editor's (or a compromised editor account's) entry: every trick for getting markup or a
# script URL through the Markdown subset. Each payload would set window.__xss or call alert.
HOSTILE_ENTRY = r'''
id: xss-payloads
category: security
updated: 2026-11-25
zh:
  question: 脚本测试 <script>window.__xss=1</script> 问题
  lead: 摘要 <img src=x onerror=window.__xss=1> [链接](javascript:window.__xss=1)
  alternatives:
    - 脚本 <img src=x onerror=window.__xss=1>
  answer: |
    脚本 <script>window.__xss=1</script> 测试 <img src=x onerror="alert(1)">

    [链接](javascript:window.__xss=1) <a href="javascript:alert(1)">点我</a>
ru:
  question: Проверка скрипта <img src=x onerror=window.__xss=1>
  lead: Кратко <script>window.__xss=1</script>
  alternatives:
    - скрипт <svg onload=window.__xss=1>
  answer: |
    Скрипт <b onmouseover="window.__xss=1">наведи</b> проверка

    [ссылка](JaVaScRiPt:window.__xss=1) <ScRiPt>window.__xss=1</sCrIpT>
en:
  question: Script test <script>window.__xss=1</script> question "onmouseover=window.__xss=1"
  lead: Lead <b onmouseover="window.__xss=1">hover</b> [link](javascript:window.__xss=1)
  alternatives:
    - script test <img src=x onerror=window.__xss=1>
  answer: |
    Script test <script>window.__xss=1</script> inline, and <img src=x onerror="window.__xss=1"> inline.

    <script>window.__xss=1</script>

    <div onmouseover="window.__xss=1">raw html block hover me</div>

    <iframe src="javascript:window.__xss=1"></iframe>

    <a href="data:text/html,<script>window.__xss=1</script>">data link</a>

    <svg onload="window.__xss=1"><circle r="10"/></svg>

    <details open ontoggle="window.__xss=1"><summary>x</summary></details>

    - [plain](javascript:window.__xss=1)
    - [mixed case](JaVaScRiPt:window.__xss=1)
    - [spaced](  javascript:window.__xss=1)
    - [entity](&#106;avascript:window.__xss=1)
    - [tab](java&#9;script:window.__xss=1)
    - [vb](vbscript:msgbox(1))
    - [data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)
    - [title](https://t2.ru/ "x\" onmouseover=\"window.__xss=1")
    - ![image](x" onerror="window.__xss=1)
    - ![image2](javascript:window.__xss=1)
    - autolinks <https://t2.ru/> and <javascript:window.__xss=1> and <mailto:x@example.org>
    - **bold <b onmouseover=window.__xss=1>hover</b>** and `<script>code</script>`

    [ref]: javascript:window.__xss=1

    A [reference link][ref] and a safe [official link](https://t2.ru/).

    <style>body{display:none}</style> <form action="https://evil.example"><button>go</button></form>
    <base href="https://evil.example/"> <meta http-equiv="refresh" content="0;url=https://evil.example/">
'''
# Typed into the search box or put in any parameter.
XSS_PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=window.__xss=1>",
    '"><svg onload=window.__xss=1>',
    "'><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    "</textarea><script>window.__xss=1</script>",
    "javascript:window.__xss=1",
    '<a href="javascript:window.__xss=1">x</a>',
    '" onmouseover="window.__xss=1" x="',
    "' autofocus onfocus='window.__xss=1",
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "<<script>window.__xss=1//<</script>",
    "\u2028<script>window.__xss=1</script>",
    "{{7*7}} ${7*7} <%= 7*7 %> {% raw %}",
    "script test <img src=x onerror=alert(1)>",
]
# Recorded before any page script runs (CDP), so a payload that did run, or an inline script
# the CSP blocked, leaves a trace even if the page navigates on.
PROBE_JS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
}, true);
window.__alerts = [];
['alert', 'confirm', 'prompt'].forEach(function (f) {
  window[f] = function (m) { window.__alerts.push(f + ':' + m); };
});
"""
# Everything on the page that could run script or leave the site, as readable strings.
DANGER_JS = """
const bad = [];
const here = location.origin;
document.querySelectorAll('*').forEach(el => {
  for (const a of el.attributes) {
    if (/^on/i.test(a.name)) bad.push(el.tagName + ' ' + a.name + '=' + a.value);
    if (a.name === 'style') bad.push(el.tagName + ' style=' + a.value);
  }
});
document.querySelectorAll('script').forEach(s => {
  // an entry page's FAQPage JSON-LD is data the browser never runs; it must parse as JSON
  // (a payload that broke out of it would be a second, flagged script element)
  if (s.type === 'application/ld+json' && !s.src) {
    try { JSON.parse(s.textContent); } catch (e) { bad.push('ld+json that does not parse'); }
    return;
  }
  if (!s.src || new URL(s.src).origin !== here) bad.push('script ' + s.outerHTML.slice(0, 80));
});
document.querySelectorAll('iframe, frame, object, embed, svg, img, style, base, meta[http-equiv], details, math')
  .forEach(el => bad.push('element ' + el.outerHTML.slice(0, 80)));
document.querySelectorAll('a[href], area[href]').forEach(a => {
  if (!['http:', 'https:'].includes(a.protocol)) bad.push('link ' + a.getAttribute('href'));
});
document.querySelectorAll('form').forEach(f => {
  if (new URL(f.action, location.href).origin !== here) bad.push('form ' + f.action);
});
document.querySelectorAll('link').forEach(l => {
  // the site's own <link rel=icon href="data:,"> (no favicon request) is the one exception
  if (l.href && new URL(l.href).origin !== here && l.getAttribute('href') !== 'data:,') bad.push('link-el ' + l.href);
});
return bad;
"""


# -- the hostile site

@pytest.fixture(scope="module")
def hostile_kb(tmp_path_factory) -> Path:
    import shutil

    kb = tmp_path_factory.mktemp("hostile") / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    (kb / "security" / f"{HOSTILE_ID}.yaml").write_text(textwrap.dedent(HOSTILE_ENTRY).lstrip(), "utf-8")
    return kb


@pytest.fixture(scope="module")
def hostile_app(hostile_kb, tmp_path_factory):
    index = hostile_kb.parent / "index"
    rebuild(hostile_kb, index)
    return create_app({"KB": hostile_kb, "INDEX": index, "INSTANCE": hostile_kb.parent / "instance",
                       "SECRET_KEY": "hostile-tests", "BUILD": False,
                       "RATELIMIT_ENABLED": False})  # hundreds of hostile requests from one client


@pytest.fixture(scope="module")
def server(hostile_app):
    with serve_wsgi(hostile_app) as url:
        yield url


@pytest.fixture
def client(hostile_app):
    return hostile_app.test_client()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    d = chrome_driver(tmp_path_factory)
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE_JS})
    yield d
    d.quit()


def visit(driver, url: str) -> None:
    """Load ``url``, hover over and focus everything, and assert that nothing ran."""
    driver.get(url)
    driver.execute_script("""
      document.querySelectorAll('body *').forEach(el => {
        for (const t of ['mouseover', 'mouseenter', 'focus', 'toggle', 'animationstart'])
          el.dispatchEvent(new Event(t, {bubbles: true}));
      });""")
    time.sleep(0.05)
    assert_clean(driver, url)


def assert_clean(driver, url: str) -> None:
    state = driver.execute_script(
        "return {xss: typeof window.__xss, alerts: window.__alerts, csp: window.__csp, probe: Array.isArray(window.__csp)}")
    assert state["probe"], f"{url}: the CDP probe did not load"
    assert state["xss"] == "undefined", f"{url}: a payload ran"
    assert state["alerts"] == [], f"{url}: alert() was called: {state['alerts']}"
    assert state["csp"] == [], f"{url}: CSP violations (something inline was attempted): {state['csp']}"
    assert driver.execute_script(DANGER_JS) == [], url
    logs = [e["message"] for e in driver.get_log("browser")
            if "Content Security Policy" in e.get("message", "") or "Uncaught" in e.get("message", "")]
    assert logs == [], (url, logs)


# -- XSS in real Chromium

@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "zh", "ru"])
def test_hostile_entry_renders_inert(browser, server, lang):
    from selenium.webdriver.common.by import By

    visit(browser, f"{server}/entry/{HOSTILE_ID}?lang={lang}")
    answer = browser.find_element(By.CSS_SELECTOR, "article.entry .answer")
    assert answer.text.strip()
    # the payloads are shown as text, the only links left are the official https ones
    assert "<script>window.__xss=1</script>" in browser.find_element(By.TAG_NAME, "h1").text or lang != "en"
    hrefs = [a.get_attribute("href") for a in answer.find_elements(By.TAG_NAME, "a")]
    assert all(h is None or h.startswith(("https://t2.ru/", server)) for h in hrefs), hrefs
    if lang == "en":
        assert "https://t2.ru/" in hrefs and "<div onmouseover" in answer.text


@pytest.mark.browser
def test_hostile_entry_in_results_categories_home_and_api(browser, server):
    from selenium.webdriver.common.by import By

    visit(browser, f"{server}/search?q={quote('script test')}&lang=en")
    first = browser.find_elements(By.CSS_SELECTOR, "#server-results a.hit-q")[0]
    assert first.get_attribute("href").startswith(f"{server}/entry/{HOSTILE_ID}")
    assert "<script>" in first.text  # the question, as text
    for url in ("/category/security", "/", f"/api/entries/{HOSTILE_ID}", f"/api/search?q={quote('<script>')}",
                f"/search?q={quote('скрипт')}", f"/search?q={quote('脚本')}"):
        visit(browser, server + url)


@pytest.mark.browser
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_in_every_parameter_never_runs(browser, server, payload):
    from selenium.webdriver.common.by import By

    p = quote(payload, safe="")
    visit(browser, f"{server}/search?q={p}")
    assert browser.find_element(By.ID, "q").get_attribute("value") == payload.strip()
    if "7*7" in payload:
        assert "49" not in browser.find_element(By.TAG_NAME, "main").text  # no template evaluation
    for url in (f"/search?q=sim&category={p}", f"/search?q=sim&page={p}", f"/search?q=sim&lang={p}",
                f"/search?q={p}&category=security&lang=en&page=2", f"/entry/{HOSTILE_ID}?q={p}",
                f"/entry/{HOSTILE_ID}?lang={p}", f"/entry/{p}", f"/category/{p}", f"/lang/{p}?next=/",
                f"/lang/en?next={p}", f"/lang/ru?next={quote('/search?q=' + p)}", f"/{p}", f"/api/search?q={p}"):
        visit(browser, server + url)
        assert urlsplit(browser.current_url).netloc == urlsplit(server).netloc, url


@pytest.mark.browser
def test_typed_payloads_and_a_vote_carrying_one(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(server + "/lang/en?next=/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("script test <img src=x onerror=window.__xss=1>")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#live a.hit-q"))
    time.sleep(0.3)
    assert_clean(browser, "live results")
    assert "<img src=x" in browser.find_element(By.ID, "live").text
    # open the hostile entry from the live results and vote with the payload as the query
    browser.find_element(By.CSS_SELECTOR, f"#live a.hit-q[data-id='{HOSTILE_ID}']").click()
    wait(browser, lambda d: f"/entry/{HOSTILE_ID}" in d.current_url)
    assert_clean(browser, browser.current_url)
    browser.find_element(By.CSS_SELECTOR, "#feedback button[value=yes]").click()
    wait(browser, lambda d: "voted=1" in d.current_url)
    assert_clean(browser, browser.current_url)


@pytest.mark.browser
def test_csp_is_enforced_positive_control(browser, server):
    """What if markup did get through: the CSP itself blocks inline script, inline handlers,
    javascript: URLs and foreign scripts, and the browser reports each violation. (eval is
    not tried here: code sent by the driver is exempt from the eval check; the policy simply
    has no 'unsafe-eval'.)"""
    browser.get(f"{server}/entry/{HOSTILE_ID}")
    browser.execute_script("""
      const s = document.createElement('script'); s.textContent = 'window.__xss = 1'; document.body.append(s);
      const d = document.createElement('div'); d.innerHTML = '<img src="data:," onerror="window.__xss=2">';
      document.body.append(d);
      const a = document.createElement('a'); a.href = 'javascript:window.__xss=3'; document.body.append(a); a.click();
      const ext = document.createElement('script'); ext.src = 'https://evil.example/x.js'; document.body.append(ext);
    """)
    wait(browser, lambda d: len(d.execute_script("return window.__csp")) >= 4)
    time.sleep(0.2)
    assert browser.execute_script("return typeof window.__xss") == "undefined"
    violations = browser.execute_script("return window.__csp")
    assert sum("script-src-elem inline" in v for v in violations) >= 2, violations  # <script>, javascript:
    assert any("script-src-attr inline" in v for v in violations), violations     # onerror=
    assert any("evil.example" in v for v in violations), violations               # foreign src
    from faqkb.web.security import CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    browser.get_log("browser")  # drop the expected CSP messages


# -- open redirects (test client and raw HTTP against waitress)

REDIRECT_TARGETS = [
    "https://evil.example", "https://evil.example/", "http://evil.example", "//evil.example", "//evil.example/",
    "///evil.example", "////evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
    "%2F%2Fevil.example", "/%2F/evil.example", "/%2F%2Fevil.example", "%252F%252Fevil.example",
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\x00/evil.example", " //evil.example",
    "\t//evil.example", "https:evil.example", "https:/evil.example", "http:\\\\evil.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
    "/.//evil.example", "/./\\evil.example", "@evil.example", "/@evil.example", "evil.example",
    "https://localhost@evil.example/", "/\u3000/evil.example", "/\uff0f/evil.example", "\u2215\u2215evil.example",
]


def _offsite(location: str | None, base: str = "http://localhost/") -> bool:
    if location is None:
        return False
    # what a browser does with it: tabs and newlines dropped, backslashes as slashes
    cleaned = re.sub(r"[\t\r\n]", "", location).replace("\\", "/").strip()
    return urlsplit(urljoin(base, cleaned)).netloc != urlsplit(base).netloc


@pytest.mark.parametrize("target", REDIRECT_TARGETS)
def test_language_switch_never_redirects_offsite(client, target):
    r = client.get("/lang/ru", query_string={"next": target})
    assert r.status_code == 303, target
    assert not _offsite(r.headers["Location"]), (target, r.headers["Location"])


@pytest.mark.browser
def test_language_switch_stays_on_site_in_the_browser(browser, server):
    """What Chromium itself makes of each Location (it drops tabs, reads backslashes as slashes)."""
    for target in REDIRECT_TARGETS:
        browser.get(f"{server}/lang/en?next={quote(target, safe='')}")
        assert urlsplit(browser.current_url).netloc == urlsplit(server).netloc, (target, browser.current_url)
        assert_clean(browser, target)


def test_no_other_parameter_or_path_redirects_offsite(client, server):
    token_page = client.get(f"/entry/{HOSTILE_ID}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page.get_data(as_text=True)).group(1)
    for target in REDIRECT_TARGETS:
        r = client.post(f"/entry/{HOSTILE_ID}/feedback", headers={"Origin": "http://localhost"},
                        data={"csrf_token": token, "helpful": "yes", "q": target, "lang": target, "next": target})
        assert r.status_code == 303 and not _offsite(r.headers["Location"]), (target, r.headers["Location"])
        for url in (f"/search?q=x&next={quote(target)}", f"/?next={quote(target)}&url={quote(target)}",
                    f"/entry/{HOSTILE_ID}?next={quote(target)}&return_to={quote(target)}"):
            r = client.get(url)
            assert not _offsite(r.headers.get("Location")), (url, r.headers.get("Location"))
    # paths the router might "clean up" with a redirect, as raw request lines
    for path in (b"//evil.example", b"//evil.example/", b"///evil.example/x", b"/\\evil.example",
                 b"/static//evil.example", b"/static/%2Fevil.example", b"//evil.example/%2E%2E",
                 b"/lang/en/", b"/search/", b"/entry/x/", b"/api/search/"):
        status, headers, _ = raw_request(server, b"GET", path)
        assert status < 500, path
        loc = headers.get("location")
        assert not _offsite(loc, server + "/"), (path, loc)


# -- path traversal

TRAVERSALS = [
    b"/entry/..%2F..%2Fetc%2Fpasswd", b"/entry/../../etc/passwd", b"/entry/..%2F..%2Fpyproject.toml",
    b"/entry/%2e%2e%2f%2e%2e%2fpyproject.toml", b"/entry/..%5C..%5Cpyproject.toml", b"/entry/%00",
    b"/entry/....//....//etc/passwd", b"/api/entries/../..", b"/api/entries/..%2F..%2Fpyproject.toml",
    b"/api/entries/%2e%2e%2f%2e%2e%2fetc%2fpasswd", b"/api/entries/..", b"/api/entries/%2e%2e",
    b"/entry/../../../../../../etc/passwd/feedback",
    b"/static/../../pyproject.toml", b"/static/../../../../../../etc/passwd", b"/static/..%2F..%2Fpyproject.toml",
    b"/static/%2e%2e/%2e%2e/pyproject.toml", b"/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
    b"/static/..%5c..%5cpyproject.toml", b"/static/..\\..\\pyproject.toml", b"/static/....//....//pyproject.toml",
    b"/static/%252e%252e/%252e%252e/pyproject.toml", b"/static/site.css/../../../pyproject.toml",
    b"/static/..;/..;/pyproject.toml", b"/static/%c0%ae%c0%ae/%c0%ae%c0%ae/pyproject.toml",
    b"/static/%2Fetc%2Fpasswd", b"/static//etc/passwd", b"/static/site.css%00.txt", b"/static/.",
    b"/static/", b"/static/../web/pages.py", b"/static/..%2Fweb%2Fpages.py", b"/static/../__init__.py",
    b"/static/../../../kb/allowed_domains.yaml", b"/../../../etc/passwd", b"/%2e%2e/%2e%2e/etc/passwd",
]
SECRETS = (b"[build-system]", b"root:x:0", b"import ", b"def ", b"domains:", b"hostile-tests")


@pytest.mark.parametrize("path", TRAVERSALS, ids=lambda p: p.decode("latin-1"))
def test_path_traversal_is_refused(server, path):
    status, headers, body = raw_request(server, b"GET", path)
    if status in (301, 302, 303, 307, 308):  # the router merging slashes: follow it once, same host
        loc = headers["location"]
        assert not _offsite(loc, server + "/"), loc
        status, headers, body = raw_request(server, b"GET", urlsplit(loc).path.encode())
    assert status in (400, 404), (path, status)
    assert not any(s in body for s in SECRETS), path


def test_static_files_are_served_from_static_only(server):
    status, headers, body = raw_request(server, b"GET", b"/static/site.css")
    assert status == 200 and headers["content-type"].startswith("text/css")


# -- oversized requests

def test_query_over_the_bound_is_400_saying_so(client):
    # the page in a reader's words (issue 21: no parameter names on pages), the API naming q
    r = client.get("/search", query_string={"q": "я" * 201})
    assert r.status_code == 400 and "Your question is too long" in r.get_data(as_text=True)
    r = client.get("/api/search", query_string={"q": "x" * 5000})
    assert r.status_code == 400 and r.get_json()["error"]["param"] == "q"
    r = client.get("/api/suggest", query_string={"q": "字" * 201})
    assert r.status_code == 400 and r.get_json()["error"]["param"] == "q"
    r = client.get(f"/entry/{HOSTILE_ID}", query_string={"q": "x" * 201})
    assert r.status_code == 400 and "Your question is too long" in r.get_data(as_text=True)


def test_huge_url_and_many_headers_are_refused_and_the_server_keeps_serving(server):
    status, _, body = raw_request(server, b"GET", b"/search?q=" + b"a" * 20_000)
    assert status == 400 and b"Your question is too long" in body
    status, _, _ = raw_request(server, b"GET", b"/search?q=" + b"%E4%BD%99" * 400_000)  # 3.6 MB request line
    assert 400 <= status < 500
    status, _, _ = raw_request(server, b"GET", b"/" + b"a/" * 200_000)
    assert 400 <= status < 500
    many = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"v" * 20) for i in range(1000))
    status, _, _ = raw_request(server, b"GET", b"/api/ping", many)
    assert status == 200  # a thousand headers still fit the server's header limit
    many = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"v" * 40) for i in range(20_000))  # ~1 MB of headers
    status, _, _ = raw_request(server, b"GET", b"/api/ping", many)
    assert 400 <= status < 500
    huge_cookie = b"Cookie: session=" + b"A" * 600_000 + b"\r\n"
    status, _, _ = raw_request(server, b"GET", b"/", huge_cookie)
    assert 400 <= status < 500
    assert raw_request(server, b"GET", b"/api/ping")[0] == 200


def _session(server) -> tuple[str, str]:
    """A browser-like session on the real server: (Cookie header value, form token)."""
    status, headers, body = raw_request(server, b"GET", f"/entry/{HOSTILE_ID}".encode())
    cookie = headers["set-cookie"].split(";")[0]
    token = re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
    return cookie, token


def test_post_body_over_the_limit_is_413(server, hostile_app):
    cookie, token = _session(server)
    origin = server.encode()
    url = f"/entry/{HOSTILE_ID}/feedback".encode()
    form = f"csrf_token={token}&helpful=yes&q=".encode()
    hdrs = b"Origin: %s\r\nCookie: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n" % (origin, cookie.encode())
    limit = hostile_app.config["MAX_CONTENT_LENGTH"]
    status, _, _ = raw_request(server, b"POST", url, hdrs, form + b"x" * (limit + 1))
    assert status == 413
    status, _, _ = raw_request(server, b"POST", url, hdrs, form + b"x" * 5_000_000)
    assert status == 413
    # the same without a Content-Length: chunked
    chunk = b"x" * 50_000
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (form, chunk, chunk)) + b"0\r\n\r\n"
    status, _, _ = raw_request(server, b"POST", url, hdrs + b"Transfer-Encoding: chunked\r\n", chunked, length=False)
    assert status == 413
    # a Content-Length promising a lot is refused before the body is read
    status, _, _ = raw_request(server, b"POST", url, hdrs + b"Content-Length: 10000000000\r\n", b"", length=False)
    assert 400 <= status < 500
    status, _, _ = raw_request(server, b"POST", url, hdrs, form + b"ok")  # and a normal vote still works
    assert status == 303


# -- feedback CSRF

def test_feedback_without_token_or_from_another_origin_is_refused(client, hostile_app):
    url = f"/entry/{HOSTILE_ID}/feedback"
    html = client.get(f"/entry/{HOSTILE_ID}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    ok = {"Origin": "http://localhost"}
    refused = [
        (ok, {"helpful": "yes"}),                                       # no token
        (ok, {"helpful": "yes", "csrf_token": ""}),
        (ok, {"helpful": "yes", "csrf_token": "forged"}),
        (ok, {"helpful": "yes", "csrf_token": token + "x"}),
        (ok, {"helpful": "yes", "csrf_token": token[:-1]}),
        ({}, {"helpful": "yes", "csrf_token": token}),                   # neither Origin nor Referer
        ({"Origin": "null"}, {"helpful": "yes", "csrf_token": token}),  # sandboxed frame, no Referer
    ] + [({"Origin": o}, {"helpful": "yes", "csrf_token": token}) for o in (
        "https://evil.example", "http://evil.example", "https://localhost", "http://localhost:8080",
        "http://localhost.evil.example", "http://evil.example/http://localhost", "http://LOCALHOST.evil.example",
        "http://localhost@evil.example", "file://", "chrome-extension://abc")] + [
        ({"Referer": r}, {"helpful": "yes", "csrf_token": token}) for r in (
            "https://evil.example/entry/x", "http://localhost@evil.example/", "http://localhost.evil.example/",
            "http://evil.example/?http://localhost/", "https://localhost/entry/x")] + [
        ({"Origin": "https://evil.example", "Referer": "http://localhost/entry/x"},
         {"helpful": "yes", "csrf_token": token}),                     # a foreign Origin wins over Referer
    ]
    for headers, data in refused:
        r = client.post(url, headers=headers, data=data)
        assert r.status_code == 403, (headers, data)
    # the token in the query string or a JSON body is not the form's token
    assert client.post(f"{url}?csrf_token={token}", headers=ok, data={"helpful": "yes"}).status_code == 403
    assert client.post(url, headers=ok, json={"helpful": "yes", "csrf_token": token}).status_code == 403
    # another session's token does not fit this session, a fresh session has none
    other = hostile_app.test_client()
    assert other.post(url, headers=ok, data={"helpful": "yes", "csrf_token": token}).status_code == 403
    assert client.get(url).status_code == 405
    store: FeedbackStore = state_of(hostile_app).feedback
    before = len(store.votes_for(HOSTILE_ID))
    for headers, data in refused:
        client.post(url, headers=headers, data=data)
    assert len(store.votes_for(HOSTILE_ID)) == before
    assert client.post(url, headers=ok, data={"helpful": "no", "csrf_token": token}).status_code == 303
    # counted: this client's one vote on the entry (a browser test may have cast it before)
    assert len(store.votes_for(HOSTILE_ID)) == 1 and store.votes_for(HOSTILE_ID)[0]["helpful"] is False


# -- the feedback database under concurrent writers and SIGKILL

@pytest.mark.slow  # writer subprocesses (and SIGKILLs)
def test_feedback_store_counts_are_exact_under_concurrent_writes(tmp_path):
    # Exact counts are the point, not the lock wait: on a busy machine eight writers may
    # queue longer than the default 5 s bound (a write past it fails, and the web drops it).
    store = FeedbackStore(default_url(tmp_path), statement_timeout=300)
    threads, votes = 8, 200
    def writer(i: int) -> None:
        for j in range(votes):
            client = f"client-{i}-{j}"
            store.record_vote(f"entry-{i % 4}", j % 2 == 0, client=client, query=f"query {i} {j}")
            store.record_view(f"entry-{i % 4}", client=client)
            if j % 20 == 0:
                store.record_gap("Nothing  HERE", "en")

    assert run_concurrently(writer, threads) == []
    assert store.helpfulness() == [{"entry_id": f"entry-{k}", "yes": 200, "no": 200, "reasons": {}}
                                   for k in range(4)]
    conn = sqlite3.connect(store.engine.url.database)
    assert conn.execute("SELECT COUNT(DISTINCT query) FROM votes").fetchone()[0] == threads * votes
    assert dict(conn.execute("SELECT entry_id, count FROM views")) == {f"entry-{k}": 400 for k in range(4)}
    assert store.top_zero_results() == [{"query": "nothing here", "lang": "en", "count": threads * votes // 20,
                                         "found_nothing": threads * votes // 20}]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_one_clients_concurrent_votes_through_the_web_count_once(server, hostile_app):
    clients, votes = 8, 25
    statuses: list[int] = []

    def voter(i: int) -> None:
        cookie, token = _session(server)
        hdrs = (b"Origin: %s\r\nCookie: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                % (server.encode(), cookie.encode()))
        for j in range(votes):
            body = f"csrf_token={token}&helpful={'yes' if j % 2 else 'no'}&q=web+{i}+{j}".encode()
            statuses.append(raw_request(server, b"POST", b"/entry/daily-keeping-fee/feedback", hdrs, body)[0])

    store: FeedbackStore = state_of(hostile_app).feedback
    ts = [threading.Thread(target=voter, args=(i,)) for i in range(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert set(statuses) <= {303, 429} and 303 in statuses   # refused when over the vote limit
    # 8 sessions, one address: one vote, the last one cast
    assert len(store.votes_for("daily-keeping-fee")) == 1


WRITER = """
import sys
from faqkb.feedback import FeedbackStore
store, tag = FeedbackStore.in_instance(sys.argv[1]), sys.argv[2]
i = 0
while True:
    store.record_vote("entry-" + tag, i % 2 == 0, client=f"{tag}-{i}", query=f"{tag} {i}")
    store.record_view("entry-" + tag, client=f"{tag}-{i}")
    if i % 7 == 0:
        store.record_gap(f"zero {tag} {i % 50}", "ru")
    print(i, flush=True)  # acknowledged: committed before this line is written
    i += 1
"""


@pytest.mark.slow  # writer subprocesses (and SIGKILLs)
def test_feedback_db_survives_writers_killed_mid_write(tmp_path):
    rng = random.Random(6)
    db_dir = tmp_path / "instance"
    FeedbackStore.in_instance(db_dir).close()
    for round_ in range(3):
        procs = []
        for w in range(3):
            tag = f"r{round_}w{w}"
            out = open(tmp_path / f"{tag}.out", "w")  # noqa: SIM115 - the writer's stdout, closed below
            procs.append((tag, out, subprocess.Popen([sys.executable, "-c", WRITER, str(db_dir), tag], stdout=out,
                                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})))
        deadline = time.time() + 120  # only catches a hang
        while time.time() < deadline and not all((tmp_path / f"{t}.out").stat().st_size > 20 for t, _, _ in procs):
            time.sleep(0.02)
        time.sleep(rng.uniform(0.1, 0.6))  # writing fast now; kill at an arbitrary instruction
        for _, _, p in procs:
            os.kill(p.pid, signal.SIGKILL)
        for _tag, out, p in procs:
            p.wait(10)
            out.close()
            assert p.returncode == -signal.SIGKILL

        conn = sqlite3.connect(db_dir / "feedback.sqlite3")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        for tag, _, _ in procs:
            lines = (tmp_path / f"{tag}.out").read_text().split("\n")
            acked = int(lines[-2]) if lines[-1] == "" else int(lines[-1] or lines[-2])  # last complete line
            seqs = sorted(int(q.split()[1]) for (q,) in conn.execute(
                "SELECT query FROM votes WHERE entry_id = ?", (f"entry-{tag}",)))
            assert seqs == list(range(len(seqs))), f"{tag}: votes missing or duplicated"
            assert len(seqs) >= acked + 1, f"{tag}: acknowledged votes lost"
            views = conn.execute("SELECT count FROM views WHERE entry_id = ?", (f"entry-{tag}",)).fetchone()[0]
            assert views in (len(seqs) - 1, len(seqs)), f"{tag}: {views} views for {len(seqs)} votes"
        conn.close()
    # and the store still opens and writes
    store = FeedbackStore.in_instance(db_dir)
    store.record_vote("after", True, client="after")
    assert {"entry_id": "after", "yes": 1, "no": 0, "reasons": {}} in store.helpfulness()


# -- raw HTTP (no client-side normalization of paths, headers or bodies)

def raw_request(base: str, method: bytes, path: bytes, headers: bytes = b"", body: bytes = b"",
                length: bool = True) -> tuple[int, dict, bytes]:
    """One request on a fresh connection, exactly as given: (status, lowercased headers, body)."""
    host, port = urlsplit(base).hostname, urlsplit(base).port
    s = socket.create_connection((host, port), timeout=30)
    try:
        head = b"%s %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n" % (method, path, host.encode(), port)
        if body and length:
            head += b"Content-Length: %d\r\n" % len(body)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            s.sendall(head + headers + b"\r\n" + body)  # the server may answer early and close: read it
        data = b""
        while True:
            try:
                got = s.recv(1 << 16)
            except ConnectionResetError:
                break
            if not got:
                break
            data += got
    finally:
        s.close()
    resp = http.client.HTTPResponse(_Sock(data))
    resp.begin()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()


class _Sock:
    def __init__(self, data: bytes) -> None:
        import io
        self._f = io.BytesIO(data)

    def makefile(self, *_a, **_k):
        return self._f
