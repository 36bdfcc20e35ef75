"""A kb patch: proposed changes to kb/ in one reviewable YAML file (`faqkb gaps --suggest`
writes one; `faqkb check --patch FILE` checks the kb as it would be with it). A patch is
never applied to kb/ by faqkb: an editor copies what is right into the kb files.

    kb_patch: 1
    alternatives:                 # new phrasings of an entry, in one language
      - entry: refund-remaining-balance
        lang: zh
        add: [余额能退吗]
        why: "..."                # optional: where the suggestion came from
    offtopic:                     # lines for kb/offtopic.yaml, per language
      en: [weather in moscow]
    synonyms:                     # groups for kb/synonyms.yaml
      - [退, 退款]
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ..errors import KBError
from .load import OFFTOPIC_FILE, SYNONYMS_FILE, read_synonyms
from .model import LANGS
from .yamlsafe import error_at, node_at, read_yaml

VERSION = 1
KEYS = ("kb_patch", "alternatives", "offtopic", "synonyms")


def read_domains(root: Path) -> tuple[list[str], list[str]]:
    """kb/allowed_domains.yaml as (domains that may be linked, domains only named)."""
    from .lint import DOMAINS_FILE, _read_lists

    lists, _ = _read_lists(root, DOMAINS_FILE, "domains", optional=("named_not_linked",))
    return lists["domains"], lists["named_not_linked"]


def synonym_groups(root: Path) -> list[list[str]]:
    try:
        return read_synonyms(root)
    except KBError:
        return []


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def read_patch(path: Path) -> dict:
    """The patch in ``path``, its shape checked; KBError (file:line, what, how to fix) if not."""
    shown = path.name
    data, node = read_yaml(path, shown)
    if not isinstance(data, dict) or data.get("kb_patch") != VERSION:
        raise KBError(shown, 1, 1, "not a kb patch", f"a patch starts with 'kb_patch: {VERSION}' (faqkb gaps --suggest writes one)")
    for key in data:
        if key not in KEYS:
            raise error_at(shown, node_at(node, [key]), f"unknown key {key!r}", "use " + ", ".join(KEYS))
    alts = data.get("alternatives") or []
    if not isinstance(alts, list):
        raise error_at(shown, node_at(node, ["alternatives"]), "alternatives must be a list",
                       "- {entry: <id>, lang: zh, add: [phrasing]}")
    for i, a in enumerate(alts):
        at = node_at(node, ["alternatives", i])
        if not isinstance(a, dict) or not isinstance(a.get("entry"), str) or a.get("lang") not in LANGS \
                or not _texts(a.get("add")) or set(a) - {"entry", "lang", "add", "why"}:
            raise error_at(shown, at, f"alternatives item {i + 1} is malformed",
                           "write entry: <id>, lang: one of " + ", ".join(LANGS) + ", add: [phrasing, …], why: (optional)")
    off = data.get("offtopic") or {}
    if not isinstance(off, dict) or any(lang not in LANGS or not _texts(v) for lang, v in off.items()):
        raise error_at(shown, node_at(node, ["offtopic"]), "offtopic must map a language to a list of questions",
                       "e.g. offtopic: {en: [weather in moscow]}")
    syn = data.get("synonyms") or []
    if not isinstance(syn, list) or any(not _texts(g) or len(g) < 2 for g in syn):
        raise error_at(shown, node_at(node, ["synonyms"]), "synonyms must be a list of groups of two or more words",
                       "e.g. synonyms: [[退, 退款]]")
    return {"alternatives": alts, "offtopic": off, "synonyms": syn}


def _entry_file(root: Path, entry_id: str) -> Path | None:
    found = [p for p in root.glob(f"*/{entry_id}.yaml") if p.is_file()]
    return found[0] if len(found) == 1 else None


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


def apply_patch(root: Path, patch: dict, shown: str) -> list[KBError]:
    """Apply ``patch`` to the kb folder ``root`` (a copy: see patched_copy). Returns what
    cannot be applied (an unknown entry, a language the entry lacks)."""
    problems = []
    for i, a in enumerate(patch["alternatives"]):
        path = _entry_file(root, a["entry"])
        data = _load(path) if path else None
        if not isinstance(data, dict) or not isinstance(data.get(a["lang"]), dict):
            problems.append(KBError(shown, 0, 0, f"alternatives item {i + 1}: no entry {a['entry']!r} in {a['lang']}",
                                    "use an entry id from `faqkb show` and a language it has"))
            continue
        tr = data[a["lang"]]
        tr["alternatives"] = list(tr.get("alternatives") or []) + [t.strip() for t in a["add"]]
        _dump(path, data)   # type: ignore[arg-type]
    if patch["offtopic"]:
        path = root / OFFTOPIC_FILE
        data = (_load(path) if path.exists() else None) or {"offtopic": {}}
        for lang, lines in patch["offtopic"].items():
            data["offtopic"][lang] = list(data["offtopic"].get(lang) or []) + [t.strip() for t in lines]
        _dump(path, data)
    if patch["synonyms"]:
        path = root / SYNONYMS_FILE
        data = (_load(path) if path.exists() else None) or {"groups": []}
        data["groups"] = list(data.get("groups") or []) + [[w.strip() for w in g] for g in patch["synonyms"]]
        _dump(path, data)
    return problems


def check_with_patch(kb_root: Path, patch_path: Path) -> tuple[list[KBError], int]:
    """`faqkb check --patch`: every problem of the kb as it would be with the patch
    (the patch's own shape first), and the entries loaded. kb/ itself is not touched."""
    from .lint import lint_kb

    patch = read_patch(patch_path)
    with tempfile.TemporaryDirectory(prefix="faqkb-patch-") as tmp:
        copy = Path(tmp) / kb_root.name
        shutil.copytree(kb_root, copy, symlinks=True)
        problems = apply_patch(copy, patch, patch_path.name)
        found, count = lint_kb(copy)
    return problems + found, count
