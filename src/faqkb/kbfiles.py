"""Read kb/ YAML files into entries, refusing anything unsafe or malformed.

Every problem becomes a KBError located at file:line:column with a hint, so an editor
can fix it without reading Python. Only the safe YAML subset is accepted: no aliases
(billion laughs), no duplicate keys (a silently lost answer), no non-UTF-8 text.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import re
import stat
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

with contextlib.suppress(ImportError):
    import yaml.cyaml  # libyaml bindings: the fast path, when this PyYAML has them

from .errors import KBError, KBErrors

if TYPE_CHECKING:
    from jsonschema import ValidationError
from .model import LANG_NAMES, Entry, Fact, KnowledgeBase, Source, Translation

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 20
SYNONYMS_FILE = "synonyms.yaml"
FACTS_FILE = "facts.yaml"
REGIONAL_FILE = "regional.yaml"
OFFTOPIC_FILE = "offtopic.yaml"
_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class _StrictConstructor(yaml.constructor.SafeConstructor):
    """Safe construction that refuses duplicate keys and non-text keys."""

    def construct_mapping(self, node, deep=False):  # noqa: ANN001
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise _Located(key_node.start_mark, f"key {key!r} is not text",
                               "keys are words like question or answer")
            if key in seen:
                raise _Located(key_node.start_mark, f"duplicate key '{key}'",
                               f"'{key}' is already set on line {seen[key].line + 1}; keep one")
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


# Dates stay text: a YAML date object would not survive JSON and confuses the schema.
_StrictConstructor.add_constructor("tag:yaml.org,2002:timestamp",  # type: ignore[type-var]  # the stubs' TypeVar
                                   yaml.SafeLoader.construct_yaml_str)


class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
              _StrictConstructor, yaml.resolver.Resolver):
    """The strict pure-Python loader: refuses aliases and bounds nesting while composing,
    so every refusal points at the line where it happens."""

    def __init__(self, stream) -> None:  # noqa: ANN001
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _StrictConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML signature
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Located(event.start_mark, "YAML aliases (*name) are not allowed",
                           "write the value out in full; aliases can blow up memory")
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Located(self.peek_event().start_mark, "nesting is too deep",
                               f"an entry needs at most a few levels, not {MAX_DEPTH}")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self):  # keep no anchors at all, even unused ones
        node = super().compose_document()
        self.anchors = {}
        return node


# yaml.cyaml.CParser is libyaml's parser; the type stubs do not export it from yaml.cyaml.
_FastLoader = None
if getattr(yaml, "__with_libyaml__", False):
    class _FastLoader(yaml.cyaml.CParser,  # type: ignore[no-redef, name-defined]
                      _StrictConstructor, yaml.resolver.Resolver):
        """libyaml's parser and composer (about 10x faster) with our strict constructor.
        Used only for files a libyaml pre-scan found free of anchors, aliases and deep
        nesting; anything else goes through _Loader, which says exactly what is wrong."""

        def __init__(self, stream) -> None:  # noqa: ANN001
            yaml.cyaml.CParser.__init__(self, stream)  # type: ignore[attr-defined]
            _StrictConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)


def _plain_yaml(text: str) -> bool:
    """True if libyaml parses ``text`` with no anchor, alias or deep nesting."""
    parser = yaml.cyaml.CParser(text)  # type: ignore[attr-defined]
    depth = 0
    try:
        while (event := parser.get_event()) is not None:
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                return False
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth >= MAX_DEPTH:
                    return False
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return False
    finally:
        parser.dispose()
    return True


_NOT_QUICK = object()  # quick_yaml's "ask the full loader"
_TEXT_TAGS = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"})  # both become text
_RESOLVER = yaml.resolver.Resolver()


def quick_yaml(text: str) -> Any:
    """The data of a YAML document made of mappings, lists and text only, straight from
    libyaml's events (no node tree, no constructor calls: most of a load's time went
    there); _NOT_QUICK for anything else (a number, a tag, an anchor or alias, a duplicate
    or non-text key, deep nesting, several documents, invalid YAML), which the full
    loader then reads or refuses with its located message. Where it answers, it answers
    exactly what the full loader would: scalars resolved by PyYAML's own resolver, and
    only those it resolves to text (or to a date, which our loader keeps as text)."""
    if _FastLoader is None:
        return _NOT_QUICK
    parser = yaml.cyaml.CParser(text)
    get, resolve = parser.get_event, _RESOLVER.resolve
    scalar, mapping, sequence = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    no_key = _NOT_QUICK
    try:
        if type(get()) is not yaml.StreamStartEvent or type(get()) is not yaml.DocumentStartEvent:
            return _NOT_QUICK
        root: Any = _NOT_QUICK
        stack: list[Any] = []  # open containers
        keys: list[Any] = []  # per open mapping, its key waiting for a value (else no_key)
        while True:
            ev = get()
            kind = type(ev)
            if kind is scalar:
                if ev.anchor is not None or ev.tag is not None \
                        or resolve(yaml.ScalarNode, ev.value, ev.implicit) not in _TEXT_TAGS:
                    return _NOT_QUICK
                value: Any = ev.value
            elif kind is mapping or kind is sequence:
                if ev.anchor is not None or ev.tag is not None or len(stack) + 1 >= MAX_DEPTH:
                    return _NOT_QUICK
                value = {} if kind is mapping else []
            elif kind in ends:
                if type(stack.pop()) is dict and keys.pop() is not no_key:
                    return _NOT_QUICK
                continue
            elif kind is yaml.DocumentEndEvent:
                break
            else:  # an alias
                return _NOT_QUICK
            if not stack:
                root = value
            elif type(top := stack[-1]) is list:
                top.append(value)
            elif keys[-1] is no_key:  # a key: text, and new in this mapping
                if type(value) is not str or value in top:
                    return _NOT_QUICK
                keys[-1] = value
            else:
                top[keys[-1]] = value
                keys[-1] = no_key
            if kind is not scalar:
                stack.append(value)
                if kind is mapping:
                    keys.append(no_key)
        if stack or type(get()) is not yaml.StreamEndEvent:  # a second document
            return _NOT_QUICK
        return root
    except yaml.YAMLError:
        return _NOT_QUICK
    finally:
        parser.dispose()


class _Located(Exception):
    def __init__(self, mark, message: str, hint: str = "") -> None:  # noqa: ANN001
        self.mark, self.message, self.hint = mark, message, hint


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def read_yaml(path: Path, shown: str) -> tuple[Any, yaml.Node | None]:
    """Parse one YAML file safely; returns (data, node tree for locating errors)."""
    return parse_yaml(read_text(path, shown), shown)


def read_text(path: Path, shown: str) -> str:
    """The text of one kb file, refusing what is not a small regular UTF-8 file."""
    try:
        st = path.stat()
    except OSError as e:
        raise KBError(shown, 1, 1, f"cannot read file: {e.strerror}",
                      "is it a broken or looping link? replace it with a plain .yaml file") from None
    if not stat.S_ISREG(st.st_mode):  # reading a FIFO or device would hang or never end
        raise KBError(shown, 1, 1, "not a regular file", "replace it with a plain .yaml file")
    size = st.st_size
    if size > MAX_FILE_BYTES:
        raise KBError(shown, 1, 1, f"file is {size // 1024} KiB, over the {MAX_FILE_BYTES // 1024} KiB limit",
                      "split it into several entries")
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise KBError(shown, 1, 1, "file starts with a byte-order mark (BOM)",
                      "save it as UTF-8 without BOM")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        raise KBError(shown, 1, 1, "file is not UTF-8 text (UTF-16 or binary)",
                      "save it as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise KBError(shown, line, col, "file is not valid UTF-8 (GBK or another encoding?)",
                      "save it as UTF-8") from None
    return text


def parse_yaml(text: str, shown: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML text safely (see read_yaml)."""
    loader = _FastLoader(text) if _FastLoader is not None and _plain_yaml(text) else _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _Located as e:
        raise KBError(shown, e.mark.line + 1, e.mark.column + 1, e.message, e.hint) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = (e.problem or e.context or "invalid YAML").strip()
        if "could not determine a constructor for the tag" in what:  # !!python/object and friends
            tag = what.split("'")[1].replace("tag:yaml.org,2002:", "!!") if "'" in what else "?"
            raise KBError(shown, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1,
                          f"YAML tag {tag} is not allowed",
                          "remove the tag; an entry holds only plain text, lists and mappings") from None
        hint = "use spaces, not tabs, to indent" if "\\t" in what or "tab" in what else \
            "check quoting and indentation near here"
        raise KBError(shown, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1,
                      f"invalid YAML: {what}", hint) from None
    except yaml.YAMLError as e:
        raise KBError(shown, 1, 1, f"invalid YAML: {e}", "save it as plain UTF-8 text") from None
    except RecursionError:
        raise KBError(shown, 1, 1, "nesting is too deep", "flatten the structure") from None
    finally:
        loader.dispose()
    return data, node


