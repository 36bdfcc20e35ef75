"""Security on every response (headers), on every request (the Host header must name this
site: ALLOWED_HOSTS) and on every POST (CSRF: a per-session token in the signed session
cookie, echoed by the form, plus a same-origin Origin/Referer check).

Why the Host check: the Origin check compares with the request's own Host, so a page on
an attacker's domain that re-points its DNS name to this server (DNS rebinding) would be
"same origin" and could vote from its visitors' browsers, or read a site served on
loopback. Requests naming another host get 400, except /healthz and /api/ping (load
balancers probe by address; neither reads or changes anything of a reader's)."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, abort, has_request_context, request, session
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
HOST_EXEMPT = ("health.healthz", "api.ping")


def allowed_hosts(setting: str | list | tuple) -> list[str]:
    """ALLOWED_HOSTS as a list: comma-separated names or addresses; ``.example.org`` also
    allows its subdomains; ``*`` allows any host (only behind a proxy that checks it)."""
    items = setting.split(",") if isinstance(setting, str) else list(setting)
    return [h.strip().lower().rstrip(".").strip("[]") for h in items if h.strip()]


def host_name(host: str) -> str:
    """The name or address in a Host header, without port or IPv6 brackets, lowercased."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host[1:]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def host_allowed(host: str, allowed: list[str]) -> bool:
    name = host_name(host)
    return any(a == "*" or name == a or (a.startswith(".") and (name == a[1:] or name.endswith(a)))
               for a in allowed)


def check_host() -> None:
    """400 for a request whose Host is not in ALLOWED_HOSTS (see the module docstring)."""
    if request.endpoint in HOST_EXEMPT:
        return
    from flask import current_app

    allowed = current_app.config["ALLOWED_HOSTS_LIST"]
    if not host_allowed(request.headers.get("Host", ""), allowed):
        abort(400, "unknown host; the site's operator can add it to FAQKB_ALLOWED_HOSTS")


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

    def get_cookie_secure(self, app) -> bool:
        """``Secure`` whenever the reader came over https (behind a proxy: X-Forwarded-Proto,
        trusted with --proxies), so the cookie is never sent back over plain http."""
        return bool(app.config["SESSION_COOKIE_SECURE"] or (has_request_context() and request.is_secure))


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
    app.config["ALLOWED_HOSTS_LIST"] = allowed_hosts(app.config["ALLOWED_HOSTS"])
    app.before_request(check_host)
    app.after_request(_headers)

    app.jinja_env.globals["csrf_token"] = csrf_token
