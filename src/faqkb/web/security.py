"""Security on every response (headers) and on every POST (CSRF: a per-session token in
the signed session cookie, echoed by the form, plus a same-origin Origin/Referer check)."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request, session
from flask.sessions import SecureCookieSessionInterface

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_HEADERS_LOWER = [(k.lower(), k, v) for k, v in HEADERS.items()]
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


class Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, minus the work a request without a session does
    not need: Flask builds a signing serializer for every request before it looks for
    the cookie, and works out every cookie setting before it finds there is nothing to
    save. The API (every uncached search) never has a session. Same sessions, same
    cookies, same Vary: Cookie when a view read the session."""

    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if session or session.modified or session.accessed:
            super().save_session(app, session, response)


def _headers(resp: Response) -> Response:
    """HEADERS on every response, where a view did not set its own (one pass over the
    response's headers, not one per header)."""
    have = {k.lower() for k in resp.headers.keys()}  # noqa: SIM118 - Headers iterates (key, value) pairs
    for low, k, v in _HEADERS_LOWER:
        if low not in have:
            resp.headers.add(k, v)
    return resp


def init_app(app: Flask) -> None:
    app.session_interface = Sessions()
    app.after_request(_headers)

    app.jinja_env.globals["csrf_token"] = csrf_token
