"""`Searcher`: one index version opened, followed across rebuilds, and searched. The steps
of a search are the engine's modules (query, ranking, hits, didyoumean, explain); each is
handed a `Context` (the version the query runs on, the weights and knobs), never the
Searcher itself."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analysis import HAN_RE, Analyzer, guess_lang, untoned
from ..diversity import clauses, diversify
from ..errors import REBUILD, IndexNotReady
from ..kbase.model import Entry, Fact
from ..layout import GENERAL, PINYIN_STARTS, STARTS, IndexInfo, current_version, readable_version
from ..lexicon import Lexicon
from ..plan import BM25F_PLAN, PLAN, QueryPlan, Term, looks_like_pinyin, query_terms, typed_as_pinyin
from ..plan import text_topic_features as topic_features_of
from ..snippets import Span, needles
from .context import Context
from .didyoumean import MAX_SUGGEST_CHARS, correction
from .fields import K1, WEIGHTS, B
from .hits import hit_marks, make_hit, marker
from .params import check_params
from .ranking import Scored, judge, kept, score
from .relevance import (
    complete,
    continuation_model,
    dictionary,
    fit_model,
    intents_of,
    names_held,
    other_completions,
    subject_damped,
)
from .results import Hit, Results
from .version import Version

if TYPE_CHECKING:
    from ..analysis import Analyzed
    from ..impact import ImpactIndex
    from ..prefix import General, Starts
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
            self._panel_order(ctx, res, lang, category, limit, script, begun)
        if prefix and not res.answered and not res.typing and "scope" not in res.signals:
            self._unfinished(ctx, res, begun)
        if prefix and not res.answered and not res.typing and res.hits and "scope" in res.signals:
            res.typing = self._outgrown(ctx, res) or (begun and self._object_begun(ctx, res))
        return res

    def _panel_order(self, ctx: Context, res: Results, lang: str | None, category: str | None, limit: int,
                     script: str | None, begun: bool) -> None:
        """The live panel's first page re-ordered, step by step, for a query still being typed
        (each step's docstring says what it reads; all keep the first hit of a query typed whole)."""
        if len(res.hits) > 2 and res.query_lang == "zh":
            self._fit(ctx, res)
        self._question_starts(ctx, res, lang, category, limit, script)
        if res.hits and "scope" not in res.signals:
            self._subject_first(ctx, res, lang, category, limit, script)
        if begun and res.hits:
            self._inside(ctx, res, lang, category, limit, script)
        if res.query_lang in ("ru", "en") and "scope" not in res.signals:
            self._goes_on(ctx, res, lang, category, limit, script, ended=not begun)
        if res.hits and "scope" not in res.signals:
            self._being_stated(ctx, res, lang, category, limit, script, ended=not begun)
        # (what is asked most takes the third place only when no phrase typed chose it: _inside)
        if (len(res.hits) > 2 and res.query_lang in ("ru", "en")
                and not {"scope", "inside"} & res.signals.keys()):
            self._most_asked(ctx, res, lang, category, limit, script)
        if res.hits and not {"scope", "inside"} & res.signals.keys():
            self._story_heads(ctx, res, lang, category, limit, script)

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
    def _being_stated(ctx: Context, res: Results, lang: str | None, category: str | None, limit: int,
                      script: str | None, *, ended: bool) -> None:
        """A half-typed query whose last words begin stating one condition (categories.yaml
        ``abroad``, ``on_behalf``, …: "cancel my mts number fro", "из за ", 不用回俄; Intents.begun)
        has the entry answering its first hit under that condition second, as condition_first
        makes it first once the words are typed whole. The first hit, `answered` and the total
        stay. signals["begun"]: the condition."""
        from ..condition_begun import BEGUN_PLACE

        intents = intents_of(ctx)
        if intents is None or not intents.conditions:
            return
        conds = intents.begun(res.query, ended)
        # (words several conditions begin say something only when they send the first hit to one
        # entry: не of не приезжая, abroad, and не успел, forgot, both mean cancelling from abroad)
        wants = {w for c in conds if (w := intents.conditions[c][0].get(res.hits[0].id)) is not None}
        if len(wants) != 1:
            return
        want = wants.pop()
        if want in [h.id for h in res.hits[:BEGUN_PLACE + 1]]:
            return
        hit = _joining(ctx, res, want, lang, category, script)
        if hit is None:
            return
        _place(res, hit, BEGUN_PLACE, limit)
        res.signals["begun"] = next(c for c in conds if intents.conditions[c][0].get(res.hits[0].id) == want)

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

    @staticmethod
    def _fit(ctx: Context, res: Results) -> None:
        """A half-typed Chinese query's hits after the first, re-ordered by the ranking's order
        and how well the query, every character typed in order, fits each entry's own Chinese
        phrasings (phrasing_fit.py): the words that say the intent before the subject is done
        (几个, 提交…后, 被, 了) are filler or stop words to the ranking. The first hit, `answered`
        and the total stay. signals["fit"]: the cells of the fit's tables filled (bounded by
        MAX_FIT_HITS x MAX_PHRASINGS x MAX_QUERY_TOKENS x MAX_PHRASING_TOKENS). Keystroke
        sweep of Chinese questions not read (9,719 cuts): s@3 0.800 -> see docs/relevance.md."""
        from ..phrasing_fit import MAX_FIT_HITS, asked_whole, entry_fit, query_tokens, reorder

        v = ctx.v
        lex = ctx.lexicon()
        chars = lex.chars
        weights = fit_model(ctx, lex)[0]
        completed = res.signals.get("prefix")
        # a last word the completion searched without (a question word begun: zen, 怎) asks nothing yet
        text = completed["searched"] if completed and not completed["expansions"] else res.query
        toks, pinyin = query_tokens(untoned(text), lex.analyzer.table.split if lex.analyzer.table else _no_split)
        if not toks or asked_whole(res.query):
            return
        shown = res.hits[:MAX_FIT_HITS]
        fits: dict[str, float] = {}
        work = 0
        for h in shown[1:]:
            e = v.entries.get(h.id)
            if e is not None:
                own = weights.tokens(e.id, pinyin, _zh_phrasings(e), chars)
                words = weights.words(e.id, _phrasings(e)) if not pinyin else frozenset()
                fits[h.id], cells = entry_fit(toks, pinyin, own, weights, words)
                work += cells
        order = reorder([h.id for h in shown], fits)
        by = {h.id: h for h in shown}
        res.hits = [*(by[e] for e in order), *res.hits[MAX_FIT_HITS:]]
        res.signals["fit"] = work

    def _subject_first(self, ctx: Context, res: Results, lang: str | None, category: str | None, limit: int,
                       script: str | None) -> None:
        """A half-typed query that names only the subject, typed whole or completed (俄罗斯, 俄 ->
        俄罗斯, eluo, mts, SIM: the query's key, the filler out, is empty), has the topic's head
        entries in its top 3 after the first hit: the overviews of kb/categories.yaml's first
        TOPIC_HEADS categories (how to cancel, the refund), as a help center's most asked. What
        follows the subject is not typed yet and spreads over dozens of entries; the heads are
        where most such questions go. A head already in the top 3 stays, and so does an entry
        whose phrasings begin as typed when few do (do russ: does a Russian SIM expire). The
        first hit, `answered` and the total stay (the overviews as the whole top 3 cost first
        answers: twelfth round). Thirteenth round: cut sets s@3 +9 rows, -2; prefix.yaml 0.905 ->
        0.920; the eighth round's rule (the cancel overview second) was for completed subjects alone.
        signals["subject"]: the first head moved in."""
        completed = res.signals.get("prefix")
        intents = intents_of(ctx)
        text = completed["searched"] if completed else res.query
        if intents is None or intents.key(text):
            return
        from ..prefix import STARTS_TELLING, TOPIC_HEADS

        heads = [eid for eid in intents.overview.values() if eid][:TOPIC_HEADS]
        top = [h.id for h in res.hits[:3]]
        wanted = [eid for eid in heads if eid not in top]
        if not wanted:
            return
        found: list[Hit] = []
        for eid in wanted:
            hit = _joining(ctx, res, eid, lang, category, script)
            if hit is not None:
                found.append(hit)
        if not found:
            return
        # a head already in the top 3 stays, and so does an entry the question starts tell: few
        # entries' phrasings begin as typed (do russ: does a Russian SIM expire), or it holds a
        # good share of those that do (手机: a lost phone); not a start most share (俄罗斯…, my russ)
        told: set[str] = set()
        if res.signals.get("starts"):
            starts, every, _ = _starts_for(ctx, res)
            begin = starts.starting(res.query, every)
            total = sum(begin.values())
            told = {eid for eid, n in begin.items()
                    if len(begin) <= STARTS_TELLING or n >= STARTS_TELLING and n * STARTS_TELLING >= total}
        keep = [h for h in res.hits[1:3] if h.id in heads or h.id in told]
        found = found[:max(0, 2 - len(keep))]  # (the top 3 after the first hit)
        if not found:
            return
        placed = {h.id for h in (*keep, *found)}
        res.hits = [res.hits[0], *keep, *found, *(h for h in res.hits[1:] if h.id not in placed)][:limit]
        res.signals["subject"] = found[0].id

    @staticmethod
    def _question_starts(ctx: Context, res: Results, lang: str | None, category: str | None, limit: int,
                         script: str | None) -> None:
        """A half-typed query's hits after the first: the entries whose own phrasings begin
        as the query does come next, the most such phrasings first (prefix.Starts), the rest
        as ranked. Cut short, a query's answer depends on words not typed yet, and the kb's
        phrasings are how readers go on (dev prefix sets cut under a third of the question:
        s@3 0.596 -> 0.660; blind prefix s@3 0.861 -> 0.898). The first hit stays the
        ranking's (moved too, a whole question's first answer fell: blind frozen s@1 with
        prefix=true 0.920 -> 0.914), and so do `answered` and `typing`.
        Entries the ranking left out whose phrasings begin so come after the shown ones that
        do, at most STARTS_ADDED (number k: number keeping plan, whose words the ranking
        missed); with no hits at all they are the hits, the top 3, one letter being a start too
        (is this …, h: the likeliest entries so far): tenth round.
        signals["starts"]: entry id -> its phrasings starting so, for the hits moved up."""
        from ..prefix import MIN_START, STARTS_ADDED, STARTS_TELLING

        v = ctx.v
        starts, every, phrasings = _starts_for(ctx, res)
        typed = res.query
        begin = None  # (starts.starting(typed, every), once asked: read again below)
        if len(typed.split()) > 1 and not (begin := starts.starting(typed, every)):
            # no phrasing begins so: the words before the one being typed, when they tell an entry
            # (do russian si[m contracts…]: "do russian numbers have an end date"), as Starts counts them
            before = typed.rsplit(None, 1)[0]
            if 0 < len(told := starts.starting(before, every)) <= STARTS_TELLING:
                typed, begin = before, told
        counts: dict[str, int] = {}
        for h in res.hits:  # (a page of hits: at most limit entries, MAX_PHRASINGS phrasings each)
            e = v.entries.get(h.id)
            if e is not None and (n := starts.count(e.id, partial(phrasings, e), typed)):
                counts[h.id] = n
        shown = {h.id for h in res.hits}
        added: list[Hit] = []
        most = STARTS_ADDED if res.hits else STARTS_ADDED + 1  # the top 3 after the first, or the top 3
        # a Chinese start (注销俄罗斯…: the verb and its object typed, the question not yet) is
        # read over the whole kb: an entry the words rank off the page whose phrasings begin so
        # as often competes with the shown ones by that count (ties: the shown first)
        han = bool(res.hits) and res.query_lang == "zh" and HAN_RE.search(typed) is not None
        if han or sum(1 for h in res.hits[1:] if h.id in counts) < most:
            # (with no hits at all, one letter is a start too: the likeliest entries so far, as typing shows them)
            if begin is None or not res.hits:
                begin = starts.starting(typed, every, 1 if not res.hits else MIN_START)
            added = _off_page(ctx, begin, shown, most, category, (lang, res.query_lang, script))
            counts.update((h.id, begin[h.id]) for h in added)
        if not any(h.id in counts for h in (*res.hits[1:], *added)) and not (added and not res.hits):
            return
        order = {h.id: i for i, h in enumerate(res.hits)}
        if han:  # (added after the shown ones of as many starts: sorted is stable)
            added, ahead = [], sorted((*(h for h in res.hits[1:] if h.id in counts), *added),
                                      key=lambda h: (-counts[h.id], order.get(h.id, len(order))))
        else:
            ahead = sorted((h for h in res.hits[1:] if h.id in counts), key=lambda h: (-counts[h.id], order[h.id]))
        rest = [h for h in res.hits[1:] if h.id not in counts]
        if not res.hits:  # (else the total stays what the words found: the results page's, which
            res.total = len(added)  # the panel's "see all" link counts)
        res.hits = [*res.hits[:1], *ahead, *added, *rest][:limit]
        res.signals["starts"] = {h.id: counts[h.id] for h in res.hits if h.id in counts}

    def _inside(self, ctx: Context, res: Results, lang: str | None, category: str | None, limit: int,
                script: str | None) -> None:
        """A half-typed query whose top 3 holds none of the entries whose phrasings go on most
        often from the words it ends with (prefix.Starts.inside: "so will i pa" inside "will I pay a monthly fee", 号码被
        inside 号码被收回; the question may begin anywhere before) gets the one holding that phrase
        most, third (INSIDE_PLACE). Only when the last word may be begun (prefix.ends_begun: not a
        kb word typed whole), the query is one clause (two questions' top 3 is diversity.py's) and
        its end narrows it (the last letter is still there once categories.yaml's filler is out:
        俄罗斯号 ends in the subject, which every entry's phrasings hold). Dev prefix sets (541
        uniform cuts) s@3 0.787 -> 0.795, no row lower; moving every such entry after the first,
        or into second place, cost blind totals (docs/relevance.md, twelfth round). The first
        two hits, `answered`, `typing` and the total stay; an entry the words did not find joins
        only while the shown hits hold fewer than STARTS_ADDED such (scored 0).
        signals["inside"]: the entry moved -> its phrasings holding the phrase."""
        from ..prefix import INSIDE_PLACE, STARTS_ADDED, ends_begun

        v = ctx.v
        if v.prefixes is None or not ends_begun(res.query, v.prefixes) or len(clauses(res.query)) > 1:
            return  # (two clauses: two questions, whose top 3 diversity.py shares out)
        intents = intents_of(ctx)
        completed = res.signals.get("prefix")
        text = completed["searched"] if completed else res.query
        starts = _starts(v)
        key = starts.key
        if intents is None or not (ends := key(text)[-1:]) or key(intents.key(text))[-1:] != ends:
            return
        found = starts.inside(res.query, partial(_every_phrasing, v))
        most = max(found.values(), default=0)
        if not found or any(found.get(h.id) == most for h in res.hits[:INSIDE_PLACE + 1]):
            return
        order = {h.id: i for i, h in enumerate(res.hits)}
        for eid in sorted(found, key=lambda e: (-found[e], order.get(e, limit))):
            if eid in order:
                hit: Hit | None = res.hits[order[eid]]
            else:  # (with the question starts' additions, at most STARTS_ADDED not found by the words: score 0)
                e = v.entries.get(eid)
                d = ctx.docnum(eid)
                if (e is None or d is None or (category and e.category != category)
                        or sum(h.score == 0.0 for h in res.hits) >= STARTS_ADDED):
                    continue
                hit = make_hit(ctx, d, 0.0, lang or res.query_lang, {"words": set(), "pinyin": set()}, lang, script)
            if hit is not None:
                _place(res, hit, INSIDE_PLACE, limit)
                res.signals["inside"] = {eid: found[eid]}
                return

    @staticmethod
    def _goes_on(ctx: Context, res: Results, lang: str | None, category: str | None, limit: int,
                 script: str | None, *, ended: bool) -> None:
        """A half-typed Russian or English query's hits after the first, by the ranking's order
        and how well the typed words, function and question words too, follow an entry's own
        phrasings in order (continuation.py: "что будет с симкой если" follows "что будет с
        номером, если…"); at most GOES_ADDED entries the phrasings rank first join, so a cut
        with fewer than three hits still shows three likely ones. Not for the subject alone (росси,
        my russ: the topic's heads, _subject_first; ordered by the phrasings too, the questions not
        read lost 0.07 point less than they gained). The first hit, `answered`,
        `typing` and the total (but for a query that found nothing) stay. Fifteenth round:
        keystroke cuts of questions not read, ru/en s@3 (docs/relevance.md).
        signals["goes_on"]: the top 3's phrasing scores."""
        from ..continuation import GOES_ADDED, GOES_WEIGHT, ranked

        if HAN_RE.search(res.query):
            return
        completed = res.signals.get("prefix")
        intents = intents_of(ctx)
        if intents is not None and not intents.key(completed["searched"] if completed else res.query):
            return  # the subject alone: the topic's heads are its likeliest (_subject_first)
        v = ctx.v
        # a correction, applied or offered, is what was meant (расторжение договра: договора): the
        # phrasings hold the word, not the typo
        scores = continuation_model(v).scores(res.corrected or res.suggestion or res.query, ended=ended,
                                    needed=[h.id for h in res.hits], top=GOES_ADDED)
        if not scores:
            return

        def allowed(eid: str) -> bool:
            e = v.entries.get(eid)
            return e is not None and ctx.docnum(eid) is not None and not (category and e.category != category)

        order = ranked([h.id for h in res.hits], scores, GOES_WEIGHT, GOES_ADDED, allowed)
        if order == [h.id for h in res.hits]:
            return
        have = {h.id: h for h in res.hits}
        hits: list[Hit] = []
        for eid in order:
            if res.hits and len(hits) == limit:
                break  # (no hit made past the page: ~30 µs each)
            hit = have.get(eid)
            if hit is None:
                d = ctx.docnum(eid)
                if d is None:
                    continue
                hit = make_hit(ctx, d, 0.0, lang or res.query_lang, {"words": set(), "pinyin": set()}, lang, script)
            if hit is not None:
                hits.append(hit)
        if not res.hits:
            res.total = len(hits)
        res.hits = hits[:limit]
        res.signals["goes_on"] = {h.id: round(scores[h.id], 3) for h in res.hits[:3] if h.id in scores}

    @staticmethod
    def _most_asked(ctx: Context, res: Results, lang: str | None, category: str | None, limit: int,
                    script: str | None) -> None:
        """A short half-typed Russian or English query whose first hit is a kind's general entry
        (a categories.yaml overview) and whose top 3 are all of its kb category has the entry of
        that category readers ask most (asked.joins: kb/home.yaml's starter, as built) third, when
        it is not among them ("ways to termin": how to cancel, whether it ended -> from
        abroad). Last in the chain: it reads the top 3 the others made. The first two hits,
        `answered`, `typing` and the total stay. signals["most_asked"]: the entry moved in."""
        from ..asked import ONE_KIND, joins, short

        intents = intents_of(ctx)
        if HAN_RE.search(res.query) or intents is None or not intents.asked:
            return
        v = ctx.v

        def category_of(eid: str) -> str | None:
            e = v.entries.get(eid)
            return e.category if e is not None and ctx.docnum(eid) is not None else None

        eid = joins([(h.id, h.category) for h in res.hits[:ONE_KIND]], {e for e in intents.overview.values() if e},
                    intents.asked, category_of)
        completed = res.signals.get("prefix")
        # (the key, the dearer read, only for a top 3 the list would join)
        if eid is None or (category and category_of(eid) != category) or not short(
                intents.key(completed["searched"] if completed else res.query)):
            return
        hit = _joining(ctx, res, eid, lang, category, script)
        if hit is None:
            return
        _place(res, hit, ONE_KIND - 1, limit)
        res.signals["most_asked"] = eid

    @staticmethod
    def _story_heads(ctx: Context, res: Results, lang: str | None, category: str | None, limit: int,
                     script: str | None) -> None:
        """A half-typed query that is the reader's story, asking nothing yet (story.tells: "I
        studied in …, now I'm back in …", 我在…工作了两年), has the first topic head (the
        overviews of categories.yaml's first TOPIC_HEADS categories) third: the
        story's words say nothing of the question; none when the top 3 holds a head or its
        abroad twin. So has the story followed by a question begun that names nothing yet
        (story.question_begun: "я учусь в …, уезжаю домой, как правильно з"). Read as the
        `abroad` condition reads it when the text says the reader has left (how to cancel ->
        from abroad). The first two hits,
        `answered`, `typing` and the total stay. signals["story"]: the entry moved in."""
        from ..prefix import TOPIC_HEADS
        from ..story import head, question_begun, tells

        intents = intents_of(ctx)
        if intents is None:
            return
        heads = [eid for eid in intents.overview.values() if eid][:TOPIC_HEADS]
        abroad = intents.conditions.get("abroad")
        top, twins = {h.id for h in res.hits[:3]}, abroad[0] if abroad else {}
        # (a top 3 holding a head takes none, whatever the text: read only then whether it tells a story)
        if head(top, heads, twins, False) is None or not (
                tells(res.query) or question_begun(res.query, intents.key)):
            return
        eid = head(top, heads, twins, intents.away(res.query))
        hit = _joining(ctx, res, eid, lang, category, script) if eid else None
        if hit is None:
            return
        _place(res, hit, 2, limit)
        res.signals["story"] = hit.id

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


def _joining(ctx: Context, res: Results, eid: str, lang: str | None, category: str | None,
             script: str | None) -> Hit | None:
    """The hit of ``eid`` for a panel step moving it up: the one on the page, else one made
    with score 0 (an entry the words did not find); None for an entry the version lacks or
    outside ``category``."""
    shown = next((h for h in res.hits if h.id == eid), None)
    if shown is not None:
        return shown
    e, d = ctx.v.entries.get(eid), ctx.docnum(eid)
    if e is None or d is None or (category and e.category != category):
        return None
    return make_hit(ctx, d, 0.0, lang or res.query_lang, {"words": set(), "pinyin": set()}, lang, script)


def _off_page(ctx: Context, begin: dict[str, int], shown: set[str], most: int, category: str | None,
              shown_as: tuple[str | None, str | None, str | None]) -> list[Hit]:
    """At most ``most`` of the entries in ``begin`` (entry -> its phrasings beginning as the query
    does) not ``shown``, the most such phrasings first, as hits (of ``category`` when given);
    ``shown_as``: (lang asked, the query's language, script)."""
    lang, qlang, script = shown_as
    added: list[Hit] = []
    for eid in sorted((e for e in begin if e not in shown), key=lambda e: -begin[e]):
        if len(added) == most:
            break
        d = ctx.docnum(eid)
        if (category and ctx.v.entries[eid].category != category) or d is None:
            continue
        hit = make_hit(ctx, d, 0.0, lang or qlang, {"words": set(), "pinyin": set()}, lang, script)
        if hit is not None:
            added.append(hit)
    return added


def _place(res: Results, hit: Hit, at: int, limit: int) -> None:
    """``hit`` at place ``at`` (0-based) of the page, the others in their order after it."""
    rest = [h for h in res.hits if h.id != hit.id]
    res.hits = [*rest[:at], hit, *rest[at:]][:limit]


def _starts(v: Version) -> Starts:
    """The entries' phrasing keys the build wrote (layout.STARTS), read once per version by the
    first query that asks (an older version's: made by `Starts.starting` when first needed)."""
    from ..prefix import Starts

    if v.starts is None:
        v.starts = Starts.read(v.files.path(STARTS))
    return v.starts


def _starts_for(ctx: Context, res: Results) -> tuple[Starts, Callable[[], Iterator[tuple[str, Iterator[str]]]],
                                                    Callable[[Entry], Iterator[str]]]:
    """The question starts a half-typed query is compared with, the entries' phrasings they
    read and an entry's: a query typed in pinyin, the Chinese phrasings read as pinyin
    (pinyin_starts.py, the build's keys read once per version; the others as written: "can", "shou" may be
    English read as pinyin); any other, every phrasing as written."""
    from ..pinyin_starts import PinyinStarts, typed_in_pinyin

    v = ctx.v
    if not typed_in_pinyin(res.query, res.query_lang):
        return _starts(v), partial(_every_phrasing, v), _phrasings
    if v.pinyin_starts is None:
        v.pinyin_starts = PinyinStarts.read_keys(v.files.path(PINYIN_STARTS), ctx.lexicon().chars)
    return v.pinyin_starts, partial(_every_phrasing, v), _phrasings


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


def _every_phrasing(v: Version) -> Iterator[tuple[str, Iterator[str]]]:
    """Each entry's id and phrasings (_phrasings), in the kb's order: what Starts reads when
    its index was not built (read when first needed)."""
    return ((e.id, _phrasings(e)) for e in v.entries.values())


def _no_split(word: str) -> list[str] | None:
    return None


def _zh_phrasings(e: Entry) -> Iterator[str]:
    """An entry's Chinese question and alternatives (what phrasing_fit compares)."""
    return _phrasings(e, lambda lang: lang == "zh")


def _phrasings(e: Entry, keep: Callable[[str], bool] = lambda lang: True) -> Iterator[str]:
    """An entry's question and alternatives in the languages ``keep`` keeps (every one: what
    question starts compare)."""
    for lang, t in e.translations.items():
        if keep(lang):
            yield t.question
            yield from t.alternatives
