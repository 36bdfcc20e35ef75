"""How an entry is shown, in one place for the JSON API and the HTML pages: in the reader's
language or the best one the entry has (``fallback`` says so), Chinese in the reader's
script, the answer's Markdown rendered and sanitized."""

from __future__ import annotations

from dataclasses import asdict

from ..analysis import guess_lang
from ..kbase.model import Entry, Fact, cited_sources
from ..script import for_reader
from ..snippets import first_sentence, plain_text
from .i18n import CONTENT_HTML_LANG
from .markup import answer_html

LEAD_MIN_CHARS = 40  # an entry without a lead shows its opening sentences, at least this long


def entry_dict(entry: Entry, lang: str | None, script: str | None = None, entry_url: str = "/entry/ID") -> dict:
    """One entry as /api/entries/<id> returns it and the entry page shows it. Links to other
    entries in the answer point at ``entry_url`` with ID replaced (the site's entry page)."""
    shown = entry.best_lang(lang)
    tr = entry.translations[shown]
    question, answer, lead = (for_reader(t, shown, script) for t in (tr.question, tr.answer, tr.lead))
    return {"id": entry.id, "category": entry.category, "updated": entry.updated,
            "operators": list(entry.operators), "related": list(entry.related),
            "lang": shown, "fallback": bool(lang) and shown != lang, "languages": list(entry.translations),
            "question": question, "alternatives": [for_reader(t, shown, script) for t in tr.alternatives],
            "lead": lead, "answer": answer,
            "answer_html": str(answer_html(answer, entry_url))}


def card(entry: Entry, lang: str | None, script: str | None = None) -> dict:
    """What a list of entries shows for one entry: its question in the best language."""
    shown = entry.best_lang(lang)
    return {"id": entry.id, "category": entry.category, "lang": shown, "fallback": shown != lang,
            "question": for_reader(entry.translations[shown].question, shown, script)}


def lead(entry: Entry, lang: str, script: str | None = None) -> str:
    """The entry's direct answer in ``lang`` (the answer box), as this reader reads it."""
    tr = entry.translations[lang]
    return for_reader(tr.lead or first_sentence(plain_text(tr.answer), LEAD_MIN_CHARS), lang, script)


def _text_lang(text: str) -> str:
    """BCP 47 tag for a source's title or publisher, by its letters (sources are in Russian,
    English or Chinese whatever the page's language)."""
    return CONTENT_HTML_LANG.get(guess_lang(text) or "", "en")


def sources(entry: Entry, facts: dict[str, Fact]) -> list[dict]:
    """The entry's sources for its page (model.cited_sources), each with the language of its
    title and publisher for `lang` attributes."""
    return [{**asdict(s), "lang": _text_lang(s.title), "publisher_lang": _text_lang(s.publisher)}
            for s in cited_sources(entry, facts)]
