"""Query parameters of the JSON API, declared once: the views parse requests with these
specs and /api/openapi.json is generated from the same specs, so the document cannot drift
from what the endpoints accept. The bounds of the core's parameters (q, lang, category,
limit, page, script) are the core's, declared here for the document and checked by one
function, faqkb.search.check_params; a spec checks only types and its own bounds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import QueryError
from ..kbase.model import CATEGORIES, LANGS
from ..prefix import word_ended
from ..script import SCRIPTS
from ..search import MAX_LIMIT, MAX_PAGE, MAX_QUERY_CHARS, check_params

MAX_SUGGEST = 10


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    kind: type = str
    required: bool = False
    default: object = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    enum: tuple[str, ...] | None = None
    core: bool = True  # bounds checked by search.check_params (False: by parse, below)

    def parse(self, args: Mapping[str, str]) -> object:
        """The typed value from a request's args; QueryError naming the parameter if it is
        missing, not a whole number, or (a spec of our own) out of its bounds."""
        raw = args.get(self.name)
        if raw is None or (raw.strip() == "" and self.kind is str):
            if self.required:
                raise QueryError(f"{self.name} is required", self.name)
            return self.default
        if self.kind is int:
            try:
                value = int(raw)
            except ValueError:
                raise QueryError(f"{self.name} must be a whole number", self.name) from None
            out_of_bounds = (self.minimum is not None and value < self.minimum) or \
                (self.maximum is not None and value > self.maximum)
            if not self.core and out_of_bounds:
                raise QueryError(f"{self.name} must be between {self.minimum} and {self.maximum}", self.name)
            return value
        text = raw.strip()
        if not self.core and self.max_length is not None and len(text) > self.max_length:
            raise QueryError(f"{self.name} is {len(text)} characters; the limit is {self.max_length}", self.name)
        if not self.core and self.enum is not None and text not in self.enum:
            raise QueryError(f"unknown {self.name} {text!r}; use one of {', '.join(self.enum)}", self.name)
        return text

    def openapi(self) -> dict:
        schema: dict = {"type": "integer" if self.kind is int else "string"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        if self.enum is not None:
            schema["enum"] = list(self.enum)
        if self.default is not None:
            schema["default"] = self.default
        return {"name": self.name, "in": "query", "required": self.required, "description": self.description,
                "schema": schema}


def parse(specs: list[Param], args: Mapping[str, str]) -> dict:
    """The typed values of ``specs`` from a request's args, the core's bounds checked by the
    core (QueryError naming the parameter)."""
    # Each name's first value, as ``args.get`` gives it, in a plain dict: werkzeug's
    # MultiDict.get builds a BadRequestKeyError for every name a request leaves out (most
    # of the eight /api/search takes).
    args = {name: args[name] for name in args}
    values: dict[str, Any] = {p.name: p.parse(args) for p in specs}
    if values.get("prefix") == "true" and values.get("q") and word_ended(args.get("q") or ""):
        values["q"] += " "  # as-you-type: a trailing space ends the last word (the core reads it; one kept)
    core = {p.name: values[p.name] for p in specs if p.core}
    check_params(core.get("q") or "", core.get("lang"), core.get("category"), core.get("limit", 1),
                 core.get("page", 1), core.get("script"))
    return values


Q = Param("q", "The question, in any language (Simplified or Traditional Chinese, pinyin, Russian, English). "
               'Text in double quotes must match as a phrase; nothing else is syntax.',
          required=True, max_length=MAX_QUERY_CHARS)
LANG = Param("lang", "Language to show entries in; entries without it fall back visibly "
                     "(`fallback: true`). Default: the language of the query.", enum=LANGS)
CATEGORY = Param("category", "Only entries of this category.", enum=CATEGORIES)
LIMIT = Param("limit", "Hits per page.", kind=int, default=10, minimum=1, maximum=MAX_LIMIT)
PAGE = Param("page", "Page of hits, from 1.", kind=int, default=1, minimum=1, maximum=MAX_PAGE)
SCRIPT = Param("script", "Chinese script to show zh entries in: Hans (as written) or Hant "
                         "(converted to Traditional characters).", enum=SCRIPTS)
SUGGEST_LIMIT = Param("limit", "Number of suggestions.", kind=int, default=5, minimum=1, maximum=MAX_SUGGEST,
                      core=False)
# The site's pages: q may be empty (the home page), still within the core's bound.
PAGE_Q = Param("q", "The question, as for the API.", max_length=MAX_QUERY_CHARS)
PREFIX = Param("prefix", "true: the query is being typed, so its last word is read as the start of a word "
                         "(as-you-type; at most a few completions of it are searched); a trailing space in q "
                         "ends the last word (read whole).",
               enum=("true", "false"), default="false", core=False)

CORRECT = Param("correct", "true: when the query as typed finds no answer and its did-you-mean correction "
                           "does, return the correction's hits (`corrected` names it); false: as typed.",
                enum=("true", "false"), default="true", core=False)

SEARCH = [Q, LANG, CATEGORY, LIMIT, PAGE, SCRIPT, PREFIX, CORRECT]
ENTRY = [LANG, SCRIPT]
SUGGEST = [Q, LANG, SUGGEST_LIMIT, PREFIX]
