"""The relevance modules applied to one version: specificity.py (a short query's best
candidates re-judged by their own question; a general entry before one that narrows it),
intent.py (a query that only names a category), scope.py (a query naming a neighbouring subject) and prefix.py (a half-typed
last word). Each one's data is made by the first query that needs it, kept on the Version."""

from __future__ import annotations

import marshal
import math
from typing import TYPE_CHECKING

from ..analysis import HAN_RE, Analyzed, Token, is_han
from ..layout import CONTINUATION, FIT, GENERAL, PREFIXES, QUESTIONS, QUESTIONS_OFFSETS, TRANSLIT
from ..lexicon import Lexicon
from ..pinyin_stop import question_word_typed
from ..plan import Term, english_before, looks_like_pinyin, query_terms, text_topic_features, typed_as_pinyin
from ..specificity import Prepared, entry_phrasings, prepared
from .context import Context
from .coverage import coverage, held_by, unit_words

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from numpy.typing import NDArray

    from ..continuation import Phrasings
    from ..impact import ImpactIndex
    from ..intent import Intents
    from ..phrasing_fit import Follows, Weights
    from ..plan import QueryPlan
    from ..prefix import Completion, Dictionary, General
    from ..scope import Scope
    from ..translit_prefix import Keys
    from .answered import Signals, Unit
    from .version import Version

CONDITION_POOL = 4  # condition_first: candidates looked at below the first (as specificity.GENERAL_POOL)
# conditions whose entry is taken from anywhere in the ranking, not only the next few: the words
# stating them say what is asked (the number back, access lost, a time, documents) though the
# entry for it shares few of the question's other words (号被回收了…拿回来: restore, not the
# lapsed-number entry; dev5 real 0.887 -> 0.900, combo both@3 +1; docs/relevance.md)
CONDITION_ANYWHERE = ("asks_how", "on_behalf", "cancelled", "restore", "timing", "documents")
OWN_WORD = 1.0  # a word (or pair) of this log-odds or more speaks for our subject (beyond_setting)
PREFIX_OTHERS = 0.3  # share of a word's boost for a half-typed word's other completions (prefix.py)
PREFIX_FILLER = 0.4  # share of a word's boost for a Chinese half-typed query's filler words (subject_damped)


def specific(ctx: Context, scores: NDArray, analyzed: list[Analyzed], lex: Lexicon, imp: ImpactIndex) -> NDArray:
    """A short query's best few candidates re-judged by how much of their own question
    (in the query's language) the query covers (specificity.py)."""
    import numpy as np

    from ..specificity import CANDIDATES, held_specificity, held_words

    if len(scores) <= 1:
        return scores
    cand = np.argpartition(-scores, min(CANDIDATES, len(scores) - 1))[:CANDIDATES]
    cand = cand[scores[cand] > 0].tolist()
    held = held_words({t.text for a in analyzed for t in a.words}, lex.holders)
    out = scores.copy()
    for d in cand:
        phrasings = _phrasings(ctx, d, lex, imp)
        if phrasings is not None:
            out[d] *= 1 + ctx.knobs["specific"] * held_specificity(held, phrasings)
    return out


def general_first(ctx: Context, scores: NDArray, analyzed: list[Analyzed], lex: Lexicon, imp: ImpactIndex) -> NDArray:
    """The first candidate gives way to a close one (scored at least GENERAL_NEAR of it)
    whose question it only narrows with a condition the query does not state
    (specificity.adds_condition): the general entry answers the general question."""
    from ..specificity import GENERAL_NEAR, adds_condition, question_words

    def narrowed(held: set[str], first: tuple[Prepared, ...]) -> Callable[[tuple[Prepared, ...]], bool]:
        asked = question_words(first)
        return lambda other: adds_condition(held, asked, question_words(other))

    return _give_way(ctx, scores, analyzed, lex, imp, GENERAL_NEAR, narrowed)


