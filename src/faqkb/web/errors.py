"""The site's error responses, for the whole app in one place: under /api/ a JSON body
``{"error": {"param", "message"}}``, elsewhere the HTML error page in the reader's language.
A refused parameter (QueryError) is a 400 naming the parameter either way. (429, over a rate
limit, is answered in web/limits.py, which knows when the client may retry.)"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..errors import QueryError
from .deferred import StoreUnavailable


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str, param: str | None = None) -> tuple[Response, int]:
    return jsonify({"error": {"param": param, "message": message}}), status


def _page(status: int, title: str, message: str, param: str | None = None) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, message=message, param=param), status


def _query_error(e: QueryError):
    if wants_json():
        return json_error(400, str(e), e.param)
    return _page(400, _("That search cannot be run"), str(e), e.param)


def _http_error(e: HTTPException):
    status = e.code or 500
    if wants_json():
        return json_error(status, "not found" if status == 404 else (e.description or e.name))
    if status == 404:
        return _page(404, _("Page not found"), _("There is no page at this address."))
    if status == 413:
        return _page(413, _("Request too large"), _("The form sent too much data."))
    if status == 403:
        return _page(403, _("Request refused"), e.description or "")
    return _page(status, _("Bad request"), e.description or "")


def _store_unavailable(e: StoreUnavailable):
    """The feedback store did not take a vote in time (web/deferred.py): say so plainly,
    in the reader's language, never a 500; the reader may try again later."""
    headers = {"Retry-After": "60", "Cache-Control": "no-store"}
    if wants_json():
        return *json_error(503, "could not record your vote; try again later"), headers
    return *_page(503, _("Could not record your vote"),
                  _("Your vote was not recorded because of a problem on our side. Please try again later.")), headers


def init_app(app: Flask) -> None:
    app.register_error_handler(QueryError, _query_error)
    app.register_error_handler(StoreUnavailable, _store_unavailable)
    for status in (400, 403, 404, 413):
        app.register_error_handler(status, _http_error)
