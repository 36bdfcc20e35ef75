"""The site as a public help center: robots.txt, sitemap.xml, canonical and hreflang links,
schema.org FAQPage data and og:/twitter tags (web/public.py), and absolute links that never
take a hostile Host header on trust."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import FIXTURE_KB

from faqkb.web import create_app

ENTRY = "how-to-cancel-russian-sim"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
LOCALES = ("zh-Hans", "zh-Hant", "ru", "en")


def _app(index: Path, tmp_path: Path, **extra):
    return create_app({"KB": FIXTURE_KB, "INDEX": index, "INSTANCE": tmp_path / "instance",
                       "TESTING": True, "SECRET_KEY": "test", **extra})


@pytest.fixture
def client(fixture_index, tmp_path):
    return _app(fixture_index, tmp_path).test_client()


class Head(HTMLParser):
    """The <link>, <meta> and JSON-LD of a page, as a crawler reads them."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[dict] = []
        self.meta: dict[str, str] = {}
        self.jsonld: list[str] = []
        self._in_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link":
            self.links.append(a)
        elif tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[a.get("property") or a["name"]] = a.get("content") or ""
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.jsonld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.jsonld[-1] += data

    def rel(self, rel: str) -> list[dict]:
        return [link for link in self.links if link.get("rel") == rel]


def validate_faqpage(doc: dict) -> None:
    """schema.org FAQPage as search engines require it: a FAQPage whose mainEntity lists
    Questions, each with a name and an acceptedAnswer Answer with text."""
    assert doc["@context"] in ("https://schema.org", "http://schema.org")
    assert doc["@type"] == "FAQPage"
    questions = doc["mainEntity"]
    assert isinstance(questions, list) and questions
    for q in questions:
        assert q["@type"] == "Question"
        assert isinstance(q["name"], str) and q["name"].strip()
        answer = q["acceptedAnswer"]
        assert answer["@type"] == "Answer"
        assert isinstance(answer["text"], str) and answer["text"].strip()


def test_entry_page_has_canonical_hreflang_alternates_and_x_default(client):
    head = Head(client.get(f"/entry/{ENTRY}?hl=ru&q=договор").get_data(as_text=True))
    [canonical] = head.rel("canonical")
    assert canonical["href"] == f"http://localhost/entry/{ENTRY}?hl=ru"  # the highlight query is not part of it
    alternates = {a["hreflang"]: a["href"] for a in head.rel("alternate")}
    assert alternates == {**{c: f"http://localhost/entry/{ENTRY}?hl={c}" for c in LOCALES},
                          "x-default": f"http://localhost/entry/{ENTRY}"}


@pytest.mark.parametrize("path", ["/", "/category/costs", "/search?q=refund"])
def test_every_page_has_canonical_and_alternates(client, path):
    head = Head(client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True))
    [canonical] = head.rel("canonical")
    assert canonical["href"].startswith("http://localhost/") and canonical["href"].endswith("hl=en")
    assert {a["hreflang"] for a in head.rel("alternate")} == {*LOCALES, "x-default"}