def question_first(ctx: Context, scores: NDArray, analyzed: list[Analyzed], lex: Lexicon, imp: ImpactIndex) -> NDArray:
    """The first candidate gives way to a close one (scored at least QUESTION_NEAR of it) whose
    own question names more of the query's rare words, one of them said in none of the first's
    phrasings (specificity.asks_more): the entry asking about Gosuslugi answers a Gosuslugi
    question that a bank-app entry, mentioning Gosuslugi in its answer, matched as well."""
    from ..specificity import QUESTION_NEAR, asks_more, phrasing_words, question_words

    def asks_better(held: set[str], first: tuple[Prepared, ...]) -> Callable[[tuple[Prepared, ...]], bool]:
        asked, said = question_words(first), phrasing_words(first)
        return lambda other: asks_more(held, asked, question_words(other), said)

    return _give_way(ctx, scores, analyzed, lex, imp, QUESTION_NEAR, asks_better)


def _give_way(ctx: Context, scores: NDArray, analyzed: list[Analyzed], lex: Lexicon, imp: ImpactIndex, near: float,
              better: Callable[[set[str], tuple[Prepared, ...]], Callable[[tuple[Prepared, ...]], bool]]) -> NDArray:
    """general_first's and question_first's one step: of the candidates scored at least ``near``
    of the first (the first GENERAL_POOL + 1, as np.argsort(-scores) orders them), the first
    that ``better(held, first's phrasings)`` accepts goes just above the first; the rest keep
    their order."""
    from ..impact import leading
    from ..specificity import GENERAL_POOL, held_words

    order = leading(scores, near, GENERAL_POOL + 1)
    if len(order) <= 1:  # no close candidate (or no score)
        return scores
    top = order[0]
    first = _phrasings(ctx, top, lex, imp)
    if first is None:
        return scores
    accepts = better(held_words({t.text for a in analyzed for t in a.words}, lex.holders), first)
    for d in order[1:]:
        other = _phrasings(ctx, d, lex, imp)
        if other is not None and accepts(other):
            out = scores.copy()
            out[d] = scores[top] * 1.0001  # just above: the rest keep their order
            return out
    return scores


def _phrasings(ctx: Context, d: int, lex: Lexicon, imp: ImpactIndex) -> tuple[Prepared, ...] | None:
    """Document ``d``'s phrasings (entry_phrasings, prepared: written by the build, QUESTIONS; read
    as a query would for a version built before it; None when its entry is gone); kept per
    version, as tuples (kept lists would stay in every full collection's walk), each with its
    total idf and joined words (specificity.prepared)."""
    v = ctx.v
    phrasings = v.questions.get(d)
    if phrasings is None:
        blob = ctx.blob(QUESTIONS, QUESTIONS_OFFSETS, d)
        if blob is not None:
            got = marshal.loads(blob)
            # prepared at build (a tuple); a version built before that has entry_phrasings' list
            phrasings = got if isinstance(got, tuple) else prepared(got)
        else:
            entry = v.entries.get(ctx.doc_id(d))
            if entry is None:
                return None
            phrasings = prepared(entry_phrasings(entry, lex, imp))
        phrasings = v.questions.put(d, phrasings)
    return phrasings


def intent(ctx: Context, query: str, spelled: dict, lex: Lexicon) -> str | None:
    """The category the query only names (kb/categories.yaml), as typed, with the typos
    did-you-mean corrected (``spelled``: its answers for this query) or its Taiwan/HK
    words read as the kb's mainland ones (kb/regional.yaml), if any."""
    intents = intents_of(ctx)
    if not intents:
        return None
    got = intents.category(query, _fixed(spelled))
    return got if got or (meant := lex.mainland(query)) is None else intents.category(meant)


