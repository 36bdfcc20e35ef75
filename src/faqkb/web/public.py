"""What a public help center offers crawlers and link previews: /robots.txt, /sitemap.xml,
and the absolute links every page puts in its <head> (canonical, hreflang alternates with
x-default, og:url) plus an entry's schema.org FAQPage data.

One page has one address per UI language: ``?hl=<locale>`` (web/i18n.py) picks the UI and so
the answer's language and script (and becomes the reader's language if they had not chosen
one); the address without ``hl`` is x-default (the reader's cookie or browser decides).

Absolute links never take the Host header on trust (a hostile Host would be written into
pages, the sitemap and shared caches): SITE_URL when set; else the request's host only when a
named entry of ALLOWED_HOSTS (not ``*``) matches it and its port is a number; else the first
name in ALLOWED_HOSTS."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlencode
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Flask, Response, current_app, request, url_for
from markupsafe import Markup

from ..kbase.model import CATEGORIES
from ..snippets import plain_text
from .i18n import COOKIE, COOKIE_MAX_AGE, HL, UI_LOCALES, ui_locale
from .security import host_allowed
from .site import recent, site

bp = Blueprint("public", __name__)

# Pages crawlers should not index: result lists (endless, and a query is the reader's), the
# API, the language switch, the feedback forms.
DISALLOW = ("/search", "/api/", "/lang/", "/entry/*/feedback")
# Arguments that do not change what a page is (a highlight, a feedback step, the UI language).
_NOT_CANONICAL = {HL, "q", "voted", "why", "next"}
OG_LOCALES = {"zh-Hans": "zh_CN", "zh-Hant": "zh_TW", "ru": "ru_RU", "en": "en_US"}  # Open Graph's form
_HOST = re.compile(r"(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?")


def site_url() -> str:
    """The site's origin for absolute links, without a trailing slash (module docstring)."""
    cfg = current_app.config
    if cfg.get("SITE_URL"):
        return str(cfg["SITE_URL"]).rstrip("/")
    named = [a for a in cfg["ALLOWED_HOSTS_LIST"] if a != "*"]
    host = request.host
    if _HOST.fullmatch(host) and host_allowed(host, named):
        return f"{request.scheme}://{host.lower()}"
    first = next((a.lstrip(".") for a in named), "localhost")
    return f"{request.scheme}://[{first}]" if ":" in first else f"{request.scheme}://{first}"


def page_url(hl: str | None = None, path: str | None = None) -> str:
    """This page's absolute address in UI locale ``hl`` (None: x-default), without the
    arguments that do not change what it is."""
    args = sorted((k, v) for k, v in request.args.items(multi=True) if k not in _NOT_CANONICAL)
    if hl:
        args.append((HL, hl))
    query = urlencode(args)
    return site_url() + quote(path if path is not None else request.path) + ("?" + query if query else "")


def head_links() -> dict:
    """What base.html puts in <head>: canonical (this UI locale's address), the alternate
    per UI locale and x-default."""
    return {"canonical": page_url(ui_locale()), "x_default": page_url(None),
            "alternates": [(code, page_url(code)) for code in UI_LOCALES], "og_locale": OG_LOCALES[ui_locale()]}


def faq_jsonld(question: str, answer: str, updated: str, lang_tag: str) -> Markup:
    """An entry as schema.org FAQPage JSON-LD (one Question with its accepted Answer, the
    answer's Markdown as plain text), safe inside <script type="application/ld+json">
    (<, > and & written as JSON \\u escapes, so no "</script>" can end it)."""
    answer_obj: dict = {"@type": "Answer", "text": plain_text(answer)}
    if _date(updated):
        answer_obj["dateModified"] = updated
    data = {"@context": "https://schema.org", "@type": "FAQPage", "inLanguage": lang_tag,
            "mainEntity": [{"@type": "Question", "name": question, "acceptedAnswer": answer_obj}]}
    text = json.dumps(data, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@bp.get("/robots.txt")
def robots() -> Response:
    lines = ["User-agent: *", *(f"Disallow: {p}" for p in DISALLOW), "",
             f"Sitemap: {site_url()}{url_for('public.sitemap')}", ""]
    return Response("\n".join(lines), mimetype="text/plain")


def _url(loc_path: str, lastmod: str) -> str:
    """One <url> per UI locale of a page, each listing all the page's alternates."""
    origin = site_url()
    alternates = "".join(
        f'<xhtml:link rel="alternate" hreflang="{code}" href={quoteattr(origin + loc_path + "?hl=" + code)}/>'
        for code in UI_LOCALES)
    alternates += f'<xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(origin + loc_path)}/>'
    mod = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
    return "".join(f"<url><loc>{escape(origin + loc_path + '?hl=' + code)}</loc>{mod}{alternates}</url>\n"
                   for code in UI_LOCALES)


SITEMAP_SECONDS = 24 * 3600.0  # kept per index version (a new version is a new key)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every entry, category and the home page in every UI locale; an entry's lastmod is its
    ``updated`` (last checked) date. Bounded by the kb: 4 locales × (entries + 7) urls. Made
    once per index version and origin (Recent), not per request: a crawler fetching it again
    and again costs a dictionary lookup."""
    searcher = site().searcher
    key = ("sitemap", searcher.info.path.name, site_url(), request.script_root)
    body = recent().get(key, lambda: (_sitemap_xml(searcher.entries), SITEMAP_SECONDS))
    return Response(body, mimetype="application/xml")


def _sitemap_xml(entries: dict) -> str:
    newest = max((_date(e.updated) for e in entries.values()), default="")
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n'
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n', _url(url_for("pages.home"), newest)]
    parts += [_url(url_for("pages.category", name=c), newest) for c in CATEGORIES]
    parts += [_url(url_for("pages.entry", entry_id=i), _date(entries[i].updated)) for i in sorted(entries)]
    parts.append("</urlset>\n")
    return "".join(parts)


def _date(value: str) -> str:
    """A W3C date for lastmod, or "" when the entry's date is not one."""
    return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or "") else ""


def _adopt_hl(resp: Response) -> Response:
    """A reader who arrives on a ?hl= address (a shared link, a search engine) and has not
    chosen a language keeps that one on the pages that follow (the cookie the language
    switch sets); a reader's own choice is never overridden."""
    hl = request.args.get(HL)
    if hl in UI_LOCALES and COOKIE not in request.cookies and resp.mimetype == "text/html" and resp.status_code == 200:
        resp.set_cookie(COOKIE, hl, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True, secure=request.is_secure)
    return resp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(_adopt_hl)
    app.jinja_env.globals["head_links"] = head_links
    app.jinja_env.globals["faq_jsonld"] = faq_jsonld
