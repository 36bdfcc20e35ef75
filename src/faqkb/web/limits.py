"""Per-client rate limits (Flask-Limiter): search, suggest, votes and pages each have a
budget per client address; over it, 429 with Retry-After and a page in the reader's
language (JSON under /api/). Counters live in Flask-Limiter's storage: in memory by
default (one process), ``RATELIMIT_STORAGE_URI=redis://…`` for replicas sharing one count.

The limits bound what one client with a loop can cost; the cost of one query is bounded
by the search engine itself (query length, terms, limit)."""

from __future__ import annotations

import json
import math
import threading
import time

from flask import Flask, current_app, has_request_context, make_response, render_template, request
from flask_babel import gettext as _
from flask_limiter import Limit, Limiter
from limits.storage import MemoryStorage

from ..feedback import client_address
from .errors import json_error, reader_query, wants_json
from .security import HEADERS

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
SEARCH_ENDPOINTS = ("pages.search", "api.search")
SUGGEST_ENDPOINTS = ("pages.panel", "api.suggest")


class MemoryCounts(MemoryStorage):
    """limits' memory storage (``memory://``), sweeping expired counts at most once a second.

    The stock storage starts a new 10 ms ``threading.Timer`` from every count whenever the
    last one has finished: with requests more than 10 ms apart, a thread start (and a sweep
    over every key) per request (docs/engine.md, "Web, thirteenth pass"). Counting does not
    depend on the sweep (``get`` drops an expired count before it is read or added to); the
    sweep only lets memory go, so expired counts now stay at most a second longer. Registered
    with limits' storage registry under its own scheme (limits' custom-storage extension)."""

    STORAGE_SCHEME = ["faqkb+memory"]
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.next_sweep = time.monotonic() + self.SWEEP_SECONDS

    # The stock storage calls this (name-mangled, so defined here under that name) from every
    # count; if limits renames it, the stock timer runs again: slower, counting unchanged.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now >= self.next_sweep and not self.timer.is_alive():
            self.next_sweep = now + self.SWEEP_SECONDS
            self.timer = threading.Timer(0, self._MemoryStorage__expire_events)  # type: ignore[attr-defined]
            self.timer.daemon = True
            self.timer.start()


def storage_uri(configured: str) -> str:
    """The storage Flask-Limiter opens: ``memory://`` as MemoryCounts, any other as given."""
    return "faqkb+memory://" if configured.rstrip("/") == "memory:" else configured


def client() -> str:
    """The rate-limit key: the client's address (an IPv6 client by its /64)."""
    return client_address(request.remote_addr)


# A client refused on the API is refused again, until its limit resets, before Flask runs at
# all: a client looping on /api/search after its 429 then costs a dict lookup per request
# instead of a Flask request (bench/abuse.py: ~900 refusals a second from 16 clients). Pages
# still go through Flask, where the refusal is a page in the reader's language.
API_SCOPES = {"/api/search": "search", "/api/suggest": "suggest"}
ENDPOINT_SCOPES = {"pages.search": "search", "api.search": "search", "api.suggest": "suggest",
                   "pages.panel": "suggest"}
MAX_REFUSED = 100_000   # clients remembered at once (a few MB at most)


