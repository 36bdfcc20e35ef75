"""Ranking: every document's score for a query plan (BM25F from the impact arrays, times
the plan's knobs: coverage, the entry's own question, specificity, a category named, a
number asked for), the documents kept as results, and what `answered` is judged on. The
knobs' reasons and figures are in docs/engine.md ("Ranking v2")."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..analysis import Analyzed, is_han
from ..lexicon import Lexicon
from ..plan import HEAD_BRAND, MAX_TERMS, QueryPlan, Term, asks_number, query_terms
from ..scope import OTHER_OBJECT, ours
from ..specificity import MAX_WORDS as SHORT_QUERY
from .answered import Signals, Unit, answered, signals
from .context import Context
from .coverage import coverage, held_by, idf, mask_of, operators, unit_words
from .didyoumean import MAX_SUGGEST_CHARS, correction, han_fixes
from .params import MAX_LIMIT, MAX_PAGE
from .relevance import (
    beyond_setting,
    concept,
    condition_first,
    foreign_object,
    general_first,
    intent,
    neighbour,
    own_term,
    question_first,
    specific,
)
from .stems import stem_variants

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from ..impact import ImpactIndex

RELATIVE_CUTOFF = 0.35  # hits below this fraction of the best score are noise, not results
WINDOW = 10  # hits scored beyond the page, to count the results worth showing (50 cost +25% time)


@dataclass
class Scored:
    """One query's scores over every document, and what went into them."""

    imp: ImpactIndex
    terms: list[Term]  # scored, capped at MAX_TERMS
    scores: NDArray    # the ranking's score per document
    raw: NDArray       # BM25F alone (the result count's cutoff and `answered` use it)
    bm25f: NDArray     # BM25F alone (``raw`` but for a recalled category's entries, lifted to the cutoff)
    mask: NDArray      # bool: documents matching any term
    coverage: NDArray | None  # idf-weighted share of the query's words per document
    units: list[Unit]  # the query's words as `answered` sees them
    must: list         # phrase checks
    named: str | None = None  # the category the query only names (intent.py): all of it recalled
    concept: int | None = None  # the entry of the concept the query names (intent.py), put first


def score(ctx: Context, plan: QueryPlan, spelled: dict) -> Scored:
    """Every document's score for ``plan``, the index's additions to it (other stems,
    typo fixes) made, and the units `answered` is judged on."""
    import numpy as np

    knobs, lex = ctx.knobs, plan.lexicon
    imp = ctx.impact()
    terms, cov, units = _terms(ctx, plan, imp, spelled)
    scores, mask, _ = imp.score(terms)
    raw = scores  # what the result count's cutoff is measured on (BM25F, as before v2)
    # The knobs' factors are worked out in buffers of their own (out=): the same products
    # as new arrays would hold, without allocating and touching a new one per step.
    if knobs["coverage"] and cov is not None:
        factor = knobs["cov_base"] + cov
        if knobs["cov_pow"] != 1.0:  # (x ** 1.0 is x: one pass over the documents less)
            factor **= knobs["cov_pow"]
        scores = np.multiply(scores, factor, out=factor)  # (raw stays as it was)
    if knobs["own"]:
        # min(1, BM25F / the entry's own question's BM25F) = raw * inv_own, capped.
        own = np.multiply(raw, ctx.inv_own())
        np.minimum(own, 1.0, out=own)
        if knobs["own"] != 1.0:  # (1.0 * x is x)
            own *= knobs["own"]
        own += 1
        scores = np.multiply(scores, own, out=own)
    named, bm25f, first = None, raw, None
    read = [plan.analyzed, *([plan.reading] if plan.reading is not None else []), *(plan.fixes or [])]
    if knobs["specific"] and len({t.text for t in plan.analyzed.words}) <= SHORT_QUERY:  # specificity.py
        scores = specific(ctx, scores, read, lex, imp)
    if knobs["general"]:  # a general entry before one narrowing it with a condition not asked (specificity.py)
        scores = general_first(ctx, scores, read, lex, imp)
    if knobs["question"]:  # a close entry whose own question names more of the query's rare words (specificity.py)
        scores = question_first(ctx, scores, read, lex, imp)
    if knobs["condition"]:  # the reader abroad, someone acting for them: the entry for it (intent.py)
        scores = condition_first(ctx, scores, plan.plain, lex)
    if knobs["intent"]:  # categories and the concepts they hold (intent.py)
        doc = concept(ctx, plan.plain, spelled, lex, alone=not plan.typing)
        if named := intent(ctx, plan.plain, spelled, lex):
            scores, raw, mask = recall(ctx, named, scores, raw, mask, doc)
        if doc is not None and mask[doc]:
            first = doc
            scores = scores.copy()  # the entry answering a concept named: first
            scores[doc] = float(scores.max()) + 1.0
            # and kept as a result, as a category's entries are (recall), though named in other
            # words than its own (потерял доступ: the entry says восстановить доступ)
            raw = raw.copy()
            raw[doc] = max(float(raw[doc]), float(raw.max()) * RELATIVE_CUTOFF)
    if knobs["number"] and asks_number(plan.query):
        scores = scores * (1 + knobs["number"] * numeric(ctx))
    return Scored(imp, terms, scores, raw, bm25f, mask, cov, units, plan.must, named, first)


