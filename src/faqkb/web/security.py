"""Security on every response (headers) and on every POST (CSRF: a per-session token in
the signed session cookie, echoed by the form, plus a same-origin Origin/Referer check)."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request, session

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
TOKEN_FIELD = "csrf_token"


def csrf_token() -> str:
    """The session's token for forms (created on first use)."""
    token = session.get(TOKEN_FIELD)
    if not token:
        token = session[TOKEN_FIELD] = secrets.token_urlsafe(32)
    return token


def _same_origin(url: str) -> bool:
    parts = urlsplit(url)
    here = urlsplit(request.host_url)
    return (parts.scheme, parts.netloc) == (here.scheme, here.netloc)


def check_csrf() -> None:
    """403 unless the POST comes from one of our own pages in this session."""
    origin = request.headers.get("Origin")
    referer = request.headers.get("Referer")
    if origin and origin != "null":
        if not _same_origin(origin):
            abort(403, "cross-origin request refused")
    elif referer:
        if not _same_origin(referer):
            abort(403, "cross-origin request refused")
    else:
        abort(403, "request without Origin or Referer refused")
    expected = session.get(TOKEN_FIELD)
    given = request.form.get(TOKEN_FIELD, "")
    if not expected or not hmac.compare_digest(str(expected), given):
        abort(403, "form expired or forged; reload the page and try again")


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(resp: Response) -> Response:
        for k, v in HEADERS.items():
            resp.headers.setdefault(k, v)
        return resp

    app.jinja_env.globals["csrf_token"] = csrf_token
