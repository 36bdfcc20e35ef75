"""The kb's JSON Schemas (src/faqkb/schema/*.schema.json): jsonschema for exact, located
explanations, and the same schema compiled to plain Python for a quick yes/no.

Validating every file with jsonschema was half of loading a large kb, so ``quick_check``
answers first and only the files it says no to are validated by jsonschema, whose errors
``explain`` and ``explain_fact`` turn into an editor's words (message, hint).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import ValidationError

from .model import LANG_NAMES


@lru_cache(maxsize=2)
def validator(name: str = "entry") -> Any:  # a jsonschema Draft202012Validator
    import jsonschema  # only editors and builds pay for jsonschema, not queries

    schema = json.loads(resources.files("faqkb").joinpath(f"schema/{name}.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(_inline_refs(schema, schema.get("$defs", {})))


class _Unsupported(Exception):
    pass


@lru_cache(maxsize=2)
def quick_check(name: str = "entry") -> Callable[[Any], bool] | None:
    """A yes/no check of the schema's keywords compiled to plain Python, as strict as
    jsonschema or stricter (any doubt is "no"): only data it says no to is validated by
    jsonschema, which explains what is wrong. Validating every file with jsonschema was
    half of loading a large kb. None if the schema uses a keyword this does not know."""
    schema = json.loads(resources.files("faqkb").joinpath(f"schema/{name}.schema.json").read_text("utf-8"))
    try:
        return _compile(_inline_refs(schema, schema.get("$defs", {})))
    except _Unsupported:
        return None


def _compile(node: dict) -> Callable[[Any], bool]:
    checks: list[Callable[..., bool]] = []
    for key, v in node.items():
        if key in ("description", "title", "$schema", "$id", "$comment"):
            continue
        if key == "type":
            t = {"string": str, "array": list, "object": dict}.get(v)
            if t is None:
                raise _Unsupported(key)
            checks.append(lambda x, t=t: type(x) is t)
        elif key == "enum":
            if not all(isinstance(x, str) for x in v):
                raise _Unsupported(key)
            allowed = frozenset(v)
            checks.append(lambda x, a=allowed: type(x) is str and x in a)
        elif key == "pattern":
            rx = re.compile(v)  # jsonschema: re.search
            checks.append(lambda x, rx=rx: type(x) is not str or rx.search(x) is not None)
        elif key == "minLength":
            checks.append(lambda x, n=v: type(x) is not str or len(x) >= n)
        elif key == "maxLength":
            checks.append(lambda x, n=v: type(x) is not str or len(x) <= n)
        elif key == "required":
            checks.append(lambda x, r=tuple(v): type(x) is not dict or all(k in x for k in r))
        elif key == "properties":
            props = {k: _compile(sub) for k, sub in v.items()}

            def properties(x: Any, p: dict[str, Callable[[Any], bool]] = props) -> bool:
                if type(x) is dict:
                    for k, value in x.items():
                        f = p.get(k)
                        if f is not None and not f(value):
                            return False
                return True
            checks.append(properties)
        elif key == "additionalProperties":
            if v is not False or "patternProperties" in node:
                raise _Unsupported(key)
            known = frozenset(node.get("properties", {}))
            checks.append(lambda x, k=known: type(x) is not dict or all(key in k for key in x))
        elif key == "anyOf":
            subs = [_compile(sub) for sub in v]
            checks.append(lambda x, s=subs: any(f(x) for f in s))
        elif key == "items":
            if not isinstance(v, dict):
                raise _Unsupported(key)
            sub = _compile(v)

            def items(x: Any, f: Callable[[Any], bool] = sub) -> bool:
                if type(x) is list:
                    for i in x:
                        if not f(i):
                            return False
                return True
            checks.append(items)
        elif key == "uniqueItems":
            if v:  # text items only: jsonschema's equality of other values is subtler
                checks.append(lambda x: type(x) is not list
                              or (all(type(i) is str for i in x) and len(set(x)) == len(x)))
        else:
            raise _Unsupported(key)
    if len(checks) == 1:
        return checks[0]

    def every(x: Any) -> bool:
        for c in checks:  # noqa: SIM110 - a plain loop: all() over a generator costs twice as much here
            if not c(x):
                return False
        return True
    return every


def _inline_refs(node: Any, defs: dict) -> Any:
    """The schema with local "#/$defs/x" references replaced by their definitions: the
    shipped file keeps $ref for editors, but resolving refs was most of validation time."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return {**_inline_refs(defs[ref.split("/")[-1]], defs), **_inline_refs(rest, defs)}
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def _field_name(path: list) -> str:
    """'answer (ru)' for ['ru', 'answer'], 'alternatives (zh) #2' for ['zh','alternatives',1]."""
    if path and path[0] in LANG_NAMES:
        rest = [str(p + 1) if isinstance(p, int) else p for p in path[1:]]
        name = rest[0] if rest else path[0]
        return f"{name} ({path[0]})" + (f" #{rest[1]}" if len(rest) > 1 else "")
    return ".".join(str(p) for p in path) or "entry"


def missing_keys(err: ValidationError) -> list[str]:
    """Every key a ``required`` error's mapping lacks. jsonschema raises one error per
    missing key with the key only in its message text, so every such error of one mapping
    names all of them (and the caller drops the repeats): one line per mapping."""
    required: Any = err.validator_value
    instance: Any = err.instance
    return [k for k in required if k not in instance] or ["?"]


