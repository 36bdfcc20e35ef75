"""The reader's story before the question (issue 19, principle 3): what is asked most joins.

Typed into the panel, a question that begins with the reader's story ("I studied in Kazan for
four years, now I'm back in …", "我在圣彼得堡工作了两年，现在…", "本人2019到2023年在喀山读研")
asks nothing for many keystrokes, and the ranking fills the top 3 from the story's words
(studied, worked, a city), which no entry is about. A reader who knows the catalogue guesses
what such readers go on to ask most: how to cancel (from abroad, once the story says the
reader has left), the refund. `tells` reads such a text; `head` is the topic head that joins
third (`panel_order.story_heads`) when the top 3 holds none: the first of categories.yaml's
TOPIC_HEADS overviews (what the help center is asked most: the order of kb/categories.yaml),
or, when the text states the reader is abroad (categories.yaml `abroad`), the entry answering
it for a reader abroad (how to cancel -> from abroad), or tells a stay as over (categories.yaml
``stayed``: "I studied in …", я учился, 在…读书时; Intents.left), which also makes a Chinese text
without 我 first the reader's story.

A Latin or Cyrillic story is prefix.tells_story's (a clause of the reader's, nothing asked),
a Russian one naming the reader (я, мы: a past verb alone, остался минус, is as often the
problem stated); a Chinese one begins with the reader (我, 我们, 本人) and asks nothing yet
(prefix.han_unasked: no question word, particle or mark). Filling both places after the first hit with the heads,
or the heads without the abroad reading, lost more cuts than it won (docs/relevance.md,
"Prefix, seventeenth round").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence

from .analysis import CYR_RE, HAN_RE
from .prefix import han_unasked, tells_story

_HAN_ME = re.compile(r"\s*(?:我们|我們|我|本人)")  # the reader, beginning the text
# the reader named in a Russian text: a past verb alone (остался минус, уехал … остался долг) is
# as often the problem stated, which the ranking reads (prefix.tells_story counts it for the verdict)
_CYR_ME = re.compile(r"(?:^|[\s,.;:!])(?:я|мы)(?=[\s,.;:!]|$)")


def tells(query: str, stayed: Callable[[str], bool] | None = None) -> bool:
    """Whether ``query`` is the reader's story that asks nothing yet (see the module). ``stayed``
    (Intents.stayed): a Chinese text telling a stay as over (在俄罗斯读书时用的…) is the reader's
    story without 我 first, as a Chinese reader drops it."""
    if HAN_RE.search(query):
        return (_HAN_ME.match(query) is not None or (stayed is not None and stayed(query))) and han_unasked(query)
    if CYR_RE.search(query) and not _CYR_ME.search(query.lower()):
        return False
    return tells_story(query)


MAX_QUESTION_WORDS = 2  # words (categories.yaml's filler out) a question after the story names while it names nothing yet
_CLAUSE_MARK = re.compile(r"[,.;:!?，。；：！？]")


def question_begun(query: str, key: Callable[[str], str], stayed: Callable[[str], bool] | None = None) -> bool:
    """Whether ``query`` is the reader's story (``tells``, up to its last clause mark) followed
    by a question begun that names nothing yet: the clause being typed keeps at most
    MAX_QUESTION_WORDS words once ``key`` (Intents.key: the filler out) has read it ("я учусь в
    …, уезжаю домой, как правильно з", "I worked in …, now I'm home, how do I c"). The story's
    words still rank the entries no such reader asks about, and the question has not said yet
    what it asks: what such readers ask most joins as for a story asking nothing."""
    marks = [m.start() for m in _CLAUSE_MARK.finditer(query)]
    if not marks or not query[marks[-1] + 1:].strip():
        return False  # (a story ending in its mark asks nothing: ``tells``)
    return len(key(query[marks[-1] + 1:]).split()) <= MAX_QUESTION_WORDS and tells(query[:marks[-1]], stayed)


def head(top: Collection[str], heads: Sequence[str], abroad: Mapping[str, str], away: bool) -> str | None:
    """The topic head that joins ``top`` (the top 3's ids): the first of ``heads``, read through
    ``abroad`` (entry -> the one answering it for a reader abroad) when ``away``; None when the
    top 3 already holds a head or a head's abroad twin (the ranking found what such readers ask:
    a story the abroad words miss, "back in India", keeps cancelling from abroad)."""
    if any(h in top or abroad.get(h) in top for h in heads):
        return None
    return next(((abroad.get(h, h) if away else h) for h in heads), None)
