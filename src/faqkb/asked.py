"""What readers ask most, as a prior for a query only begun (issue 19, principle 3).

A cut under half typed ("ways to termin", "ways to clos") spreads over many entries, and the
ranking fills its top 3 with entries of one narrow kind (three process entries: in store, by
a representative, how long), where a reader who knows the catalogue names the general one
and the one most asked of that kind (how to cancel, and cancelling from abroad). The prior is
the editors' list of what is asked most: kb/home.yaml's `starter` ("most useful first"),
written into the index version at build beside kb/categories.yaml (intent.write_categories:
`Intents.asked`). The list is a plain sequence of entry ids, most asked first, so the
site's live "most asked" (feedback.FeedbackStore.most_asked, which the home page already
puts before the starter list) can feed the same function later.

`joins`: when the first hit is a kind's general entry (a categories.yaml overview: the query
reads as the kind's general question) and the top ONE_KIND hits are all of its kb category,
the first entry of the list of that category not among them joins third (the Searcher's
`panel_order.most_asked`; the first two hits, `answered`, `typing` and the total stay). Only for a short
Russian or English query (`short`: at most MAX_KEY_WORDS words once categories.yaml's filler
is out; what a longer one says decides; Chinese and pinyin cuts, whose top 3 the phrasing fit
orders, lost cuts and won none).
Measured and not kept (docs/relevance.md, "Prefix, seventeenth round"): the list breaking
near-ties in the ranking's scores and the top 3 spread over categories (MMR-like) each lost
about as many cuts as they won, or more; for the story before the question the topic heads,
read for a reader abroad, did better than the list (story.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from .analysis import HAN_RE

ONE_KIND = 3  # the top this many hits: one kb category among them all lets the most asked of it in
MAX_KEY_WORDS = 2  # words (a Chinese word: two characters) a query's key may hold for the prior to count

# words of other scripts (Han counted by character), found once the Han characters are spaces:
# no Han class of its own to compile (one was ~2-3 ms of a fresh process's first panel query)
_WORDS = re.compile(r"[^\W\d_]+|\d+")


def short(key: str) -> bool:
    """Whether a query's key (intent.Intents.key: its words once the filler is out) says little
    yet: at most MAX_KEY_WORDS words, a Chinese word counted as two characters."""
    return len(_WORDS.findall(HAN_RE.sub(" ", key))) + (len(HAN_RE.findall(key)) + 1) // 2 <= MAX_KEY_WORDS


def joins(top: Sequence[tuple[str, str]], general: Collection[str], asked: Sequence[str],
          category_of: Callable[[str], str | None]) -> str | None:
    """The entry that joins ``top`` (the first ONE_KIND hits as (id, kb category)) when the first
    is a kind's general entry (``general``: categories.yaml's overviews) and all are of its
    category: the first of ``asked`` (entry ids, most asked first) of that category that is not
    among them. None when they are fewer, the first is no overview, they are of several
    categories, or the list has none of it."""
    if len(top) < ONE_KIND or top[0][0] not in general or len({cat for _, cat in top[:ONE_KIND]}) != 1:
        return None
    kind, have = top[0][1], {eid for eid, _ in top[:ONE_KIND]}
    return next((eid for eid in asked if eid not in have and category_of(eid) == kind), None)
