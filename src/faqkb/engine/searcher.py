"""`Searcher`: one index version opened, followed across rebuilds, and searched. The steps
of a search are the engine's modules (query, ranking, hits, didyoumean, explain); each is
handed a `Context` (the version the query runs on, the weights and knobs), never the
Searcher itself."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analysis import Analyzer, guess_lang, untoned
from ..diversity import diversify
from ..errors import REBUILD, IndexNotReady
from ..kbase.model import Entry, Fact
from ..layout import GENERAL, IndexInfo, current_version, readable_version
from ..lexicon import Lexicon
from ..plan import BM25F_PLAN, PLAN, QueryPlan, Term, looks_like_pinyin, query_terms, typed_as_pinyin
from ..plan import text_topic_features as topic_features_of
from ..snippets import Span, needles
from . import panel_order
from .context import Context
from .didyoumean import MAX_SUGGEST_CHARS, correction
from .fields import K1, WEIGHTS, B
from .hits import hit_marks, make_hit, marker
from .params import check_params
from .ranking import Scored, judge, kept, score
from .relevance import (
    complete,
    dictionary,
    intents_of,
    names_held,
    other_completions,
    subject_damped,
)
from .results import Results
from .version import Version

if TYPE_CHECKING:
    from ..analysis import Analyzed
    from ..impact import ImpactIndex
    from ..prefix import General
    from ..spelling import Speller
    from ..topic import TopicModel
    from .explain import Explanation


def _word_ended(query: str) -> bool:
    """prefix.word_ended, imported only by a prefix search: prefix.py's import (its patterns'
    Han classes compiled) was ~11 ms of every cold `faqkb search`, which asks no prefix."""
    from ..prefix import word_ended

    return word_ended(query)


class Searcher:
    """Search one index version. Cheap to keep open; ``refresh()`` follows rebuilds.

    ``Searcher(index_dir)`` opens the live version; ``version_dir=`` opens one version
    directly (used to verify a build before it goes live)."""

    def __init__(self, index_dir: str | Path | None = None, *, version_dir: str | Path | None = None,
                 weights: dict[str, float] | None = None, ranking: str = "v2",
                 plan: dict[str, float] | None = None, on_load: Callable[[bool], None] | None = None) -> None:
        self.index_dir = Path(index_dir) if index_dir else None
        # Called when a version (True: replacing another) or one of its parts has loaded:
        # the process's garbage-collector policy (service.settle), not the library's to set.
        self.on_load = on_load
        self.weights = {**WEIGHTS, **(weights or {})}  # overridable for tuning (bench/quality.py)
        self.ranking = ranking  # "bm25f": whoosh's BM25F exactly (tests/test_impact.py); "v2": PLAN on top
        self.plan = {**(BM25F_PLAN if ranking == "bm25f" else PLAN), **(plan or {})}
        self._local = threading.local()
        self._lock = threading.Lock()
        self._left: set[Path] = set()  # versions this searcher switched away from: never back
        self._open(Path(version_dir) if version_dir else self._live())

    # -- opening and following rebuilds

    def _live(self) -> Path:
        if self.index_dir is None:
            raise IndexNotReady("no index folder given; pass index_dir or version_dir")
        version = readable_version(self.index_dir)
        if version is None:
            raise IndexNotReady(f"no index at {self.index_dir}; {REBUILD}")
        return version

    def _open(self, version: Path) -> None:
        v = Version.open(version)
        replaced = getattr(self, "_v", None) is not None
        self._v = v  # one assignment: atomic for readers
        if self.on_load is not None:
            self.on_load(replaced)

    def refresh(self) -> bool:
        """Switch to the live version if a build replaced it; True if it did. Switches only
        move forward: CURRENT is read again under the lock (a thread that read it before
        another build landed must not put the older version back), and a version this
        searcher has left is never opened again."""
        if self.index_dir is None:
            return False
        version = current_version(self.index_dir)
        if version is None or version == self._v.path:
            return False
        with self._lock:
            version = current_version(self.index_dir)
            if version is None or version == self._v.path or version in self._left:
                return False
            old = self._v.path
            self._open(version)
            self._left.add(old)
            return True

    def close(self) -> None:
        if self._v.whoosh_index is not None:
            self._v.whoosh_index.close()
        self._v.files.close()

    def _context(self, v: Version | None = None) -> Context:
        return Context(v or self._v, self.weights, self.plan, self.on_load, self._whoosh)

    def _whoosh(self, v: Version) -> Any:
        """A whoosh searcher per thread and version (they are not shared across threads)."""
        cached = getattr(self._local, "s", None)
        if cached is None or cached[0] is not v:
            if cached is not None:
                cached[1].close()
            from whoosh import scoring

            cached = (v, v.ix.searcher(weighting=scoring.BM25F(B=B, K1=K1)))
            self._local.s = cached
        return cached[1]

    # -- what the live version holds

    @property
    def info(self) -> IndexInfo:
        return self._v.info

    @property
    def entries(self) -> dict[str, Entry]:
        return self._v.entries

    @property
    def entry_count(self) -> int:
        return len(self._v.entries)

    def entry(self, entry_id: str) -> Entry | None:
        return self._v.entries.get(entry_id)

    def facts(self) -> dict[str, Fact]:
        """The source register (kb/facts.yaml) of this index version, by fact id."""
        return self._v.facts

    # -- its parts, for tools, the build's verify step and tests

    @property
    def lexicon(self) -> Lexicon:
        """The kb's lexicon: pruned dictionary, pinyin table, synonyms, words."""
        return self._context().lexicon()

    @property
    def impact(self) -> ImpactIndex:
        """The impact arrays (impact.ImpactIndex): every term's postings and BM25F impacts."""
        return self._context().impact()

    @property
    def speller(self) -> Speller:
        """Did-you-mean's speller (spelling.Speller) on the kb's words."""
        return self._context().speller()

    @property
    def topic_model(self) -> TopicModel | None:
        """The topic model `answered` weighs (None for a kb without offtopic.yaml)."""
        return self._context().topic()

    def whoosh_searcher(self) -> Any:
        """This thread's whoosh searcher on the live version (the reference the impact
        arrays are tested against: an index built with ``reference=True``)."""
        return self._whoosh(self._v)

    def marks(self, doc: int) -> dict[str, tuple[tuple, tuple]]:
        """Document ``doc``'s highlighting marks per language: (question's, answer's)."""
        return self._context().stored(doc)["marks"]

    def hit_marks(self, doc: int, lang: str) -> tuple:
        """The marks a hit of ``doc`` in ``lang`` is highlighted with, as it reads them:
        (question's, answer's), each snippets.compact_marks of the text's marks."""
        return hit_marks(self._context(), doc, lang)

    def cache_info(self) -> dict[str, tuple[int, int]]:
        """Per cache the live version keeps: (values held, values made since it opened)."""
        return self._v.cache_info()

    def cache_bytes(self) -> dict[str, int]:
        """Per cache the live version keeps: the bytes it holds, as its budget in bytes counts
        them (docs/engine.md, "What a query keeps for the next ones")."""
        return self._v.cache_bytes()

    def analyzer(self) -> Analyzer:
        return self.lexicon.analyzer

    # -- reading a query

    def query_plan(self, query: str) -> QueryPlan:
        """What ``query`` asks, read with the live version's lexicon (plan.py)."""
        return QueryPlan.make(check_params(query, None, None, 1, 1), self.lexicon, self.weights, self.plan)

    def query_lang(self, query: str, lex: Lexicon | None = None, typing: bool = False) -> str | None:
        """zh, ru or en by the query's letters; Latin letters that read as pinyin are zh
        (``typing``: as the panel reads them, plan.typed_as_pinyin)."""
        lang = guess_lang(query)
        if lang == "en" and (typed_as_pinyin if typing else looks_like_pinyin)(query, lex or self.lexicon):
            return "zh"
        return lang

    def terms(self, a: Analyzed, syn: dict) -> list[Term]:
        """The scored terms of an analyzed query (query.query_terms, with this searcher's
        weights and knobs)."""
        return query_terms(a, syn, self.weights, self.plan)

    def topic_features(self, text: str) -> list[str]:
        """The topic model's features of ``text`` read as a query (what a build learns from:
        plan.text_topic_features)."""
        return topic_features_of(text, self.lexicon)

    def marker(self, query: str) -> Callable[[str], list[Span]]:
        """A function giving the spans of ``query``'s words (same analysis as a search, so
        synonyms, other scripts and homophone typos) in any text: entry pages mark the
        words the reader searched for."""
        return marker(self.lexicon, check_params(query, None, None, 1, 1))

    def whoosh_search(self, query: str, limit: int = 10, category: str | None = None) -> Any:
        """The same query scored by whoosh's own BM25F matchers (the reference the impact
        arrays are tested against: tests/test_impact.py), on an index built with
        ``build_index(..., reference=True)`` (only it has postings for the scored fields).
        Returns whoosh Results."""
        from whoosh import query as wq

        ctx = self._context()
        lex = ctx.lexicon()
        a = lex.analyzer.analyze(query, query=True)
        union = wq.Or([wq.Term(f, t, boost=b) for f, t, b in self.terms(a, lex.synonyms)])
        if a.bigrams:
            union.matcher_type = wq.Or.ARRAY_MATCHER
        flt = wq.Term("category", category) if category else None
        return ctx.whoosh().search(union, limit=limit, filter=flt)

    # -- searching

    def search(self, query: str, lang: str | None = None, category: str | None = None,
               limit: int = 10, page: int = 1, *, suggest: bool = True, script: str | None = None,
               prefix: bool = False, correct: bool = True) -> Results:
        """Entries matching ``query``, best first, shown in ``lang`` where they have it
        (Chinese in Traditional characters when ``script`` is "Hant"). ``prefix``: the
        query is still being typed, its last word is the start of a word (prefix.py) unless
        the text ends in whitespace (prefix.word_ended: "how to ", the word is finished): then
        it is read whole, as exact search reads it, and the rest of prefix mode stays.
        ``correct``: when the query finds no answer and did-you-mean's correction does,
        the correction's results (``Results.corrected`` says so; False: as typed)."""
        ctx = self._context()
        # a trailing space ends the last word: checked here, on the text as typed (the bounds strip it)
        begun = prefix and not (isinstance(query, str) and _word_ended(query))
        ranked: dict = {}  # the correction's ranking, made by the suggestion's check (_suggestion)
        res = self._search(ctx, query, lang, category, limit, page, suggest=suggest, script=script, prefix=begun,
                           ranked=ranked, panel=prefix)
        # a confident correction is applied; not to a question the scope declined (its neighbour's
        # name is no typo of ours: "apn" is not "app"). A query answered only as its words were
        # read (signals "read": zakryt as закрыть) shows the correction's results too, as before
        # `answered` read them: the ranking of the words as meant, not of the letters typed.
        if (correct and res.suggestion and (not res.answered or res.signals.get("read"))
                and "scope" not in res.signals):
            fixed = self._search(ctx, res.suggestion, lang, category, limit, page, suggest=False, script=script,
                                 ranked=ranked)
            fixed.rankings += res.rankings
            if fixed.answered:
                fixed.query, fixed.corrected = res.query, res.suggestion
                return fixed
            res.rankings = fixed.rankings
        if (correct and not prefix and res.hits and not res.answered and "scope" not in res.signals
                and len(res.query) <= MAX_SUGGEST_CHARS):  # (as did-you-mean: a question, not a page of text)
            self._confirm(ctx, res, lang, category, limit, page, script)
        if (begun and res.hits and not res.answered and "scope" not in res.signals
                and len(res.query) <= MAX_SUGGEST_CHARS):  # (a word ended: res is already as typed)
            self._settle(ctx, res, lang, category, limit, page, script)
        if prefix and not res.answered and "scope" not in res.signals:
            res.typing = self._begun(ctx, res.query)
            if res.typing and not res.signals.get("prefix"):
                self._likeliest(ctx, res, lang, category, limit, page, script, begun=begun)
        if prefix and page == 1:
            panel_order.order_page(ctx, res, lang, category, limit, script, begun)
        if prefix and not res.answered and not res.typing and "scope" not in res.signals:
            self._unfinished(ctx, res, begun)
        if prefix and not res.answered and not res.typing and res.hits and "scope" in res.signals:
            res.typing = self._outgrown(ctx, res) or (begun and self._object_begun(ctx, res))
        return res

    @staticmethod
    def _outgrown(ctx: Context, res: Results) -> bool:
        """A half-typed query the scope declined for a neighbour class whose names, as the
        query writes them, the first hit's own phrasings hold too (漫游包 in "漫游包 每天扣钱":
        uncovered-services; 支付宝账号 in "支付宝账号换绑": app-accounts' 支付宝 + 账号) is still
        `typing`, not told, when the reader went on after the name (the text before its last
        word names it alike) and the text asks nothing yet and ends no sentence: the entry asks
        about that thing from our side, and the words that would bring the question there (the
        class's `unless`: 扣费, charged, 俄号) may be the ones still to come (漫游包回国了…,
        支付宝账号用的…). A near-topic question typed whole asks (怎么注销, 用唔用到) or ends in
        the name (註銷X帳號): judged as before. `answered` stays false: every decline total is
        as before. Bounded: the first hit's MAX_PHRASINGS phrasings, each looked up once."""
        from ..prefix import MAX_PHRASINGS, asks, before_last, ends_sentence
        from ..scope import ALONE

        name = res.signals["scope"]
        if not isinstance(name, str) or name == ALONE or ends_sentence(res.query) or asks(res.query):
            return False
        first, rest = ctx.v.entries.get(res.hits[0].id), before_last(res.query)
        if first is None or rest is None:
            return False
        # (the reader went on after the name: a keyword phrase ending in it, 注销X账号, is typed whole)
        return names_held(ctx, name, res.query, rest, islice(_phrasings(first), MAX_PHRASINGS))

    @staticmethod
    def _object_begun(ctx: Context, res: Results) -> bool:
        """A query the scope declined for another object that is its last word, cut mid-way
        (расторжение чере, 销户还收手: object_begun.py), is `typing`, not told."""
        from ..object_begun import object_begun

        return object_begun(res.query, res.signals["scope"], dictionary(ctx), _general(ctx.v))

    @staticmethod
    def _unfinished(ctx: Context, res: Results, begun: bool) -> None:
        """A query not answered in the middle of a word or clause (prefix.still_typing) is
        `typing`, not told "no direct answer": the verdict was on a guess. `answered`, which
        every decline total counts, stays false; a neighbour the scope named stays declined, as
        for a query only begun (how to close my bank acc). Dev prefix sets (uniform cuts): told
        0.023 -> 0.018; dev near-topic questions typed whole into the panel: 1 of 426 more
        typing (учёт: a form the kb lacks that a kb word goes on from). So is a last word still
        being typed that is a typo cut mid-way (prefix.typo_begun: растаргну; keystroke cuts of
        real questions told 0.0237 -> 0.0186, near-topic typed whole 1 of 666 more typing).
        The kb's words are read here if no completion read them (a word ended by a space):
        the verdict must not hang on what the process searched before."""
        from ..prefix import cut_mid_word, space_typed_on, still_typing, typo_begun

        words = dictionary(ctx)
        res.typing = still_typing(res.query, res.signals.get("prefix"), words)
        if not res.typing and not begun:  # a space typed after the last word: the next one is coming
            res.typing = space_typed_on(res.query)
        if not res.typing and begun:  # a word cut mid-way with a typo (typo_begun), still being typed
            res.typing = typo_begun(res.query, words, ctx.speller())
        if not res.typing and begun:  # a word the kb lacks cut mid-way (prefix.cut_mid_word: узбекиста)
            res.typing = cut_mid_word(res.query, words, _general(ctx.v))

    def _likeliest(self, ctx: Context, res: Results, lang: str | None, category: str | None, limit: int,
                   page: int, script: str | None, *, begun: bool = True) -> None:
        """A query only begun whose last word was left as typed (how to can, как по): the
        likeliest entries are those of the word read as a start (cancel, подписка), still
        not answered (the reader has not said it yet: a neighbour may follow). Not when a
        trailing space ended the word (not ``begun``: "how to can " asks can)."""
        from ..prefix import likeliest_start

        text = None
        if ctx.v.intents and not ctx.v.intents.key(res.query):  # filler alone (how, 请问): the subject
            text = self._subject_name(ctx, res.query_lang)
        if text is None and ctx.v.prefixes and begun:
            text = likeliest_start(res.query, ctx.v.prefixes)
        if text is None:
            return
        read = self._search(ctx, text, lang, category, limit, page, suggest=False, script=script)
        res.rankings += read.rankings
        if read.hits:
            res.hits, res.total = read.hits, read.total
            res.signals["prefix"] = {"searched": text, "expansions": []}

    def _begun(self, ctx: Context, query: str) -> bool:
        """A half-typed query only begun (prefix.barely_begun): "keep typing", not "no direct
        answer"; a neighbour the scope names stays declined (the caller's check)."""
        from ..prefix import barely_begun

        intents = intents_of(ctx)
        return intents is not None and barely_begun(query, intents.key(query), dictionary(ctx))

    def _confirm(self, ctx: Context, res: Results, lang: str | None, category: str | None, limit: int, page: int,
                 script: str | None) -> None:
        """A query not answered as typed is answered when its last word read as the start of
        a word (prefix.py, as the live panel reads it) answers it with the same first entry: a
        word cut short or in a form the kb lacks ("how to get my ref", жаловаться на опе)
        asked what the first hit answers. The results stay as typed; signals["prefix"] says
        what was read. Blind real declined: frozen 0.021 -> 0.011; no other total moved."""
        read = self._search(ctx, res.query, lang, category, limit, page, suggest=False, script=script, prefix=True,
                            asked=False)  # (the completion by the kb's counts: exact results as before)
        res.rankings += read.rankings
        completed = read.signals.get("prefix")
        if (completed and completed["expansions"] and read.answered and read.hits
                and read.hits[0].id == res.hits[0].id):
            res.answered, res.signals["prefix"] = True, completed

    def _settle(self, ctx: Context, res: Results, lang: str | None, category: str | None, limit: int, page: int,
                script: str | None) -> None:
        """A half-typed query (``prefix``) not answered as completed is answered when, read as
        typed (нет интернета посл: посл was read as последний, после being a stop word) or,
        when its last word was completed, without that word, it answers with the same first
        entry: the completion, not the question, was in doubt (_confirm's converse). Blind
        with prefix=true: head2 declined 0.005 -> 0.000, near-topic unchanged; cut set
        declined 0.043 -> 0.038. (Without the last word when it was not completed too, a
        neighbour's name there was dropped: near-topic declined 0.794 -> 0.769.) Without it too
        when it is one to three letters left as typed that longer kb words go on from (ru of
        russian, a kb word of mts.ru; д): cut set declined 15 -> 14 of 815, no blind total moved."""
        from ..prefix import before_last, short_start

        completed = res.signals.get("prefix")
        # without the last word when it was completed, or when it is a few letters left as
        # typed that longer kb words go on from (ru: russian; д: деньги): a word begun, not asked
        begun = completed["expansions"] if completed else short_start(ctx.v.prefixes, res.query)
        rest = before_last(res.query) if begun else None
        for typed in (res.query, *([rest] if rest else [])):
            read = self._search(ctx, typed, lang, category, limit, page, suggest=False, script=script)
            res.rankings += read.rankings
            if read.answered and read.hits and read.hits[0].id == res.hits[0].id:
                res.answered = True
                return

    @staticmethod
    def _subject_name(ctx: Context, qlang: str | None) -> str | None:
        """The subject category's first name (kb/categories.yaml) in the query's script."""
        intents = ctx.v.intents
        if not intents or not intents.subject:
            return None
        lang = qlang or "en"
        return next((n for n, cat in intents.names.items() if cat == intents.subject and n
                     and guess_lang(n) == lang and (lang != "en" or n.isascii())), None)

    def explain(self, query: str, lang: str | None = None, category: str | None = None,
                limit: int = 10) -> Explanation:
        """How ``search(query, lang, category, limit)`` came to its results: the plan with
        the index's additions (other stems, typo fixes), the terms scored, and for each hit
        its score per field, its BM25F score and coverage; `answered` and its signals."""
        from .explain import explanation

        ctx = self._context()
        trace: dict = {}
        res = self._search(ctx, query, lang, category, limit, 1, suggest=True, script=None, trace=trace)
        return explanation(ctx.v, res, trace)

    def _search(self, ctx: Context, query: str, lang: str | None, category: str | None, limit: int, page: int,
                *, suggest: bool, script: str | None, prefix: bool = False, trace: dict | None = None,
                ranked: dict | None = None, asked: bool = True, panel: bool = False) -> Results:
        """``panel``: the query as the panel and the API's prefix=true read it, its last word
        begun (``prefix``) or ended by a space: a Chinese one's filler at half weight
        (relevance.subject_damped). ``ranked``: rankings already made in this search, by (query, category): the
        suggestion's check ranks the correction, and a correction applied is that ranking."""
        query = check_params(query, lang, category, limit, page, script)
        lex = ctx.lexicon()
        qlang = self.query_lang(query, lex, typing=panel)
        res = Results(query=query, query_lang=qlang, total=0, page=page, limit=limit)
        query = untoned(query)  # pinyin with tone marks is searched as typed without (the echo keeps them)
        # as-you-type (prefix.py); a typo'd last word no word in general use begins goes on as
        # the kb's words one edit from it do (prefix.mended)
        completion = complete(ctx, query, lex, asked, _typo_start(ctx.v)) if prefix else None
        more: list[Term] = []
        if completion is not None:
            query, suggest = completion.text, False  # searched as completed; no did-you-mean
            more = other_completions(ctx, completion, lex)  # for recall
        spelled: dict = {}  # did-you-mean's answers for this query (the ranking and the suggestion ask alike)
        made = ranked.pop((query, category), None) if ranked is not None and not more else None
        if made is not None:  # the same plan and scores (a ranking is a function of the query and category)
            plan, scored = made
            docs = kept(ctx, scored, category, page, limit) if scored is not None else []
        else:
            plan, scored, docs = self._ranked(ctx, query, lex, category, page, limit, spelled, more, trace,
                                              damp=qlang if panel else None)
            res.rankings += 1
        if scored is not None and docs:
            res.total = len(docs)
            res.signals, res.answered = judge(ctx, scored, plan, docs[0])
            docs = self._diverse(docs, plan, scored, lambda text: self._clause(ctx, text, lex, category, res))
            shown = docs[(page - 1) * limit: page * limit]
            wanted = needles(plan.highlight)  # (once for every hit)
            for d, s in zip(shown, scored.scores[shown].tolist(), strict=True):
                hit = make_hit(ctx, d, s, lang or qlang, plan.highlight, lang, script, wanted)
                if hit is not None:
                    res.hits.append(hit)
        if suggest and len(query) <= MAX_SUGGEST_CHARS:  # a second search only when a word was corrected
            top = res.hits[0].score if res.hits else 0.0
            res.suggestion = self._suggestion(ctx, query, category, top, spelled, trace, ranked, res)
        if completion is not None:  # what the last word was read as
            res.signals["prefix"] = {"searched": completion.text, "expansions": completion.expansions}
        return res

    def _suggestion(self, ctx: Context, query: str, category: str | None, top: float,
                    spelled: dict | None = None, trace: dict | None = None, ranked: dict | None = None,
                    res: Results | None = None) -> str | None:
        """A corrected query, offered only if it finds something better than the original.
        Its ranking goes to ``ranked`` (search applies the correction with it) and is
        counted in ``res.rankings``."""
        fixed = correction(ctx, query, spelled)
        if fixed is None:
            return None
        if trace is not None:
            trace["suggestion_searched"] = fixed
        # The first hit's score of the corrected query, as its search would show it, without
        # making the hit (its snippet and marks were a tenth of a first-time query's time).
        query = check_params(fixed, None, category, 1, 1, None)
        plan, scored, docs = self._ranked(ctx, query, ctx.lexicon(), category, 1, 1, {})
        if res is not None:
            res.rankings += 1
        if ranked is not None:
            ranked[(query, category)] = (plan, scored)
        if scored is None or not docs:
            return None
        first = self._diverse(docs, plan, scored)[0]
        if ctx.v.entries.get(ctx.doc_id(first)) is None:  # no hit would be shown (make_hit)
            return None
        return fixed if float(scored.scores[first]) > top else None

    def _ranked(self, ctx: Context, query: str, lex: Lexicon, category: str | None, page: int, limit: int,
                spelled: dict, more: list[Term] | None = None, trace: dict | None = None,
                damp: str | None = None) -> tuple[QueryPlan, Scored | None, list[int]]:
        """``query``'s plan, its scores (None when it has no term) and the documents kept.
        ``damp``: a half-typed query's language (relevance.subject_damped; not exact search's
        _confirm, whose reading must rank as exact search does)."""
        plan = QueryPlan.make(query, lex, self.weights, self.plan, more=more, typing=damp is not None)
        if damp is not None:
            plan.typing = True
            subject_damped(ctx, plan, damp)
        if not plan.terms:
            return plan, None, []
        scored = score(ctx, plan, spelled)
        if trace is not None:
            trace["plan"], trace["scored"] = plan, scored
        return plan, scored, kept(ctx, scored, category, page, limit)

    def _diverse(self, docs: list[int], plan: QueryPlan, scored: Scored,
                 rank: Callable[[str], list[int]] | None = None) -> list[int]:
        """relevance: two questions in one, each one's best entry in the top 3 (diversity.py;
        ``rank``: one clause searched on its own, at most once)."""
        if self.plan["diverse"]:
            return diversify(docs, plan, scored.units, scored.imp, self.weights, self.plan, rank)
        return docs

    def _clause(self, ctx: Context, text: str, lex: Lexicon, category: str | None, res: Results) -> list[int]:
        """One clause of a two-question query ranked on its own (diversity.py), counted in
        ``res.rankings``."""
        res.rankings += 1
        return self._ranked(ctx, text, lex, category, 1, 3, {})[2]


def _general(v: Version) -> General:
    """The words in general use the build wrote (layout.GENERAL), read once per version by the
    first query that asks; none for a version built before them."""
    from ..prefix import General, load_general

    if v.general is None:
        try:
            v.general = load_general(v.files.path(GENERAL).read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            v.general = False
    return v.general or General()


def _typo_start(v: Version) -> Callable[[str], bool]:
    """Whether a last word that starts no kb word is no start of a word in general use either
    (растарж, вазвр: a typo; not studi, viet, вост: words the kb lacks)."""
    general = _general(v)
    return lambda low: general.after(low) is None


def _phrasings(e: Entry, keep: Callable[[str], bool] = lambda lang: True) -> Iterator[str]:
    """An entry's question and alternatives in the languages ``keep`` keeps (every one: what
    question starts compare)."""
    for lang, t in e.translations.items():
        if keep(lang):
            yield t.question
            yield from t.alternatives