def concept(ctx: Context, query: str, spelled: dict, lex: Lexicon, alone: bool = True) -> int | None:
    """The document answering the concept the query only names (categories.yaml
    ``concepts``), read as `intent` reads a category, if any. ``alone``: the query is
    finished, so the concepts read only alone count (not while it is typed)."""
    intents = intents_of(ctx)
    if not intents:
        return None
    entry = intents.concept(query, _fixed(spelled), alone=alone)
    if entry is None and (meant := lex.mainland(query)) is not None:
        entry = intents.concept(meant, alone=alone)
    return None if entry is None else ctx.docnum(entry)


def condition_first(ctx: Context, scores: NDArray, query: str, lex: Lexicon) -> NDArray:
    """A query stating a condition (categories.yaml ``abroad``: the reader is outside Russia;
    ``on_behalf``: someone else acts for them): when the first candidate has an entry answering
    it under that condition among the next few, that one goes first (how-to ->
    cancel-from-abroad; cancel-in-store -> cancel-by-representative). The converse of
    general_first; each condition is applied to the first as the one before it left it."""
    import numpy as np

    from ..intent import CONDITIONS

    intents = intents_of(ctx)
    if not intents or not intents.conditions or len(scores) <= 1:
        return scores
    meant = lex.mainland(query)
    stated = set(intents.stated(query)).union(intents.stated(meant) if meant is not None else ())
    for cond in CONDITIONS:
        if cond not in stated:
            continue
        order = np.argsort(-scores)[:CONDITION_POOL + 1].tolist()
        top = order[0]
        want = intents.conditions[cond][0].get(ctx.doc_id(top))
        if scores[top] <= 0 or want is None or (d := ctx.docnum(want)) is None or not (
                d in order[1:] or (cond in CONDITION_ANYWHERE and d != top and scores[d] > 0)):
            continue
        scores = scores.copy()
        scores[d] = scores[top] * 1.0001  # just above: the rest keep their order
    return scores


def intents_of(ctx: Context) -> Intents | None:
    """kb/categories.yaml's intents of this version, read by the first query that asks (None
    for a kb without it)."""
    v = ctx.v
    if v.intents is None:
        from ..intent import Intents

        v.intents = Intents.read(v.path) or False
    return v.intents or None


def _fixed(spelled: dict) -> dict[str, str]:
    """did-you-mean's corrections for this query: typed word -> its fix."""
    return {k[1]: f for k, f in spelled.items() if isinstance(k, tuple) and k[0] == "word" and f}


def neighbour(ctx: Context, query: str) -> str | None:
    """The neighbour class (kb/scope.yaml) the query names, if any: not answered. A query
    with Taiwan/HK words is read as meant (Lexicon.mainland: 網路 is 网络, 退租 is 注销), as
    the topic model reads it, and as typed when that names none (a name listed as typed)."""
    scope = _scope(ctx)
    if scope is None:
        return None
    meant = ctx.lexicon().mainland(query) if HAN_RE.search(query) else None
    return (meant is not None and scope.neighbour(meant)) or scope.neighbour(query)


def names_held(ctx: Context, name: str, query: str, before: str, texts: Iterable[str]) -> bool:
    """The names of neighbour class ``name`` (kb/scope.yaml) that ``query`` holds, ``before``
    (its text before the last word) holds too, and so do ``texts`` (Scope.held)."""
    scope = _scope(ctx)
    return scope is not None and scope.held(name, query, before, texts)


def _scope(ctx: Context) -> Scope | None:
    """The version's kb/scope.yaml (read once per version), or None when it has none."""
    v = ctx.v
    if v.scope is None:
        from ..scope import Scope

        v.scope = Scope.read(v.path) or False
    return v.scope or None


def foreign_object(ctx: Context, plan: QueryPlan, units: list[Unit]) -> str | None:
    """The word a cancel or refund question's action applies to when no entry holds it (nor is
    it a typo of a kb word) and the question names none of our objects (scope.Objects), or
    None: not answered."""
    scope = _scope(ctx)
    if scope is None or scope.objects is None:
        return None
    intents = intents_of(ctx)
    unknown = {w for w, u in zip(unit_words(plan.analyzed, units), units, strict=True)
               if not (u.df or u.typo or u.pairs) and not (intents and intents.is_filler(w))}
    what = scope.objects.foreign(plan.plain, ((t.text, t.start, t.end, t.script) for t in plan.analyzed.words),
                                 unknown.__contains__)
    return what if what and not scope.names_ours(plan.plain) else None  # a Russian SIM named is ours


