"""What a result shows: the answer as plain text, a window of it around the matches, and
highlight spans as character offsets (never HTML: the caller escapes, then marks)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from .analysis import Analyzed, PinyinTable

Span = tuple[int, int]

SNIPPET_CHARS = 160

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|`)")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M)


def plain_text(markdown: str) -> str:
    """The Markdown subset of answers as plain text: list items on lines of their own
    ("• item"), paragraphs on lines of their own, line breaks inside a paragraph as spaces. Every run of whitespace with a line break
    becomes exactly one character, so offsets match texts flattened to one line."""
    text = _LINK.sub(r"\1", markdown)
    text = _MARKS.sub("", text)
    text = _BULLET.sub("• ", text)
    return re.sub(r"\s*\n\s*", lambda m: "\n" if m.group().count("\n") > 1 or text.startswith("• ", m.end())
                  else " ", text).strip()


# Where a sentence ends: Chinese full stops end one even without a space after them.
_SENTENCE_END = re.compile(r"[。！？](?=.)|[.!?](?=\s)|\n(?=.)", re.S)


def sentence_starts(text: str) -> list[int]:
    return [0] + [m.end() + (1 if text[m.end():m.end() + 1] == " " else 0) for m in _SENTENCE_END.finditer(text)]


def first_sentence(text: str, min_chars: int = 0) -> str:
    """The first sentence of a plain text (with the next ones while it is shorter than
    ``min_chars``, within its first line): the direct answer when an entry has no ``lead``."""
    line = text.split("\n", 1)[0]
    starts = [b for b in sentence_starts(line) if b > 0] + [len(line)]
    end = next(b for b in starts if b >= min_chars or b == len(line))
    return line[:end].strip()


# A word of a text, as highlighting needs it: (indexed term, start, end, pinyin or "").
Mark = tuple[str, int, int, str]


def word_marks(analyzed: Analyzed, table: PinyinTable | None) -> list[Mark]:
    """The analyzed words of a text with their offsets. Computed once at build time and
    stored with each entry, so a query only compares sets instead of re-running jieba."""
    return [(t.text, t.start, t.end,
             table.reading(t.text) if table is not None and t.script == "han" and len(t.text) >= 2 else "")
            for t in analyzed.words]


def highlight_spans(marks: Sequence[Mark], terms: dict) -> list[Span]:
    """Offsets of the words a query matched: same analysis as the index, so 註銷 in a
    query marks 注销, договора marks договор, and a homophone typo marks the word it
    sounds like. Offsets are characters of the text (right for CJK)."""
    words, pinyin = terms["words"], terms["pinyin"]
    if not pinyin:  # most queries: no homophone pairs to look for
        return merge([(s, e) for term, s, e, _ in marks if term in words])
    return merge([(s, e) for term, s, e, py in marks if term in words or (py and py in pinyin)])


class MarkIndex:
    """The marks of one text by term and by pinyin: highlighting a hit looks up the query's
    few words here instead of walking every word of its answer (kept per hit by the
    searcher, so each text is indexed once, not once per query)."""

    __slots__ = ("by_term", "by_pinyin", "size")
    by_term: dict[str, tuple[Span, ...]]
    by_pinyin: dict[str, tuple[Span, ...]]

    def __init__(self, marks: Sequence[Mark]) -> None:
        by_term: dict[str, list[Span]] = {}
        by_pinyin: dict[str, list[Span]] = {}
        for term, s, e, py in marks:
            by_term.setdefault(term, []).append((s, e))
            if py:
                by_pinyin.setdefault(py, []).append((s, e))
        # Tuples of ints: the garbage collector stops tracking them (and then the dicts), so
        # thousands of cached indexes add nothing to every full collection's walk.
        self.by_term = {k: tuple(v) for k, v in by_term.items()}
        self.by_pinyin = {k: tuple(v) for k, v in by_pinyin.items()}
        self.size = len(marks)

    def spans(self, terms: dict) -> list[Span]:
        """The same spans as highlight_spans(marks, terms)."""
        words, pinyin = terms["words"], terms["pinyin"]
        by_term, by_pinyin = self.by_term, self.by_pinyin
        if len(words) > len(by_term):  # a long query: walk the text's words instead
            found = [sp for w, sps in by_term.items() if w in words for sp in sps]
        else:
            found = [sp for w in words if w in by_term for sp in by_term[w]]
        if pinyin and by_pinyin:
            found += [sp for p in pinyin if p in by_pinyin for sp in by_pinyin[p]]
        return merge(found)


def merge(spans: list[Span]) -> list[Span]:
    if len(spans) < 2:
        return list(spans)
    ordered = sorted(spans)
    out: list[Span] = [ordered[0]]
    last_s, last_e = ordered[0]
    for s, e in ordered[1:]:
        if s <= last_e:
            if e > last_e:
                last_e = e
                out[-1] = (last_s, e)
        else:
            out.append((s, e))
            last_s, last_e = s, e
    return out


def densest(spans: list[Span], size: int) -> int:
    """The first span from which the window of ``size`` characters holds the most spans
    (``spans`` merged: sorted and disjoint, so their ends ascend): two pointers, linear
    in the spans, where counting from every span was quadratic in a long answer."""
    n = len(spans)
    if n < 2:
        return 0
    best, most, j = 0, 0, 0
    for i, (s, _) in enumerate(spans):
        if j < i:
            j = i
        end = s + size
        while j < n and spans[j][1] <= end:
            j += 1
        if j - i > most:
            best, most = i, j - i
            if j == n:  # no later window can hold more than all the rest
                break
    return best


def make_snippet(text: str, spans: list[Span], size: int = SNIPPET_CHARS,
                 starts: list[int] | None = None) -> tuple[str, list[Span]]:
    """A window of ``text`` of about ``size`` characters holding the most matches. It
    starts where a sentence or list line starts (so the direct yes/no is not cut off), and
    ends at a sentence end or a word boundary; list lines keep their line breaks.
    ``starts``: sentence_starts(text), when the caller keeps it."""
    if len(text) <= size:
        return text, spans
    if starts is None:
        starts = sentence_starts(text)
    start, want, must = 0, size, 0  # must: the end of the best match, which the window keeps
    if spans:
        best = densest(spans, size)
        first, must = spans[best]
        # The opening (often the direct yes/no) stays when the match fits the window with it;
        # else the window opens where the match's sentence does (starts ascend: bisect).
        before = bisect_right(starts, first)
        start = 0 if spans[best][1] <= size * 4 // 5 else (starts[before - 1] if before else 0)
        if first - start > size * 3 // 5:
            # A long sentence: grow the window (up to twice) rather than cut into it...
            want = first - start + size * 2 // 5
            if want > 2 * size:  # ...or, past that, start near the match at a word boundary
                start, want = max(start, first - size // 5), size
                cut = max(text.rfind(c, max(0, start - 20), start + 1) for c in " ，；,;")
                start = cut + 1 if cut >= 0 else start
    end = min(len(text), start + want)
    if end < len(text):
        last = bisect_right(starts, end + 20)  # the last sentence start in the allowance...
        if last and starts[last - 1] > max(start + want // 2, must):  # ...if past the window's middle
            end = starts[last - 1]
        else:
            space = text.rfind(" ", max(start + want - 20, must), end)
            end = space if space > start else end
    prefix = "…" if start > 0 and start not in starts else ""
    suffix = "…" if end < len(text) and end not in starts else ""
    body = text[start:end].rstrip()
    shift = len(prefix) - start
    stop = start + len(body)
    kept = [(max(s, start) + shift, min(e, stop) + shift) for s, e in spans if e > start and s < stop]
    return prefix + body + suffix, kept
