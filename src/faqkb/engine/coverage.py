"""Coverage: per document, the idf-weighted share of the query's words it holds (a word
counts when the entry has it or a synonym, all bigrams of a Han word, or a pinyin word),
and the documents holding each word, which `answered` is judged on (engine.answered.Unit)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..analysis import Analyzed
from ..layout import PINYIN_FIELD
from ..lexicon import Lexicon
from ..plan import HEAD_BRAND, MAX_UNITS, is_name
from .answered import Unit
from .context import Context

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ..impact import ImpactIndex

MAX_TYPO_CHECKS = 8  # unknown words per query looked up in the did-you-mean map for `answered`


def coverage(ctx: Context, a: Analyzed, lex: Lexicon, imp: ImpactIndex, units: list[Unit] | None = None,
             text: str = "", fixes: list[Analyzed] | None = None, spelled: dict | None = None) -> NDArray | None:
    """Per document, the share of ``a``'s words it holds (None when ``a`` has no word).
    ``units`` receives each word's documents for `answered` (``text`` is what ``a`` was
    analyzed from: unknown words are looked up there by their surface form); a Latin or
    Cyrillic word no entry holds that did-you-mean corrects counts as its correction, whose
    analysis goes to ``fixes`` (when given) to be searched too."""
    import numpy as np

    units = [] if units is None else units
    words: dict[str, Any] = {}
    for tok in a.words:
        words.setdefault(tok.text, tok)
    if not words:
        return None
    n = imp.n
    total = np.zeros(n)
    wsum = 0.0
    checked = 0
    ops = operators(ctx, a, text, lex)
    for w, tok in list(words.items())[:MAX_UNITS]:
        script = tok.script
        held, asked, df, pairs = held_by(ctx, w, script, lex, imp)
        weight = idf(n, df)
        if w in ops:
            weight *= HEAD_BRAND  # an operator beside one word: that word is what is asked
        typo = replaced = False
        if not df and not pairs and script in ("lat", "cyr") and checked < MAX_TYPO_CHECKS:
            checked += 1  # a typo of a kb word (cancle, растаргнуть) is no sign of another topic
            fixed = ctx.speller().word(text[tok.start:tok.end], spelled)
            typo = fixed is not None
            if fixed is not None and fixes is not None:
                # For ranking, the typo stands for the word it corrects to: its entries
                # hold the word (the unit `answered` sees keeps the typo's own documents).
                fa = lex.analyzer.analyze(fixed, query=True)
                fm = mask_of([r for ft in fa.words for f in ("q_words", "a_words")
                              if (r := imp.docs_of(f, ft.text)) is not None], n)
                if fm.any():
                    replaced = True
                    fixes.append(fa)
                    fdf = int(fm.sum())
                    fw = idf(n, fdf)
                    total += fw * fm
                    wsum += fw
        if not replaced:
            if df:
                # Only where the word is held: elsewhere total + weight * 0 is total (>= 0)
                # bit for bit; a word is in a few % of the entries (median 1 % at 10k), so
                # this is df additions, not two passes over every document.
                np.add.at(total, held, weight)  # (held is unique: total[held] += weight, one call not three)
            wsum += weight
        pairs = pairs if not df else ()
        read = read_as(ctx, fa, lex, imp) if replaced else None
        if read is None and pairs and checked < MAX_TYPO_CHECKS:
            checked += 1  # (a translit lookup, bounded as the typo checks are)
            read = translit_reading(ctx, text[tok.start:tok.end], lex, imp)
        units.append(Unit(read[2], idf(n, read[2]) if replaced else weight, read[0], read[1], list(pairs), False,
                          read=True) if read is not None else Unit(df, weight, held, asked, list(pairs), typo))
    return np.divide(total, wsum, out=total) if wsum else None  # (in place: total is this call's own)


def operators(ctx: Context, a: Analyzed, text: str, lex: Lexicon) -> frozenset[str]:
    """In a query of two words, the one naming an operator (a name in Latin and Cyrillic that
    categories.yaml's filler holds: the kb answers for each operator), with its other spellings:
    the other word is what is asked (plan.HEAD_BRAND). Empty otherwise, and for whoosh's BM25F."""
    words = {t.text: t for t in a.words}
    if len(words) != 2 or ctx.knobs["brand"] == 1.0:
        return frozenset()
    from .relevance import intents_of

    intents = intents_of(ctx)
    if intents is None:
        return frozenset()
    out: set[str] = set()
    for w, tok in words.items():
        alts = lex.synonyms.get(w, ())
        if tok.script in ("lat", "cyr") and alts and is_name(w, alts) and intents.is_filler(text[tok.start:tok.end]):
            out |= {w, *(t for alt in alts for t in alt)}
    return frozenset(out)


def read_as(ctx: Context, fa: Analyzed, lex: Lexicon, imp: ImpactIndex) -> tuple[Any, Any, int] | None:
    """A corrected word's documents as `answered` sees them (held_by of its one word), None
    when the correction is more than one word (the typo is then left out, as before).
    `answered` is judged on the words as ranking read them (zakryt as закрыть, a typo as its
    correction), not left out: else a query of typos or transliterated words only had nothing
    to judge (asked 0) above a right first hit. A Latin word read as run-together pinyin
    (nomer: no mer) that also spells a kb Russian word (номер) is read both ways (Unit.pairs
    and the word's documents: translit_reading)."""
    read = list(dict.fromkeys((t.text, t.script) for t in fa.words))
    if len(read) != 1:
        return None
    held, asked, df, _ = held_by(ctx, read[0][0], read[0][1], lex, imp)
    return (held, asked, df) if df else None


def translit_reading(ctx: Context, typed: str, lex: Lexicon, imp: ImpactIndex) -> tuple[Any, Any, int] | None:
    """The documents of the kb Russian word that Latin ``typed`` spells
    (spelling.Speller.russian), as `answered` sees them, or None."""
    russian = ctx.speller().russian(typed.lower())
    return read_as(ctx, lex.analyzer.analyze(russian, query=True), lex, imp) if russian else None


def idf(n: int, df: int) -> float:
    """A word's weight in the coverage: the rarer among the ``n`` entries, the more it counts."""
    return math.log(1 + n / (1 + df))


def unit_words(a: Analyzed, units: list[Unit]) -> list[str]:
    """The words coverage made ``units`` of, in the same order (one per distinct word)."""
    return list(dict.fromkeys(t.text for t in a.words))[:len(units)]


def held_by(ctx: Context, w: str, script: str, lex: Lexicon,
            imp: ImpactIndex) -> tuple[Any, Any, int, tuple]:
    """What the coverage needs of one query word: the ids of the documents holding it
    anywhere (sorted numpy intp) and, per one of them, whether it holds the word in its
    question or alternatives (numpy bool), how many hold it, and for a
    Latin word no entry holds its pinyin syllable pairs. A function of the word and the
    index version only, so kept per version (WORD_CACHE_BYTES): readers' words repeat from
    query to query, and gathering a word's rows and setting its masks was most of the
    coverage's time. Kept as ids, not as two masks over every document: at 10k entries
    the masks were 20 KB a word and the cache held ~725 words; ids and flags are 9 bytes
    per document holding the word (~1 % of the entries at the median)."""
    key = (w, script)
    v = ctx.v
    got = v.words.get(key)
    if got is not None:
        return got
    import numpy as np

    n = imp.n
    alts = [w, *(t for alt in lex.synonyms.get(w, ()) if len(alt) == 1 for t in alt)]
    in_q = [r for t in alts if (r := imp.docs_of("q_words", t)) is not None]
    in_a = [r for t in alts if (r := imp.docs_of("a_words", t)) is not None]
    pairs: list[str] = []
    bigrams = bigrams_q = pinyin = None  # masks of the documents holding all of them (None: none can)
    if script == "han" and len(w) > 1:
        bigrams, bigrams_q = every_bigram(imp, [w[i:i + 2] for i in range(len(w) - 1)])
    if script == "han":  # a homophone typo (注消, 话废) still sounds like the word
        syl = [x for x in lex.table.of(w) if x]
        if syl:
            pinyin = every(imp, (PINYIN_FIELD,), [a + b for a, b in zip(syl, syl[1:], strict=False)] or syl)
    elif script == "lat":
        split = lex.table.split(w) if w.isascii() else None
        if split and len(split) > 1:
            pairs = [a + b for a, b in zip(split, split[1:], strict=False)]
        pinyin = every(imp, (PINYIN_FIELD,), pairs or [w])
    if in_q or in_a or bigrams is not None or pinyin is not None:
        mq = mask_of(in_q, n)  # in the question or its alternatives
        for part in (bigrams_q, pinyin):
            if part is not None:
                mq |= part
        m = mq.copy()  # anywhere
        for r in in_a:
            m[r] = True
        if bigrams is not None:
            m |= bigrams
    else:  # a word no entry holds (most of a long made-up query)
        m = mq = np.zeros(n, dtype=bool)
    held = m.nonzero()[0]  # (intp: what fancy indexing takes without a cast; np.flatnonzero's ravel not needed)
    asked = mq[held]  # (mq is within m: a gather of df, not a second pass over every document)
    held.flags.writeable = asked.flags.writeable = False  # shared by every query that has the word
    got = (held, asked, len(held), tuple(pairs))  # (len: np.count_nonzero(m)'s value, one pass less)
    return v.words.put(key, got)


def every(imp: ImpactIndex, fields: tuple[str, ...], terms: list[str]) -> NDArray | None:
    """A mask of the documents holding every one of ``terms`` (each in any of ``fields``),
    None when a term is in none of them (the walk ends before any array is touched): one
    scatter per row and an AND per term, where sorting the rows' union was most of a new
    Chinese word's masks."""
    per_term = []
    for t in dict.fromkeys(terms):
        rows = [r for f in fields if (r := imp.docs_of(f, t)) is not None]
        if not rows:
            return None
        per_term.append(rows)
    out = mask_of(per_term[0], imp.n)
    for rows in per_term[1:]:
        out &= mask_of(rows, imp.n)
    return out


def every_bigram(imp: ImpactIndex, terms: list[str]) -> tuple[NDArray | None, NDArray | None]:
    """(every(imp, ("q_bigrams", "a_bigrams"), terms), and when that is not None,
    every(imp, ("q_bigrams",), terms)): each term's rows looked up once and its mask in the
    questions made once, the mask anywhere a copy of it with the answers' row set."""
    import numpy as np

    q_field, a_field = imp.terms["q_bigrams"], imp.terms["a_bigrams"]
    rows = []
    for t in dict.fromkeys(terms):
        if t not in q_field and t not in a_field:
            return None, None
        rows.append((imp.docs_of("q_bigrams", t), imp.docs_of("a_bigrams", t)))
    n = imp.n
    anywhere = in_q = None
    q_all = True  # every term is in some question (else the mask in the questions is None)
    for q, a in rows:
        qm = np.zeros(n, dtype=bool)
        if q is not None:
            qm[q] = True
        else:
            q_all = False
        m = qm.copy()
        if a is not None:
            m[a] = True
        if anywhere is None or in_q is None:
            anywhere, in_q = m, qm
        else:
            anywhere &= m
            in_q &= qm
    return anywhere, (in_q if q_all else None)


def mask_of(parts: list, n: int) -> NDArray:
    """A boolean mask over ``n`` documents set at the union of ``parts`` (index arrays)."""
    import numpy as np

    mask = np.zeros(n, dtype=bool)
    for part in parts:  # (a scatter each: no concatenation)
        mask[part] = True
    return mask
