"""The OpenAPI 3.0 document of /api/*, built from the same parameter specs the views use."""

from __future__ import annotations

from ..kbase.model import CATEGORIES, LANGS
from . import params

_SPAN = {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2,
         "description": "[start, end) character offsets into the text"}

SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["message"], "properties": {
            "param": {"type": "string", "nullable": True, "description": "the parameter at fault"},
            "message": {"type": "string"}}}}},
    "Hit": {"type": "object", "required": ["id", "category", "lang", "fallback", "question", "snippet",
                                           "question_highlights", "snippet_highlights", "score"],
            "properties": {
                "id": {"type": "string"}, "category": {"type": "string", "enum": list(CATEGORIES)},
                "lang": {"type": "string", "enum": list(LANGS)},
                "fallback": {"type": "boolean", "description": "the entry lacks the requested language"},
                "question": {"type": "string"}, "snippet": {"type": "string", "description": "plain text"},
                "question_highlights": {"type": "array", "items": _SPAN},
                "snippet_highlights": {"type": "array", "items": _SPAN},
                "score": {"type": "number"}}},
    "SearchResults": {"type": "object", "required": ["query", "query_lang", "total", "page", "pages", "limit",
                                                     "answered", "suggestion", "corrected", "hits"],
                      "properties": {
                          "query": {"type": "string"},
                          "query_lang": {"type": "string", "enum": list(LANGS), "nullable": True},
                          "total": {"type": "integer", "minimum": 0},
                          "page": {"type": "integer", "minimum": 1}, "pages": {"type": "integer", "minimum": 1},
                          "limit": {"type": "integer", "minimum": 1},
                          "answered": {"type": "boolean",
                                       "description": "the first hit answers the query; false: hits are only related"},
                          "suggestion": {"type": "string", "nullable": True,
                                         "description": "did-you-mean query, when it finds better hits"},
                          "corrected": {"type": "string", "nullable": True,
                                        "description": "the hits are this correction's: the query as typed "
                                                       "found no answer and it did (correct=false: as typed)"},
                          "typing": {"type": "boolean",
                                     "description": "prefix=true: not answered, only begun or still being typed "
                                                    "(a word or clause unfinished, a space after the last word): "
                                                    "show the hits as likeliest, not as no answer"},
                          "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}}}},
    "Entry": {"type": "object", "required": ["id", "category", "updated", "operators", "related", "lang",
                                             "fallback", "languages", "question", "alternatives", "lead", "answer",
                                             "answer_html"],
              "properties": {
                  "id": {"type": "string"}, "category": {"type": "string", "enum": list(CATEGORIES)},
                  "updated": {"type": "string", "description": "date a person last checked it (YYYY-MM-DD)"},
                  "operators": {"type": "array", "items": {"type": "string"}},
                  "related": {"type": "array", "items": {"type": "string"}},
                  "lang": {"type": "string", "enum": list(LANGS)},
                  "fallback": {"type": "boolean"},
                  "languages": {"type": "array", "items": {"type": "string", "enum": list(LANGS)}},
                  "question": {"type": "string"},
                  "alternatives": {"type": "array", "items": {"type": "string"}},
                  "lead": {"type": "string",
                           "description": "one sentence answering the question directly; empty if the entry has none"},
                  "answer": {"type": "string", "description": "Markdown subset"},
                  "answer_html": {"type": "string", "description": "sanitized HTML of the answer"},
                  "sources": {"type": "array", "items": {"$ref": "#/components/schemas/Source"},
                              "description": "where the answer's facts were read, for a reader of `lang`"}}},
    "Source": {"type": "object", "required": ["title", "title_lang", "original", "publisher", "publisher_lang",
                                              "url", "date", "confidence", "checked", "stale", "unsourced"],
               "properties": {
                   "title": {"type": "string", "description": "in `title_lang`; empty for a point no source "
                             "confirms (unsourced)"},
                   "title_lang": {"type": "string"},
                   "original": {"type": "string", "description": "the source's own title when `title` is a "
                                "translation of it, else empty"},
                   "publisher": {"type": "string", "description": "as a reader of `lang` knows it (its "
                                 "name in `publisher_lang`)"},
                   "publisher_lang": {"type": "string"}, "url": {"type": "string", "description": "empty for an "
                                                            "outlet (cited, never linked)"},
                   "date": {"type": "string", "description": "publication: YYYY, YYYY-MM or YYYY-MM-DD; empty "
                            "when undated"},
                   "confidence": {"type": "string", "enum": ["operator", "government", "third-party", "uncertain"]},
                   "checked": {"type": "string", "description": "day a person last read it (YYYY-MM-DD)"},
                   "stale": {"type": "boolean", "description": "read longer ago than the site's policy"},
                   "unsourced": {"type": "boolean"}}},
    "Category": {"type": "object", "required": ["name", "label", "entries"], "properties": {
        "name": {"type": "string", "enum": list(CATEGORIES)}, "label": {"type": "string"},
        "entries": {"type": "integer", "minimum": 0}}},
    "Suggestion": {"type": "object", "required": ["id", "question", "lang"], "properties": {
        "id": {"type": "string"}, "question": {"type": "string"}, "lang": {"type": "string", "enum": list(LANGS)}}},
}


def _json(ref_or_schema: dict) -> dict:
    return {"content": {"application/json": {"schema": ref_or_schema}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_BAD = {"description": "a parameter is missing or out of bounds", **_json(_ref("Error"))}


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "faqkb", "version": "1",
                 "description": "Search the multilingual FAQ about cancelling a Russian SIM card."},
        "paths": {
            "/api/search": {"get": {
                "operationId": "search", "summary": "Entries matching a question, best first",
                "parameters": [p.openapi() for p in params.SEARCH],
                "responses": {"200": {"description": "a page of hits", **_json(_ref("SearchResults"))},
                              "400": _BAD}}},
            "/api/entries/{id}": {"get": {
                "operationId": "entry", "summary": "One entry in one language",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[a-z0-9-]+$"}}]
                + [p.openapi() for p in params.ENTRY],
                "responses": {"200": {"description": "the entry", **_json(_ref("Entry"))}, "400": _BAD,
                              "404": {"description": "no entry with this id", **_json(_ref("Error"))}}}},
            "/api/categories": {"get": {
                "operationId": "categories", "summary": "The categories, labelled in the UI language",
                "responses": {"200": {"description": "all categories",
                                      **_json({"type": "array", "items": _ref("Category")})}}}},
            "/api/suggest": {"get": {
                "operationId": "suggest", "summary": "A few question titles for as-you-type",
                "parameters": [p.openapi() for p in params.SUGGEST],
                "responses": {"200": {"description": "suggestions, best first",
                                      **_json({"type": "array", "items": _ref("Suggestion")})},
                              "400": _BAD}}},
            "/api/ping": {"get": {
                "operationId": "ping", "summary": "Liveness, no work done",
                "responses": {"200": {"description": "alive", **_json({
                    "type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean"}}})}}}},
        },
        "components": {"schemas": SCHEMAS},
    }
