"""An entry's sources as a reader sees them, in one place for the web page, the JSON API
and `faqkb show`: a short title in the reader's language, the publisher as that reader knows
it (kb/publishers.yaml, else the register's text), when the page was published and when a
person last read it, and whether that reading is older than the policy.

What a reader never sees: fact ids and the register's ``claim`` and ``note`` (editors'
English, often naming other facts). A source's title is chosen in this order (docs/content.md):

1. the fact's ``reader_title`` in the page's language (zh-Hant readers: the zh title converted);
2. the source's own title, as published (marked with its language, not translated); beside a
   reader title in another language it is shown as the "original", unless it is the register's
   description of a report ("Report: …", ``DESCRIBED``), which no one published;
3. for a point nobody could source, a translated "not confirmed by any source" line
   (``title`` is then "" and ``unsourced`` is true): its claim is never shown.

Further sources of a fact (``also``) follow the same order with their own ``reader_title``. Labels ("published", "undated", "checked" …) are UI strings in the Babel
catalogs (faqkb/translations), shared by the web and the terminal (``translator``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .kbase.model import Entry, Fact, Source
from .script import for_reader

# The register's English line for a report whose headline was not kept ("Report: …",
# "Interview: …"; kb/facts.yaml's header): an editors' description, not a title anyone
# published, so it is never shown beside a reader title as the source's "original".
DESCRIBED = ("Report: ", "Interview: ")

# How old a person's last reading of a source may be before pages say so (days); the
# SOURCE_MAX_AGE_DAYS setting overrides it for the web, --max-age for `faqkb show`.
SOURCE_MAX_AGE_DAYS = 365


@dataclass(frozen=True)
class ReaderSource:
    """One line of an entry's source list as every surface shows it."""

    title: str           # "" only for an unsourced point (show the translated "not confirmed" line)
    title_lang: str      # content language of ``title`` ("zh", "ru", "en"; "" when unknown)
    original: str        # the source's own title when ``title`` is a reader title and differs, else ""
    publisher: str       # as a reader of ``lang`` knows it (kb/publishers.yaml), else the register's text
    url: str             # "" for an outlet (cited, never linked) and an unsourced point
    date: str            # YYYY[-MM[-DD]] of publication; "" when undated or unsourced
    confidence: str      # operator | government | third-party | uncertain (of the citing fact)
    checked: str         # the day a person last read it (YYYY-MM-DD)
    stale: bool          # ``checked`` is older than the policy: pages say so
    unsourced: bool = False
    publisher_lang: str = ""  # content language of ``publisher`` ("" when unknown)

    def to_dict(self) -> dict:
        return {"title": self.title, "title_lang": self.title_lang, "original": self.original,
                "publisher": self.publisher, "publisher_lang": self.publisher_lang, "url": self.url,
                "date": self.date, "confidence": self.confidence, "checked": self.checked, "stale": self.stale, "unsourced": self.unsourced}


def as_day(today: dt.date | str | None) -> dt.date:
    """``today`` as a date: a date, an ISO day, or None for the machine's today."""
    if today is None:
        return dt.date.today()
    return today if isinstance(today, dt.date) else dt.date.fromisoformat(today)


def is_stale(checked: str, max_age_days: int, today: dt.date | str | None = None) -> bool:
    """Whether a source read on ``checked`` was read more than ``max_age_days`` before ``today``."""
    try:
        read = dt.date.fromisoformat(checked)
    except ValueError:
        return True  # an unreadable day is no evidence of a recent reading
    return (as_day(today) - read).days > max_age_days


def reader_title(fact: Fact, lang: str, script: str | None = None) -> str:
    """The fact's reader title in ``lang`` (as a ``script`` reader reads it), or ""."""
    title = fact.reader_title.get(lang, "")
    return for_reader(title, lang, script) if title else ""


def _lang_of(text: str) -> str:
    from .analysis import guess_lang

    return guess_lang(text) or ""


