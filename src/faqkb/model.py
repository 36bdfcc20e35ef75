"""The knowledge base as plain data: entries, their translations, the KB itself."""

from __future__ import annotations

from dataclasses import dataclass, field

LANGS = ("zh", "ru", "en")
LANG_NAMES = {"zh": "Chinese", "ru": "Russian", "en": "English"}
CATEGORIES = ("basics", "costs", "security", "refunds", "scams", "process")
OPERATORS = ("mts", "beeline", "megafon", "t2", "yota")


@dataclass(frozen=True)
class Translation:
    question: str
    alternatives: tuple[str, ...]
    answer: str  # Markdown subset

    def to_dict(self) -> dict:
        return {"question": self.question, "alternatives": list(self.alternatives),
                "answer": self.answer}


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
        return {"id": self.id, "category": self.category, "updated": self.updated,
                "operators": list(self.operators), "related": list(self.related),
                "sources": list(self.sources), "path": self.path,
                "translations": {k: t.to_dict() for k, t in self.translations.items()}}

    @classmethod
    def from_dict(cls, d: dict) -> Entry:
        return cls(id=d["id"], category=d["category"], updated=d.get("updated", ""),
                   operators=tuple(d.get("operators", ())), related=tuple(d.get("related", ())),
                   sources=tuple(d.get("sources", ())), path=d.get("path", ""),
                   translations={k: Translation(t["question"], tuple(t["alternatives"]), t["answer"])
                                 for k, t in d["translations"].items()})


@dataclass
class KnowledgeBase:
    root: str
    entries: dict[str, Entry] = field(default_factory=dict)
    # Each group is a list of words that mean the same to a searcher (注销/销号, MTS/МТС).
    synonyms: list[list[str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.entries)
