"""Chinese script for display: the kb is written in Simplified; readers who chose
Traditional (zh-Hant) read it converted by OpenCC's ``s2twp`` (Taiwan characters and
phrasing: 短信→簡訊, 软件→軟體) plus a small reviewed phrase map for what s2twp gets wrong
in this domain. Searching needs no conversion (queries are folded to Simplified), so this
is only about what a reader sees.

Phrase conversion may change a text's length (U盘→隨身碟), so conversion goes piece by
piece and carries highlight spans across (``convert_spans``)."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

SCRIPTS = ("Hans", "Hant")

# Simplified phrase → Taiwan Traditional, applied before s2twp (whose own phrase rules
# never see these words). Reviewed against the kb's Chinese text (docs/zh-hant.md):
#   注销: s2twp reads it as the computer sense 登出 (log out); for a SIM contract it is 註銷.
#   运营商: s2twp keeps the mainland 運營商; Taiwan readers say 電信業者.
#   用户: s2twp gives 使用者 (a software user); a phone company's customer is a 用戶.
#   合同: Taiwan says 合約 for a contract.
#   卡里/号里/户里: s2t/s2twp keep 里 after a noun; "inside" is 裡 in Taiwan.
PHRASES = {
    "注销": "註銷",
    "运营商": "電信業者",
    "用户": "用戶",
    "合同": "合約",
    "卡里": "卡裡",
    "号里": "號裡",
    "户里": "戶裡",
    "账": "帳",  # 到账/账户/账单: Taiwan writes 帳 (s2twp gives 賬)
}
_PHRASE_RE = re.compile("|".join(sorted(map(re.escape, PHRASES), key=len, reverse=True)))


@lru_cache(maxsize=1)
def _s2twp():
    import opencc

    return opencc.OpenCC("s2twp")


@lru_cache(maxsize=4096)
def _piece(text: str) -> str:
    """One piece with no phrase-map word in it."""
    return _s2twp().convert(text) if text and not text.isascii() else text


def _pieces(text: str, cuts: set[int]) -> list[tuple[int, int, str]]:
    """(start, end, converted) for consecutive pieces of ``text``: each phrase-map word is
    a piece of its own, and pieces also break at ``cuts`` (so spans map exactly)."""
    bounds = {0, len(text)} | {c for c in cuts if 0 < c < len(text)}
    fixed = {}
    for m in _PHRASE_RE.finditer(text):
        fixed[m.start()] = (m.end(), PHRASES[m.group()])
        bounds |= {m.start(), m.end()}
    edges = sorted(bounds)
    out = []
    for s, e in pairwise(edges):
        if s in fixed and fixed[s][0] == e:
            out.append((s, e, fixed[s][1]))
        elif any(fs < s < fe for fs, (fe, _) in fixed.items()):  # a cut inside a mapped word
            out.append((s, e, text[s:e]))
        else:
            out.append((s, e, _piece(text[s:e])))
    return out


@lru_cache(maxsize=4096)
def to_traditional(text: str) -> str:
    """Simplified → Traditional as read in Taiwan (s2twp and the reviewed phrase map)."""
    if text.isascii():
        return text
    return "".join(p for _s, _e, p in _pieces(text, set()))


def convert_spans(text: str, spans) -> tuple[str, list[tuple[int, int]]]:
    """``text`` in Traditional, with [start, end) spans moved to where the same words are
    in the converted text."""
    spans = list(spans or ())
    if text.isascii():
        return text, spans
    pieces = _pieces(text, {x for s in spans for x in s})
    where: dict[int, int] = {}
    pos = 0
    for s, e, p in pieces:
        where.setdefault(s, pos)
        pos += len(p)
        where[e] = pos
    return "".join(p for *_r, p in pieces), [(where[s], where[e]) for s, e in spans if s in where and e in where]


def for_reader(text: str, lang: str, script: str | None) -> str:
    """``text`` (in content language ``lang``) as a reader of ``script`` should see it."""
    return to_traditional(text) if lang == "zh" and script == "Hant" else text


def spans_for_reader(text: str, spans, lang: str, script: str | None) -> tuple[str, list[tuple[int, int]]]:
    """Like ``for_reader`` for a text with highlight spans."""
    if lang == "zh" and script == "Hant":
        return convert_spans(text, spans)
    return text, list(spans or ())