def _terms(ctx: Context, plan: QueryPlan, imp: ImpactIndex,
           spelled: dict) -> tuple[list[Term], NDArray | None, list[Unit]]:
    """The plan's terms with the index's additions (other stems, typo fixes: set on the
    plan), capped at MAX_TERMS; the coverage, and the units `answered` is judged on."""
    knobs, lex, query = ctx.knobs, plan.lexicon, plan.query
    terms = plan.terms
    if ops := operators(ctx, plan.analyzed, plan.plain, lex):  # an operator beside one word (plan.HEAD_BRAND)
        terms = [(f, t, b * HEAD_BRAND) if t in ops else (f, t, b) for f, t, b in terms]
    if knobs["stems"]:
        plan.stems = stem_variants(ctx, plan.analyzed, imp)
        terms = terms + plan.stems
    if plan.pinyin_pairs:
        terms = terms + plan.pinyin_pairs
    if plan.reading is not None:  # pinyin read as the kb's Chinese words: searched as if typed in characters
        terms = list(dict.fromkeys(terms + plan.reading_terms))
    units: list[Unit] = []
    fixes: list[Analyzed] | None = [] if knobs["typo"] else None
    # also what `answered` is judged on
    cov = coverage(ctx, plan.analyzed, lex, imp, units, plan.plain, fixes, spelled)
    if knobs["stems"] and cov is not None:
        _other_forms(ctx, plan.analyzed, imp, units)
    if cov is not None:
        _glued(ctx, plan.analyzed, lex, imp, units)
    if cov is not None and plan.meant is not None:  # Taiwan/HK words (plan.mainland)
        meant = {t.text for t in plan.meant.words}
        words = unit_words(plan.analyzed, units)
        for i, (w, u) in enumerate(zip(words, units, strict=True)):
            if w not in meant:  # 转台 of 攜號轉台: its mainland word (转网) is a unit of its own
                units[i] = Unit(u.df, u.weight, u.held, u.asked, u.pairs, True)
    if plan.reading is not None and cov is not None:
        # Read as characters, the words count too: run-together pinyin is otherwise
        # one unit that only entries holding every syllable pair of it satisfy.
        hcov = coverage(ctx, plan.reading, lex, imp)
        if hcov is not None:
            cov = (cov + hcov) / 2
    if fixes is not None and knobs["han_typo"] and len(query) <= MAX_SUGGEST_CHARS:
        # (as did-you-mean: for a mistyped question, not for a page of random characters)
        fixes += han_fixes(ctx, plan.plain, plan.analyzed, lex, imp, spelled)
    if fixes:  # a corrected typo's word is searched too, a little below a word typed right
        boost = knobs["typo"]
        terms = list(dict.fromkeys(terms + [(f, t, b * boost) for fa in fixes
                                            for f, t, b in query_terms(fa, lex.synonyms, ctx.weights, knobs)]))
    plan.fixes = fixes
    # Words first, then bigrams, then pinyin, then v2's other stems, pinyin read as
    # characters and typo fixes: past MAX_TERMS only the recall net is cut.
    return terms[:MAX_TERMS], cov, units