def test_hl_address_shows_that_ui_and_answer_language(client):
    html = client.get(f"/entry/{ENTRY}?hl=zh-Hant", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="zh-Hant">' in html and "註銷" in html
    # A reader without a choice keeps that language on the next pages; a choice made is kept.
    assert '<html lang="zh-Hant">' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    client.get("/lang/en?next=/")
    assert '<html lang="ru">' in client.get(f"/entry/{ENTRY}?hl=ru").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    # The language switch returns to the page without hl, so the choice takes effect.
    assert re.search(r'href="/lang/en\?next=/entry/' + ENTRY + '"', html)


def test_entry_page_has_valid_faqpage_jsonld_in_the_shown_language(client):
    head = Head(client.get(f"/entry/{ENTRY}?hl=zh-Hans").get_data(as_text=True))
    [raw] = head.jsonld
    doc = json.loads(raw)
    validate_faqpage(doc)
    q = doc["mainEntity"][0]
    assert "注销" in q["name"] and doc["inLanguage"] == "zh-Hans"
    assert "**" not in q["acceptedAnswer"]["text"]  # Markdown is flattened to text


def test_faqpage_validator_rejects_what_search_engines_reject():
    good = {"@context": "https://schema.org", "@type": "FAQPage",
            "mainEntity": [{"@type": "Question", "name": "Q?", "acceptedAnswer": {"@type": "Answer", "text": "A."}}]}
    validate_faqpage(good)
    for broken in ({**good, "@type": "WebPage"},
                   {**good, "mainEntity": [{"@type": "Question", "name": "Q?"}]},
                   {**good, "mainEntity": [{"@type": "Question", "name": "", "acceptedAnswer": {"@type": "Answer",
                                                                                              "text": "A."}}]}):
        with pytest.raises((AssertionError, KeyError)):
            validate_faqpage(broken)


def test_jsonld_cannot_be_closed_by_answer_text(fixture_index, tmp_path):
    from faqkb.web.public import faq_jsonld

    out = str(faq_jsonld("Q</script><script>x()</script>", "A & </script>", "2026-01-02", "en"))
    assert "</script>" not in out and "<" not in out
    assert json.loads(out)["mainEntity"][0]["name"] == "Q</script><script>x()</script>"


def test_og_and_twitter_tags_carry_the_entrys_question_and_lead(client):
    head = Head(client.get(f"/entry/{ENTRY}?hl=en").get_data(as_text=True))
    assert head.meta["og:type"] == "article"
    assert head.meta["og:url"] == f"http://localhost/entry/{ENTRY}?hl=en"
    assert head.meta["og:title"] == head.meta["twitter:title"] and "cancel" in head.meta["og:title"].lower()
    lead = head.meta["og:description"]
    assert lead == head.meta["twitter:description"] == head.meta["description"]
    assert 20 < len(lead) < 400 and "\n" not in lead
    assert head.meta["og:locale"] == "en_US" and head.meta["twitter:card"] == "summary"


def test_robots_points_at_the_sitemap_and_keeps_crawlers_off_search_and_api(client):
    resp = client.get("/robots.txt")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    lines = resp.get_data(as_text=True).splitlines()
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert {"Disallow: /search", "Disallow: /api/"} <= set(lines)
    assert "Disallow: /" not in lines and "Disallow: /entry/" not in lines


def test_sitemap_lists_every_entry_in_every_ui_language_with_its_checked_date(client, searcher):
    resp = client.get("/sitemap.xml")
    assert resp.status_code == 200 and resp.mimetype == "application/xml"
    root = ElementTree.fromstring(resp.get_data())
    urls = {u.find(f"{SM}loc").text: u for u in root.findall(f"{SM}url")}
    for entry in searcher.entries.values():
        for code in LOCALES:
            u = urls[f"http://localhost/entry/{entry.id}?hl={code}"]
            assert u.find(f"{SM}lastmod").text == entry.updated
            alts = {a.get("hreflang"): a.get("href") for a in u.findall(f"{XHTML}link")}
            assert alts["x-default"] == f"http://localhost/entry/{entry.id}" and set(alts) == {*LOCALES, "x-default"}
    assert "http://localhost/?hl=ru" in urls
    assert not any("/search" in loc or "/api/" in loc for loc in urls)


@pytest.mark.parametrize("host", ["localhost:@evil.example", "localhost:8080/evil", "evil.example"])
def test_absolute_links_never_use_a_hostile_host(fixture_index, tmp_path, host):
    client = _app(fixture_index, tmp_path, ALLOWED_HOSTS="*").test_client()
    for path in ("/robots.txt", "/sitemap.xml", f"/entry/{ENTRY}"):
        body = client.get(path, headers={"Host": host}).get_data(as_text=True)
        assert "evil" not in body, path


def test_site_url_setting_wins_over_the_request_host(fixture_index, tmp_path):
    client = _app(fixture_index, tmp_path, SITE_URL="https://help.example.org/").test_client()
    head = Head(client.get(f"/entry/{ENTRY}?hl=en").get_data(as_text=True))
    assert head.rel("canonical")[0]["href"] == f"https://help.example.org/entry/{ENTRY}?hl=en"
    assert "Sitemap: https://help.example.org/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)


def test_allowed_host_with_port_is_kept(fixture_index, tmp_path):
    client = _app(fixture_index, tmp_path).test_client()
    body = client.get("/robots.txt", headers={"Host": "127.0.0.1:8080"}).get_data(as_text=True)
    assert "Sitemap: http://127.0.0.1:8080/sitemap.xml" in body
