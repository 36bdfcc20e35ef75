"""The knowledge base as plain data: entries, their translations, the KB itself."""

from __future__ import annotations

from dataclasses import dataclass, field

LANGS = ("zh", "ru", "en")
LANG_NAMES = {"zh": "Chinese", "ru": "Russian", "en": "English"}
CATEGORIES = ("basics", "costs", "security", "refunds", "scams", "process")


@dataclass(frozen=True)
class Translation:
    question: str
    alternatives: tuple[str, ...]
    answer: str  # Markdown subset
    # One sentence that answers the question directly (yes/no/how-many first), shown
    # above the answer and as the snippet; "" while an entry has none.
    lead: str = ""

    def to_dict(self) -> dict:
        return {"question": self.question, "alternatives": list(self.alternatives),
                "answer": self.answer, "lead": self.lead}


@dataclass(frozen=True)
class Entry:
    id: str
    category: str
    translations: dict[str, Translation]
    updated: str = ""
    operators: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    path: str = ""  # file it came from, relative to the kb root (for messages)

    def best_lang(self, *wanted: str | None) -> str:
        """The first of ``wanted`` this entry has, else zh, en, ru (what most readers read)."""
        for lang in (*wanted, "zh", "en", "ru"):
            if lang and lang in self.translations:
                return lang
        return next(iter(self.translations))

    def to_dict(self) -> dict:
        """The index's record of this entry (entries.json; ``from_dict`` reads it back): every
        language, the file it came from. Not a public shape: the API, the pages and
        `faqkb show --json` show an entry as present.entry_dict does (docs/web.md)."""
        return {"id": self.id, "category": self.category, "updated": self.updated,
                "operators": list(self.operators), "related": list(self.related),
                "sources": list(self.sources), "path": self.path,
                "translations": {k: t.to_dict() for k, t in self.translations.items()}}

    @classmethod
    def from_dict(cls, d: dict) -> Entry:
        return cls(id=d["id"], category=d["category"], updated=d.get("updated", ""),
                   operators=tuple(d.get("operators", ())), related=tuple(d.get("related", ())),
                   sources=tuple(d.get("sources", ())), path=d.get("path", ""),
                   translations={k: Translation(t["question"], tuple(t["alternatives"]), t["answer"],
                                                t.get("lead", ""))
                                 for k, t in d["translations"].items()})


CONFIDENCES = ("operator", "government", "third-party", "uncertain")


@dataclass(frozen=True)
class Source:
    """Where a fact was read: a page of an operator, a government body or a named outlet."""

    title: str
    publisher: str
    url: str = ""  # only an operator's or a government's page is linked; outlets are cited unlinked
    date: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD of publication; "" when the page is undated
    reader_title: dict[str, str] = field(default_factory=dict)  # what readers see, by language (sources.py)
    # The publisher's name as readers know it, by language (kb/publishers.yaml, attached at load)
    reader_publisher: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"title": self.title, "publisher": self.publisher, "url": self.url, "date": self.date,
                "reader_title": dict(self.reader_title), "reader_publisher": dict(self.reader_publisher)}


@dataclass(frozen=True)
class Fact:
    """One entry of the source register (kb/facts.yaml): what an answer may state, and why.

    ``confidence`` is one of CONFIDENCES; "uncertain" facts (U-ids, plans, old figures) make
    answers send the reader to the operator. ``checked`` is the day a person last read the
    source. ``url``/``title``/``publisher`` are "" only for an uncertain fact with no source;
    ``also`` lists further sources for the same claim. ``reader_title`` is what readers see
    for the source, by language (sources.py), and ``reader_publisher`` its publisher's name
    (kb/publishers.yaml, attached at load); ``recheck_by`` is the day a law, bill or pilot
    fact must be read again; ``claim`` and ``note`` are the editors' and never reach a reader."""

    id: str
    claim: str
    confidence: str
    checked: str
    title: str = ""
    publisher: str = ""
    url: str = ""
    date: str = ""
    also: tuple[Source, ...] = ()
    reader_title: dict[str, str] = field(default_factory=dict)
    recheck_by: str = ""
    note: str = ""
    reader_publisher: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"id": self.id, "claim": self.claim, "confidence": self.confidence, "checked": self.checked,
                "title": self.title, "publisher": self.publisher, "url": self.url, "date": self.date,
                "also": [s.to_dict() for s in self.also], "reader_title": dict(self.reader_title),
                "recheck_by": self.recheck_by, "note": self.note, "reader_publisher": dict(self.reader_publisher)}

    @classmethod
    def from_dict(cls, d: dict) -> Fact:
        return cls(id=d["id"], claim=d["claim"], confidence=d["confidence"], checked=d["checked"],
                   title=d.get("title", ""), publisher=d.get("publisher", ""), url=d.get("url", ""),
                   date=d.get("date", ""), also=tuple(Source(**s) for s in d.get("also", ())),
                   reader_title=dict(d.get("reader_title", {})), recheck_by=d.get("recheck_by", ""),
                   note=d.get("note", ""), reader_publisher=dict(d.get("reader_publisher", {})))


@dataclass
class KnowledgeBase:
    root: str
    entries: dict[str, Entry] = field(default_factory=dict)
    # Each group is a list of words that mean the same to a searcher (注销/销号, MTS/МТС).
    synonyms: list[list[str]] = field(default_factory=list)
    # The groups of synonyms that are one name's spellings (kb/synonyms.yaml names:, also in
    # ``synonyms``): MTS/МТС, T2/Теле2... `faqkb check`'s lead rule uses them.
    names: list[list[str]] = field(default_factory=list)
    # The source register (kb/facts.yaml) by id: F1..., U1...
    facts: dict[str, Fact] = field(default_factory=dict)
    # Taiwan/HK word -> mainland word (kb/regional.yaml), folded into queries at analysis time.
    regional: dict[str, str] = field(default_factory=dict)
    # Questions the kb does not answer, per language (kb/offtopic.yaml): what the build's
    # topic model learns "another subject" from (topic.py). Empty: no topic model.
    offtopic: dict[str, list[str]] = field(default_factory=dict)
    # The entries the site's home page shows first, by id (kb/home.yaml starter:).
    starter: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.entries)
