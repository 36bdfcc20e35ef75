"""Turn a retrieval set in the bench format into a kb/ folder, so any public set can be
searched through the real path kb/ → build → Searcher.

Input: JSONL rows ``{"id", "lang", "text", "title"?, "question"?}``; rows sharing an ``id`` in
several languages are translations of ONE document and become ONE entry. Output::

    OUT/<category>/<kb-id>.yaml   one entry per document (answer = text)
    OUT/synonyms.yaml             empty groups
    OUT/ids.json                  original id → kb id, so queries can be scored
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
from pathlib import Path

import yaml

from ..errors import FaqkbError
from .model import CATEGORIES, LANGS

MAX_ID = 80
MAX_QUESTION = 300
MAX_ANSWER = 20000
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=[.;])\s")


def kb_id(original: str) -> str:
    """An id matching ^[a-z0-9]+(-[a-z0-9]+)*$ (≤ 80 chars) derived from ``original``."""
    s = re.sub(r"[^a-z0-9]+", "-", str(original).lower()).strip("-") or "doc"
    if len(s) > MAX_ID:
        digest = hashlib.sha1(str(original).encode()).hexdigest()[:8]
        s = s[:MAX_ID - 9].rstrip("-") + "-" + digest
    return s


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    head = _SENTENCE_END.split(text, maxsplit=1)[0].strip() or text
    if len(head) > MAX_QUESTION:
        head = head[:MAX_QUESTION - 1].rstrip() + "…"
    return head


def read_rows(path: str | os.PathLike) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict) or not str(row.get("id", "")).strip() \
                        or not isinstance(row.get("text"), str):
                    raise ValueError("a row needs an id and a text")
            except ValueError as e:
                raise FaqkbError(f"{path}:{n}: not a corpus row ({e})") from None
            rows.append(row)
    return rows


def import_jsonl(src: str | os.PathLike, out: str | os.PathLike, *, category: str = "basics",
                 langs: set[str] | None = None, updated: str | None = None) -> dict[str, str]:
    """Write the documents of ``src`` (optionally only ``langs``) as a kb/ folder under ``out``;
    returns the id map also written to ``out/ids.json``. Rows in other languages than zh/ru/en
    are skipped; a second row with the same id and language is appended to the first."""
    if category not in CATEGORIES:
        raise FaqkbError(f"unknown category {category!r}; use one of {', '.join(CATEGORIES)}")
    updated = updated or _dt.date.today().isoformat()
    docs: dict[str, dict[str, dict]] = {}
    for row in read_rows(src):
        lang = row.get("lang")
        if lang not in LANGS or (langs and lang not in langs) or not row["text"].strip():
            continue
        doc = docs.setdefault(str(row["id"]), {})
        if lang in doc:
            doc[lang]["text"] += "\n\n" + row["text"]
        else:
            doc[lang] = dict(row)
    if not docs:
        raise FaqkbError(f"{src}: no documents in {', '.join(sorted(langs or LANGS))}")
    out = Path(out)
    folder = out / category
    folder.mkdir(parents=True, exist_ok=True)
    ids: dict[str, str] = {}
    used: set[str] = set()
    for original, translations in docs.items():
        base = new = kb_id(original)
        n = 2
        while new in used:
            suffix = f"-{n}"
            new = base[:MAX_ID - len(suffix)].rstrip("-") + suffix
            n += 1
        used.add(new)
        ids[original] = new
        entry: dict = {"id": new, "category": category, "updated": updated}
        for lang in LANGS:
            one = translations.get(lang)
            if one is None:
                continue
            answer = one["text"].strip()[:MAX_ANSWER]
            question = next((" ".join(str(one[k]).replace("_", " ").split()) for k in ("question", "title")
                             if isinstance(one.get(k), str) and one[k].strip()), None) \
                or first_sentence(answer)
            # The schema asks every language for a lead; an imported document's own first
            # sentence is the closest honest stand-in (it says nothing the answer doesn't).
            entry[lang] = {"question": question[:MAX_QUESTION], "lead": first_sentence(answer),
                           "alternatives": [], "answer": answer}
        (folder / f"{new}.yaml").write_text(
            yaml.safe_dump(entry, allow_unicode=True, sort_keys=False, width=1000), "utf-8")
    syn = out / "synonyms.yaml"
    if not syn.exists():
        syn.write_text("groups: []\n", "utf-8")
    (out / "ids.json").write_text(json.dumps(ids, ensure_ascii=False, indent=0), "utf-8")
    return ids