def _other_forms(ctx: Context, a: Analyzed, imp: ImpactIndex, units: list[Unit]) -> None:
    """A Latin/Cyrillic word no entry holds whose other Snowball stems the kb has (истёк:
    истекает; stems.py found them for the ranking) is another form of a kb word for
    `answered` too, not an unknown word: its unit holds the entries holding those stems.
    Blind real questions declined: head 0.018 -> 0.013, frozen 0.048 -> 0.032; combo both@3
    0.866 -> 0.881; near-topic declined 0.800 -> 0.794 (one of 160)."""
    import numpy as np

    words = unit_words(a, units)
    for i, (w, u) in enumerate(zip(words, units, strict=True)):
        if u.df or u.pairs or u.typo or not (found := ctx.v.variants.get(w)):
            continue
        in_q = [r for t in found if (r := imp.docs_of("q_words", t)) is not None]
        anywhere = in_q + [r for t in found if (r := imp.docs_of("a_words", t)) is not None]
        if anywhere:
            held = mask_of(anywhere, imp.n).nonzero()[0]
            df = len(held)
            units[i] = Unit(df, idf(imp.n, df), held,
                            mask_of(in_q, imp.n)[held] if in_q else np.zeros(df, dtype=bool), [], False)


def _glued(ctx: Context, a: Analyzed, lex: Lexicon, imp: ImpactIndex, units: list[Unit]) -> None:
    """A Chinese word of three or more characters no entry holds that is a kb word with one
    character glued on (前微信 of 注销前微信怎么换绑, 微信解 of 微信解绑: jieba's HMM joins what
    its dictionary, pruned to the kb's text, lacks) is that kb word for `answered`, not an
    unknown one. Blind real declined: frozen 0.032 -> 0.027; no other total moved."""
    words = unit_words(a, units)
    for i, (w, u) in enumerate(zip(words, units, strict=True)):
        if u.df or u.typo or u.pairs or len(w) < 3 or not is_han(w):
            continue
        for part in (w[1:], w[:-1]):
            if part in lex.vocab:
                held, asked, df, _ = held_by(ctx, part, "han", lex, imp)
                if df:
                    units[i] = Unit(df, idf(imp.n, df), held, asked, [], False)
                    break


def kept(ctx: Context, scored: Scored, category: str | None, page: int, limit: int) -> list[int]:
    """The documents worth showing, best first. Every entry shares some word or bigram with
    a long query, so a bare match count says "44 results" for 44 entries. Count what is
    worth reading instead: hits scoring at least RELATIVE_CUTOFF of the best one, among the
    first max(page*limit, 10)+WINDOW."""
    docs = top(ctx, scored, category, min(max(page * limit, 10) + WINDOW, MAX_LIMIT * MAX_PAGE))
    if not len(docs):
        return []
    raw = scored.raw[docs]
    return docs[raw >= raw.max() * RELATIVE_CUTOFF].tolist()


def top(ctx: Context, scored: Scored, category: str | None, k: int) -> NDArray:
    """The best ``k`` documents of the category (if any) matching every quoted phrase."""
    from ..impact import top as best

    imp, mask = scored.imp, scored.mask
    if category:
        mask &= ctx.mask(("category", category))
    for q, needed, (fields, seq, slop) in scored.must:
        # A phrase with a word no entry holds matches nothing: nothing need look.
        if all(any(imp.df(f, t) for f in fs) for fs, t in needed):
            # The term sequences are the arrays' (impact.py); whoosh only for a version
            # built before they were.
            got = imp.phrase(fields, seq, slop)
            mask &= ctx.mask(q) if got is None else got
        else:
            mask[:] = False
    return best(scored.scores, mask, k)[0]


