"""A scope for `answered` (issue 19, item 4): kb/scope.yaml says what the kb covers and
which neighbouring subjects it does not (other countries' operators, banking, app accounts
themselves, Russian-SIM services not covered, other paperwork). A question naming a
neighbour's entity, and nothing that brings it back to our subject, is not answered: its
hits are shown as related only, and the results page records it for `faqkb gaps`.

The topic model (topic.py) learns "another subject" from offtopic.yaml's lines, and learns
those lines rather than the neighbourhood; these names are the neighbourhood, written once
by editors in every language. Read at build (`read_scope`: errors located to file:line),
stored in the index version as plain JSON (`SCOPE_FILE`), compiled once per version
(`Scope.of`), and checked per query by `Scope.neighbour` (a few regex and substring
searches, bounded by the file's size, never by the query's).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import KBError, KBErrors

SCOPE_YAML = "scope.yaml"
SCOPE_FILE = "scope.json"  # in an index version
LISTS = ("zh", "en", "ru", "pinyin")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def read_scope(root: Path) -> dict | None:
    """kb/scope.yaml as plain data ({"covers": [...], "neighbours": {name: {"names": [...],
    "unless": [...]}}}), or None when the kb has none. KBErrors name the file and line."""
    import yaml

    path = Path(root) / SCOPE_YAML
    if not path.exists():
        return None
    shown = str(path)
    try:
        node = yaml.compose(path.read_text("utf-8"))
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise KBErrors([KBError(shown, 0, 0, f"cannot be read ({e})", "save it as UTF-8 text")]) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise KBErrors([KBError(shown, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1,
                                f"is not valid YAML ({getattr(e, 'problem', e)})",
                                "check the indentation and the brackets around lists")]) from None

    def line_of(*keys: str) -> int:
        n: Any = node
        line = 1
        for k in keys:  # the line of the last key found
            kv = next(((kn, v) for kn, v in getattr(n, "value", ()) if getattr(kn, "value", None) == k), None)
            if kv is None:
                return line
            line, n = kv[0].start_mark.line + 1, kv[1]
        return line

    if not isinstance(data, dict) or not isinstance(data.get("neighbours"), dict):
        raise KBErrors([KBError(shown, 1, 1, "scope must have 'covers:' (lists per language) and 'neighbours:' "
                                "(one mapping per neighbour class)",
                                "e.g. neighbours: {banking: {about: ..., en: [credit card], unless: [number]}}")])
    errors: list[KBError] = []

    def names(where: dict, *keys: str) -> list[str]:
        out: list[str] = []
        for k in (*LISTS, "unless") if keys[-1] != "covers" else LISTS:
            got = where.get(k, [])
            if not isinstance(got, list) or not all(isinstance(x, str | int) and str(x).strip() for x in got):
                errors.append(KBError(shown, line_of(*keys, k), 1, f"{'.'.join(keys)}.{k} must be a list of names",
                                      "write [name, other name, ...]; 'A + B' for two words that must both occur"))
                continue
            if k not in ("unless", "pinyin"):
                out += [str(x).strip().lower() for x in got]
        return out

    def pinyin(where: dict) -> list[str]:
        got = where.get("pinyin") or []
        return [re.sub("[^a-z]", "", str(x).lower()) for x in got] if isinstance(got, list) else []

    covers = data.get("covers") or {}
    if not isinstance(covers, dict):
        errors.append(KBError(shown, line_of("covers"), 1, "covers must be lists per language",
                              "e.g. covers: {en: [russian sim], ru: [мтс]}"))
        covers = {}
    out: dict = {"covers": names(covers, "covers"), "covers_pinyin": pinyin(covers), "neighbours": {}}
    for name, spec in data["neighbours"].items():
        if not isinstance(spec, dict):
            errors.append(KBError(shown, line_of("neighbours", str(name)), 1, f"neighbour {name!r} must be a mapping",
                                  "give it 'about:', lists per language and 'unless:'"))
            continue
        unknown = set(spec) - {*LISTS, "unless", "about", "match"}
        if unknown:
            errors.append(KBError(shown, line_of("neighbours", str(name)), 1,
                                  f"neighbour {name!r} has unknown keys {sorted(unknown)}",
                                  f"use {', '.join((*LISTS, 'unless', 'about', 'match'))}"))
        # text, not a YAML boolean: the kb's data files stay plain text (kbase.yamlsafe's quick path)
        if spec.get("match", "strict") != "strict":
            errors.append(KBError(shown, line_of("neighbours", str(name)), 1,
                                  f"neighbour {name!r}: match must be 'strict' or left out",
                                  "write 'match: strict' when naming a Russian SIM or operator must not make a question ours"))
        got = names(spec, "neighbours", str(name))
        unless = spec.get("unless") or []
        out["neighbours"][str(name)] = {"names": got, "pinyin": pinyin(spec), "strict": spec.get("match") == "strict",
                                        "unless": [str(x).strip().lower() for x in unless] if isinstance(unless, list) else []}
    if errors:
        raise KBErrors(errors)
    return out


def write_scope(root: str | Path, version_dir: Path) -> None:
    """At build: kb/scope.yaml into the index version (nothing when the kb has none)."""
    data = read_scope(Path(root))
    if data is not None:
        (version_dir / SCOPE_FILE).write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def _fold(text: str) -> str:
    from .analysis import fold_han, fold_width

    return fold_han(fold_width(text)).lower().replace("ё", "е")


@dataclass(frozen=True)
class _Names:
    """One list of names compiled: Chinese names as substrings, Latin/Cyrillic names as one
    regex (each word matched at a word's start), "A + B" names part by part."""

    han: tuple[str, ...]
    words: re.Pattern | None
    both: tuple[tuple[_Names, ...], ...]
    pinyin: tuple[str, ...] = ()

    @classmethod
    def of(cls, names: list[str], pinyin: list[str] | tuple[str, ...] = ()) -> _Names:
        han, words, both = [], [], []
        for n in dict.fromkeys(_fold(x) for x in names):
            parts = [p.strip() for p in n.split(" + ") if p.strip()]
            if len(parts) > 1:
                both.append(tuple(cls.of([p]) for p in parts))
            elif _HAN.search(n):
                han.append(n)
            else:
                words.append(r"[\W_]+".join(re.escape(w) + r"\w*" for w in n.split()))
        rx = re.compile(r"(?<!\w)(?:" + "|".join(words) + ")") if words else None
        return cls(tuple(han), rx, tuple(both), tuple(_fold(p) for p in pinyin))

    def found(self, text: str, joined: str) -> bool:
        return (any(h in text for h in self.han) or (self.words is not None and self.words.search(text) is not None)
                or any(all(p.found(text, joined) for p in parts) for parts in self.both)
                or (bool(joined) and any(p in joined for p in self.pinyin)))


class Scope:
    """kb/scope.yaml compiled for queries."""

    def __init__(self, data: dict) -> None:
        self.covers = _Names.of(data.get("covers", []), data.get("covers_pinyin", []))
        self.neighbours = [(name, _Names.of(spec["names"], spec.get("pinyin", [])), _Names.of(spec.get("unless", [])),
                            bool(spec.get("strict")))
                           for name, spec in data.get("neighbours", {}).items()]

    @classmethod
    def read(cls, version_dir: Path) -> Scope | None:
        path = version_dir / SCOPE_FILE
        return cls(json.loads(path.read_text("utf-8"))) if path.exists() else None

    def neighbour(self, query: str) -> str | None:
        """The neighbour class a query names (and nothing brings back to our subject), or None."""
        text = _fold(query)
        joined = re.sub(r"[^a-z]+", "", text) if re.search("[a-z]", text) else ""
        for name, names, unless, strict in self.neighbours:
            if names.found(text, joined) and not unless.found(text, joined) and (
                    strict or not self.covers.found(text, joined)):
                return name
        return None
