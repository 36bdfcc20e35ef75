"""JSON API: /api/search, /api/entries/<id>, /api/categories, /api/suggest, /api/openapi.json,
and /healthz. Every view parses its parameters with the specs in params.py and calls the
core Searcher; errors are JSON (web/errors.py)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from ..kbase.model import CATEGORIES
from ..present import entry_dict
from . import openapi, params
from .errors import json_error
from .i18n import CATEGORY_LABELS
from .site import category_counts, health_check, response_cache, site

bp = Blueprint("api", __name__, url_prefix="/api")


def _cached(kind: str, a: dict, compute) -> Response:
    """The JSON body for these parameters on the live index version, from the LRU if there."""
    searcher = site().searcher
    cache = response_cache()
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
                                                   limit=a["limit"], page=a["page"], script=a["script"],
                                                   prefix=a["prefix"] == "true",
                                                   correct=a["correct"] == "true").to_dict())


@bp.get("/entries/<id>")
def entry(id: str):
    a = params.parse(params.ENTRY, request.args)
    found = site().searcher.entry(id)
    if found is None:
        return json_error(404, f"no entry {id!r}", "id")
    return jsonify(entry_dict(found, a["lang"], a["script"], url_for("pages.entry", entry_id="ID"),
                              facts=site().searcher.facts(),
                              max_age_days=current_app.config["SOURCE_MAX_AGE_DAYS"]))


@bp.get("/categories")
def categories():
    counts = category_counts()
    return jsonify([{"name": c, "label": str(CATEGORY_LABELS[c]), "entries": counts[c]} for c in CATEGORIES])


@bp.get("/suggest")
def suggest():
    a = params.parse(params.SUGGEST, request.args)
    return _cached("suggest", a, lambda s: [
        {"id": h.id, "question": h.question, "lang": h.lang}
        for h in s.search(a["q"], lang=a["lang"], limit=a["limit"], suggest=False,
                          prefix=a["prefix"] == "true").hits])


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi.document())


@bp.get("/ping")
def ping():
    return jsonify({"ok": True})


# /healthz sits outside /api/ (where load balancers and monitors look for it) but is JSON,
# so it lives here with the rest of the JSON.
health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    """The replica's health for load balancers and monitors (web/health.py)."""
    body, status = health_check().report()
    return jsonify(body), status
