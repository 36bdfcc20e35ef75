"""Other Snowball stems of a query's words that the kb has (отказа: отказ, отказыва)."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from ..analysis import Analyzed, is_han
from ..layout import WORD_FIELDS
from ..plan import MAX_UNITS, Term
from .context import Context

if TYPE_CHECKING:
    from ..impact import ImpactIndex

MIN_STEM = 4  # letters a stem needs to have other stems of the same word looked up
MAX_VARIANTS = 8  # other stems searched per query word
MAX_STEM_DIFF = 3  # letters another stem may add or lack (российск is no form of росс)


def stem_variants(ctx: Context, a: Analyzed, imp: ImpactIndex) -> list[Term]:
    """Other Snowball stems of the same word: stems the kb has that a Russian or English
    query stem begins with or that begin with it (отказа: отказ, отказыва; закр:
    закрыт, закрыва), at least MIN_STEM letters and at most MAX_STEM_DIFF apart. Snowball cuts the forms of one verb or
    noun differently (отказаться → отказа, отказ → отказ), so an exact stem misses them.
    Each word adds at most MAX_VARIANTS, found by a binary search in the kb's sorted
    Latin/Cyrillic stems (sorted once per version)."""
    v = ctx.v
    if v.stems is None:
        v.stems = sorted({t for f in WORD_FIELDS for t in imp.terms[f]
                          if len(t) >= MIN_STEM and not is_han(t) and not t.isdigit()})
    stems, qt, at = v.stems, imp.terms["q_words"], imp.terms["a_words"]
    w, boost = ctx.weights, ctx.knobs["stems"]
    out: list[Term] = []
    for tok in list(dict.fromkeys(t.text for t in a.words if t.script in ("cyr", "lat")))[:MAX_UNITS]:
        if len(tok) < MIN_STEM:
            continue
        found = v.variants.get(tok)  # a function of the word and the version: kept per version
        if found is None:
            near = [tok[:k] for k in range(max(MIN_STEM, len(tok) - MAX_STEM_DIFF), len(tok))
                    if tok[:k] in qt or tok[:k] in at]
            i = bisect.bisect_right(stems, tok)
            while i < len(stems) and stems[i].startswith(tok) and len(near) < MAX_VARIANTS:
                if len(stems[i]) - len(tok) <= MAX_STEM_DIFF:
                    near.append(stems[i])
                i += 1
            found = v.variants.put(tok, tuple(near[:MAX_VARIANTS]))
        out += [(f, t, w[f] * boost) for t in found for f in WORD_FIELDS]
    return out
