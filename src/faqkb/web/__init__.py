"""The faqkb web site: `create_app()` builds the Flask app (HTML pages + JSON API).

WSGI entry point for any server (several replicas behind a load balancer are fine: each
process holds a read-only copy of the same index)::

    FAQKB_KB=/srv/kb FAQKB_INDEX=/srv/index FAQKB_INSTANCE=/srv/instance \\
    FAQKB_SECRET_KEY=... gunicorn 'faqkb.wsgi:app'      # or: waitress-serve faqkb.wsgi:app

Settings (faqkb/settings.py, docs/settings.md) come from FAQKB_* variables, then from the
mapping given to create_app. Replicas must share FAQKB_SECRET_KEY (it signs the session
cookie that carries the form token); without it a key is generated once into the instance
folder.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Config, Flask, request
from flask_babel import Babel

from .. import paths
from ..errors import ConfigError
from ..kbase.model import CATEGORIES, LANGS
from ..markup import highlight
from ..script import for_reader
from ..settings import PREFIX, defaults, flag, integer
from . import api, errors, http_cache, limits, pages, public, security
from .i18n import (
    CATEGORY_LABELS,
    HL,
    LANG_LABELS,
    UI_LOCALES,
    babel_locale,
    content_lang,
    content_script,
    html_langs,
    ui_locale,
)

PACKAGE = Path(__file__).resolve().parent.parent
MAX_FORM_BYTES = 16 * 1024
# Keys renamed when the settings got one name each (KB = FAQKB_KB = --kb): a mapping that
# still uses an old key fails loudly instead of being ignored.
_RENAMED = {"KB_DIR": "KB", "INDEX_DIR": "INDEX", "INSTANCE_PATH": "INSTANCE"}


def _secret_key(instance: Path) -> str:
    path = instance / "secret_key"
    try:
        return path.read_text("utf-8").strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
        return key


def load_config(config: Mapping[str, Any] | None = None) -> Config:
    """The settings of one app: defaults, then FAQKB_* variables, then ``config``; typed
    and checked (ConfigError names the variable), folders resolved."""
    given = dict(config or {})
    old = [k for k in _RENAMED if k in given]
    if old:
        raise ConfigError(f"create_app: the config key {old[0]} is now {_RENAMED[old[0]]} (variable {PREFIX}_"
                          f"{_RENAMED[old[0]]})")
    cfg = Config(str(PACKAGE), defaults())
    cfg.from_prefixed_env(PREFIX)
    cfg.update(given)
    kb, index = paths.resolve(_path(cfg.get("KB")), _path(cfg.get("INDEX")))
    cfg["KB"], cfg["INDEX"] = kb, index
    cfg["INSTANCE"] = paths.instance_dir(_path(cfg.get("INSTANCE"))).resolve()
    for name in ("WATCH", "BUILD"):
        cfg[name] = flag(cfg[name], name)
    cfg["SEARCH_CACHE"] = integer(cfg["SEARCH_CACHE"], "SEARCH_CACHE")
    cfg["MOST_ASKED_SECONDS"] = integer(cfg["MOST_ASKED_SECONDS"], "MOST_ASKED_SECONDS")
    cfg["RATELIMIT_ENABLED"] = flag(cfg["RATELIMIT_ENABLED"], "RATELIMIT_ENABLED")
    cfg["PROXIES"] = integer(cfg["PROXIES"], "PROXIES")
    for name in ("FEEDBACK_MAX_QUERIES", "FEEDBACK_MAX_VOTES", "FEEDBACK_RETENTION_DAYS", "SOURCE_MAX_AGE_DAYS",
                 "FEEDBACK_PAUSE"):
        cfg[name] = integer(cfg[name], name, minimum=1)
    if cfg.get("SECRET_KEY") is not None:
        cfg["SECRET_KEY"] = str(cfg["SECRET_KEY"])  # FAQKB_SECRET_KEY=123 parses as a number
    return cfg


def _here() -> str:
    """This page's path and query without ?hl= (the language switch's return address: an
    hl there would override the language just chosen)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != HL]
    return request.path + ("?" + urlencode(args) if args else "")


