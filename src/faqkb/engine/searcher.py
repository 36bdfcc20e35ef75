"""`Searcher`: one index version opened, followed across rebuilds, and searched. The steps
of a search are the engine's modules (query, ranking, hits, didyoumean, explain); each is
handed a `Context` (the version the query runs on, the weights and knobs), never the
Searcher itself."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analysis import Analyzer, guess_lang, untoned
from ..diversity import diversify
from ..errors import REBUILD, IndexNotReady
from ..kbase.model import Entry, Fact
from ..layout import IndexInfo, current_version, readable_version
from ..lexicon import Lexicon
from ..plan import BM25F_PLAN, PLAN, QueryPlan, Term, looks_like_pinyin, query_terms, typed_as_pinyin
from ..plan import text_topic_features as topic_features_of
from ..snippets import Span, needles
from . import panel
from .context import Context
from .didyoumean import MAX_SUGGEST_CHARS, correction
from .fields import K1, WEIGHTS, B
from .hits import hit_marks, make_hit, marker
from .params import check_params
from .ranking import Scored, judge, kept, score
from .relevance import (
    complete,
    other_completions,
    subject_damped,
    typo_start,
)
from .results import Results
from .version import Version

if TYPE_CHECKING:
    from ..analysis import Analyzed
    from ..impact import ImpactIndex
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
        if prefix:  # the live panel's reading of a query still being typed (panel.py)
            panel.finish(ctx, res, panel.View(lang, category, limit, script), page, begun,
                         lambda text: self._search(ctx, text, lang, category, limit, page, suggest=False,
                                                   script=script))
        return res

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
        completion = complete(ctx, query, lex, asked, typo_start(ctx.v)) if prefix else None
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