class RefusedUntil:
    """WSGI middleware in front of Flask's app: answers 429 for (client, scope) pairs the
    limiter refused, until the refused limit resets. Sound for fixed windows, also with
    shared storage: a count over its limit stays over it until its window ends."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app
        self.until: dict[tuple[str, str], float] = {}

    def refuse(self, client_key: str, scope: str, until: float) -> None:
        if len(self.until) >= MAX_REFUSED:
            now = time.time()
            for k in [k for k, t in self.until.items() if t <= now]:
                self.until.pop(k, None)
            if len(self.until) >= MAX_REFUSED:
                return  # full: the limiter itself still refuses, only more slowly
        self.until[(client_key, scope)] = until

    def __call__(self, environ, start_response):
        scope = API_SCOPES.get(environ.get("PATH_INFO", "")) if self.until else None
        if scope is not None:
            key = (client_address(environ.get("REMOTE_ADDR")), scope)
            until = self.until.get(key)
            if until is not None:
                left = until - time.time()
                if left > 0:
                    retry = max(1, math.ceil(left))
                    body = json.dumps({"error": {"param": None,
                                                 "message": f"too many requests; retry in {retry} s"}}).encode()
                    start_response("429 TOO MANY REQUESTS", [
                        ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                        ("Retry-After", str(retry)), ("Cache-Control", "no-store"), *HEADERS.items()])
                    return [body]
                self.until.pop(key, None)
        return self.wsgi_app(environ, start_response)


# A search's share of the budget grows with its length: a long query has more terms and
# costs the engine more, so one client gets fewer of them (a 200-character query counts 6,
# a question a person types, under 40 characters, counts 1).
COST_CHARS = 40


def query_cost() -> int:
    return 1 + len(request.args.get("q", "")) // COST_CHARS


# Which budget (a setting) each limited endpoint counts against; every other endpoint has
# RATELIMIT_DEFAULT, counted per endpoint. ENDPOINT_SCOPES (above) names the shared budgets.
BUDGETS = {**dict.fromkeys(SEARCH_ENDPOINTS, "RATELIMIT_SEARCH"),
           **dict.fromkeys(SUGGEST_ENDPOINTS, "RATELIMIT_SUGGEST"),  # as-you-type: panel and suggest API
           "pages.vote": "RATELIMIT_VOTE"}


def _endpoint() -> str:
    return (request.endpoint or "") if has_request_context() else ""


def _budget() -> str:
    return current_app.config[BUDGETS.get(_endpoint(), "RATELIMIT_DEFAULT")]


def _cost() -> int:
    return query_cost() if _endpoint() in ENDPOINT_SCOPES else 1


def _scope(endpoint: str) -> str:
    # A shared budget's name, or "" for the endpoint's own count (Flask-Limiter then scopes
    # it by endpoint, as it does a default limit).
    return ENDPOINT_SCOPES.get(endpoint, "")


def budgets() -> Limit:
    """Every budget as ONE default limit, chosen per request by endpoint (Flask-Limiter's
    ``Limit`` with callable provider, scope and cost). Flask-Limiter checks default limits
    once, in its before_request hook (registered after every other hook, so just before the
    view); limits decorated on views it resolves twice, in the hook and in the view's wrapper
    (docs/engine.md, "Rate limits: one check per request"). The counts are the ones the
    decorators kept, under the same storage keys (prefix, client, the shared scope or the
    endpoint, the limit). Off (RATELIMIT_ENABLED=0), Flask-Limiter adds no hook at all."""
    return Limit(_budget, key_function=client, scope=_scope, cost=_cost, shared=True)


def init_app(app: Flask) -> Limiter:
    """Attach a Limiter to ``app`` (one per app: its storage is the limiter's own) with the
    budgets and the exempt views; call after the blueprints are registered."""
    for key, value in FIXED.items():
        app.config.setdefault(key, value)
    limiter = Limiter(client, app=app, default_limits=[budgets()],
                      storage_uri=storage_uri(app.config.get("RATELIMIT_STORAGE_URI") or "memory://"))
    views = app.view_functions
    for endpoint in EXEMPT:
        if endpoint in views:
            limiter.exempt(views[endpoint])
    exempt = frozenset(EXEMPT)

    # The same exemption as a request filter, which Flask-Limiter asks before it resolves
    # which limits apply: a probe then skips that resolution (~a third of what the limiter
    # cost /api/ping, which pays it although nothing is counted).
    @limiter.request_filter
    def _probe() -> bool:
        return request.endpoint in exempt

    refused = RefusedUntil(app.wsgi_app)
    app.wsgi_app = refused  # type: ignore[method-assign]

    @app.errorhandler(429)
    def _too_many(e):
        limit = limiter.current_limit
        retry = max(1, math.ceil(limit.reset_at - time.time())) if limit else 60
        scope = ENDPOINT_SCOPES.get(request.endpoint or "")
        if limit is not None and scope is not None:
            refused.refuse(client(), scope, limit.reset_at)
        if wants_json():
            resp = json_error(429, f"too many requests; retry in {retry} s")[0]
        else:
            resp = make_response(render_template(
                "error.html", status=429, title=_("Too many requests"),
                message=_("You sent many requests in a short time. Please wait %(seconds)s seconds and try again.",
                          seconds=retry), q=reader_query(), search_q=reader_query()))  # the search boxes keep the query
        resp.status_code = 429
        resp.headers["Retry-After"] = str(retry)
        resp.headers["Cache-Control"] = "no-store"
        return resp

    return limiter
