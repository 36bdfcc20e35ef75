"""Did-you-mean on one version (spelling.Speller): the corrected query a reader is offered,
and the Chinese homophone typos (住销 for 注销) whose words ranking searches too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analysis import Analyzed, Token, fold_han, han_bigrams, script_runs
from ..lexicon import Lexicon
from .context import Context
from .params import MAX_QUERY_CHARS

if TYPE_CHECKING:
    from ..impact import ImpactIndex

MAX_SUGGEST_CHARS = 80  # did-you-mean is for a mistyped question, not for a page of text


def correction(ctx: Context, query: str, spelled: dict | None = None) -> str | None:
    """The query with its typos corrected, if any: the searcher offers it only when it
    finds something better than the query as typed."""
    fixed = ctx.speller().correct(query, spelled)
    # A correction can be longer than the query ("refun" -> "refund"): past the limit it
    # is no query a reader could send, so it is not offered (and not searched).
    if fixed is None or fixed == query or len(fixed) > MAX_QUERY_CHARS:
        return None
    return fixed


def han_fixes(ctx: Context, text: str, a: Analyzed, lex: Lexicon, imp: ImpactIndex,
              spelled: dict | None = None) -> list[Analyzed]:
    """Homophone typos in Chinese (住销, 主销 for 注销): each Han run holding a character
    pair no entry has is read by did-you-mean (its words by sound, spelling.Speller.han,
    at most MAX_HAN characters and its few fixes); the words it puts in that the query
    lacks come back analyzed."""
    from ..spelling import MAX_FIXES, MAX_HAN

    runs = [(start, run) for script, run, start in script_runs(text) if script == "han"]
    if not runs:  # (most queries: the words' synonyms below are not gathered for nothing)
        return []
    have = {t.text for t in a.words}
    have |= {x for w in list(have) for alt in lex.synonyms.get(w, ()) for x in alt}  # 注消 is 注销's synonym
    qb, ab = imp.terms["q_bigrams"], imp.terms["a_bigrams"]
    left, budget, out = MAX_HAN, MAX_FIXES, []
    known = [t for t in a.words if t.script == "han" and len(t.text) > 1 and t.text in lex.vocab]
    for start, run in runs:
        if left <= 0 or budget <= 0:
            continue
        run = fold_han(run)[:left]
        left -= len(run)
        if all(run[i:i + 2] in qb or run[i:i + 2] in ab for i in range(len(run) - 1)):
            continue  # every pair of characters is the kb's: nothing sounds wrong
        fixed, n = ctx.speller().han(run, budget, spelled)
        if n:
            budget -= n
            # The kb words put in (found by lookup, not by cutting the run again: jieba's
            # cost stays one cut per query run).
            # Only where the query has no kb word of its own: 可以直接 is no typo of 一直.
            words = [w for at, w in put_in(run, fixed, lex.vocab) if w not in have
                     and not any(t.start < start + at + len(w) and start + at < t.end for t in known)]
            if words:
                bigrams = [b for w in words for b in han_bigrams(w) if b not in a.bigrams]
                out.append(Analyzed([Token(w, 0, 0, "han") for w in words], bigrams, [], {"han"}))
    return out


def put_in(run: str, fixed: str, vocab: dict) -> list[tuple[int, str]]:
    """The kb words (2-4 characters) that ``fixed`` has where it differs from ``run`` (the
    same length: did-you-mean swaps a window for a word that sounds the same), with where
    they start."""
    out, i = [], 0
    while i < len(run):
        if fixed[i] == run[i]:
            i += 1
            continue
        for size in (4, 3, 2):
            start = next((s for s in range(max(0, i - size + 1), i + 1)
                          if len(fixed[s:s + size]) == size and fixed[s:s + size] in vocab), None)
            if start is not None:
                out.append((start, fixed[start:start + size]))
                i = start + size
                break
        else:
            i += 1
    return out
