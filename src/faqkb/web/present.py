"""How an entry is shown, in one place for the JSON API and the HTML pages: in the reader's
language or the best one the entry has (``fallback`` says so), Chinese in the reader's
script, the answer's Markdown rendered and sanitized."""

from __future__ import annotations

from ..model import Entry
from ..script import for_reader
from .markup import answer_html


def entry_dict(entry: Entry, lang: str | None, script: str | None = None) -> dict:
    """One entry as /api/entries/<id> returns it and the entry page shows it."""
    shown = entry.best_lang(lang)
    tr = entry.translations[shown]
    question, answer, lead = (for_reader(t, shown, script) for t in (tr.question, tr.answer, tr.lead))
    return {"id": entry.id, "category": entry.category, "updated": entry.updated,
            "operators": list(entry.operators), "related": list(entry.related),
            "lang": shown, "fallback": bool(lang) and shown != lang, "languages": list(entry.translations),
            "question": question, "alternatives": [for_reader(t, shown, script) for t in tr.alternatives],
            "lead": lead, "answer": answer, "answer_html": str(answer_html(answer))}


def card(entry: Entry, lang: str | None, script: str | None = None) -> dict:
    """What a list of entries shows for one entry: its question in the best language."""
    shown = entry.best_lang(lang)
    return {"id": entry.id, "category": entry.category, "lang": shown, "fallback": shown != lang,
            "question": for_reader(entry.translations[shown].question, shown, script)}
