"""A pinyin syllable begun after pinyin words (issue 19, seventeenth session).

An input method shows, for one or two letters typed after words ("eluosi k", "haoma z",
"zhuxiao y"), the characters likeliest there; the reader commits one syllable's character
(卡, 注, 要) long before the word it may start. The completion read such letters as the start
of a whole kb word's reading, and the kb's two-character "words" beginning so are often
segmentation scraps (kayao 卡要, kashi 卡是) or unrelated (keneng 可能), so the query was searched
as a word the reader never meant. Here the letters are first completed to the syllable the kb's
Chinese phrasings most often go on with right after the words before (phrasing_fit.Follows:
俄罗斯 … 卡 79 times, 可 twice), and the query goes on from that syllable as if typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

MAX_LETTERS = 2  # letters of a syllable begun (k, sh, zh): more is read as a syllable or word begun
MIN_FOLLOWED = 3  # phrasings going on with the syllable that make it the reader's (one or two: an editor's wording)
MAX_SYLLABLES = 64  # syllables counted (z begins ~40)
SHARE = 2  # the syllable followed at least this many times as often as the next one


def likeliest_syllable(rest: str, word: str, syllables: Iterable[str],
                       follows: Callable[[str, list[str]], list[int]]) -> str | None:
    """The syllable ``word`` (letters that are no syllable) begins that the kb's phrasings go
    on with after ``rest`` (its last two words run together, else its last), when one clearly
    does; None otherwise. ``syllables``: the table's valid syllables (~400; at most MAX_SYLLABLES
    beginning so are counted)."""
    w = word.lower()
    if not (0 < len(w) <= MAX_LETTERS and w.isascii() and w.isalpha()):
        return None
    cands = sorted(s for s in syllables if s.startswith(w))[:MAX_SYLLABLES]
    words = rest.lower().split()
    for before in ("".join(words[-2:]), *words[-1:]):
        n = follows(before, cands)
        ranked = sorted(zip(n, cands, strict=True), reverse=True)
        if ranked and ranked[0][0] >= MIN_FOLLOWED:
            second = ranked[1][0] if len(ranked) > 1 else 0
            return ranked[0][1] if ranked[0][0] >= SHARE * second else None
    return None
