"""Safe YAML for kb files: the strict loader, libyaml's fast path and the quick reader.

Only the safe YAML subset is accepted: no aliases (billion laughs), no duplicate keys (a
silently lost answer), no tags, no non-UTF-8 text, no deep nesting. Every refusal is a
KBError at file:line:column with a hint. ``quick_yaml`` reads plain files straight from
libyaml's events; anything it is unsure of goes to the full loader, which locates the
problem (tests/test_kbfiles_quick.py compares both).
"""

from __future__ import annotations

import contextlib
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

with contextlib.suppress(ImportError):
    import yaml.cyaml  # libyaml bindings: the fast path, when this PyYAML has them

from ..errors import KBError

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 20


class _StrictConstructor(yaml.constructor.SafeConstructor):
    """Safe construction that refuses duplicate keys and non-text keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
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

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _StrictConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
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

    def compose_document(self) -> yaml.Node | None:  # keep no anchors at all, even unused ones
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

        def __init__(self, stream: str) -> None:
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


NOT_QUICK = object()  # quick_yaml's "ask the full loader"
_TEXT_TAGS = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"})  # both become text
_RESOLVER = yaml.resolver.Resolver()


def quick_yaml(text: str) -> Any:
    """The data of a YAML document made of mappings, lists and text only, straight from
    libyaml's events (no node tree, no constructor calls: most of a load's time went
    there); NOT_QUICK for anything else (a number, a tag, an anchor or alias, a duplicate
    or non-text key, deep nesting, several documents, invalid YAML), which the full
    loader then reads or refuses with its located message. Where it answers, it answers
    exactly what the full loader would: scalars resolved by PyYAML's own resolver, and
    only those it resolves to text (or to a date, which our loader keeps as text)."""
    if _FastLoader is None:
        return NOT_QUICK
    parser = yaml.cyaml.CParser(text)
    get, resolve = parser.get_event, _RESOLVER.resolve
    scalar, mapping, sequence = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    no_key = NOT_QUICK
    try:
        if type(get()) is not yaml.StreamStartEvent or type(get()) is not yaml.DocumentStartEvent:
            return NOT_QUICK
        root: Any = NOT_QUICK
        stack: list[Any] = []  # open containers
        keys: list[Any] = []  # per open mapping, its key waiting for a value (else no_key)
        while True:
            ev = get()
            kind = type(ev)
            if kind is scalar:
                if ev.anchor is not None or ev.tag is not None \
                        or resolve(yaml.ScalarNode, ev.value, ev.implicit) not in _TEXT_TAGS:
                    return NOT_QUICK
                value: Any = ev.value
            elif kind is mapping or kind is sequence:
                if ev.anchor is not None or ev.tag is not None or len(stack) + 1 >= MAX_DEPTH:
                    return NOT_QUICK
                value = {} if kind is mapping else []
            elif kind in ends:
                if type(stack.pop()) is dict and keys.pop() is not no_key:
                    return NOT_QUICK
                continue
            elif kind is yaml.DocumentEndEvent:
                break
            else:  # an alias
                return NOT_QUICK
            if not stack:
                root = value
            elif type(top := stack[-1]) is list:
                top.append(value)
            elif keys[-1] is no_key:  # a key: text, and new in this mapping
                if type(value) is not str or value in top:
                    return NOT_QUICK
                keys[-1] = value
            else:
                top[keys[-1]] = value
                keys[-1] = no_key
            if kind is not scalar:
                stack.append(value)
                if kind is mapping:
                    keys.append(no_key)
        if stack or type(get()) is not yaml.StreamEndEvent:  # a second document
            return NOT_QUICK
        return root
    except yaml.YAMLError:
        return NOT_QUICK
    finally:
        parser.dispose()


class _Located(Exception):
    def __init__(self, mark: yaml.Mark, message: str, hint: str = "") -> None:
        self.mark, self.message, self.hint = mark, message, hint


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


def node_at(node: yaml.Node | None, path: Iterable[Any]) -> yaml.Node | None:  # keys and indexes
    """The YAML node at a JSON path, for turning a schema error into line:column."""
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
    return node


def error_at(shown: str, at: yaml.Node | None, message: str, hint: str) -> KBError:
    """A KBError at the line:column where YAML node ``at`` starts (1:1 without one)."""
    mark = at.start_mark if at is not None else None
    return KBError(shown, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, message, hint)
