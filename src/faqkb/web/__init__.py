"""The faqkb web site: `create_app()` builds the Flask app (HTML pages + JSON API).

WSGI entry point for any server (several replicas behind a load balancer are fine: each
process holds a read-only copy of the same index)::

    FAQKB_KB=/srv/kb FAQKB_INDEX=/srv/index FAQKB_INSTANCE=/srv/instance \\
    FAQKB_SECRET_KEY=... gunicorn 'faqkb.wsgi:app'      # or: waitress-serve faqkb.wsgi:app

Replicas must share FAQKB_SECRET_KEY (it signs the session cookie that carries the form
token); without it a key is generated once into the instance folder.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from flask import Flask, request
from flask_babel import Babel

from .. import paths
from ..model import CATEGORIES, LANGS
from ..script import for_reader
from . import api, pages, security
from .i18n import (
    CATEGORY_LABELS,
    LANG_LABELS,
    UI_LOCALES,
    babel_locale,
    content_lang,
    content_script,
    html_langs,
    ui_locale,
)
from .markup import highlight
from .site import EXT

PACKAGE = Path(__file__).resolve().parent.parent
MAX_FORM_BYTES = 16 * 1024


def _secret_key(instance: Path) -> str:
    given = os.environ.get("FAQKB_SECRET_KEY")
    if given:
        return given
    path = instance / "secret_key"
    try:
        return path.read_text("utf-8").strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
        return key


def create_app(config: dict | None = None) -> Flask:
    """The site over one kb and its index. Config keys: KB_DIR, INDEX_DIR, INSTANCE_PATH
    (defaults: env FAQKB_KB / FAQKB_INDEX / FAQKB_INSTANCE, else the bundled kb and per-user
    folders), WATCH (rebuild when kb/ changes), BUILD (build a missing or stale index at
    startup, default True), SECRET_KEY, SEARCH_CACHE (API responses kept, default 1024,
    env FAQKB_SEARCH_CACHE; 0 disables). Raises IndexNotReady if there is no usable index."""
    config = dict(config or {})
    kb_dir, index_dir = paths.resolve(config.get("KB_DIR") or os.environ.get("FAQKB_KB"),
                                      config.get("INDEX_DIR") or os.environ.get("FAQKB_INDEX"))
    given = config.get("INSTANCE_PATH")
    instance = paths.instance_dir(Path(given) if given else None).resolve()
    instance.mkdir(parents=True, exist_ok=True)

    app = Flask("faqkb", instance_path=str(instance), template_folder=str(paths.templates_dir()),
                static_folder=str(PACKAGE / "static"), static_url_path="/static")
    app.config.update(
        KB_DIR=kb_dir, INDEX_DIR=index_dir, INSTANCE_PATH=instance, WATCH=False, BUILD=True,
        MAX_CONTENT_LENGTH=MAX_FORM_BYTES, MAX_FORM_MEMORY_SIZE=MAX_FORM_BYTES,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True,
        BABEL_TRANSLATION_DIRECTORIES=str(PACKAGE / "translations"),
        BABEL_DEFAULT_LOCALE="en", JSON_AS_ASCII=False,
    )
    app.config.update({k: v for k, v in config.items() if k not in ("KB_DIR", "INDEX_DIR", "INSTANCE_PATH")})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # DefaultJSONProvider's setting

    from ..feedback import FeedbackStore
    from .cache import ResponseCache
    from .state import Site

    site = Site(kb_dir, index_dir, build=app.config["BUILD"])
    cache = ResponseCache(int(app.config.get("SEARCH_CACHE", os.environ.get("FAQKB_SEARCH_CACHE", 1024))))
    app.extensions[EXT] = {"site": site, "feedback": FeedbackStore(instance), "cache": cache}
    if app.config["WATCH"]:
        site.start_watching()

    Babel(app, locale_selector=babel_locale)
    security.init_app(app)

    @app.before_request
    def _follow_rebuilds() -> None:
        site.maybe_refresh()

    @app.context_processor
    def _globals() -> dict:
        return {"ui_locale": ui_locale(), "ui_locales": UI_LOCALES, "content_lang": content_lang(),
                "categories": CATEGORIES, "category_labels": CATEGORY_LABELS, "lang_labels": LANG_LABELS,
                "langs": LANGS, "html_lang": html_langs(), "content_script": content_script() or "", "here": request.full_path.rstrip("?")}

    app.add_template_filter(highlight, "highlight")
    app.add_template_filter(lambda text, lang: for_reader(text, lang, content_script()), "for_reader")
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    logging.getLogger("faqkb").setLevel(logging.INFO)
    return app
