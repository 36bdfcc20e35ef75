"""The object of a cancel or refund question that is the word still being typed (issue 19,
item 3: as-you-type).

The scope declines a cancel or refund question about another object (scope.Objects:
"расторжение через…" is fine, "расторжение карты" is a bank card). In the panel the last word
is often cut mid-way ("расторжение чере", 销户还收手 of 收手续费), and the scope reads the piece
as the object: "no direct answer" on a guess while the reader types. Such a query is `typing`
(not answered, as before: every decline total stays) when the object named is that last word and
the word is no kb word but goes on to one (Latin/Cyrillic: prefix.cut_mid_word; Chinese: its
last character starts kb words). A neighbour's name typed whole (tinkoff, 支付宝) starts none
and stays declined.
"""

from __future__ import annotations

from .analysis import fold_han, is_han
from .prefix import Dictionary, General, cut_mid_word, starts_han
from .scope import OTHER_OBJECT, fold


def object_begun(query: str, scope: object, d: Dictionary | None, general: General) -> bool:
    """Whether ``scope`` (Results.signals["scope"]) is another object that is the query's last
    word, still being typed (the caller's check: no space after it) and cut mid-way."""
    if d is None or not isinstance(scope, str) or not scope.startswith(OTHER_OBJECT + ":"):
        return False
    obj = fold(scope.split(":", 1)[1].strip())
    text = fold(query).rstrip()
    if not obj or not text.endswith(obj):
        return False
    if is_han(obj):
        # (a word the segmenter knows, 收手, whose last character goes on to kb words: 手续费)
        return fold_han(obj) not in d.counts and starts_han(d, fold_han(obj[-1]))
    return cut_mid_word(query, d, general)