def _is_are(items: list) -> str:
    return "is" if len(items) == 1 else "are"


def unknown_keys(err: ValidationError) -> list[str]:
    """The keys an additionalProperties error is about, in the file's order, from the
    schema the error names (not from jsonschema's message text, whose wording may change),
    sorted as jsonschema names them."""
    schema: Any = err.schema
    instance: Any = err.instance
    known, patterns = schema.get("properties", {}), schema.get("patternProperties", {})
    return sorted((k for k in instance if k not in known and not any(re.search(p, k) for p in patterns)), key=str)


def explain(err: ValidationError) -> tuple[str, str]:
    """A schema error in editor's words: (message, hint), from the error's fields
    (validator, validator_value, instance, schema), never by parsing its message."""
    path: list[Any] = list(err.absolute_path)
    name = _field_name(path)
    v = err.validator
    value: Any = err.validator_value  # typed "maybe unset" by jsonschema; a raised error has it
    instance: Any = err.instance
    lang = LANG_NAMES.get(path[0], "") if path else ""
    if v in ("minLength", "pattern") and path and path[-1] in ("question", "answer") \
            or (v in ("minLength", "pattern") and len(path) == 3 and path[1] == "alternatives"):
        if path[-1] in ("question", "answer"):
            return f"{name} is empty", f"write the {lang} {path[-1]} or remove {path[0]}"
        return f"{name} is empty", f"write the {lang} alternative or remove that line"
    if v == "required":
        missing = missing_keys(err)
        if path and path[0] in LANG_NAMES:
            names = ", ".join(_field_name([*path, k]) for k in missing)
            return f"{names} {_is_are(missing)} missing", f"add {', '.join(k + ':' for k in missing)} under {path[0]}:"
        keys = ", ".join(f"'{k}'" for k in missing)
        return f"{keys} {_is_are(missing)} missing", "add " + ", ".join(f"a line '{k}: ...'" for k in missing)
    if v == "anyOf":
        return "entry has no language", "add zh:, ru: or en: with question, alternatives and answer"
    if v == "additionalProperties":
        extra = next(iter(unknown_keys(err)), "?")
        allowed = "question, lead, alternatives, answer" if path and path[-1] in LANG_NAMES else \
            "id, category, operators, updated, related, sources, zh, ru, en"
        return f"unknown key '{extra}'", f"allowed keys here: {allowed}"
    if v == "enum":
        return f"{name} is {instance!r}", "use one of: " + ", ".join(map(str, value))
    if v == "pattern" and path and path[0] == "id" or (len(path) == 2 and path[0] == "related"):
        return f"{name} {instance!r} is not a valid id", "use lowercase letters, digits and hyphens"
    if v == "pattern" and path and path[0] == "updated":
        return f"updated {instance!r} is not a date", "write it as YYYY-MM-DD"
    if v == "pattern" and path and path[0] == "sources":
        return f"source {instance!r} is not a fact id", "cite fact ids like F12 or U3"
    if v == "maxLength":
        return f"{name} is too long ({len(instance)} characters)", \
            f"keep it under {value} characters"
    if v == "type":
        want = {"array": "a list", "object": "a mapping (key: value lines)", "string": "text"}
        return f"{name} must be {want.get(value, value)}", \
            "check indentation and the '- ' list markers"
    if v == "uniqueItems":
        return f"{name} has the same item twice", "remove the repeat"
    return f"{name}: {err.message}", ""


def explain_fact(err: ValidationError) -> tuple[str, str]:
    """A facts.yaml schema error in editor's words: (message, hint)."""
    path = [str(p + 1) if isinstance(p, int) else p for p in err.absolute_path]
    where = ".".join(path[1:]) if path[:1] == ["facts"] else ".".join(path)
    where = where or "facts.yaml"
    value: Any = err.validator_value  # set on a raised error (typed "maybe unset")
    if err.validator == "required":
        missing = missing_keys(err)
        why = "a fact with a source needs its title, publisher and date; only an uncertain fact may have no " \
            "source" if set(missing) <= {"title", "publisher", "date"} else "every fact needs claim, confidence, checked"
        return f"{where}: {', '.join(repr(k) for k in missing)} {_is_are(missing)} missing", why
    if err.validator == "enum":
        return f"{where} is {err.instance!r}", "use one of: " + ", ".join(map(str, value))
    if err.validator == "pattern" and path and path[-1] in ("checked", "date", "recheck_by"):
        return f"{where} {err.instance!r} is not a date", \
            "checked, recheck_by: YYYY-MM-DD; date: YYYY, YYYY-MM, YYYY-MM-DD or undated"
    if err.validator == "pattern" and path and path[-1] == "url":
        return f"{where} {err.instance!r} is not a web address", "write the full https:// address of the page"
    if err.validator == "pattern" and len(path) == 1:
        return f"fact id {err.instance!r} is not valid", "ids are F or U followed by digits: F12, U3"
    if err.validator == "additionalProperties":
        extra = next(iter(unknown_keys(err)), "?")
        return f"{where}: unknown key '{extra}'", \
            "allowed: claim, title, publisher, url, date, confidence, checked, also, reader_title, recheck_by, note"
    return f"{where}: {err.message}", ""
