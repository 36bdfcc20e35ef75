"""What a search gives back: `Results` and its `Hit`s (the CLI's and the API's shape)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..snippets import Span
from .answered import Signals


@dataclass
class Hit:
    id: str
    category: str
    lang: str             # language of question/snippet shown
    fallback: bool        # True when the entry lacks the requested language
    question: str
    snippet: str
    question_highlights: list[Span]
    snippet_highlights: list[Span]
    score: float

    def to_dict(self) -> dict:
        return {"id": self.id, "category": self.category, "lang": self.lang, "fallback": self.fallback,
                "question": self.question, "snippet": self.snippet,
                "question_highlights": [list(s) for s in self.question_highlights],
                "snippet_highlights": [list(s) for s in self.snippet_highlights],
                "score": round(self.score, 4)}


@dataclass
class Results:
    query: str
    query_lang: str | None
    total: int
    page: int
    limit: int
    hits: list[Hit] = field(default_factory=list)
    suggestion: str | None = None
    # True when the first hit is judged to answer the query; False means the hits (if any)
    # are only related and the reader should be told "no good match" (engine/answered.py).
    answered: bool = False
    signals: Signals = field(default_factory=lambda: Signals(), repr=False)  # what `answered` was judged on
    # The correction whose results these are (the query as typed found no answer and the
    # correction did: "Showing results for …; search instead for …")
    corrected: str | None = None
    # Not answered, but only begun or still being typed (``prefix``): a few letters, or the
    # subject and a word at most (prefix.barely_begun); a word or clause unfinished, a space
    # after the last word, the story before the question (prefix.still_typing, space_typed_on);
    # and no neighbour named. Not "no direct answer": "keep typing".
    typing: bool = False
    # How many times a query was ranked to give these results: the query, did-you-mean's
    # correction (its check; applied, the same ranking), the prefix readings (Searcher._confirm, panel.settle).
    rankings: int = 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    def to_dict(self) -> dict:
        return {"query": self.query, "query_lang": self.query_lang, "total": self.total,
                "page": self.page, "pages": self.pages, "limit": self.limit,
                "answered": self.answered, "suggestion": self.suggestion, "corrected": self.corrected,
                "typing": self.typing, "hits": [h.to_dict() for h in self.hits]}
