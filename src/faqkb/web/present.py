"""How an entry is shown, in one place for the JSON API and the HTML pages: in the reader's
language or the best one the entry has (``fallback`` says so), Chinese in the reader's
script, the answer's Markdown rendered and sanitized."""

from __future__ import annotations

from ..analysis import guess_lang
from ..model import Entry, Fact
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
    """The entry's sources as the page lists them: the page each cited fact was read on
    (and its further sources), once each, in the order the entry cites them. A point nobody
    could verify has no page: it is listed by its claim, marked so the reader checks with
    the operator."""
    out: list[dict] = []
    seen: set[str] = set()

    def add(title: str, publisher: str, url: str, date: str, confidence: str) -> None:
        key = url or title
        if key in seen:
            return
        seen.add(key)
        out.append({"title": title, "publisher": publisher, "url": url, "date": date, "confidence": confidence,
                    "lang": _text_lang(title), "publisher_lang": _text_lang(publisher)})

    for fid in entry.sources:
        f = facts.get(fid)
        if f is None:
            continue
        add(f.title or f.claim, f.publisher, f.url, f.date, f.confidence)
        for also in f.also:
            add(also.title, also.publisher, also.url, also.date, f.confidence)
    return out
