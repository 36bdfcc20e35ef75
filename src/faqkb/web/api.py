"""JSON API: /api/search, /api/entries/<id>, /api/categories, /api/suggest, /api/openapi.json.
Every view parses its parameters with the specs in params.py and calls the core Searcher."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from ..errors import QueryError
from ..model import CATEGORIES
from ..script import for_reader
from . import openapi, params
from .i18n import CATEGORY_LABELS
from .markup import answer_html
from .site import category_counts, site

bp = Blueprint("api", __name__, url_prefix="/api")


def error(status: int, message: str, param: str | None = None):
    return jsonify({"error": {"param": param, "message": message}}), status


@bp.errorhandler(QueryError)
def _bad_param(e: QueryError):
    return error(400, str(e), e.param)


def _cached(kind: str, a: dict, compute) -> Response:
    """The JSON body for these parameters on the live index version, from the LRU if there."""
    searcher = site().searcher
    cache = current_app.extensions["faqkb"]["cache"]
    key = (searcher.info.path.name, kind, *sorted(a.items()))
    body = cache.get(key)
    if body is None:
        body = current_app.json.dumps(compute(searcher)) + "\n"
        cache.put(key, body)
    return current_app.response_class(body, mimetype="application/json")


@bp.get("/search")
def search():
    a = params.parse(params.SEARCH, request.args)
    return _cached("search", a, lambda s: s.search(a["q"], lang=a["lang"], category=a["category"],
                                                   limit=a["limit"], page=a["page"], script=a["script"]).to_dict())


def entry_dict(entry, lang: str | None, script: str | None = None) -> dict:
    shown = entry.best_lang(lang)
    tr = entry.translations[shown]
    question, answer, lead = (for_reader(t, shown, script) for t in (tr.question, tr.answer, tr.lead))
    return {"id": entry.id, "category": entry.category, "updated": entry.updated,
            "operators": list(entry.operators), "related": list(entry.related),
            "lang": shown, "fallback": bool(lang) and shown != lang, "languages": list(entry.translations),
            "question": question, "alternatives": [for_reader(t, shown, script) for t in tr.alternatives],
            "lead": lead, "answer": answer, "answer_html": str(answer_html(answer))}


@bp.get("/entries/<id>")
def entry(id: str):  # noqa: A002 - the path parameter is documented as `id`
    a = params.parse(params.ENTRY, request.args)
    found = site().searcher.entry(id)
    if found is None:
        return error(404, f"no entry {id!r}", "id")
    return jsonify(entry_dict(found, a["lang"], a["script"]))


@bp.get("/categories")
def categories():
    counts = category_counts()
    return jsonify([{"name": c, "label": str(CATEGORY_LABELS[c]), "entries": counts[c]} for c in CATEGORIES])


@bp.get("/suggest")
def suggest():
    a = params.parse(params.SUGGEST, request.args)
    return _cached("suggest", a, lambda s: [
        {"id": h.id, "question": h.question, "lang": h.lang}
        for h in s.search(a["q"], lang=a["lang"], limit=a["limit"], suggest=False).hits])


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi.document())


@bp.get("/ping")
def ping():
    return jsonify({"ok": True})


@bp.app_errorhandler(404)
def _not_found(e):
    # JSON for the API, the HTML page elsewhere (pages.py registers its own handler first).
    if request.path.startswith("/api/"):
        return error(404, "not found")
    from .pages import not_found_page

    return not_found_page(e)
