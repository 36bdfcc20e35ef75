"""What a result shows: the answer as plain text, a window of it around the matches, and
highlight spans as character offsets (never HTML: the caller escapes, then marks)."""

from __future__ import annotations

import re

from .analysis import Analyzed, PinyinTable

Span = tuple[int, int]

SNIPPET_CHARS = 160

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|`)")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M)


def plain_text(markdown: str) -> str:
    """The Markdown subset of answers, flattened to one line of text."""
    text = _LINK.sub(r"\1", markdown)
    text = _MARKS.sub("", text)
    text = _BULLET.sub("• ", text)
    return re.sub(r"\s*\n\s*", " ", text).strip()


# A word of a text, as highlighting needs it: (indexed term, start, end, pinyin or "").
Mark = tuple[str, int, int, str]


def word_marks(analyzed: Analyzed, table: PinyinTable | None) -> list[Mark]:
    """The analyzed words of a text with their offsets. Computed once at build time and
    stored with each entry, so a query only compares sets instead of re-running jieba."""
    return [(t.text, t.start, t.end,
             "".join(table.of(t.text)) if table is not None and t.script == "han" and len(t.text) >= 2 else "")
            for t in analyzed.words]


def highlight_spans(marks: list[Mark], terms: dict) -> list[Span]:
    """Offsets of the words a query matched: same analysis as the index, so 註銷 in a
    query marks 注销, договора marks договор, and a homophone typo marks the word it
    sounds like. Offsets are characters of the text (right for CJK)."""
    words, pinyin = terms["words"], terms["pinyin"]
    return merge([(s, e) for term, s, e, py in marks if term in words or (py and py in pinyin)])


def merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def make_snippet(text: str, spans: list[Span], size: int = SNIPPET_CHARS) -> tuple[str, list[Span]]:
    """A window of ``text`` of about ``size`` characters holding the most matches."""
    if len(text) <= size:
        return text, spans
    start = 0
    if spans:
        best = max(range(len(spans)), key=lambda i: sum(1 for s, e in spans[i:] if e <= spans[i][0] + size))
        start = max(0, min(spans[best][0] - size // 5, len(text) - size))
        # Start at a word or sentence boundary where one is near.
        cut = max(text.rfind(c, max(0, start - 20), start + 1) for c in " 。，；,.;")
        if cut >= 0 and start - cut <= 20:
            start = cut + 1
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start + size - 20, end)
        end = space if space > start else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    kept = [(max(s, start) + shift, min(e, end) + shift) for s, e in spans if e > start and s < end]
    return prefix + text[start:end] + suffix, kept
