"""UI language: chosen by the page's address (``?hl=ru``, the links hreflang and the sitemap give
crawlers and shared links), else an explicit switch (kept in a cookie), else Accept-Language; and
mapped to the content language the core knows (zh-Hans/zh-Hant → zh). UI strings live in
the Flask-Babel catalogs under faqkb/translations/; this module only picks a locale."""

from __future__ import annotations

from flask import Request, g, request
from flask_babel import lazy_gettext as _l

# UI locale code (as shown in URLs and the cookie) → Babel locale, content language, own name.
UI_LOCALES = {
    "zh-Hans": ("zh_Hans", "zh", "简体中文"),
    "zh-Hant": ("zh_Hant", "zh", "繁體中文"),
    "ru": ("ru", "ru", "Русский"),
    "en": ("en", "en", "English"),
}
DEFAULT_UI = "en"
COOKIE = "faqkb_lang"
HL = "hl"  # the query parameter naming the UI locale of one page (web/public.py)
COOKIE_MAX_AGE = 365 * 24 * 3600

# BCP 47 language of each content language, for lang="" attributes.
CONTENT_HTML_LANG = {"zh": "zh-Hans", "ru": "ru", "en": "en"}

CATEGORY_LABELS = {
    "basics": _l("Basics"),
    "costs": _l("Costs and fees"),
    "security": _l("Security"),
    "refunds": _l("Refunds"),
    "scams": _l("Scams"),
    "process": _l("How to cancel"),
}
# Why an answer did not help ("No" on an entry page): labels for feedback.REASONS, the fixed
# list the store keeps (tests/test_web_routes.py checks they match).
REASON_LABELS = {
    "not-answered": _l("It didn't answer my question"),
    "outdated": _l("It is out of date"),
    "hard-to-understand": _l("It is hard to understand"),
    "wrong-language": _l("It is not in my language"),
}
LANG_LABELS = {"zh": _l("Chinese"), "ru": _l("Russian"), "en": _l("English")}

_TRADITIONAL_REGIONS = {"tw", "hk", "mo", "hant"}


def from_accept_language(req: Request) -> str | None:
    """The first UI locale the browser accepts, by quality (zh-TW/HK/MO → Traditional)."""
    for value, _quality in req.accept_languages:
        parts = value.lower().replace("_", "-").split("-")
        if parts[0] == "zh":
            return "zh-Hant" if _TRADITIONAL_REGIONS & set(parts[1:]) else "zh-Hans"
        if parts[0] in ("ru", "en"):
            return parts[0]
    return None


def ui_locale() -> str:
    """This request's UI locale code: ?hl=, else cookie, else Accept-Language, else English."""
    cached = g.get("ui_locale")
    if cached:
        return cached
    chosen = request.args.get(HL)
    if chosen not in UI_LOCALES:
        chosen = request.cookies.get(COOKIE)
    if chosen not in UI_LOCALES:
        chosen = from_accept_language(request) or DEFAULT_UI
    g.ui_locale = chosen
    return chosen


def babel_locale() -> str:
    return UI_LOCALES[ui_locale()][0]


def content_script() -> str | None:
    """'Hant' when the reader chose Traditional Chinese (answers are converted for them)."""
    return "Hant" if ui_locale() == "zh-Hant" else None


def html_langs() -> dict[str, str]:
    """BCP 47 tag of each content language as this reader sees it (zh-Hant if converted)."""
    return {**CONTENT_HTML_LANG, "zh": "zh-Hant"} if content_script() else CONTENT_HTML_LANG


def content_lang() -> str:
    """The content language matching the UI (what answers are shown in by default)."""
    return UI_LOCALES[ui_locale()][1]
