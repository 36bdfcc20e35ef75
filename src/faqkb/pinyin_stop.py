"""Chinese question and function words typed whole in pinyin (issue 19, seventeenth session).

A Han query's 怎么, 如何 or 请问 typed last is a stop word typed whole: the panel leaves it as
typed and reads the query as asking nothing yet (the subject's likeliest entries). Typed in
pinyin (zenme, ruhe, qingwen) the same word is no kb word (stop words are pruned from the
kb's dictionary), so it went on as the start of a longer reading: zenme -> zenmeban (怎么办),
ruhe -> ruhetong, qing wen -> qing wenjian (文件), and the reader's question word ranked
entries they never asked about. The stop words' own readings say it is typed whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .analysis import STOP

if TYPE_CHECKING:
    from .analysis import PinyinTable

# the analyzer's Chinese stop words of two or more characters: one-syllable ones (要, 会, 能)
# read as syllables that start many kb words (yao: yaoqiu), which the reader may be typing
_WORDS = tuple(sorted(w for w in STOP["zh"] if len(w) > 1))


def typed_whole(word: str, reading: Callable[[str], str]) -> bool:
    """``word`` (Latin letters) spells a Chinese stop word of two or more characters in
    toneless pinyin, run together (``reading``: a Han word's joined reading, the index's table)."""
    w = word.lower()
    return len(w) > 2 and w.isascii() and w.isalpha() and any(reading(s) == w for s in _WORDS)


def question_word_typed(query: str, table: PinyinTable | None) -> bool:
    """The query's last word, or its last two or three run together (syllables typed apart: ke
    yi, zen me, wei shen me), spells such a stop word: typed whole (``table``: the index's)."""
    if table is None:
        return False
    words = query.split()[-3:]
    return any(typed_whole("".join(words[i:]), table.reading) for i in range(len(words)))
