"""Bounds on everything a user controls in a search (web/params.py checks with them too)."""

from __future__ import annotations

from ..errors import QueryError
from ..kbase.model import CATEGORIES, LANGS
from ..script import SCRIPTS

MAX_QUERY_CHARS = 200
MAX_LIMIT = 50
MAX_PAGE = 100


def check_params(query: str, lang: str | None, category: str | None, limit: int, page: int,
                 script: str | None = None) -> str:
    """Bounds on everything a user controls; returns the query, stripped."""
    if not isinstance(query, str):
        raise QueryError("query must be text", "q")
    query = query.strip()
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query is {len(query)} characters; the limit is {MAX_QUERY_CHARS}", "q")
    if lang is not None and lang not in LANGS:
        raise QueryError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}", "lang")
    if category is not None and category not in CATEGORIES:
        raise QueryError(f"unknown category {category!r}; use one of {', '.join(CATEGORIES)}", "category")
    if not (1 <= limit <= MAX_LIMIT):
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}", "limit")
    if not (1 <= page <= MAX_PAGE):
        raise QueryError(f"page must be between 1 and {MAX_PAGE}", "page")
    if script is not None and script not in SCRIPTS:
        raise QueryError(f"unknown script {script!r}; use one of {', '.join(SCRIPTS)}", "script")
    return query
