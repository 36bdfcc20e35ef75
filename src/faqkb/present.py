"""How an entry is shown, in one place for the JSON API and the HTML pages: in the reader's
language or the best one the entry has (``fallback`` says so), Chinese in the reader's
script, the answer's Markdown rendered and sanitized."""

from __future__ import annotations

import datetime as dt

from .analysis import guess_lang
from .kbase.model import Entry, Fact
from .markup import answer_html
from .script import for_reader
from .snippets import first_sentence, plain_text
from .sources import SOURCE_MAX_AGE_DAYS, reader_sources

LEAD_MIN_CHARS = 40  # an entry without a lead shows its opening sentences, at least this long


def entry_dict(entry: Entry, lang: str | None, script: str | None = None, entry_url: str = "/entry/ID", *,
               facts: dict[str, Fact] | None = None, today: dt.date | str | None = None,
               max_age_days: int = SOURCE_MAX_AGE_DAYS) -> dict:
    """One entry as /api/entries/<id> returns it and the entry page shows it. Links to other
    entries in the answer point at ``entry_url`` with ID replaced (the site's entry page).
    With ``facts``, also its ``sources`` as a reader of that language sees them."""
    shown = entry.best_lang(lang)
    tr = entry.translations[shown]
    question, answer, lead = (for_reader(t, shown, script) for t in (tr.question, tr.answer, tr.lead))
    cited = {} if facts is None else {"sources": [
        s.to_dict() for s in reader_sources(entry, facts, shown, script, today=today, max_age_days=max_age_days)]}
    return {**cited, "id": entry.id, "category": entry.category, "updated": entry.updated,
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
    from .web.i18n import CONTENT_HTML_LANG  # the web's (Flask): only the pages show sources this way

    return CONTENT_HTML_LANG.get(guess_lang(text) or "", "en")


def sources(entry: Entry, facts: dict[str, Fact], lang: str, script: str | None = None, *,
            today: dt.date | str | None = None, max_age_days: int = SOURCE_MAX_AGE_DAYS) -> list[dict]:
    """The entry's sources as a ``lang`` reader sees them (faqkb.sources: reader titles, never
    fact ids or editors' notes), each with BCP 47 tags of its texts for `lang` attributes."""
    from .web.i18n import CONTENT_HTML_LANG  # the pages' tags (only the pages call this)

    tag = dict(CONTENT_HTML_LANG, zh="zh-Hant" if script == "Hant" else "zh-Hans")
    return [{**s.to_dict(), "lang": tag.get(s.title_lang) or _text_lang(s.title),
             "original_lang": _text_lang(s.original),
             "publisher_lang": tag.get(s.publisher_lang) or _text_lang(s.publisher)}
            for s in reader_sources(entry, facts, lang, script, today=today, max_age_days=max_age_days)]
