"""What a result shows: the answer as plain text, the sentence or up to three list items of
it holding the matches (never a lead-in line), and highlight spans as character offsets (never HTML: the caller escapes, then marks)."""

from __future__ import annotations

import re
import struct
from bisect import bisect_right
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import NamedTuple

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


# Single Han characters that carry grammar, not the topic: jieba leaves them as words of
# their own (注销后 → 注销 + 后), and a highlighted 后, 做 or 的 in a snippet marks nothing
# the reader asked about. Content characters (卡, 钱, 税, 号 …) stay highlightable.
FUNCTION_HAN = frozenset(
    "的 了 着 过 地 得 之 其 所 而 则 但 却 就 也 都 还 又 再 才 已 将 把 被 给 让 对 向 从 于 以 为 由 跟 同 比 "
    "和 与 及 或 是 在 有 到 去 来 上 下 中 里 内 外 前 后 时 个 些 这 那 哪 谁 吗 呢 吧 啊 呀 么 嘛 我 你 您 "
    "他 她 它 们 很 太 更 最 不 没 别 能 会 要 可 该 想 说 用 请 多 少 几 怎 啥 做 干 弄 搞 一 "
    "著 過 這 們 個 時 裡 對 為 於 從 將 還 讓 給 說 會 來 麼 嗎 則 卻 沒 別 該 與 幾 後 幹".split())


def _content_words(words: AbstractSet[str]) -> AbstractSet[str]:
    """The query's words without function characters (FUNCTION_HAN): the ones worth marking."""
    return words if words.isdisjoint(FUNCTION_HAN) else words - FUNCTION_HAN


def highlight_spans(marks: Sequence[Mark], terms: dict) -> list[Span]:
    """Offsets of the words a query matched: same analysis as the index, so 註銷 in a
    query marks 注销, договора marks договор, and a homophone typo marks the word it
    sounds like. Offsets are characters of the text (right for CJK). A single function
    character (FUNCTION_HAN) is never marked, though it may have matched."""
    words, pinyin = _content_words(terms["words"]), terms["pinyin"]
    if not pinyin:  # most queries: no homophone pairs to look for
        return merge([(s, e) for term, s, e, _ in marks if term in words])
    return merge([(s, e) for term, s, e, py in marks if term in words or (py and py in pinyin)])


# A text's marks as a hit reads them (compact_marks): the terms joined, their offsets packed
# flat as little-endian uint32 bytes (OFFSETS: (start, end) per word), the readings joined.
# Decoding three objects is a fraction of decoding a tuple per word (most of a first-time
# hit's marks), and bytes are one copy where a tuple of offsets was an int object each (about
# 40 % of a hit's blob decode at the bundled kb); nothing in it for the garbage collector to walk.
Compact = tuple[str, bytes, str]
SEP = "\n"  # never inside a term or a reading (analysis.RUN_RE's runs of letters and digits)
_PAIR = struct.Struct("<2I")  # one word's (start, end) in a Compact's offsets
_pair = _PAIR.unpack_from


def compact_marks(marks: Sequence[Mark]) -> Compact:
    """``marks`` as (SEP-joined terms between SEPs, (start, end) of each packed flat as
    little-endian uint32, SEP-joined readings ("" where none) between SEPs): the form
    compact_spans reads."""
    return (SEP + SEP.join(m[0] for m in marks) + SEP,
            struct.pack(f"<{2 * len(marks)}I", *(x for m in marks for x in (m[1], m[2]))),
            SEP + SEP.join(m[3] for m in marks) + SEP)


class Needles(NamedTuple):
    """A query's words as compact_spans looks for them (needles: made once per query, not per
    hit): each between SEPs, function characters left out (as highlight_spans leaves them)."""
    words: tuple[str, ...]
    pinyin: tuple[str, ...]


def needles(terms: dict) -> Needles:
    """``terms`` (plan.highlight_terms) as compact_spans' needles."""
    return Needles(*(tuple(SEP + w + SEP for w in wanted if w and SEP not in w)  # no term is empty or holds SEP
                     for wanted in (_content_words(terms["words"]), terms["pinyin"])))


