"""Per-client rate limits (Flask-Limiter): search, suggest, votes and pages each have a
budget per client address; over it, 429 with Retry-After and a page in the reader's
language (JSON under /api/). Counters live in Flask-Limiter's storage: in memory by
default (one process), ``RATELIMIT_STORAGE_URI=redis://…`` for replicas sharing one count.

The limits bound what one client with a loop can cost; the cost of one query is bounded
by the search engine itself (query length, terms, limit)."""

from __future__ import annotations

import math
import time
from typing import Any

from flask import Flask, current_app, make_response, render_template, request
from flask_babel import gettext as _
from flask_limiter import Limiter

from ..feedback import client_address
from .errors import json_error, wants_json

# The budgets themselves (RATELIMIT_SEARCH, _SUGGEST, _VOTE, _DEFAULT), RATELIMIT_ENABLED
# and RATELIMIT_STORAGE_URI are settings (faqkb/settings.py, docs/settings.md): generous for
# a person reading and typing (as-you-type search sends one request per pause in typing),
# far below what a script sends. These are how Flask-Limiter runs them:
FIXED = {
    "RATELIMIT_STRATEGY": "fixed-window",
    # Shared storage down: keep serving, counting in memory, instead of failing requests.
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_KEY_PREFIX": "faqkb",
}
# Never limited: probes from load balancers and monitors, and static files (Flask-Limiter
# exempts "static" itself).
EXEMPT = ("health.healthz", "api.ping")
SEARCH_ENDPOINTS = ("pages.search", "pages.panel", "api.search")  # the live panel is a search too


def client() -> str:
    """The rate-limit key: the client's address (an IPv6 client by its /64)."""
    return client_address(request.remote_addr)


def _setting(key: str):
    def get() -> str:
        return current_app.config[key]
    return get


def init_app(app: Flask) -> Limiter:
    """Attach a Limiter to ``app`` (one per app: its storage is the limiter's own) and
    apply the limits to the registered views; call after the blueprints are registered."""
    for key, value in FIXED.items():
        app.config.setdefault(key, value)
    limiter = Limiter(client, app=app, default_limits=[_setting("RATELIMIT_DEFAULT")])
    views: Any = app.view_functions  # wrapped in place; Flask's view type does not fit the wrappers
    for endpoint in SEARCH_ENDPOINTS:
        if endpoint in views:
            views[endpoint] = limiter.shared_limit(_setting("RATELIMIT_SEARCH"), scope="search")(views[endpoint])
    if "api.suggest" in views:
        views["api.suggest"] = limiter.limit(_setting("RATELIMIT_SUGGEST"))(views["api.suggest"])
    if "pages.vote" in views:
        views["pages.vote"] = limiter.limit(_setting("RATELIMIT_VOTE"))(views["pages.vote"])
    for endpoint in EXEMPT:
        if endpoint in views:
            limiter.exempt(views[endpoint])

    @app.errorhandler(429)
    def _too_many(e):
        limit = limiter.current_limit
        retry = max(1, math.ceil(limit.reset_at - time.time())) if limit else 60
        if wants_json():
            resp = json_error(429, f"too many requests; retry in {retry} s")[0]
        else:
            resp = make_response(render_template(
                "error.html", status=429, title=_("Too many requests"),
                message=_("You sent many requests in a short time. Please wait %(seconds)s seconds and try again.",
                          seconds=retry), param=None))
        resp.status_code = 429
        resp.headers["Retry-After"] = str(retry)
        resp.headers["Cache-Control"] = "no-store"
        return resp

    return limiter
