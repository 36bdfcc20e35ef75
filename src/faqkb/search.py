"""`Searcher`: the one API the CLI and the web call to find and show entries.

Queries are plain text. Quoted parts must match as phrases; nothing else in a query is
syntax, so no wildcard, regex or fuzzy operator can blow up. Terms are looked up in
fields per script (see WEIGHTS) and ranked with BM25F; the question and its alternative
phrasings weigh above the answer, because FAQ search is mostly matching a phrasing.
"""

from __future__ import annotations

import json
import marshal
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .analysis import Analyzed, Analyzer, guess_lang, is_han
from .diversity import diversify
from .engine.answered import Unit, answered, signals
from .engine.fields import K1, WEIGHTS, B
from .engine.query import (  # noqa: F401  (PLAN, MAX_*: re-exported for bench/ and the web's bounds)
    BM25F_PLAN,
    MAX_PHRASES,
    MAX_TERMS,
    MAX_UNITS,
    PLAN,
    QueryPlan,
    Term,
    analyze_query,
    asks_number,
    highlight_terms,
    looks_like_pinyin,
    query_terms,
    text_topic_features,
)
from .engine.version import STORED_CACHE, Version, VersionFiles  # noqa: F401  (STORED_CACHE: re-exported)
from .errors import IndexNotReady, QueryError
from .kbase.model import CATEGORIES, LANGS, Entry, Fact
from .layout import (
    ENTRIES,
    LEXICON,
    MARKS,
    MARKS_OFFSETS,
    PINYIN_FIELD,
    SELF_SCORES,
    SPELLING,
    TOPIC,
    WORD_FIELDS,
    IndexInfo,
    current_version,
    readable_version,
)
from .lexicon import Lexicon
from .script import SCRIPTS, spans_for_reader
from .snippets import MarkIndex, Span, highlight_spans, make_snippet, plain_text, sentence_starts, word_marks
from .specificity import MAX_WORDS as SHORT_QUERY

if TYPE_CHECKING:
    from .impact import ImpactIndex
    from .spelling import Speller
    from .topic import TopicModel

MAX_QUERY_CHARS = 200
MAX_LIMIT = 50
MAX_PAGE = 100

RELATIVE_CUTOFF = 0.35  # hits below this fraction of the best score are noise, not results
WINDOW = 10  # hits scored beyond the page, to count the results worth showing (50 cost +25% time)

MAX_SUGGEST_CHARS = 80  # did-you-mean is for a mistyped question, not for a page of text
MIN_STEM = 4  # letters a stem needs to have other stems of the same word looked up
MAX_VARIANTS = 8  # other stems searched per query word
MAX_STEM_DIFF = 3  # letters another stem may add or lack (российск is no form of росс)
WORD_CACHE_BYTES = 16 << 20  # query words' coverage masks kept per version (16 MB: ~8k words at 1k entries, 80 at 100k)
INDEX_MARKS = 64  # a text with more marks than this is highlighted through a MarkIndex (see _hit)
PREFIX_OTHERS = 0.3  # relevance: share of a word's boost for a half-typed word's other completions (prefix.py)
MAX_TYPO_CHECKS = 8  # unknown words per query looked up in the did-you-mean map for `answered`


@dataclass
class Hit:
    id: str
    category: str
    lang: str             # language of question/snippet shown
    fallback: bool        # True when the entry lacks the requested language
    question: str
    snippet: str
    question_highlights: list[Span]
    snippet_highlights: list[Span]
    score: float

    def to_dict(self) -> dict:
        return {"id": self.id, "category": self.category, "lang": self.lang, "fallback": self.fallback,
                "question": self.question, "snippet": self.snippet,
                "question_highlights": [list(s) for s in self.question_highlights],
                "snippet_highlights": [list(s) for s in self.snippet_highlights],
                "score": round(self.score, 4)}


@dataclass
class Results:
    query: str
    query_lang: str | None
    total: int
    page: int
    limit: int
    hits: list[Hit] = field(default_factory=list)
    suggestion: str | None = None
    # True when the first hit is judged to answer the query; False means the hits (if any)
    # are only related and the reader should be told "no good match" (engine/answered.py).
    answered: bool = False
    signals: dict = field(default_factory=dict, repr=False)  # what `answered` was judged on
    # relevance: the correction whose results these are (the query as typed found no answer
    # and the correction did: "Showing results for …; search instead for …")
    corrected: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    def to_dict(self) -> dict:
        return {"query": self.query, "query_lang": self.query_lang, "total": self.total,
                "page": self.page, "pages": self.pages, "limit": self.limit,
                "answered": self.answered, "suggestion": self.suggestion, "corrected": self.corrected,
                "hits": [h.to_dict() for h in self.hits]}