def own_term(ctx: Context, plan: QueryPlan, units: list[Unit], doc: int) -> bool:
    """The query's cancel, close or refund word applies to a two-word term that the first hit
    ``doc``'s question or alternatives use as one (scope.Objects.terms: "top up" in "cancel
    auto top-up", "лицевой счёт", 增值业务), and every other word of it but the action is one
    the first hit's question or alternatives ask: it asks about the kb's own object, whatever
    the topic model read in its words ("Near-topic, tenth round", docs/relevance.md)."""
    scope = _scope(ctx)
    if scope is None or scope.objects is None:
        return False
    if not all(u.typo or scope.objects.is_action(w) or u.asks(doc)
               for w, u in zip(unit_words(plan.analyzed, units), units, strict=True)):
        return False
    terms = scope.objects.terms(plan.plain, ((t.text, t.start, t.end, t.script) for t in plan.analyzed.words))
    if not terms:
        return False
    phrasings = _phrasings(ctx, doc, plan.lexicon, ctx.impact())
    return phrasings is not None and any(f"\n{a}\n{b}\n" in p[3] for a, b in terms for p in phrasings)


def beyond_setting(ctx: Context, plan: QueryPlan, judged: Signals) -> Signals:
    """`answered`'s signals with the topic model's support read without the kb's setting
    (scope.yaml `setting`: Russia) when the query names none of our objects (`objects.ours`,
    `covers`): the country every question is asked in is no evidence that a question is about
    the SIM ("Near-topic, tenth round", docs/relevance.md). The signals shown keep the model's
    own value."""
    topic = judged.get("topic")
    scope = _scope(ctx)
    if topic is None or topic <= 0 or scope is None or scope.objects is None:
        return judged
    unset = scope.unset(plan.plain)
    if unset is None or scope.names_ours(plan.plain) or scope.objects.named(
            plan.plain, ((t.text, t.start, t.end, t.script) for t in plan.analyzed.words)):
        return judged
    model = ctx.topic()
    if model is None:
        return judged
    feats = text_topic_features(unset, plan.lexicon) if unset.strip() else []
    beyond = model.score(feats)
    # evidence for our subject beyond the setting: the rest of the query read as ours, or one of
    # its words (or pairs) read as ours strongly (保号 in "俄罗斯保号怎么弄", whose 怎么弄 leans away)
    if beyond > 0 or any(model.weights.get(f, 0.0) >= OWN_WORD for f in feats if not f.startswith(("p:", "b:"))):
        return judged
    out = judged.copy()
    out["topic"] = beyond
    return out


def dictionary(ctx: Context, lex: Lexicon | None = None) -> Dictionary:
    """The version's prefix.Dictionary, read as the build wrote it (PREFIXES) the first time
    (made from the entries for a version built before the file; counted in prefixes_made). Every
    prefix-mode verdict asks it, not only a completion: a query whose last word a space ended
    completes nothing, and its verdict (typing or told) must not hang on an earlier query."""
    from ..prefix import Dictionary, phrasings

    v = ctx.v
    if v.prefixes is None:
        lex = lex or ctx.lexicon()
        try:  # as the build made it (PREFIXES)
            v.prefixes = Dictionary.load(v.files.path(PREFIXES).read_bytes(), lex.vocab, lex.han_by_pinyin,
                                         lex.regional)
        except (OSError, ValueError, KeyError, TypeError, EOFError):  # a version built before the file
            v.prefixes = Dictionary.of(lex.vocab, lex.han_by_pinyin, lex.regional, phrasings(v.entries.values()))
            v.prefixes_made += 1
    return v.prefixes


