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
#   卡里/号里/户里/额里: s2t/s2twp keep 里 after a noun; "inside" is 裡 in Taiwan.
#   签: s2twp writes 籤 (a slip, a label) outside the phrases it knows (签合同→籤合約); in
#       this kb it is always signing, 簽 — the label senses keep 籤.
#   只: s2twp reads 多只/两只 as the classifier 隻 (最多只能→最多隻能); "only" is 只.
#   文件: s2twp gives 檔案 (a computer file); paper documents are 文件.
#   查看: s2twp gives the software verb 檢視; checking a balance is 查看.
#   数字发展部: the ministry (Минцифры) is 數位發展部 in Taiwan usage, not 數字.
#   充值: topping up a prepaid balance is 儲值 in Taiwan.
#   挂断: s2twp gives the UI label 結束通話; hanging up on a caller is 掛斷.
#   绑定: s2twp gives the formal 繫結; Taiwan readers bind an account with 綁定.
#   帮助中心: s2twp gives 幫助中心; a help centre is 說明中心 in Taiwan (WhatsApp's own zh-TW name).
#   程序: s2twp gives 程式 (a computer program); a procedure (filing a claim) stays 程序.
PHRASES = {
    "注销": "註銷",
    "运营商": "電信業者",
    "用户": "用戶",
    "合同": "合約",
    "卡里": "卡裡",
    "号里": "號裡",
    "户里": "戶裡",
    "额里": "額裡",
    "账": "帳",  # 到账/账户/账单: Taiwan writes 帳 (s2twp gives 賬)
    "签": "簽",
    "标签": "標籤",
    "书签": "書籤",
    "抽签": "抽籤",
    "数字发展部": "數位發展部",
    "充值": "儲值",
    "挂断": "掛斷",
    "绑定": "綁定",
    "帮助中心": "說明中心",
}
# Words shown exactly as written, because s2twp would turn them into another sense: 只, 文件,
# 查看 and 程序 (same in both scripts) and readers' phrasings already in Traditional (註銷 → 登出,
# 綁定 → 繫結 otherwise).
KEEP = ("只", "文件", "查看", "程序", "註銷", "綁定")

# Traditional text a reader must never see (pattern, why): each is an s2twp conversion that
# was wrong in this kb's context. tests/test_zh_hant.py converts every zh text the kb shows
# and fails on any of them; add one whenever a reader-visible error is found (docs/zh-hant.md).
KNOWN_BAD = (
    ("(?<![標書抽])籤", "signing (簽合約, 簽約) is 簽; 籤 only in 標籤, 書籤, 抽籤"),
    ("隻能", "\"only\" is 只能"),
    ("隻有", "\"only\" is 只有"),
    ("隻是", "\"only\" is 只是"),
    ("隻要", "\"as long as\" is 只要"),
    ("檔案", "paper documents are 文件 (檔案 is a computer file)"),
    ("檢視", "checking a balance or a status is 查看"),
    ("餘額里", "inside the balance is 餘額裡"),
    ("[卡號戶額帳單料務置目頁站]里", "\"inside\" a card, account, page … is 裡 (里 stays in names: 烏里揚諾夫斯克)"),
    ("數字發展部", "the ministry is 數位發展部 in Taiwan usage"),
    ("充值", "topping up is 儲值 in Taiwan"),
    ("登出", "cancelling a SIM is 註銷 (登出 is logging out)"),
    ("運營商", "a phone company is 電信業者"),
    ("結束通話", "hanging up is 掛斷"),
    ("繫結", "binding an account is 綁定"),
    ("賬", "Taiwan writes 帳"),
    ("幫助中心", "a help centre is 說明中心 in Taiwan"),
    ("程式", "a procedure is 程序 (程式 is a computer program)"),
)
_FIXED = {**{w: w for w in KEEP}, **PHRASES}
_PHRASE_RE = re.compile("|".join(sorted(map(re.escape, _FIXED), key=len, reverse=True)))


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
        fixed[m.start()] = (m.end(), _FIXED[m.group()])
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