def _path(value: Any) -> Path | None:
    return Path(str(value)) if value not in (None, "") else None


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The site over one kb and its index. Settings (docs/settings.md): KB, INDEX, INSTANCE,
    SECRET_KEY, WATCH, BUILD, SEARCH_CACHE, PROXIES, FEEDBACK_* (docs/feedback.md),
    RATELIMIT_* (web/limits.py), from FAQKB_* variables and then ``config``
    (which may also hold any Flask setting, e.g. TESTING). Raises IndexNotReady if there is
    no usable index, ConfigError for a setting it cannot use."""
    cfg = load_config(config)
    instance: Path = cfg["INSTANCE"]
    instance.mkdir(parents=True, exist_ok=True)

    app = Flask("faqkb", instance_path=str(instance), template_folder=str(paths.templates_dir()),
                static_folder=str(PACKAGE / "static"), static_url_path="/static")
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_FORM_BYTES, MAX_FORM_MEMORY_SIZE=MAX_FORM_BYTES,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True,
        BABEL_TRANSLATION_DIRECTORIES=str(PACKAGE / "translations"),
        BABEL_DEFAULT_LOCALE="en", JSON_AS_ASCII=False,
    )
    app.config.update(cfg)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # DefaultJSONProvider's setting

    from ..feedback import Bounds, FeedbackStore, default_url
    from .cache import ResponseCache
    from .deferred import DeferredWrites
    from .health import EXT as HEALTH
    from .health import Health
    from .state import EXT, AppState, Site

    site = Site(cfg["KB"], cfg["INDEX"], build=cfg["BUILD"])
    bounds = Bounds(max_queries=cfg["FEEDBACK_MAX_QUERIES"], max_votes=cfg["FEEDBACK_MAX_VOTES"],
                    retention_days=cfg["FEEDBACK_RETENTION_DAYS"])
    # Client keys are keyed by the app's secret, which is not stored with the data
    # (docs/feedback.md): replicas sharing SECRET_KEY agree on them.
    feedback = FeedbackStore(cfg.get("FEEDBACK_DB") or default_url(instance), bounds,
                             secret=app.config["SECRET_KEY"])
    deferred = DeferredWrites(pause=cfg["FEEDBACK_PAUSE"])
    app.extensions[EXT] = AppState(site, feedback, ResponseCache(cfg["SEARCH_CACHE"]), deferred)
    app.extensions[HEALTH] = Health(site, feedback, deferred)  # /healthz's checks (web/health.py)
    if cfg["WATCH"]:
        site.start_watching()

    Babel(app, locale_selector=babel_locale)
    security.init_app(app)
    errors.init_app(app)
    http_cache.init_app(app)

    @app.before_request
    def _follow_rebuilds() -> None:
        site.maybe_refresh()

    @app.context_processor
    def _globals() -> dict:
        return {"ui_locale": ui_locale(), "ui_locales": UI_LOCALES, "content_lang": content_lang(),
                "categories": CATEGORIES, "category_labels": CATEGORY_LABELS, "lang_labels": LANG_LABELS,
                "langs": LANGS, "html_lang": html_langs(), "content_script": content_script() or "", "here": _here(),
                # Editor preview (--watch): the kb's problems on every page until they are fixed.
                "kb_problems": site.kb_problems if cfg["WATCH"] else []}

    app.add_template_filter(highlight, "highlight")
    app.add_template_filter(lambda text, lang: for_reader(text, lang, content_script()), "for_reader")
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api.health)
    public.init_app(app)  # robots.txt, sitemap.xml, head links (web/public.py)
    limits.init_app(app)  # after the blueprints: it exempts some of their views
    if cfg["PROXIES"]:
        # Behind N trusted proxies (docs/web.md): the client's address, scheme and host come
        # from their X-Forwarded-* headers. Rate limits and client keys need the reader's
        # address; without this every reader would be the proxy. Never set it without a
        # proxy in front: clients could then name any address they like.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = cfg["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app
