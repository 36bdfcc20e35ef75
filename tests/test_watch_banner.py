"""The editor preview (serve --watch): a kb error shows as a banner on every page, with
file:line and what to fix, until fixed, while the last good index keeps serving."""

from __future__ import annotations

import pytest
from conftest import serve_wsgi, wait

from faqkb.web import create_app
from faqkb.web.state import state_of

BROKEN = "id: daily-keeping-fee\ncategory: [nope\n"


def _app(kb_dir, index_dir, tmp_path, watch: bool):
    return create_app({"KB": kb_dir, "INDEX": index_dir, "INSTANCE": tmp_path / "instance",
                       "TESTING": True, "SECRET_KEY": "test", "WATCH": watch, "RATELIMIT_ENABLED": False})


def test_watch_banner_names_file_and_line_on_every_page_until_fixed(kb_dir, index_dir, tmp_path):
    app = _app(kb_dir, index_dir, tmp_path, watch=True)
    client, site = app.test_client(), state_of(app).site
    try:
        assert "kb-banner" not in client.get("/").get_data(as_text=True)
        p = kb_dir / "costs" / "daily-keeping-fee.yaml"
        good = p.read_bytes()
        p.write_text(BROKEN, "utf-8")
        assert site.rebuild_if_stale() is False
        for url in ("/", "/search?q=余额", "/entry/refund-remaining-balance", "/category/costs", "/nope"):
            html = client.get(url).get_data(as_text=True)
            assert 'class="kb-banner" role="alert"' in html, url
            assert "daily-keeping-fee.yaml:3:1" in html, url   # file:line
        # the last good index still answers
        assert "daily-keeping-fee" in client.get("/api/search?q=保号 费用").get_data(as_text=True)
        p.write_bytes(good)
        site.rebuild_if_stale()
        assert "kb-banner" not in client.get("/").get_data(as_text=True)
    finally:
        site.stop()


def test_no_banner_without_watch(kb_dir, index_dir, tmp_path):
    """A public site (no --watch) never shows file names to readers."""
    app = _app(kb_dir, index_dir, tmp_path, watch=False)
    (kb_dir / "costs" / "daily-keeping-fee.yaml").write_text(BROKEN, "utf-8")
    assert state_of(app).site.rebuild_if_stale() is False
    html = app.test_client().get("/").get_data(as_text=True)
    assert "kb-banner" not in html and "daily-keeping-fee.yaml" not in html


@pytest.mark.browser
def test_watch_banner_in_the_browser(kb_dir, index_dir, tmp_path, browser):
    from selenium.webdriver.common.by import By

    app = _app(kb_dir, index_dir, tmp_path, watch=True)
    site = state_of(app).site
    try:
        with serve_wsgi(app) as url:
            (kb_dir / "costs" / "daily-keeping-fee.yaml").write_text(BROKEN, "utf-8")
            site.rebuild_if_stale()
            browser.get(url + "/entry/refund-remaining-balance")
            banner = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".kb-banner[role=alert]"))
            assert banner.is_displayed() and "daily-keeping-fee.yaml:3:1" in banner.text
            assert browser.find_element(By.CSS_SELECTOR, ".answer").text  # the page still serves
    finally:
        site.stop()