def check_params(query: str, lang: str | None, category: str | None, limit: int, page: int,
                 script: str | None = None) -> str:
    """Bounds on everything a user controls; returns the query, stripped."""
    if not isinstance(query, str):
        raise QueryError("query must be text", "q")
    query = query.strip()
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query is {len(query)} characters; the limit is {MAX_QUERY_CHARS}", "q")
    if lang is not None and lang not in LANGS:
        raise QueryError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}", "lang")
    if category is not None and category not in CATEGORIES:
        raise QueryError(f"unknown category {category!r}; use one of {', '.join(CATEGORIES)}", "category")
    if not (1 <= limit <= MAX_LIMIT):
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}", "limit")
    if not (1 <= page <= MAX_PAGE):
        raise QueryError(f"page must be between 1 and {MAX_PAGE}", "page")
    if script is not None and script not in SCRIPTS:
        raise QueryError(f"unknown script {script!r}; use one of {', '.join(SCRIPTS)}", "script")
    return query


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
            raise IndexNotReady(f"no index at {self.index_dir}; run `faqkb build`")
        return version

    def _open(self, version: Path) -> None:
        from whoosh import index as windex
        from whoosh import scoring

        try:
            ix = windex.open_dir(str(version))
            data = json.loads((version / ENTRIES).read_text("utf-8"))
            info = IndexInfo.read(version)
        except (OSError, ValueError, windex.EmptyIndexError) as e:
            raise IndexNotReady(f"index at {version} cannot be opened ({e}); run `faqkb build`") from None
        entries = {d["id"]: Entry.from_dict(d) for d in data["entries"]}
        facts = {d["id"]: Fact.from_dict(d) for d in data.get("facts", ())}  # none in pre-register indexes
        self._weighting = scoring.BM25F(B=B, K1=K1)
        replaced = getattr(self, "_v", None) is not None
        files = VersionFiles(version)
        # one assignment: atomic for readers
        self._v = Version(version, ix, entries, info, facts, files, list(entries),
                           MARKS_OFFSETS in files.fds or (version / MARKS_OFFSETS).is_file())
        self._loaded(replaced)

    def _loaded(self, replaced: bool = False) -> None:
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
        self._v.ix.close()
        self._v.files.close()

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

    # -- what the live version holds, for tools, the build's verify step and tests

    @property
    def lexicon(self) -> Lexicon:
        """The kb's lexicon: pruned dictionary, pinyin table, synonyms, words."""
        return self._lexicon()

    @property
    def impact(self) -> ImpactIndex:
        """The impact arrays (impact.ImpactIndex): every term's postings and BM25F impacts."""
        return self._impact(self._v)

    @property
    def speller(self) -> Speller:
        """Did-you-mean's speller (spelling.Speller) on the kb's words."""
        return self._speller(self._v)

    @property
    def topic_model(self) -> TopicModel | None:
        """The topic model `answered` weighs (None for a kb without offtopic.yaml)."""
        return self._topic(self._v)

    def whoosh_searcher(self):
        """This thread's whoosh searcher on the live version (the reference the impact
        arrays are tested against: an index built with ``reference=True``)."""
        return self._whoosh(self._v)

    def marks(self, doc: int) -> dict[str, tuple[tuple, tuple]]:
        """Document ``doc``'s highlighting marks per language: (question's, answer's)."""
        return self._stored(self._v, doc)["marks"]

    def hit_marks(self, doc: int, lang: str) -> tuple:
        """The marks a hit of ``doc`` in ``lang`` is highlighted with, as prepared and kept:
        a MarkIndex for a text of more than INDEX_MARKS marks, the marks themselves else."""
        return self._hit_marks(self._v, doc, lang)

    def cache_info(self) -> dict[str, tuple[int, int]]:
        """Per cache the live version keeps: (values held, values made since it opened)."""
        v = self._v
        return {name: (len(c), c.made) for name, c in (("stored", v.stored), ("shows", v.shows),
                ("marked", v.marked), ("answers", v.answers), ("variants", v.variants), ("words", v.words))}

    def query_plan(self, query: str) -> QueryPlan:
        """What ``query`` asks, read with the live version's lexicon (engine.query)."""
        return QueryPlan.make(check_params(query, None, None, 1, 1), self._lexicon(), self.weights, self.plan)

    def explain(self, query: str, lang: str | None = None, category: str | None = None,
                limit: int = 10) -> Explanation:
        """How ``search(query, lang, category, limit)`` came to its results: the plan with
        the index's additions (other stems, typo fixes), the terms scored, and for each hit
        its score per field, its BM25F score and coverage; `answered` and its signals."""
        v = self._v
        trace: dict = {}
        res = self._search(v, query, lang, category, limit, 1, suggest=True, script=None, trace=trace)
        scored: _Scored | None = trace.get("scored")
        hits = []
        for h in res.hits:
            doc = v.ids.index(h.id) if v.own_marks else None
            fields: dict[str, float] = {}
            raw = coverage = 0.0
            if scored is not None and doc is not None:
                fields = _per_field(scored.imp, scored.terms, doc)
                raw, coverage = float(scored.bm25f[doc]), (float(scored.coverage[doc])
                                                         if scored.coverage is not None else 0.0)
            hits.append(HitExplanation(h.id, h.score, raw, fields, coverage))
        return Explanation(res.query, trace.get("plan"), scored.terms if scored else [], hits,
                           dict(res.signals), res.answered, res.suggestion, trace.get("suggestion_searched"))

    def _lexicon(self, v: Version | None = None) -> Lexicon:
        v = v or self._v
        if v.lexicon is None:
            try:
                v.lexicon = Lexicon.read(v.files.path(LEXICON))
                self._loaded()
            except (OSError, ValueError, KeyError, TypeError, EOFError) as e:
                raise IndexNotReady(f"index at {v.path} has no usable lexicon ({e}); run `faqkb build`") from None
        return v.lexicon

    def _impact(self, v: Version):
        if v.impact is None:
            from .impact import ImpactIndex

            try:
                imp = ImpactIndex(v.path, v.files.path)
                v.words.most = -(-WORD_CACHE_BYTES // (2 * max(imp.n, 1)))  # masks of n bytes, two a word
                v.impact = imp
                self._loaded()
            except (OSError, ValueError, KeyError, EOFError) as e:
                raise IndexNotReady(f"index at {v.path} has no impact arrays ({e}); run `faqkb build`") from None
        return v.impact

    def _own(self, v: Version):
        """Per document, the score its own question gets as a query (written at build)."""
        if v.own is None:
            import numpy as np

            try:
                v.own = np.load(v.files.path(SELF_SCORES))
            except (OSError, ValueError) as e:
                raise IndexNotReady(f"index at {v.path} has no {SELF_SCORES} ({e}); run `faqkb build`") from None
        return v.own

    def _inv_own(self, v: Version):
        """1 / each entry's own-question score (0 where it is 0), kept per version."""
        if v.inv_own is None:
            import numpy as np

            own = self._own(v)
            v.inv_own = np.divide(1.0, own, out=np.zeros_like(own), where=own > 0)
        return v.inv_own

    def _topic(self, v: Version):
        """The version's topic model (topic.py), or None when it has none (a kb without
        offtopic.yaml, or an index built before the model existed): `answered` then goes
        by the lexical signals alone."""
        if v.topic is None:
            from .topic import TopicModel

            try:
                v.topic = TopicModel.read(v.files.path(TOPIC))
            except FileNotFoundError:
                v.topic = False
            except (OSError, ValueError, KeyError, TypeError, EOFError) as e:
                raise IndexNotReady(f"index at {v.path} has an unusable {TOPIC} ({e}); run `faqkb build`") from None
            self._loaded()
        return v.topic or None

    def topic_features(self, text: str) -> list[str]:
        """The topic model's features of ``text`` read as a query (what a build learns from:
        engine.query.text_topic_features)."""
        return text_topic_features(text, self._lexicon())

    def _speller(self, v: Version):
        if v.speller is None:
            from .spelling import Speller, load_spelling

            lex = self._lexicon(v)
            deletes, plain = load_spelling(v.files.path(SPELLING).read_bytes())
            v.speller = Speller(lex.vocab, lex.stems, deletes, lex.han_by_pinyin, lex.table, plain)
            self._loaded()
        return v.speller

    def analyzer(self) -> Analyzer:
        return self._lexicon().analyzer

    def marker(self, query: str) -> Callable[[str], list[Span]]:
        """A function giving the spans of ``query``'s words (same analysis as a search, so
        synonyms, other scripts and homophone typos) in any text: entry pages mark the
        words the reader searched for."""
        query = check_params(query, None, None, 1, 1)
        analyzer = self.analyzer()
        _, analyzed, phrases = analyze_query(analyzer, query)
        terms = highlight_terms([analyzed, *phrases], self._lexicon().synonyms)  # (as QueryPlan.highlight)
        return lambda text: highlight_spans(word_marks(analyzer.analyze(text, pinyin=False), analyzer.table), terms)

    def _whoosh(self, v: Version):
        """A whoosh searcher per thread and version (they are not shared across threads)."""
        cached = getattr(self._local, "s", None)
        if cached is None or cached[0] is not v:
            if cached is not None:
                cached[1].close()
            cached = (v, v.ix.searcher(weighting=self._weighting))
            self._local.s = cached
        return cached[1]

    # -- querying

    def search(self, query: str, lang: str | None = None, category: str | None = None,
               limit: int = 10, page: int = 1, *, suggest: bool = True, script: str | None = None,
               prefix: bool = False, correct: bool = True) -> Results:
        """Entries matching ``query``, best first, shown in ``lang`` where they have it
        (Chinese in Traditional characters when ``script`` is "Hant"). ``prefix``: the
        query is still being typed, its last word is the start of a word (prefix.py).
        ``correct``: when the query finds no answer and did-you-mean's correction does,
        the correction's results (``Results.corrected`` says so; False: as typed)."""
        v = self._v
        res = self._search(v, query, lang, category, limit, page, suggest=suggest, script=script, prefix=prefix)
        if correct and res.suggestion and not res.answered:  # relevance: a confident correction is applied
            fixed = self._search(v, res.suggestion, lang, category, limit, page, suggest=False, script=script)
            if fixed.answered:
                fixed.query, fixed.corrected = res.query, res.suggestion
                return fixed
        return res

    def _search(self, v: Version, query: str, lang: str | None, category: str | None, limit: int, page: int,
                *, suggest: bool, script: str | None, prefix: bool = False, trace: dict | None = None) -> Results:
        query = check_params(query, lang, category, limit, page, script)
        lex = self._lexicon(v)
        qlang = self.query_lang(query, lex)
        res = Results(query=query, query_lang=qlang, total=0, page=page, limit=limit)
        completion = self._complete(query, lex, v) if prefix else None  # as-you-type (prefix.py)
        more: list[Term] = []
        if completion is not None:
            query, suggest = completion.text, False  # searched as completed; no did-you-mean
            if len(completion.expansions) > 1:  # the other completions, for recall
                others = lex.analyzer.analyze(" ".join(completion.expansions[1:]), query=True)
                more = [(f, t, b * PREFIX_OTHERS) for f, t, b in self.terms(others, lex.synonyms)]
        plan = QueryPlan.make(query, lex, self.weights, self.plan, more=more)
        spelled: dict = {}  # did-you-mean's answers for this query (the ranking and the suggestion ask alike)
        if plan.terms:
            scored = self._score(v, plan, spelled)
            if trace is not None:
                trace["plan"], trace["scored"] = plan, scored
            # Every entry shares some word or bigram with a long query, so a bare match count
            # says "44 results" for 44 entries. Count what is worth reading instead: hits
            # scoring at least RELATIVE_CUTOFF of the best one, among the first max(page*limit, 10)+WINDOW.
            docs = self._top(v, scored, category, min(max(page * limit, 10) + WINDOW, MAX_LIMIT * MAX_PAGE))
            if len(docs):
                raw = scored.raw
                floor = raw[docs].max() * RELATIVE_CUTOFF
                kept = docs[raw[docs] >= floor].tolist()
                res.total = len(kept)
                top_doc = kept[0]
                own = float(self._own(v)[top_doc])
                judged: dict[str, Any] = signals(scored.units, top_doc, scored.imp, float(raw[top_doc]), own)
                res.signals = judged  # (and what relevance adds: the category named, the scope's neighbour)
                model = self._topic(v)
                if model is not None:
                    res.signals["topic"] = model.score(plan.topic_features)
                res.answered = answered(res.signals)
                if scored.named:  # a category named is our subject; the page can offer all of it (intent.py)
                    res.signals["category"], res.answered = scored.named, True
                if why := self._neighbour(v, plan.plain):  # kb/scope.yaml (scope.py)
                    res.answered, res.signals["scope"] = False, why
                if self.plan["diverse"]:  # two questions in one: each one's best entry in the top 3 (diversity.py)
                    kept = diversify(kept, plan, scored.units, scored.imp, self.weights, self.plan)
                shown = kept[(page - 1) * limit: page * limit]
                for d, score in zip(shown, scored.scores[shown].tolist(), strict=True):
                    hit = self._hit(v, d, score, lang or qlang, plan.highlight, lang, script)
                    if hit is not None:
                        res.hits.append(hit)
        if suggest and len(query) <= MAX_SUGGEST_CHARS:  # a second search only when a word was corrected
            res.suggestion = self._suggestion(query, category, res.hits[0].score if res.hits else 0.0, v, spelled,
                                              trace)
        if completion is not None:  # what the last word was read as
            res.signals["prefix"] = {"searched": completion.text, "expansions": completion.expansions}
        return res

    def _score(self, v: Version, plan: QueryPlan, spelled: dict) -> _Scored:
        """Every document's score for ``plan``, the index's additions to it (other stems,
        typo fixes) made, and the units `answered` is judged on."""
        import numpy as np

        knobs, lex, query = self.plan, plan.lexicon, plan.query
        imp = self._impact(v)
        terms = plan.terms
        if knobs["stems"]:
            plan.stems = self._stem_variants(plan.analyzed, imp, v)
            terms = terms + plan.stems
        if plan.pinyin_pairs:
            terms = terms + plan.pinyin_pairs
        if plan.reading is not None:  # pinyin read as the kb's Chinese words: searched as if typed in characters
            terms = list(dict.fromkeys(terms + plan.reading_terms))
        units: list[Unit] = []
        fixes: list[Analyzed] | None = [] if knobs["typo"] else None
        # also what `answered` is judged on
        cov = self._coverage(plan.analyzed, lex, imp, units, plan.plain, v, fixes, spelled)
        if plan.reading is not None and cov is not None:
            # Read as characters, the words count too: run-together pinyin is otherwise
            # one unit that only entries holding every syllable pair of it satisfy.
            hcov = self._coverage(plan.reading, lex, imp, v=v)
            if hcov is not None:
                cov = (cov + hcov) / 2
        if fixes is not None and knobs["han_typo"] and len(query) <= MAX_SUGGEST_CHARS:
            # (as did-you-mean: for a mistyped question, not for a page of random characters)
            fixes += self._han_fixes(plan.plain, plan.analyzed, lex, imp, v, spelled)
        if fixes:  # a corrected typo's word is searched too, a little below a word typed right
            boost = knobs["typo"]
            terms = list(dict.fromkeys(terms + [(f, t, b * boost) for fa in fixes
                                                for f, t, b in query_terms(fa, lex.synonyms, self.weights, knobs)]))
        plan.fixes = fixes
        # Words first, then bigrams, then pinyin, then v2's other stems, pinyin read as
        # characters and typo fixes: past MAX_TERMS only the recall net is cut.
        terms = terms[:MAX_TERMS]
        scores, mask, _ = imp.score(terms)
        raw = scores  # what the result count's cutoff is measured on (BM25F, as before v2)
        if knobs["coverage"] and cov is not None:
            factor = knobs["cov_base"] + cov
            if knobs["cov_pow"] != 1.0:  # (x ** 1.0 is x: one pass over the documents less)
                factor = factor ** knobs["cov_pow"]
            scores = scores * factor
        if knobs["own"]:
            # min(1, BM25F / the entry's own question's BM25F) = raw * inv_own, capped.
            scores = scores * (1 + knobs["own"] * np.minimum(raw * self._inv_own(v), 1.0))
        named, bm25f = None, raw
        if knobs["specific"] and len({t.text for t in plan.analyzed.words}) <= SHORT_QUERY:  # specificity.py
            read = [plan.analyzed, *([plan.reading] if plan.reading is not None else []), *(fixes or [])]
            scores = self._specific(v, scores, read, lex, imp)
        if knobs["intent"] and (named := self._intent(v, plan.plain, spelled)):  # categories (intent.py)
            scores, raw, mask = self._recall(v, named, scores, raw, mask)
        if knobs["number"] and asks_number(query):
            scores = scores * (1 + knobs["number"] * self._numeric(v))
        return _Scored(imp, terms, scores, raw, mask, cov, units, plan.must, named, bm25f)

    def _top(self, v: Version, scored: _Scored, category: str | None, k: int):
        """The best ``k`` documents of the category (if any) matching every quoted phrase."""
        from .impact import top

        imp, mask = scored.imp, scored.mask
        if category:
            mask &= self._mask(v, ("category", category))
        for q, needed, (fields, seq, slop) in scored.must:
            # A phrase with a word no entry holds matches nothing: nothing need look.
            if all(any(imp.df(f, t) for f in fs) for fs, t in needed):
                # The term sequences are the arrays' (impact.py); whoosh only for a version
                # built before they were.
                got = imp.phrase(fields, seq, slop)
                mask &= self._mask(v, q) if got is None else got
            else:
                mask[:] = False
        return top(scored.scores, mask, k)[0]

    def _specific(self, v: Version, scores, analyzed: list[Analyzed], lex: Lexicon, imp):
        """A short query's best few candidates re-judged by how much of their own question
        (in the query's language) the query covers (specificity.py)."""
        import math

        import numpy as np

        from .specificity import CANDIDATES, specificity

        if len(scores) <= 1:
            return scores
        cand = np.argpartition(-scores, min(CANDIDATES, len(scores) - 1))[:CANDIDATES]
        cand = cand[scores[cand] > 0].tolist()
        words = {t.text for a in analyzed for t in a.words}
        out = scores.copy()
        for d in cand:
            phrasings = v.questions.get(d)
            if phrasings is None:  # the entry's question and alternatives in every language, as (word, idf)
                entry = v.entries.get(self._stored(v, d)["id"])
                if entry is None:
                    continue
                phrasings = []
                for tr in entry.translations.values():
                    for i, text in enumerate((tr.question, *tr.alternatives)):
                        toks = dict.fromkeys(t.text for t in lex.analyzer.analyze(text, query=True).words)
                        phrasings.append((i == 0, [(t, math.log(1 + imp.n / (1 + imp.df("q_words", t)))) for t in toks]))
                v.questions.put(d, phrasings)
            out[d] *= 1 + self.plan["specific"] * specificity(words, phrasings, lex.synonyms)
        return out

    def _intent(self, v: Version, query: str, spelled: dict) -> str | None:
        """The category the query only names (kb/categories.yaml), as typed or with the
        typos did-you-mean corrected (``spelled``: its answers for this query), if any."""
        if v.intents is None:
            from .intent import Intents

            v.intents = Intents.read(v.path) or False
        if not v.intents:
            return None
        fixed = {k[1]: f for k, f in spelled.items() if isinstance(k, tuple) and k[0] == "word" and f}
        return v.intents.category(query, fixed)

    def _recall(self, v: Version, category: str, scores, raw, mask):
        """A query naming a category: every entry of it recalled above the rest (in their
        order), its overview entry first; each kept as a result (raw at least the cutoff)."""
        import numpy as np

        cat = self._mask(v, ("category", category))
        if not cat.any() or not v.intents:
            return scores, raw, mask
        top = float(scores.max()) or 1.0
        scores = scores + cat * top
        overview = v.overviews.get(category)
        if overview is None:
            want = v.intents.overview.get(category)
            overview = next((int(d) for d in np.flatnonzero(cat) if self._stored(v, int(d))["id"] == want), -1)
            v.overviews[category] = overview
        if overview >= 0:
            scores[overview] += top
        raw = np.where(cat, np.maximum(raw, float(raw.max()) * RELATIVE_CUTOFF), raw)
        return scores, raw, mask | cat

    def _neighbour(self, v: Version, query: str) -> str | None:
        """The neighbour class (kb/scope.yaml) the query names, if any: not answered."""
        if v.scope is None:
            from .scope import Scope

            v.scope = Scope.read(v.path) or False
        return v.scope.neighbour(query) if v.scope else None

    def _complete(self, query: str, lex: Lexicon, v: Version):
        """prefix.complete on this version's words; a candidate's fit with the rest of the
        query is the best coverage of the rest among the entries holding the candidate."""
        from .prefix import Dictionary, complete

        if v.prefixes is None:
            v.prefixes = Dictionary.of(lex.vocab, lex.han_by_pinyin)
        imp = self._impact(v)
        rest_cov: dict = {}

        def fit(rest: str, cand: str) -> float:
            if "cov" not in rest_cov:
                rest_cov["cov"] = self._coverage(lex.analyzer.analyze(rest, query=True), lex, imp, v=v)
            cov = rest_cov["cov"]
            toks = lex.analyzer.analyze(cand, query=True).words
            if cov is None or not toks:
                return 0.0
            held = self._word_masks(toks[0].text, toks[0].script, lex, imp, v)[0]
            return float((cov * held).max()) if held.any() else -1.0

        def known(word: str) -> bool:  # another form of a kb word (cancelling), a whole Chinese word
            toks = lex.analyzer.analyze(word, query=True).words
            if not toks:  # a stop word (от, после, the): a whole word already
                return True
            return len(toks[-1].text) > 1 if toks[-1].script == "han" else (
                len(toks[-1].text) >= 4 and toks[-1].text in lex.stems)

        rest = query.rsplit(None, 1)[0] if " " in query else ""
        return complete(query, v.prefixes, lex.table.split, fit,
                        pinyin_first=bool(rest) and looks_like_pinyin(rest, lex), known=known)

    def _coverage(self, a: Analyzed, lex: Lexicon, imp, units: list[Unit] | None = None,
                  text: str = "", v: Version | None = None, fixes: list[Analyzed] | None = None,
                  spelled: dict | None = None):
        """Per document, the idf-weighted share of the query's words it holds: a word counts
        when the entry has it or a synonym, all bigrams of a Han word, or a pinyin word.
        ``units`` receives each word's masks for `answered` (``text`` is what ``a`` was
        analyzed from: unknown words are looked up there by their surface form)."""
        import math

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
        for w, tok in list(words.items())[:MAX_UNITS]:
            script = tok.script
            m, mq, df, pairs = self._word_masks(w, script, lex, imp, v or self._v)
            weight = math.log(1 + n / (1 + df))
            typo = replaced = False
            if not df and not pairs and script in ("lat", "cyr") and v is not None and checked < MAX_TYPO_CHECKS:
                checked += 1  # a typo of a kb word (cancle, растаргнуть) is no sign of another topic
                fixed = self._speller(v).word(text[tok.start:tok.end], spelled)
                typo = fixed is not None
                if typo and fixes is not None:
                    # For ranking, the typo stands for the word it corrects to: its entries
                    # hold the word (the unit `answered` sees keeps the typo's own masks).
                    fa = lex.analyzer.analyze(fixed, query=True)
                    fm = _mask_of([r for ft in fa.words for f in ("q_words", "a_words")
                                   if (r := imp.docs_of(f, ft.text)) is not None], n)
                    if fm.any():
                        replaced = True
                        fixes.append(fa)
                        fdf = int(fm.sum())
                        fw = math.log(1 + n / (1 + fdf))
                        total += fw * fm
                        wsum += fw
            if not replaced:
                if df:
                    total += weight * m
                wsum += weight
            units.append(Unit(df, weight, m, mq, list(pairs) if not df else [], typo))
        return total / wsum if wsum else None

    def _numeric(self, v: Version):
        """Per document, 1.0 if its answer holds a number (a term of digits in a_words),
        else 0.0: made once per version from the term list (as ``v.stems`` is), so a
        query asking for a quantity pays one multiplication."""
        if v.numeric is None:
            import numpy as np

            imp = self._impact(v)
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

    def _word_masks(self, w: str, script: str, lex: Lexicon, imp, v: Version) -> tuple[Any, Any, int, tuple]:
        """What the coverage needs of one query word: the documents holding it anywhere
        and in their question or alternatives (masks), how many hold it, and, for a Latin
        word no entry holds, its pinyin syllable pairs. A function of the word and the
        index version only, so kept per version (WORD_CACHE_BYTES of masks): readers' words
        repeat from query to query, and gathering a word's rows and setting its masks was
        most of the coverage's time."""
        key = (w, script)
        got = v.words.get(key)
        if got is not None:
            return got
        import numpy as np

        n = imp.n
        alts = [w, *(t for alt in lex.synonyms.get(w, ()) if len(alt) == 1 for t in alt)]
        in_q = [r for t in alts if (r := imp.docs_of("q_words", t)) is not None]
        anywhere = in_q + [r for t in alts if (r := imp.docs_of("a_words", t)) is not None]
        pairs: list[str] = []
        if script == "han" and len(w) > 1:
            bigrams = [w[i:i + 2] for i in range(len(w) - 1)]
            anywhere += _all_docs(imp, ("q_bigrams", "a_bigrams"), bigrams)
            in_q += _all_docs(imp, ("q_bigrams",), bigrams)
        pinyin: list = []
        if script == "han":  # a homophone typo (注消, 话废) still sounds like the word
            syl = [x for x in lex.table.of(w) if x]
            if syl:
                pinyin = _all_docs(imp, (PINYIN_FIELD,), [a + b for a, b in zip(syl, syl[1:], strict=False)] or syl)
        elif script == "lat":
            split = lex.table.split(w) if w.isascii() else None
            if split and len(split) > 1:
                pairs = [a + b for a, b in zip(split, split[1:], strict=False)]
            pinyin = _all_docs(imp, (PINYIN_FIELD,), pairs or [w])
        if anywhere or pinyin:
            m = _mask_of(anywhere + pinyin, n)
            mq = _mask_of(in_q + pinyin, n) if in_q or pinyin else np.zeros(n, dtype=bool)  # in the question or its alternatives
            df = int(np.count_nonzero(m))
        else:  # a word no entry holds (most of a long made-up query)
            m = mq = np.zeros(n, dtype=bool)
            df = 0
        m.flags.writeable = mq.flags.writeable = False  # shared by every query that has the word
        got = (m, mq, df, tuple(pairs))
        return v.words.put(key, got)

    def _stem_variants(self, a: Analyzed, imp, v: Version) -> list[tuple[str, str, float]]:
        """Other Snowball stems of the same word: stems the kb has that a Russian or English
        query stem begins with or that begin with it (отказа: отказ, отказыва; закр:
        закрыт, закрыва), at least MIN_STEM letters and at most MAX_STEM_DIFF apart. Snowball cuts the forms of one verb or
        noun differently (отказаться → отказа, отказ → отказ), so an exact stem misses them.
        Each word adds at most MAX_VARIANTS, found by a binary search in the kb's sorted
        Latin/Cyrillic stems (sorted once per version)."""
        import bisect

        if v.stems is None:
            v.stems = sorted({t for f in WORD_FIELDS for t in imp.terms[f]
                              if len(t) >= MIN_STEM and not is_han(t) and not t.isdigit()})
        stems, qt, at = v.stems, imp.terms["q_words"], imp.terms["a_words"]
        w, boost = self.weights, self.plan["stems"]
        out: list[tuple[str, str, float]] = []
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

    def _han_fixes(self, text: str, a: Analyzed, lex: Lexicon, imp, v: Version,
                   spelled: dict | None = None) -> list[Analyzed]:
        """Homophone typos in Chinese (住销, 主销 for 注销): each Han run holding a character
        pair no entry has is read by did-you-mean (its words by sound, spelling.Speller.han,
        at most MAX_HAN characters and its few fixes); the words it puts in that the query
        lacks come back analyzed."""
        from .analysis import Token, fold_han, han_bigrams, script_runs
        from .spelling import MAX_FIXES, MAX_HAN

        have = {t.text for t in a.words}
        have |= {x for w in list(have) for alt in lex.synonyms.get(w, ()) for x in alt}  # 注消 is 注销's synonym
        qb, ab = imp.terms["q_bigrams"], imp.terms["a_bigrams"]
        left, budget, out = MAX_HAN, MAX_FIXES, []
        known = [t for t in a.words if t.script == "han" and len(t.text) > 1 and t.text in lex.vocab]
        for script, run, start in script_runs(text):
            if script != "han" or left <= 0 or budget <= 0:
                continue
            run = fold_han(run)[:left]
            left -= len(run)
            if all(run[i:i + 2] in qb or run[i:i + 2] in ab for i in range(len(run) - 1)):
                continue  # every pair of characters is the kb's: nothing sounds wrong
            fixed, n = self._speller(v).han(run, budget, spelled)
            if n:
                budget -= n
                # The kb words put in (found by lookup, not by cutting the run again: jieba's
                # cost stays one cut per query run).
                # Only where the query has no kb word of its own: 可以直接 is no typo of 一直.
                words = [w for at, w in _put_in(run, fixed, lex.vocab) if w not in have
                         and not any(t.start < start + at + len(w) and start + at < t.end for t in known)]
                if words:
                    bigrams = [b for w in words for b in han_bigrams(w) if b not in a.bigrams]
                    out.append(Analyzed([Token(w, 0, 0, "han") for w in words], bigrams, [], {"han"}))
        return out

    def _stored(self, v: Version, d: int) -> dict:
        """whoosh's stored fields of one document (id, marks): unpickling them is most of a
        page's cost, and the same entries come back query after query: keep STORED_CACHE."""
        got = v.stored.get(d)
        if got is None:
            if v.own_marks:
                # Kept beside whoosh's segment (layout.MARKS) since builds got faster; the
                # id is ENTRIES' (the documents' order): no whoosh file is read for a hit,
                # so a version whose folder went away still shows its hits.
                got = {"id": v.ids[d], "marks": self._marks(v, d)}
            else:
                got = self._whoosh(v).stored_fields(d)
            # Marks as tuples: untracked by the garbage collector once it has seen them, so a
            # full cache adds nothing to a full collection's walk (see service.settle).
            got["marks"] = {lang: (tuple(q), tuple(a)) for lang, (q, a) in got["marks"].items()}
            v.stored.put(d, got)
        return got

    def _marks(self, v: Version, d: int) -> dict:
        """Document ``d``'s highlighting marks from MARKS (one slice of a memory map)."""
        if v.marks is None:
            import mmap

            import numpy as np

            try:
                offsets = np.load(v.files.path(MARKS_OFFSETS), mmap_mode="r")
                with open(v.files.path(MARKS), "rb") as f:
                    blob = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if offsets[-1] else b""
            except (OSError, ValueError) as e:
                raise IndexNotReady(f"index at {v.path} has no usable {MARKS} ({e}); run `faqkb build`") from None
            v.marks = (offsets, blob)
        offsets, blob = v.marks
        return marshal.loads(zlib.decompress(blob[int(offsets[d]):int(offsets[d + 1])]))

    def _mask(self, v: Version, q):
        """Documents matching a whoosh query (category term or quoted phrase), as a numpy
        mask: whoosh decides, the arrays only score. Category masks are kept per version."""
        import numpy as np
        from whoosh import query as wq

        key = q if isinstance(q, tuple) else None
        if key is not None and key in v.masks:
            return v.masks[key]
        n = self._impact(v).n
        if key is not None and key[0] == "category" and v.own_marks:
            # The entries know their category: no whoosh file read (see _stored).
            entries = v.entries
            mask = np.fromiter((entries[i].category == key[1] for i in v.ids), dtype=bool, count=n)
        else:
            mask = np.zeros(n, dtype=bool)
            mask[list(self._whoosh(v).docs_for_query(wq.Term(*q) if key is not None else q))] = True
        if key is not None:
            v.masks[key] = mask
        return mask

    def query_lang(self, query: str, lex: Lexicon | None = None) -> str | None:
        """zh, ru or en by the query's letters; Latin letters that read as pinyin are zh."""
        lang = guess_lang(query)
        if lang == "en" and looks_like_pinyin(query, lex or self._lexicon()):
            return "zh"
        return lang

    def terms(self, a: Analyzed, syn: dict) -> list[Term]:
        """The scored terms of an analyzed query (query.query_terms, with this searcher's
        weights and knobs)."""
        return query_terms(a, syn, self.weights, self.plan)

    def whoosh_search(self, query: str, limit: int = 10, category: str | None = None):
        """The same query scored by whoosh's own BM25F matchers (the reference the impact
        arrays are tested against: tests/test_impact.py), on an index built with
        ``build_index(..., reference=True)`` (only it has postings for the scored fields).
        Returns whoosh Results."""
        from whoosh import query as wq

        v = self._v
        lex = self._lexicon(v)
        a = lex.analyzer.analyze(query, query=True)
        union = wq.Or([wq.Term(f, t, boost=b) for f, t, b in self.terms(a, lex.synonyms)])
        if a.bigrams:
            union.matcher_type = wq.Or.ARRAY_MATCHER
        flt = wq.Term("category", category) if category else None
        return self._whoosh(v).search(union, limit=limit, filter=flt)

    # -- presenting a hit

    def _hit(self, v: Version, doc: int, score: float, want: str | None, terms: dict, asked: str | None,
             script: str | None) -> Hit | None:
        # Which entry and which of its languages a document shows for a wanted language:
        # kept per version, so a hit seen before costs one lookup, not the stored fields,
        # the entry and its languages again.
        shows = v.shows.get((doc, want))
        if shows is None:
            entry = v.entries.get(self._stored(v, doc)["id"])
            if entry is None:
                return None
            lang = entry.best_lang(want)
            shows = v.shows.put((doc, want), (entry, lang, entry.translations[lang]))
        entry, lang, tr = shows
        q_marks, a_marks = self._hit_marks(v, doc, lang)
        q_spans = highlight_spans(q_marks, terms) if isinstance(q_marks, tuple) else q_marks.spans(terms)
        a_spans = highlight_spans(a_marks, terms) if isinstance(a_marks, tuple) else a_marks.spans(terms)
        if a_spans or not tr.lead:
            got = v.answers.get((entry.id, lang))
            if got is None:
                plain = plain_text(tr.answer)
                got = v.answers.put((entry.id, lang), (plain, sentence_starts(plain)))
            snippet, s_spans = make_snippet(got[0], a_spans, starts=got[1])
        else:  # the match is in the question: the direct answer says most
            snippet, s_spans = tr.lead, []
        question = tr.question
        if script == "Hant" and lang == "zh":  # else the texts are shown as written (spans_for_reader)
            question, q_spans = spans_for_reader(question, q_spans, lang, script)
            snippet, s_spans = spans_for_reader(snippet, s_spans, lang, script)
        return Hit(entry.id, entry.category, lang, bool(asked) and lang != asked,
                   question, snippet, q_spans, s_spans, score)

    def _hit_marks(self, v: Version, doc: int, lang: str) -> tuple:
        """A long text's marks are indexed by term once (MarkIndex), so its hits look up the
        query's words instead of walking it; a short one is walked (building an index
        costs several walks: a page of 50 hits at 10k entries spent 38 % of its time so)."""
        got = v.marked.get((doc, lang))
        if got is None:
            got = v.marked.put((doc, lang), tuple(MarkIndex(m) if len(m) > INDEX_MARKS else m
                                                  for m in self._stored(v, doc)["marks"][lang]))
        return got

    # -- did you mean

    def _suggestion(self, query: str, category: str | None, top: float, v: Version,
                    spelled: dict | None = None, trace: dict | None = None) -> str | None:
        """A corrected query, offered only if it finds something better than the original."""
        fixed = self._speller(v).correct(query, spelled)
        # A correction can be longer than the query ("refun" -> "refund"): past the limit it
        # is no query a reader could send, so it is not offered (and not searched).
        if fixed is None or fixed == query or len(fixed) > MAX_QUERY_CHARS:
            return None
        if trace is not None:
            trace["suggestion_searched"] = fixed
        better = self._search(v, fixed, None, category, 1, 1, suggest=False, script=None)
        return fixed if better.hits and better.hits[0].score > top else None


@dataclass
class HitExplanation:
    id: str
    score: float                # the ranking's score (Hit.score)
    bm25f: float                # BM25F alone: the result count's cutoff and `answered` ("self") use it (a category named lifts its entries to the cutoff)
    fields: dict[str, float]    # BM25F contribution per field (they sum to ``bm25f``, up to rounding)
    coverage: float             # idf-weighted share of the query's words the entry holds


@dataclass
class Explanation:
    """Searcher.explain's answer."""

    query: str
    plan: QueryPlan | None      # None when the query has no searchable word
    terms: list[Term]           # what was scored: (field, term, boost), capped at MAX_TERMS
    hits: list[HitExplanation]
    signals: dict[str, float]   # what `answered` was judged on (engine.answered)
    answered: bool
    suggestion: str | None
    suggestion_searched: str | None  # the correction did-you-mean searched (None: no second search)


def _per_field(imp: ImpactIndex, terms: list[Term], doc: int) -> dict[str, float]:
    import numpy as np

    out: dict[str, float] = {}
    for f in dict.fromkeys(f for f, _, _ in terms):
        rows = [(r, b) for ff, t, b in terms if ff == f and (r := imp.terms[f].get(t)) is not None]
        if rows:
            got = imp.at(f, np.asarray([r for r, _ in rows]), np.full(len(rows), doc))
            out[f] = float((got * np.asarray([b for _, b in rows])).sum())
    return out


@dataclass
class _Scored:
    """One query's scores over every document, and what went into them."""

    imp: Any          # impact.ImpactIndex
    terms: list[Term]  # scored, capped at MAX_TERMS
    scores: Any       # numpy: the ranking's score per document
    raw: Any          # numpy: BM25F alone (the result count's cutoff and `answered` use it)
    mask: Any         # numpy bool: documents matching any term
    coverage: Any     # numpy: idf-weighted share of the query's words per document, or None
    units: list[Unit]  # the query's words as `answered` sees them
    must: list        # phrase checks
    named: str | None = None  # the category the query only names (intent.py): all of it recalled
    bm25f: Any = None  # numpy: BM25F alone (``raw`` but for a recalled category's entries, lifted to the cutoff)


def _all_docs(imp, fields: tuple[str, ...], terms: list[str]) -> list:
    """Documents holding every one of ``terms`` (each in any of ``fields``), as index
    arrays whose union they are (empty when none can): a term no document holds ends the
    walk before any array is touched, and one term needs no set operation at all."""
    import numpy as np

    per_term = []
    for t in dict.fromkeys(terms):
        rows = [r for f in fields if (r := imp.docs_of(f, t)) is not None]
        if not rows:
            return []
        per_term.append(rows)
    if len(per_term) == 1:
        return per_term[0]
    # Several terms: count each document once per term that holds it (keys term*n+doc
    # made unique across fields), then keep the documents every term holds.
    n = imp.n
    keys = np.concatenate([r.astype(np.int64) + i * n for i, rows in enumerate(per_term) for r in rows])
    if any(len(rows) > 1 for rows in per_term):
        keys = np.unique(keys)
    held = np.bincount(keys % n, minlength=n)
    return [np.flatnonzero(held == len(per_term))]


def _mask_of(parts: list, n: int):
    """A boolean mask over ``n`` documents set at the union of ``parts`` (index arrays)."""
    import numpy as np

    mask = np.zeros(n, dtype=bool)
    if len(parts) == 1:
        mask[parts[0]] = True
    elif parts:
        mask[np.concatenate(parts)] = True
    return mask



def _put_in(run: str, fixed: str, vocab: dict) -> list[tuple[int, str]]:
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


