"""The site's error responses, for the whole app in one place: under /api/ a JSON body
``{"error": {"param", "message"}}`` (for developers: it names the parameter), elsewhere the
HTML error page in the reader's language, worded for a reader: it never names a parameter
or echoes the developer's message, and keeps the reader's query in a search box. (429, over
a rate limit, is answered in web/limits.py, which knows when the client may retry.)"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from ..errors import QueryError
from ..search import MAX_QUERY_CHARS
from .deferred import StoreUnavailable


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str, param: str | None = None) -> tuple[Response, int]:
    return jsonify({"error": {"param": param, "message": message}}), status


def reader_query() -> str:
    """The reader's query from this request (``q``), as the search box may hold it."""
    return " ".join(request.args.get("q", "").split())[:MAX_QUERY_CHARS]


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    q = reader_query()  # in the page's search-again box and the header's search box
    return render_template("error.html", status=status, title=title, message=message, q=q, search_q=q), status


# What a refused parameter means to a reader (the API's message names the parameter instead).
_READER_MESSAGES = {
    "page": _l("There is no such page of results. Search again, or start from the first page."),
    "limit": _l("That many results cannot be shown on one page. Search again."),
    "lang": _l("Answers are not available in that language. Search again, or choose a language at the top."),
    "category": _l("There is no such topic. Search again, or pick a topic on the home page."),
    "script": _l("That way of writing Chinese is not offered. Search again."),
}


def _reader_message(e: QueryError) -> str:
    if e.param == "q":
        if reader_query():
            return _("Your question is too long. Please shorten it to %(n)s characters and search again.",
                     n=MAX_QUERY_CHARS)
        return _("Type a question to search.")
    return str(_READER_MESSAGES.get(e.param, _l("That search cannot be run. Please search again.")))


def _query_error(e: QueryError):
    if wants_json():
        return json_error(400, str(e), e.param)
    return _page(400, _("That search cannot be run"), _reader_message(e))


def _http_error(e: HTTPException):
    status = e.code or 500
    if wants_json():
        return json_error(status, "not found" if status == 404 else (e.description or e.name))
    if status == 404:
        return _page(404, _("Page not found"), _("There is no page at this address."))
    if status == 413:
        return _page(413, _("Request too large"), _("The form sent too much data."))
    if status == 403:  # a form from another site, or one whose token expired
        return _page(403, _("Request refused"),
                     _("This form has expired or did not come from this site. Reload the page and try again."))
    return _page(status, _("Bad request"),
                 _("The site did not understand this address or form. Go back and try again."))


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
