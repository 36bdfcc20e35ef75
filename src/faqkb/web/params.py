"""Query parameters of the JSON API, declared once: the views parse requests with these
specs and /api/openapi.json is generated from the same specs, so the document cannot drift
from what the endpoints accept. Bounds come from the core (faqkb.search)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import QueryError
from ..model import CATEGORIES, LANGS
from ..script import SCRIPTS
from ..search import MAX_LIMIT, MAX_PAGE, MAX_QUERY_CHARS

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

    def parse(self, args) -> object:
        """The typed value from a request's args; QueryError naming the parameter if bad."""
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
            if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
                raise QueryError(f"{self.name} must be between {self.minimum} and {self.maximum}", self.name)
            return value
        value = raw.strip()
        if self.max_length is not None and len(value) > self.max_length:
            raise QueryError(f"{self.name} is {len(value)} characters; the limit is {self.max_length}", self.name)
        if self.enum is not None and value not in self.enum:
            raise QueryError(f"unknown {self.name} {value!r}; use one of {', '.join(self.enum)}", self.name)
        return value

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


def parse(specs: list[Param], args) -> dict:
    return {p.name: p.parse(args) for p in specs}


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
PREFIX = Param("prefix", "true: the query is being typed, so its last word is read as the start of a word "
                         "(as-you-type; at most a few completions of it are searched).",
               enum=("true", "false"), default="false")
SUGGEST_LIMIT = Param("limit", "Number of suggestions.", kind=int, default=5, minimum=1, maximum=MAX_SUGGEST)

SEARCH = [Q, LANG, CATEGORY, LIMIT, PAGE, SCRIPT, PREFIX]
ENTRY = [LANG, SCRIPT]
SUGGEST = [Q, LANG, SUGGEST_LIMIT, PREFIX]
