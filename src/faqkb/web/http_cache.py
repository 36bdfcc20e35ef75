"""Caching headers on every response, so that a browser, a caching proxy or a CDN never
serves one reader's page to another: HTML and JSON that depend on the language cookie or
Accept-Language say so (Vary), pages are private to the reader (they carry a session with
the form token), static files may be cached for an hour, errors and health not at all."""

from __future__ import annotations

from flask import Flask, Response, request

STATIC_MAX_AGE = 3600   # files are not fingerprinted: an edit reaches readers within the hour
API_MAX_AGE = 60        # a rebuilt index reaches shared caches within a minute


def cache_headers(resp: Response) -> Response:
    if request.endpoint == "static":
        if resp.status_code in (200, 304):
            resp.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
        return resp
    if request.endpoint == "health.healthz" or resp.status_code >= 400:
        resp.headers["Cache-Control"] = "no-store"
        return resp
    # Everything else depends on the UI language: the cookie, else Accept-Language.
    if "Vary" in resp.headers:
        resp.vary.update(("Accept-Language", "Cookie"))
    else:  # most responses: nothing to merge with (what vary.update would write, without its parsing)
        resp.headers["Vary"] = "Accept-Language, Cookie"
    if "Cache-Control" not in resp.headers:
        public = request.path.startswith("/api/") and resp.status_code == 200
        resp.headers["Cache-Control"] = f"public, max-age={API_MAX_AGE}" if public else "private, no-cache"
    return resp


def init_app(app: Flask) -> None:
    app.after_request(cache_headers)