def reader_sources(entry: Entry, facts: dict[str, Fact], lang: str, script: str | None = None, *,
                   today: dt.date | str | None = None,
                   max_age_days: int = SOURCE_MAX_AGE_DAYS) -> list[ReaderSource]:
    """Where ``entry``'s cited facts were read, once each, in the order the entry cites them,
    for a reader of content language ``lang`` (and Chinese ``script``). ``today`` is the day
    the age of each reading is measured from (None: the machine's today)."""
    day = as_day(today)
    out: list[ReaderSource] = []
    seen: set[tuple[str, str]] = set()
    for fid in entry.sources:
        f = facts.get(fid)
        if f is None:
            continue
        stale = is_stale(f.checked, max_age_days, day)
        mine = reader_title(f, lang, script)
        if not f.title:  # a point nobody could source: its reader title, or the generic line
            key = ("", mine)  # untitled points share one "not confirmed" line
            if key not in seen:
                seen.add(key)
                out.append(ReaderSource(mine, lang if mine else "", "", "", "", "", f.confidence, f.checked,
                                        False, unsourced=True))  # nothing to re-read: no age to report
            continue
        for src in (Source(f.title, f.publisher, f.url, f.date, f.reader_title, f.reader_publisher), *f.also):
            key = (src.url, "") if src.url else (src.title, src.publisher)
            if key in seen:
                continue
            seen.add(key)
            own_lang = _lang_of(src.title)
            mine = src.reader_title.get(lang, "")
            if mine:
                title, title_lang = for_reader(mine, lang, script), lang
                original = src.title if src.title != mine and own_lang != lang \
                    and not src.title.startswith(DESCRIBED) else ""
            else:
                title, title_lang, original = for_reader(src.title, own_lang, script), own_lang, ""
            date = "" if src.date in ("", "undated") else src.date
            named = src.reader_publisher.get(lang, "")
            publisher, publisher_lang = (for_reader(named, lang, script), lang) if named else \
                (src.publisher, _lang_of(src.publisher) if src.publisher else "")
            out.append(ReaderSource(title, title_lang, original, publisher, src.url, date, f.confidence,
                                    f.checked, stale, publisher_lang=publisher_lang))
    return out


# -- labels for the terminal (the web uses the same msgids through Flask-Babel) ------------

_TRANSLATIONS = Path(__file__).resolve().parent / "translations"


@lru_cache(maxsize=8)
def translator(lang: str, script: str | None = None) -> Callable[[str], str]:
    """gettext for the UI catalog matching content language ``lang`` (zh + Hant → zh_Hant),
    so `faqkb show --lang ru` labels its sources in Russian like the page does."""
    locale = {"zh": "zh_Hant" if script == "Hant" else "zh_Hans", "ru": "ru"}.get(lang)
    if locale is None:
        return lambda s: s
    from babel.support import Translations

    return Translations.load(str(_TRANSLATIONS), [locale]).gettext


def terminal_lines(sources: list[ReaderSource], lang: str, script: str | None = None,
                   max_age_days: int = SOURCE_MAX_AGE_DAYS) -> list[tuple[str, str]]:
    """(text, url) per source for `faqkb show`, labelled in the reader's language."""
    _ = translator(lang, script)
    lines = []
    for s in sources:
        if s.unsourced:
            head = (s.title + " — " if s.title else "") + _("not confirmed by any source: check with your operator")
            lines.append((head, ""))
            continue
        parts = [s.title + (f" ({s.original})" if s.original else "")]
        if s.publisher:
            parts.append(s.publisher)
        parts.append(_("published %(date)s") % {"date": s.date} if s.date else _("undated"))
        parts.append(_("checked %(date)s") % {"date": s.checked})
        text = " — ".join(parts[:2]) + (", " + ", ".join(parts[2:]) if parts[2:] else "")
        note = {"uncertain": _("not verified: check with your operator"),
                "third-party": _("not an official source")}.get(s.confidence)
        if note:
            text += f" ({note})"
        if s.stale:
            text += " " + _("Last read more than %(days)s days ago: the page may have changed.") % {"days": max_age_days}
        lines.append((text, s.url))
    return lines