def compact_spans(marks: Compact, terms: dict, found: Needles | None = None) -> list[Span]:
    """The same spans as highlight_spans(the marks, terms), from compact_marks(the marks):
    each of the query's few words found in the joined terms (C-level search) instead of
    every word of the text compared in Python. ``found``: needles(terms), if made already."""
    joined, offsets, readings = marks
    wanted = found or needles(terms)
    spans: list[Span] = []
    if not isinstance(offsets, bytes):  # a version built before offsets were packed: a flat tuple
        offsets = struct.pack(f"<{len(offsets)}I", *offsets)
    # (a reading may be "": never wanted; readings only where some word has one)
    for text, where in ((joined, wanted.words), (readings, wanted.pinyin if len(readings) > len(offsets) // 8 + 1 else ())):
        for needle in where:
            at = text.find(needle)
            while at >= 0:
                # the word's place: the separators before it; its (start, end) read as one tuple
                spans.append(_pair(offsets, 8 * text.count(SEP, 0, at)))
                at = text.find(needle, at + len(needle) - 1)
    return merge(spans)


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


# A snippet is one sentence or up to three list items (issue 21): what a phone shows in a
# few lines. A line ending in a colon ("需要注意：", "What to do:", "Что делать:") only
# introduces what follows, so it is never shown as a snippet (its matches count for the list
# or sentence after it); a short opening ("Yes.", "可以。") is kept before a later sentence.
LIST_ITEMS = 3
LAYOUTS = 4096  # texts whose layout (_layout) is kept
OPENING_CHARS = 12
_COLON = (":", "：")
_CJK_END = "。！？；：，、）」』"
_CUT = " ，；、,;"
_LAST_CUT = re.compile(r".*[ ，；、,;]", re.S)  # greedy: ends just after the last _CUT character


def _last_cut(text: str, lo: int, hi: int) -> int:
    """Where the last _CUT character of text[lo:hi] is (-1: none; lo, hi >= 0), in one regex call:
    max(text.rfind(c, lo, hi) for c in _CUT), which was six calls and a generator."""
    m = _LAST_CUT.match(text, lo, hi) if lo < hi else None
    return m.end() - 1 if m else -1


@lru_cache(maxsize=1)
def _wide() -> re.Pattern:
    """Wide characters, compiled on first use (3-7 ms of CPU for its ~42,000 code points): a
    version's hits come with their layout from the build, so a query's process never needs it."""
    return re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def _width(text: str, s: int, e: int) -> int:
    """Display width of text[s:e]: a Chinese character takes two columns (and two on a phone's
    line), so ``size`` means the same amount of screen in every language."""
    return e - s + len(_wide().findall(text, s, e))


def _pieces(text: str, starts: list[int]) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each sentence of a paragraph and each list item of ``text``
    (plain_text's form: one line per paragraph or item); kind is "sentence", "item" or "lead"
    (a sentence ending in a colon)."""
    out: list[tuple[int, int, str]] = []
    bounds = starts + [len(text)]
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        if line.startswith("• "):
            out.append((line_start, len(line.rstrip()) + line_start, "item"))
        else:
            lo = bisect_right(bounds, line_start) - 1
            for k in range(max(lo, 0), len(bounds) - 1):
                b, e = max(bounds[k], line_start), min(bounds[k + 1], line_end)
                if b >= line_end:
                    break
                body = text[b:e].rstrip()
                if body:
                    out.append((b, b + len(body), "lead" if body.endswith(_COLON) else "sentence"))
        line_start = line_end + 1
    return out


def _candidates(text: str, pieces: list[tuple[int, int, str]], size: int) -> list[tuple[tuple[Span, ...], int]]:
    """Each sentence, and each run of up to LIST_ITEMS consecutive items of a list (at most
    ``size`` * 3/2 columns, or one item), as (segments, index of the piece credited with a
    lead-in's matches: the first after it)."""
    out: list[tuple[tuple[Span, ...], int]] = []
    for i, (s, e, kind) in enumerate(pieces):
        if kind == "sentence":
            out.append((((s, e),), i))
        elif kind == "item":
            for k in range(LIST_ITEMS, 0, -1):
                run = pieces[i:i + k]
                if len(run) == k and all(p[2] == "item" for p in run) and \
                        (k == 1 or _width(text, s, run[-1][1]) <= size * 3 // 2):
                    out.append((tuple((p[0], p[1]) for p in run), i))
    return out


class Layout(NamedTuple):
    """What make_snippet needs of a text whatever the query, worked out once per text: made
    at build for every answer (build/layouts.py, read per hit) or kept here (_layout). Tuples
    of ints and strings only, so a kept one costs the garbage collector nothing once seen."""
    pieces: tuple[tuple[int, int, str], ...]
    cands: tuple[tuple[tuple[Span, ...], int], ...]
    starts: tuple[int, ...]  # where sentences start (sentence_starts)
    widths: tuple[int, ...]  # each piece's display width


def layout(text: str, size: int = SNIPPET_CHARS) -> Layout:
    """``text``'s Layout (plain_text's form) for snippets of ``size`` columns."""
    starts = sentence_starts(text)
    pieces = _pieces(text, starts)
    return Layout(tuple(pieces), tuple(_candidates(text, pieces, size)), tuple(starts),
                  tuple(_width(text, p[0], p[1]) for p in pieces))


@lru_cache(maxsize=LAYOUTS)
def _layout(text: str, size: int) -> Layout:
    """(Kept per text for callers without a prepared Layout: the searcher hands the same
    answer string to every hit of an entry, so its hash is cached and a lookup is a
    dictionary probe.)"""
    return layout(text, size)


def _window(text: str, s: int, e: int, spans: list[Span], size: int, width: int | None = None) -> tuple[int, int]:
    """About ``size`` columns (_width) of [s, e) holding its densest matches (from its start,
    up to twice that, when they lie further in), cut at a word or clause boundary (a long
    sentence or list item). ``width``: _width(text, s, e) if known."""
    if width is None:
        width = _width(text, s, e)
    if width <= size:
        return s, e
    size = size * (e - s) // width  # in characters of this text
    inside = [(a, b) for a, b in spans if a >= s and b <= e]
    start, must, want = s, s, size
    if inside:
        first, must = inside[densest(inside, size)]
        if must - s > size * 4 // 5:
            # The match does not fit with the opening: grow the window (up to twice) rather
            # than cut into the sentence, or, past that, start near the match.
            want = must - s + size // 5
        if want > 2 * size:
            want = size
            start = max(s, first - size // 5)
            cut = _last_cut(text, max(s, start - 20), start + 1)
            start = cut + 1 if cut >= s else start
            while start < first and text[start] == " ":
                start += 1
    end = min(e, start + want)
    if end < e:
        cut = _last_cut(text, max(start + want - 20, must), end)
        end = cut if cut > start else end  # the "…" replaces the comma or space
    return start, end


def _best(text: str, spans: list[Span], pieces: Sequence[tuple[int, int, str]],
          cands: Sequence[tuple[tuple[Span, ...], int]]) -> tuple[tuple[Span, ...], int]:
    """make_snippet's candidate: the first holding the most of the query's words (with those
    of a lead-in just before it), then the most words in what is shown, then the most matches.
    Only the pieces with matches are looked at (most of a long answer has none)."""
    # The matched words of each piece that has any, in one pass (spans and pieces both ascend).
    words: dict[int, list[str]] = {}
    j, n = 0, len(pieces)
    for a, b in spans:
        while j < n and pieces[j][1] <= a:
            j += 1
        if j == n:
            break
        if pieces[j][0] <= a and b <= pieces[j][1]:
            if j in words:
                words[j].append(text[a:b].lower())
            else:
                words[j] = [text[a:b].lower()]
    # The first candidate of the highest rank (words matched, with those of a lead-in just
    # before it; then words matched in what is shown; then matches; then pieces), as one loop
    # rather than max() calling a rank function per candidate. Only candidates near a piece
    # with matches can hold any (a candidate's pieces start at most LIST_ITEMS - 1 before it,
    # a lead-in is the one just before): the others rank (0, 0, 0, pieces).
    near = {k for j in words for k in range(j - LIST_ITEMS + 1, j + 2)}
    best, top = cands[0], (0, 0, 0, 0)
    for c in cands:
        segs, i = c
        if i not in near:
            continue
        k = len(segs)
        shown = words.get(i) if k == 1 else [w for p in range(i, i + k) for w in words.get(p, ())]
        lead = words.get(i - 1) if i and pieces[i - 1][2] == "lead" else None
        if shown:
            d = len(set(shown))
            r = (len(set(shown + lead)), d, len(shown) + len(lead), k) if lead else (d, d, len(shown), k)
        elif lead:
            r = (len(set(lead)), 0, len(lead), k)
        else:
            continue  # (0, 0, 0, k): never above a candidate with a match
        if r > top:
            best, top = c, r
    if not top[0]:  # no candidate holds a match: the first of the most pieces
        best = max(cands, key=lambda c: len(c[0]))
    return best


def make_snippet(text: str, spans: list[Span], size: int = SNIPPET_CHARS,
                 prepared: Layout | None = None) -> tuple[str, list[Span]]:
    """What a result shows of ``text`` (plain_text's form): the sentence, or up to three
    consecutive list items, holding the most of the query's words (the first sentence when
    none matched); never a lead-in line; a short opening answer ("Yes.") kept before it; a
    sentence or item wider than ``size`` columns (a Chinese character takes two) cut around its matches ("…" where it was cut).
    ``spans``: the matches in ``text``; returned: the snippet and its matches in it. The
    text's layout is worked out once per text: ``prepared`` (layout(text, size), made at
    build), else kept here (_layout)."""
    pieces, cands, starts_at, widths = prepared or _layout(text, size)
    if not cands:
        return text[:size], [(a, min(b, size)) for a, b in spans if a < size]
    best = cands[0]
    if spans and len(cands) > 1:  # (one candidate, most short answers: nothing to rank)
        best = _best(text, spans, pieces, cands)
    # Each segment with the end of the piece it lies in (a window of a piece starts inside it,
    # and pieces are disjoint: the piece a linear search for its start would find).
    segs = [(ps, pe, pe) for ps, pe in best[0]]
    if len(segs) == 1:
        s, e, _ = segs[0]
        ws, we = _window(text, s, e, spans, size, widths[best[1]])  # (one segment: the piece best[1])
        segs = [(ws, we, e)]
        first = pieces[0]
        if first[2] == "sentence" and first[1] - first[0] <= OPENING_CHARS:
            if ws == s and s > 0 and "\n" not in text[:s]:
                segs.insert(0, (first[0], first[1], first[1]))  # "Yes." before the sentence that matched
            elif s == first[0] and len(pieces) > 1 and pieces[1][2] == "sentence" \
                    and "\n" not in text[first[1]:pieces[1][0]]:
                # "Yes." alone says too little
                segs.append((*_window(text, pieces[1][0], pieces[1][1], spans, size, widths[1]), pieces[1][1]))
    if len(segs) == 1:  # most snippets: one sentence or item (the loop below, for one segment)
        s, e, piece_end = segs[0]
        pre = "…" if s > 0 and s not in starts_at and text[s - 1:s] != "\n" else ""
        shift = len(pre) - s
        return (pre + text[s:e] + ("…" if e < piece_end else ""),
                [(max(a, s) + shift, min(b, e) + shift) for a, b in spans if b > s and a < e])
    out: list[str] = []
    kept: list[Span] = []
    length = 0
    for k, (s, e, piece_end) in enumerate(segs):
        if k:
            sep = "\n" if "\n" in text[segs[k - 1][1]:s] else ("" if out[-1][-1:] in _CJK_END else " ")
            out.append(sep)
            length += len(sep)
        cut_before = s > 0 and s not in starts_at and text[s - 1:s] != "\n"
        pre = "…" if cut_before else ""
        suf = "…" if e < piece_end else ""
        shift = length + len(pre) - s
        kept += [(max(a, s) + shift, min(b, e) + shift) for a, b in spans if b > s and a < e]
        out.append(pre + text[s:e] + suf)
        length += len(pre) + (e - s) + len(suf)
    return "".join(out), kept