def judge(ctx: Context, scored: Scored, plan: QueryPlan, doc: int) -> tuple[Signals, bool]:
    """`answered` for the first hit ``doc``, and the signals it was judged on (engine.answered;
    the topic model's, the category named, the scope's neighbour)."""
    own = float(ctx.own()[doc])
    judged = signals(scored.units, doc, scored.imp, float(scored.raw[doc]), own)
    model = ctx.topic()
    if model is not None:
        judged["topic"] = model.score(plan.topic_features)
    term = own_term(ctx, plan, scored.units, doc)  # cancelling the first hit's own term (scope.Objects.terms)
    ok = answered(ours(beyond_setting(ctx, plan, judged), term))  # the setting is no subject, our words are (scope.py)
    if ok and not scored.named and (read := sum(u.read for u in scored.units)):
        # answered only as its words were read (Unit.read)? Then the searcher shows the
        # correction's results (Searcher.search), as it did when the verdict was on the letters
        typed = signals([as_typed(u) for u in scored.units], doc, scored.imp, float(scored.raw[doc]), own)
        if "topic" in judged:
            typed["topic"] = judged["topic"]
        if not answered(ours(beyond_setting(ctx, plan, typed), term)):
            judged["read"] = read
    if scored.named:  # a category named is our subject; the page can offer all of it (intent.py)
        judged["category"], ok = scored.named, True
    elif scored.concept == doc and not ok:  # so is a concept named, its entry first (categories.yaml)
        judged["concept"], ok = True, True
    if why := neighbour(ctx, plan.plain) or read_neighbour(ctx, plan, scored.units):  # kb/scope.yaml (scope.py)
        ok, judged["scope"] = False, why
    elif ok and (what := foreign_object(ctx, plan, scored.units)):  # cancelling what? (scope.Objects)
        ok, judged["scope"] = False, f"{OTHER_OBJECT}: {what}"
    return judged, ok


def as_typed(u: Unit) -> Unit:
    """A unit read as its correction or Russian spelling as the letters typed: a typo left
    out, run-together pinyin by its syllable pairs only."""
    if not u.read:
        return u
    return replace(u, read=False, df=0) if u.pairs else replace(u, read=False, typo=True)


def read_neighbour(ctx: Context, plan: QueryPlan, units: list[Unit]) -> str | None:
    """The neighbour the query names as its words were read (zakryt bankovskiy schet: закрыть
    банковский счет), when a word was judged as its correction or its Russian spelling
    (Unit.read): `answered` weighs the reading, so the scope reads it too. One correction,
    of a query no longer than did-you-mean's."""
    if not any(u.read for u in units) or len(plan.plain) > MAX_SUGGEST_CHARS:
        return None
    fixed = correction(ctx, plan.plain)
    return neighbour(ctx, fixed) if fixed else None


def recall(ctx: Context, category: str, scores: NDArray, raw: NDArray,
           mask: NDArray, first: int | None = None) -> tuple[NDArray, NDArray, NDArray]:
    """A query naming a category: every entry of it recalled above the rest (in their
    order), its overview entry first; each kept as a result (raw at least the cutoff).
    ``first``: the entry of a concept the query names, put first after this: then the
    overview is one of the rest ("scam call": the call scam, then the others as they score)."""
    import numpy as np

    v = ctx.v
    cat = ctx.mask(("category", category))
    if not cat.any() or not v.intents:
        return scores, raw, mask
    top = float(scores.max()) or 1.0
    scores = scores + cat * top
    want = v.intents.overview.get(category)
    if first is not None and (mask[first] or cat[first]):
        want = None
    if want and (overview := ctx.docnum(want)) is not None and cat[overview]:  # an overview of this category
        scores[overview] += top
    raw = np.where(cat, np.maximum(raw, float(raw.max()) * RELATIVE_CUTOFF), raw)
    return scores, raw, mask | cat


def numeric(ctx: Context) -> NDArray:
    """Per document, 1.0 if its answer holds a number (a term of digits in a_words),
    else 0.0: made once per version from the term list (as the stems are), so a
    query asking for a quantity pays one multiplication."""
    v = ctx.v
    if v.numeric is None:
        import numpy as np

        imp = ctx.impact()
        indptr, docs = imp.indptr["a_words"], imp.docs["a_words"]
        rows = np.fromiter((r for t, r in imp.terms["a_words"].items() if t.isdigit()), dtype=np.int64)
        got = np.zeros(imp.n)
        if len(rows):
            starts, ends = indptr[rows], indptr[rows + 1]
            sizes = ends - starts
            at = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
            got[docs[at]] = 1.0
        v.numeric = got
    return v.numeric