def translit_keys(ctx: Context, lex: Lexicon) -> Keys:
    """The version's translit_prefix.Keys, read as the build wrote them (TRANSLIT) the first
    time (made from the lexicon for a version built before the file; counted in translit_made)."""
    from ..translit_prefix import Keys

    v = ctx.v
    if v.translit is None:
        try:
            v.translit = Keys.load(v.files.path(TRANSLIT).read_bytes())
        except (OSError, ValueError, EOFError, TypeError):  # a version built before the file
            v.translit = Keys.of(lex.vocab)
            v.translit_made += 1
    return v.translit


def in_general_use(v: Version) -> General:
    """The words in general use the build wrote (layout.GENERAL), read once per version by the
    first query that asks; none for a version built before them."""
    from ..prefix import General, load_general

    if v.general is None:
        try:
            v.general = load_general(v.files.path(GENERAL).read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            v.general = False
    return v.general or General()


def typo_start(v: Version) -> Callable[[str], bool]:
    """Whether a last word that starts no kb word is no start of a word in general use either
    (растарж, вазвр: a typo; not studi, viet, вост: words the kb lacks)."""
    general = in_general_use(v)
    return lambda low: general.after(low) is None


def complete(ctx: Context, query: str, lex: Lexicon, asked: bool = True,
             mend: Callable[[str], bool] | None = None) -> Completion | None:
    """prefix.complete on this version's words; a candidate's fit with the rest of the
    query is the best coverage of the rest among the entries holding the candidate.
    ``asked``: candidates ranked by the kb's phrasings first (False: by its counts, as exact
    search's _confirm reads a last word, so that exact results do not move). ``mend``: a last
    word that starts nothing goes on as its one-edit starts do when ``mend`` says so (the panel's),
    and a Latin one as the Cyrillic words it spells the start of (translit_prefix: the panel's too)."""
    from ..analysis import fold_han
    from ..prefix import complete as complete_words
    from ..prefix import starts_han, starts_word

    words = dictionary(ctx, lex)
    imp = ctx.impact()
    fit = _RestFit(ctx, lex, imp)

    def starts(word: str) -> bool:
        return starts_word(words, word)

    def known(word: str) -> bool:  # another form of a kb word (cancelling), a whole Chinese word
        toks = lex.analyzer.analyze(word, query=True).words
        if not toks:  # a stop word (от, после, the): a whole word already
            return True
        # (a word's stem the kb has is no whole word while kb words go on from it: блокир, expir)
        last = _last_typed(toks)
        if last.script == "han":
            # a word the segmenter knows that is no kb word while kb words go on from it is half
            # typed (俄罗: 俄罗斯); its last character going on was tried too (卡套: 套餐): blind
            # prefix s@1 down, not kept
            seg = fold_han(last.text)
            return len(seg) > 1 and (seg in words.counts or not starts_han(words, seg))
        return (
            len(toks[-1].text) >= 4 and toks[-1].text in lex.stems and not starts(word))

    if (asked and question_word_typed(query, lex.table)  # 怎么 in pinyin, typed whole: zenme, ke yi (pinyin_stop.py)
            or intent(ctx, query, {}, lex) or concept(ctx, query, {}, lex, alone=False) is not None):
        return None  # a query naming a category or a concept as typed is finished (俄罗斯卡: not 卡里)
    rest = query.rsplit(None, 1)[0] if " " in query else ""
    intents = intents_of(ctx)  # (the words before ask nothing yet: filler, the subject)
    bare = asked and bool(rest.strip()) and intents is not None and not intents.key(rest)
    pinyin_first = bool(rest) and (typed_as_pinyin if asked else looks_like_pinyin)(rest, lex)
    # the panel's pinyin completion goes on as the kb's phrasings do (phrasing_fit.Follows); not
    # exact search's _confirm (asked=False), which must read a last word as before
    russian = (_russian_starts(ctx, lex, query, mend, words.pinyin)
               if asked and mend is not None and not pinyin_first else None)  # (the panel's, as ``mend``)
    done = complete_words(query, words, lex.table.split, fit, pinyin_first=pinyin_first, known=known, asked=asked,
                          bare=bare, follows=fit_model(ctx, lex)[1].counts if asked and pinyin_first else None,
                          mend=mend if asked else None,  # (a typo'd start: the panel's, not _confirm's)
                          russian=russian, after=_after(ctx.v) if asked else None,
                          english=asked and bool(rest) and english_before(rest, lex), fit_most=fit.most)
    return _in_cyrillic(ctx, done) if russian is not None and done is not None else done


def _after(v: Version) -> Callable[[list[tuple[str, str, int]], str], list[tuple[str, str, int]]]:
    """word_follows.ordered on this version's ru/en phrasings' word pairs, read (continuation's
    file holds them: Phrasings.follows) by the first completion that has candidates to order."""
    def after(cands: list[tuple[str, str, int]], rest: str) -> list[tuple[str, str, int]]:
        from ..word_follows import ordered

        if v.word_follows is None:
            v.word_follows = continuation_model(v).follows()
        return ordered(cands, v.word_follows, rest)

    return after


class _RestFit:
    """A completion's candidate's fit with the rest of the query (`complete`): the best coverage
    of the rest among the documents holding the candidate, the rest's coverage worked out once."""

    def __init__(self, ctx: Context, lex: Lexicon, imp: ImpactIndex) -> None:
        self.ctx, self.lex, self.imp = ctx, lex, imp
        self.cov: dict[str, NDArray | None] = {}

    def coverage(self, rest: str) -> NDArray | None:
        if rest not in self.cov:
            self.cov[rest] = coverage(self.ctx, self.lex.analyzer.analyze(rest, query=True), self.lex, self.imp)
        return self.cov[rest]

    def most(self, rest: str) -> float:
        """No candidate fits better (a fit: the rest's coverage of a document, or 0, or -1)."""
        cov = self.coverage(rest)
        return 0.0 if cov is None else max(0.0, float(cov.max())) if len(cov) else math.inf

    def __call__(self, rest: str, cand: str) -> float:
        cov = self.coverage(rest)
        toks = self.lex.analyzer.analyze(cand, query=True).words
        if cov is None or not toks:
            return 0.0
        held = held_by(self.ctx, toks[0].text, toks[0].script, self.lex, self.imp)[0]  # (cov >= 0: its max where held)
        return float(cov[held].max()) if len(held) else -1.0


def _in_cyrillic(ctx: Context, done: Completion) -> Completion:
    """translit_prefix.in_cyrillic, imported only for an ASCII word completed (its own first test)."""
    if not done.word.isascii():
        return done
    from ..translit_prefix import in_cyrillic

    return in_cyrillic(done, ctx.speller)


def _russian_starts(ctx: Context, lex: Lexicon, query: str, mend: Callable[[str], bool],
                    pinyin: list[str]) -> Callable[[str], list[str]]:
    """translit_prefix.russian_starts for ``query``, imported and made at its first call: most
    panel queries end in a word some kb word goes on from and never ask (the module's import
    was ~1.5 ms of a fresh process's first panel query)."""
    made: list[Callable[[str], list[str]]] = []

    def starts(word: str) -> list[str]:
        if not made:
            from ..translit_prefix import russian_starts

            made.append(russian_starts(lambda: translit_keys(ctx, lex), query, ctx.speller, mend, pinyin,
                                       lex.table.split))
        return made[0](word)

    return starts


def fit_model(ctx: Context, lex: Lexicon) -> tuple[Weights, Follows]:
    """The Chinese phrasings' token weights and what follows what (phrasing_fit.Weights,
    Follows), read or made by the first query that asks for either."""
    v = ctx.v
    if v.fit_weights is None or v.follows is None:
        _read_fit(v, lex)
    assert v.fit_weights is not None and v.follows is not None
    return v.fit_weights, v.follows


def _read_fit(v: Version, lex: Lexicon) -> None:
    """phrasing_fit's weights and Follows as the build wrote them (layout.FIT); made from the
    entries, as the build makes them, for a version built before it."""
    from .. import phrasing_fit as pf

    try:
        weights, follows = pf.load(v.files.path(FIT).read_bytes())
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        weights = pf.Weights.of((pf.zh_phrasings(e) for e in v.entries.values()), lex.chars)
        follows = pf.Follows((p for e in v.entries.values() for p in pf.zh_phrasings(e)), lex.chars)
        v.phrasings_made += 1
    if v.fit_weights is None:
        v.fit_weights = weights
    if v.follows is None:
        v.follows = follows


def continuation_model(v: Version) -> Phrasings:
    """The ru/en phrasings a half-typed query goes on as (continuation.Phrasings), as the build
    wrote them (layout.CONTINUATION), read by the first query that asks; made from the entries,
    as the build makes them, for a version built before it."""
    from ..continuation import Phrasings, latin_phrasings

    if v.phrasings is None:
        try:
            v.phrasings = Phrasings.load(v.files.path(CONTINUATION).read_bytes())
        except (OSError, ValueError, EOFError, TypeError, KeyError):
            v.phrasings = Phrasings.of(latin_phrasings(v.entries.values()))
            v.phrasings_made += 1
    return v.phrasings


def subject_damped(ctx: Context, plan: QueryPlan, lang: str | None) -> None:
    """A half-typed Chinese query (Han or pinyin) that asks something beyond its filler
    (categories.yaml's: 俄罗斯, 号码, 卡, eluosi, question words) has its filler words' terms,
    and the pieces of its Chinese ones (罗斯, 俄罗), at PREFIX_FILLER of their boost: every
    entry holds the subject, so the few words typed that narrow it (欠费 in 俄罗斯电话卡欠费)
    decide, as they do for a reader skimming the questions. Terms of other scripts and other
    languages' queries are left alone. Work: one pass over the terms per filler word held."""
    intents = intents_of(ctx)
    if lang != "zh" or intents is None or not intents.key(plan.query):
        return
    inside = intents.han_filler_in(plan.query)  # (the analyzer's pieces of 俄罗斯: 罗斯, the bigram 俄罗)
    seen: dict[str, bool] = {}  # (a term is in several fields: folded once, OpenCC ~3 µs a call)

    def filler(t: str) -> bool:
        got = seen.get(t)
        if got is None:
            got = seen[t] = bool((is_han(t) or t.isascii()) and intents.is_filler(t)
                                 or is_han(t) and any(t in w for w in inside))
        return got

    def damped(terms: list[Term]) -> list[Term]:
        return [(f, t, b * PREFIX_FILLER if filler(t) else b) for f, t, b in terms]

    plan.terms, plan.reading_terms = damped(plan.terms), damped(plan.reading_terms)


def _last_typed(toks: list[Token]) -> Token:
    """The word typed last: not a Taiwan/HK run's mainland reading, which the analyzer adds
    after the words as typed, spanning the whole run (門號不 ends in 不, not in 号码: read as
    its reading, a Traditional run holding a regional word was never completed)."""
    return next((t for t in reversed(toks) if t.script != "han" or t.end - t.start == len(t.text)), toks[-1])


def other_completions(ctx: Context, completion: Completion, lex: Lexicon) -> list[Term]:
    """The terms of a half-typed word's other completions, for recall (PREFIX_OTHERS)."""
    if len(completion.expansions) <= 1:
        return []
    others = lex.analyzer.analyze(" ".join(completion.expansions[1:]), query=True)
    return [(f, t, b * PREFIX_OTHERS) for f, t, b in query_terms(others, lex.synonyms, ctx.weights, ctx.knobs)]