def _node_at(node: yaml.Node | None, path) -> yaml.Node | None:  # noqa: ANN001
    """The YAML node at a JSON path, for turning a schema error into line:column."""
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
    return node


def _error_at(shown: str, at: yaml.Node | None, message: str, hint: str) -> KBError:
    """A KBError at the line:column where YAML node ``at`` starts (1:1 without one)."""
    mark = at.start_mark if at is not None else None
    return KBError(shown, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, message, hint)


@lru_cache(maxsize=2)
def _validator(name: str = "entry"):
    import jsonschema  # only editors and builds pay for jsonschema, not queries

    schema = json.loads(resources.files("faqkb").joinpath(f"schema/{name}.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(_inline_refs(schema, schema.get("$defs", {})))


class _Unsupported(Exception):
    pass


@lru_cache(maxsize=2)
def _quick_schema(name: str = "entry"):
    """A yes/no check of the schema's keywords compiled to plain Python, as strict as
    jsonschema or stricter (any doubt is "no"): only data it says no to is validated by
    jsonschema, which explains what is wrong. Validating every file with jsonschema was
    half of loading a large kb. None if the schema uses a keyword this does not know."""
    schema = json.loads(resources.files("faqkb").joinpath(f"schema/{name}.schema.json").read_text("utf-8"))
    try:
        return _compile(_inline_refs(schema, schema.get("$defs", {})))
    except _Unsupported:
        return None


def _compile(node: dict):  # noqa: ANN001, ANN202, C901 - one branch per keyword
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

            def properties(x, p=props) -> bool:  # noqa: ANN001
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

            def items(x, f=sub) -> bool:  # noqa: ANN001
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

    def every(x) -> bool:  # noqa: ANN001
        for c in checks:  # noqa: SIM110 - a plain loop: all() over a generator costs twice as much here
            if not c(x):
                return False
        return True
    return every


def _inline_refs(node, defs: dict):  # noqa: ANN001
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


def _missing_keys(err: ValidationError) -> list[str]:
    """Every key a ``required`` error's mapping lacks. jsonschema raises one error per
    missing key with the key only in its message text, so every such error of one mapping
    names all of them (and the caller drops the repeats): one line per mapping."""
    required: Any = err.validator_value
    instance: Any = err.instance
    return [k for k in required if k not in instance] or ["?"]


def _is_are(items: list) -> str:
    return "is" if len(items) == 1 else "are"


def _unknown_keys(err: ValidationError) -> list[str]:
    """The keys an additionalProperties error is about, in the file's order, from the
    schema the error names (not from jsonschema's message text, whose wording may change),
    sorted as jsonschema names them."""
    schema: Any = err.schema
    instance: Any = err.instance
    known, patterns = schema.get("properties", {}), schema.get("patternProperties", {})
    return sorted((k for k in instance if k not in known and not any(re.search(p, k) for p in patterns)), key=str)


def _explain(err: ValidationError) -> tuple[str, str]:
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
        missing = _missing_keys(err)
        if path and path[0] in LANG_NAMES:
            names = ", ".join(_field_name([*path, k]) for k in missing)
            return f"{names} {_is_are(missing)} missing", f"add {', '.join(k + ':' for k in missing)} under {path[0]}:"
        keys = ", ".join(f"'{k}'" for k in missing)
        return f"{keys} {_is_are(missing)} missing", "add " + ", ".join(f"a line '{k}: ...'" for k in missing)
    if v == "anyOf":
        return "entry has no language", "add zh:, ru: or en: with question, alternatives and answer"
    if v == "additionalProperties":
        extra = next(iter(_unknown_keys(err)), "?")
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


def load_entry(path: Path, root: Path) -> Entry:
    """Load and validate one entry file; raises KBErrors with every problem in it (so
    `check` can list them all)."""
    shown = _rel(path, root)
    try:
        text = read_text(path, shown)
    except KBError as e:
        raise KBErrors([e]) from None
    quick = quick_yaml(text)
    if _quickly_valid(quick, path):
        return _entry(quick, shown)
    # Slow and exact: every problem located to its line (a valid file that quick_yaml or
    # the quick schema check did not vouch for comes out the same Entry).
    try:
        data, node = parse_yaml(text, shown)
    except KBError as e:
        raise KBErrors([e]) from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise KBErrors([KBError(shown, 1, 1, f"file is {kind}, not an entry",
                                "an entry is a mapping with id, category, updated, zh/ru/en")])
    errors: list[KBError] = []
    for err in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        at = _node_at(node, err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(at, yaml.MappingNode):
            extra = set(_unknown_keys(err))  # point at the key itself
            at = next((k for k, _ in at.value if k.value in extra), at)
        problem = _error_at(shown, at, *_explain(err))
        if str(problem) not in map(str, errors):  # "" fails both minLength and pattern: say it once
            errors.append(problem)
    if errors:
        raise KBErrors(errors)
    # The schema's pattern ends in $, which Python's re also matches before a final newline:
    # "evil\n" would pass as an id. Ids name files and URLs, so check them in full here.
    for where, value in [(["id"], data["id"])] + [(["related", i], r) for i, r in enumerate(data.get("related", ()))]:
        if not _ID_RE.fullmatch(value):
            errors.append(_error_at(shown, _node_at(node, where),
                                  f"{where[0]} {value!r} is not a valid id",
                                  "use lowercase letters, digits and hyphens"))
    if errors:
        raise KBErrors(errors)
    stem, folder = path.stem, path.parent.name
    if data["id"] != stem:
        errors.append(_error_at(shown, _node_at(node, ["id"]),
                              f"id '{data['id']}' does not match the file name '{stem}.yaml'",
                              f"rename the file to {data['id']}.yaml or set id: {stem}"))
    if data["category"] != folder:
        errors.append(_error_at(shown, _node_at(node, ["category"]),
                              f"category '{data['category']}' does not match the folder '{folder}/'",
                              f"move the file to kb/{data['category']}/ or set category: {folder}"))
    try:
        _dt.date.fromisoformat(data["updated"])
    except ValueError:
        errors.append(_error_at(shown, _node_at(node, ["updated"]),
                              f"updated '{data['updated']}' is not a real date", "write it as YYYY-MM-DD"))
    if errors:
        raise KBErrors(errors)
    return _entry(data, shown)


def _quickly_valid(data: Any, path: Path) -> bool:
    """True only if the slow checks of load_entry would find nothing wrong with ``data``."""
    if type(data) is not dict:
        return False
    check = _quick_schema()
    if check is None or not check(data):
        return False
    if not (_ID_RE.fullmatch(data["id"]) and all(_ID_RE.fullmatch(r) for r in data.get("related", ()))):
        return False
    if data["id"] != path.stem or data["category"] != path.parent.name:
        return False
    try:
        _dt.date.fromisoformat(data["updated"])
    except ValueError:
        return False
    return True


def _entry(data: dict, shown: str) -> Entry:
    translations = {lang: Translation(t["question"].strip(), tuple(a.strip() for a in t["alternatives"]),
                                      t["answer"].strip(), t.get("lead", "").strip())
                    for lang, t in data.items() if lang in LANG_NAMES}
    return Entry(id=data["id"], category=data["category"], translations=translations,
                 updated=data["updated"], operators=tuple(data.get("operators", ())),
                 related=tuple(data.get("related", ())), sources=tuple(data.get("sources", ())),
                 path=shown)


def entry_files(root: Path) -> list[Path]:
    """kb/<category>/<id>.yaml files, sorted so builds are deterministic."""
    return sorted((p for p in root.glob("*/*.yaml") if p.is_file() and not p.parent.name.startswith(".")),
                  key=lambda p: p.parts)  # Path's order, without its slow __lt__ (index.kb_fingerprint)


def _read_optional(root: Path, name: str) -> tuple[str, Any, Any] | None:
    """kb/``name`` as (its path as shown in errors, its data, its YAML node), or None when the
    file is absent. A broken symlink is not absent: it is read, and reported, so a kb cannot
    silently lose its synonyms or sources."""
    path = root / name
    if not path.exists() and not path.is_symlink():
        return None
    shown = _rel(path, root)
    return (shown, *read_yaml(path, shown))


def read_synonyms(root: Path) -> list[list[str]]:
    got = _read_optional(root, SYNONYMS_FILE)
    if got is None:
        return []
    shown, data, node = got
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list) or not all(
            isinstance(g, list) and len(g) >= 2 and all(isinstance(w, str) and w.strip() for w in g)
            for g in groups):
        raise KBError(shown, 1, 1, "synonyms must be 'groups:' followed by lists of two or more words",
                      "e.g. groups: [[注销, 销号], [MTS, МТС]]")
    return [[w.strip() for w in g] for g in groups]


def _fact_error(err: ValidationError) -> tuple[str, str]:
    """A facts.yaml schema error in editor's words: (message, hint)."""
    path = [str(p + 1) if isinstance(p, int) else p for p in err.absolute_path]
    where = ".".join(path[1:]) if path[:1] == ["facts"] else ".".join(path)
    where = where or "facts.yaml"
    value: Any = err.validator_value  # set on a raised error (typed "maybe unset")
    if err.validator == "required":
        missing = _missing_keys(err)
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
        extra = next(iter(_unknown_keys(err)), "?")
        return f"{where}: unknown key '{extra}'", \
            "allowed: claim, title, publisher, url, date, confidence, checked, also, reader_title, recheck_by, note"
    return f"{where}: {err.message}", ""


def read_facts(root: Path) -> dict[str, Fact]:
    """The source register kb/facts.yaml by id ({} when the file is absent: `check` asks for it).
    Raises KBErrors with every schema problem, located."""
    got = _read_optional(root, FACTS_FILE)
    if got is None:
        return {}
    shown, data, node = got
    if not isinstance(data, dict) or not isinstance(data.get("facts"), dict):
        raise KBErrors([KBError(shown, 1, 1, "facts.yaml must be 'facts:' followed by one mapping per fact id",
                                "e.g. facts: {F1: {claim: ..., title: ..., publisher: ..., date: ..., "
                                "confidence: operator, checked: YYYY-MM-DD}}")])
    errors: list[KBError] = []
    for err in sorted(_validator("facts").iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        problem = _error_at(shown, _node_at(node, err.absolute_path), *_fact_error(err))
        if str(problem) not in map(str, errors):  # one line per mapping missing several keys
            errors.append(problem)
    for fid, f in data["facts"].items() if not errors else ():
        for key in ("checked", "recheck_by"):
            try:
                _dt.date.fromisoformat(f.get(key, "2000-01-01"))
            except ValueError:
                errors.append(_error_at(shown, _node_at(node, ["facts", fid, key]),
                                        f"{fid}.{key} {f[key]!r} is not a real date", "write it as YYYY-MM-DD"))
    if errors:
        raise KBErrors(errors)
    return {fid: Fact(id=fid, claim=f["claim"].strip(), confidence=f["confidence"], checked=f["checked"],
                      title=f.get("title", "").strip(), publisher=f.get("publisher", "").strip(),
                      url=f.get("url", "").strip(), date=f.get("date", ""),
                      also=tuple(Source(**s) for s in f.get("also", ())),
                      reader_title={k: v.strip() for k, v in f.get("reader_title", {}).items()},
                      recheck_by=f.get("recheck_by", ""), note=f.get("note", "").strip())
            for fid, f in data["facts"].items()}


def read_regional(root: Path) -> dict[str, str]:
    """kb/regional.yaml: Taiwan/HK words → mainland words ({} when the file is absent)."""
    from .analysis import HAN_RE

    got = _read_optional(root, REGIONAL_FILE)
    if got is None:
        return {}
    shown, data, node = got
    words = data.get("words") if isinstance(data, dict) else None
    if not isinstance(words, dict):
        raise KBError(shown, 1, 1, "regional vocabulary must be 'words:' followed by 'regional word: mainland word' lines",
                      "e.g. words: {門號: 号码, 停話: 停机}")
    lines = {}
    if node is not None:  # line of each key, for the error message
        for k, v in node.value:
            if k.value == "words" and hasattr(v, "value") and isinstance(v.value, list):
                lines = {kn.value: kn.start_mark.line + 1 for kn, _ in v.value}
    out = {}
    for k, v in words.items():
        if not (isinstance(k, str) and isinstance(v, str) and HAN_RE.search(k) and HAN_RE.search(v)) or k == v:
            raise KBError(shown, lines.get(k, 1), 1, f"'{k}: {v}' is not a pair of different Chinese words",
                          "write 'regional word: mainland word', both in Chinese characters")
        out[k.strip()] = v.strip()
    return out


def read_offtopic(root: Path) -> dict[str, list[str]]:
    """kb/offtopic.yaml: questions the kb does not answer, per language ({} when the file is
    absent): the negatives the topic model learns from (topic.py)."""
    from .model import LANGS

    got = _read_optional(root, OFFTOPIC_FILE)
    if got is None:
        return {}
    shown, data, node = got
    langs = data.get("offtopic") if isinstance(data, dict) else None
    if not isinstance(langs, dict) or set(data) != {"offtopic"}:
        raise KBError(shown, 1, 1, "off-topic questions must be 'offtopic:' followed by one list per language",
                      "e.g. offtopic: {zh: [莫斯科天气怎么样], ru: [погода в Москве], en: [weather in Moscow]}")
    out: dict[str, list[str]] = {}
    for lang, questions in langs.items():
        at = _node_at(node, ["offtopic", lang])
        if lang not in LANGS:
            raise _error_at(shown, at, f"offtopic.{lang}: unknown language",
                            "use " + ", ".join(LANGS) + " (one list each)")
        if not isinstance(questions, list):
            raise _error_at(shown, at, f"offtopic.{lang} is not a list of questions",
                            "write one '- question' line per question under it")
        for i, q in enumerate(questions):
            if not isinstance(q, str) or not q.strip():
                raise _error_at(shown, _node_at(node, ["offtopic", lang, i]),
                                f"offtopic.{lang} item {i + 1} is not a question ({q!r})",
                                "write the question as plain text; quote it if it holds ':' or starts with '-'")
        out[lang] = [q.strip() for q in questions]
    return out


def _load_range(state: tuple[Path, list[Path]], bounds: tuple[int, int]) -> list:
    """Entries of files[start:end], each an Entry or its problems as plain tuples (a
    KBError does not survive pickling on its way back from a worker)."""
    root, files = state
    out: list = []
    for path in files[bounds[0]:bounds[1]]:
        try:
            out.append(load_entry(path, root))
        except KBErrors as e:
            out.append([(x.path, x.line, x.col, x.message, x.hint) for x in e.errors])
    return out


def load_kb(root: str | os.PathLike, procs: int = 1) -> KnowledgeBase:
    """Load every entry under ``root``; raises KBErrors listing every problem found.
    ``procs`` > 1 reads and checks the files in that many forked workers (large kbs)."""
    from .kblayout import NotAKnowledgeBase, check_kb_layout
    from .workers import chunks, fork_map

    root = Path(root)
    try:
        check_kb_layout(root)
    except NotAKnowledgeBase as e:
        raise KBErrors([KBError(str(root), 0, 0, e.what, e.hint)]) from None
    kb = KnowledgeBase(root=str(root.resolve()))
    errors: list[KBError] = []
    files = []  # entry_files(root), from the same listing
    # (sorted by parts: Path's order, without its slow __lt__, as index.kb_fingerprint)
    for path in sorted(root.glob("*/*.yaml"), key=lambda p: p.parts):  # a folder, FIFO or broken link named like an entry
        if path.parent.name.startswith("."):
            continue
        if path.is_file():
            files.append(path)
        else:
            errors.append(KBError(_rel(path, root), 1, 1, "not a regular file (a folder, a broken or "
                                  "looping link, or a device)", "replace it with a plain .yaml file or remove it"))
    loaded = (got for part in fork_map(_load_range, (root, files), chunks(len(files), procs, least=256), procs)
              for got in part)
    for got in loaded:
        if isinstance(got, list):
            errors.extend(KBError(*x) for x in got)
            continue
        if got.id in kb.entries:
            errors.append(KBError(got.path, 1, 1, f"id '{got.id}' is already used by {kb.entries[got.id].path}",
                                  "ids must be unique across categories; rename one"))
        else:
            kb.entries[got.id] = got
    try:
        kb.synonyms = read_synonyms(root)
    except KBError as e:
        errors.append(e)
    try:
        kb.regional = read_regional(root)
    except KBError as e:
        errors.append(e)
    try:
        kb.offtopic = read_offtopic(root)
    except KBError as e:
        errors.append(e)
    try:
        kb.facts = read_facts(root)
    except KBError as e:
        errors.append(e)
    except KBErrors as e:
        errors.extend(e.errors)
    if not kb.entries and not errors:
        errors.append(KBError(str(root), 0, 0, "no entries found",
                              "entries live in <category>/<id>.yaml under this folder"))
    if errors:
        raise KBErrors(errors)
    return kb
