"""Load a kb folder: every entry file, the data files beside them (synonyms, facts, regional
words, off-topic questions) and every problem, located.

Every problem becomes a KBError at file:line:column with a hint, so an editor can fix it
without reading Python. Reading YAML safely is yamlsafe.py's job; the schema checks are
schema.py's.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import KBError, KBErrors
from .model import LANG_NAMES, Entry, Fact, KnowledgeBase, Source, Translation
from .schema import explain, explain_fact, quick_check, unknown_keys, validator
from .yamlsafe import MAX_FILE_BYTES, NOT_QUICK, error_at, node_at, parse_yaml, quick_yaml, read_text, read_yaml

__all__ = ["MAX_FILE_BYTES", "load_kb", "load_entry", "entry_files", "read_yaml", "read_synonyms", "read_names", "read_facts",
           "read_regional", "read_offtopic", "read_home"]

SYNONYMS_FILE = "synonyms.yaml"
FACTS_FILE = "facts.yaml"
REGIONAL_FILE = "regional.yaml"
OFFTOPIC_FILE = "offtopic.yaml"
HOME_FILE = "home.yaml"
_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def load_entry(path: Path, root: Path, quick: bool = True) -> Entry:
    """Load and validate one entry file; raises KBErrors with every problem in it (so
    `check` can list them all). ``quick=False`` skips the quick paths (quick_yaml and the
    compiled schema check): the same Entry, slower; tests compare both."""
    shown = _rel(path, root)
    try:
        text = read_text(path, shown)
    except KBError as e:
        raise KBErrors([e]) from None
    data: Any = quick_yaml(text) if quick else NOT_QUICK
    if _quickly_valid(data, path):
        return _entry(data, shown)
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
    for err in sorted(validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        at = node_at(node, err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(at, yaml.MappingNode):
            extra = set(unknown_keys(err))  # point at the key itself
            at = next((k for k, _ in at.value if k.value in extra), at)
        problem = error_at(shown, at, *explain(err))
        if str(problem) not in map(str, errors):  # "" fails both minLength and pattern: say it once
            errors.append(problem)
    if errors:
        raise KBErrors(errors)
    # The schema's pattern ends in $, which Python's re also matches before a final newline:
    # "evil\n" would pass as an id. Ids name files and URLs, so check them in full here.
    for where, value in [(["id"], data["id"])] + [(["related", i], r) for i, r in enumerate(data.get("related", ()))]:
        if not _ID_RE.fullmatch(value):
            errors.append(error_at(shown, node_at(node, where),
                                  f"{where[0]} {value!r} is not a valid id",
                                  "use lowercase letters, digits and hyphens"))
    if errors:
        raise KBErrors(errors)
    stem, folder = path.stem, path.parent.name
    if data["id"] != stem:
        errors.append(error_at(shown, node_at(node, ["id"]),
                              f"id '{data['id']}' does not match the file name '{stem}.yaml'",
                              f"rename the file to {data['id']}.yaml or set id: {stem}"))
    if data["category"] != folder:
        errors.append(error_at(shown, node_at(node, ["category"]),
                              f"category '{data['category']}' does not match the folder '{folder}/'",
                              f"move the file to kb/{data['category']}/ or set category: {folder}"))
    try:
        _dt.date.fromisoformat(data["updated"])
    except ValueError:
        errors.append(error_at(shown, node_at(node, ["updated"]),
                              f"updated '{data['updated']}' is not a real date", "write it as YYYY-MM-DD"))
    if errors:
        raise KBErrors(errors)
    return _entry(data, shown)


def _quickly_valid(data: Any, path: Path) -> bool:
    """True only if the slow checks of load_entry would find nothing wrong with ``data``."""
    if type(data) is not dict:
        return False
    check = quick_check()
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


def read_optional(root: Path, name: str) -> tuple[str, Any, Any] | None:
    """kb/``name`` as (its path as shown in errors, its data, its YAML node), or None when the
    file is absent. A broken symlink is not absent: it is read, and reported, so a kb cannot
    silently lose its synonyms or sources."""
    path = root / name
    if not path.exists() and not path.is_symlink():
        return None
    shown = _rel(path, root)
    return (shown, *read_yaml(path, shown))


def read_section(root: Path, name: str, key: str, kind: type, what: str, example: str) -> tuple[str, Any, Any] | None:
    """kb/``name``, a file holding ``key:`` alone with a ``kind`` under it, as (its path as
    shown, that value, the file's YAML node), or None when the file is absent. Any other shape
    is one KBError at 1:1: ``what`` is wrong, ``example`` shows the right one."""
    got = read_optional(root, name)
    if got is None:
        return None
    shown, data, node = got
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, kind) or set(data) != {key}:
        raise KBError(shown, 1, 1, what, example)
    return shown, value, node


def _word_groups(root: Path) -> tuple[list[list[str]], list[list[str]]]:
    """kb/synonyms.yaml as (groups, names): lists of two or more words each; names optional."""
    got = read_optional(root, SYNONYMS_FILE)
    if got is None:
        return [], []
    shown, data, node = got
    found = []
    for key, required in (("groups", True), ("names", False)):
        groups = data.get(key, None if required else []) if isinstance(data, dict) else None
        if not isinstance(groups, list) or not all(
                isinstance(g, list) and len(g) >= 2 and all(isinstance(w, str) and w.strip() for w in g)
                for g in groups):
            raise error_at(shown, None if required else node_at(node, [key]),
                           f"synonyms must be '{key}:' followed by lists of two or more words",
                           "e.g. groups: [[注销, 销号], [покупка, купить]]; names: [[MTS, МТС]]")
        found.append([[w.strip() for w in g] for g in groups])
    return found[0], found[1]


def read_synonyms(root: Path) -> list[list[str]]:
    """Every group of words a search treats as one: kb/synonyms.yaml's groups, then its names."""
    groups, names = _word_groups(root)
    return groups + names


def read_names(root: Path) -> list[list[str]]:
    """kb/synonyms.yaml's names: the spellings of one brand or service per group."""
    return _word_groups(root)[1]


def read_facts(root: Path) -> dict[str, Fact]:
    """The source register kb/facts.yaml by id ({} when the file is absent: `check` asks for it),
    each source with its publisher's reader-facing names (kb/publishers.yaml). Raises KBErrors
    with every schema problem, located."""
    got = read_optional(root, FACTS_FILE)
    if got is None:
        return {}
    shown, data, node = got
    if not isinstance(data, dict) or not isinstance(data.get("facts"), dict):
        raise KBErrors([KBError(shown, 1, 1, "facts.yaml must be 'facts:' followed by one mapping per fact id",
                                "e.g. facts: {F1: {claim: ..., title: ..., publisher: ..., date: ..., "
                                "confidence: operator, checked: YYYY-MM-DD}}")])
    errors: list[KBError] = []
    for err in sorted(validator("facts").iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        problem = error_at(shown, node_at(node, err.absolute_path), *explain_fact(err))
        if str(problem) not in map(str, errors):  # one line per mapping missing several keys
            errors.append(problem)
    for fid, f in data["facts"].items() if not errors else ():
        for key in ("checked", "recheck_by"):
            try:
                _dt.date.fromisoformat(f.get(key, "2000-01-01"))
            except ValueError:
                errors.append(error_at(shown, node_at(node, ["facts", fid, key]),
                                       f"{fid}.{key} {f[key]!r} is not a real date", "write it as YYYY-MM-DD"))
    if errors:
        raise KBErrors(errors)
    from .publishers import read_publishers, with_reader_publishers

    return with_reader_publishers({fid: Fact(id=fid, claim=f["claim"].strip(), confidence=f["confidence"], checked=f["checked"],
                      title=f.get("title", "").strip(), publisher=f.get("publisher", "").strip(),
                      url=f.get("url", "").strip(), date=f.get("date", ""),
                      also=tuple(Source(**s) for s in f.get("also", ())),
                      reader_title={k: v.strip() for k, v in f.get("reader_title", {}).items()},
                      recheck_by=f.get("recheck_by", ""), note=f.get("note", "").strip())
            for fid, f in data["facts"].items()}, read_publishers(root))


def read_regional(root: Path) -> dict[str, str]:
    """kb/regional.yaml: Taiwan/HK words → mainland words ({} when the file is absent)."""
    from ..analysis import HAN_RE

    got = read_optional(root, REGIONAL_FILE)
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

    got = read_section(root, OFFTOPIC_FILE, "offtopic", dict,
                       "off-topic questions must be 'offtopic:' followed by one list per language",
                       "e.g. offtopic: {zh: [莫斯科天气怎么样], ru: [погода в Москве], en: [weather in Moscow]}")
    if got is None:
        return {}
    shown, langs, node = got
    out: dict[str, list[str]] = {}
    for lang, questions in langs.items():
        at = node_at(node, ["offtopic", lang])
        if lang not in LANGS:
            raise error_at(shown, at, f"offtopic.{lang}: unknown language",
                            "use " + ", ".join(LANGS) + " (one list each)")
        if not isinstance(questions, list):
            raise error_at(shown, at, f"offtopic.{lang} is not a list of questions",
                            "write one '- question' line per question under it")
        for i, q in enumerate(questions):
            if not isinstance(q, str) or not q.strip():
                raise error_at(shown, node_at(node, ["offtopic", lang, i]),
                                f"offtopic.{lang} item {i + 1} is not a question ({q!r})",
                                "write the question as plain text; quote it if it holds ':' or starts with '-'")
        out[lang] = [q.strip() for q in questions]
    return out


def read_home(root: Path) -> list[str]:
    """kb/home.yaml's starter: the ids of the entries the site's home page shows until readers'
    views say what is asked most ([] when the file is absent). `faqkb check` checks the ids exist."""
    got = read_section(root, HOME_FILE, "starter", list, "home.yaml must be 'starter:' followed by a list of entry ids",
                       "e.g. starter: [how-to-cancel-russian-sim, refund-remaining-balance]")
    if got is None:
        return []
    shown, starter, node = got
    for i, entry_id in enumerate(starter):
        if not isinstance(entry_id, str) or not _ID_RE.fullmatch(entry_id):
            raise error_at(shown, node_at(node, ["starter", i]), f"starter item {i + 1} ({entry_id!r}) is not an "
                           "entry id", "write the id of an entry: lowercase letters, digits and hyphens")
    return list(starter)


def _load_range(state: tuple[Path, list[Path], bool], bounds: tuple[int, int]) -> list:
    """Entries of files[start:end], each an Entry or its problems as plain tuples (a
    KBError does not survive pickling on its way back from a worker)."""
    root, files, quick = state
    out: list = []
    for path in files[bounds[0]:bounds[1]]:
        try:
            out.append(load_entry(path, root, quick))
        except KBErrors as e:
            out.append([(x.path, x.line, x.col, x.message, x.hint) for x in e.errors])
    return out


def load_kb(root: str | os.PathLike, procs: int = 1, quick: bool = True) -> KnowledgeBase:
    """Load every entry under ``root``; raises KBErrors listing every problem found.
    ``procs`` > 1 reads and checks the files in that many forked workers (large kbs);
    ``quick=False``: every file through the full loader and jsonschema (load_entry)."""
    from ..build.workers import chunks, fork_map
    from .folder import NotAKnowledgeBase, check_kb_layout

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
    loaded = (got for part in fork_map(_load_range, (root, files, quick), chunks(len(files), procs, least=256), procs)
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
        groups, kb.names = _word_groups(root)
        kb.synonyms = groups + kb.names
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
    try:  # relevance: kb/scope.yaml checked with the rest (scope.py; stored at build)
        from ..scope import read_scope

        read_scope(root)
    except KBErrors as e:
        errors.extend(e.errors)
    try:  # relevance: kb/categories.yaml (intent.py; stored at build)
        from ..intent import read_categories

        read_categories(root, set(kb.entries))
    except KBErrors as e:
        errors.extend(e.errors)
    try:
        kb.starter = read_home(root)
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
        raise KBErrors(errors, partial=kb)
    return kb
