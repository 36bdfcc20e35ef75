"""Fuzzing the query path with hypothesis: the analyzer, the query parsing and the whole
`Searcher.search` over any Unicode a visitor can type (every script, combining marks, emoji,
control characters, lone surrogates, RTL marks, unbalanced quotes, very long input).

Reproducible anywhere: the hypothesis profiles in conftest.py are derandomized with no
example database. Under the ci profile the counts below add up to 10,500 generated inputs;
HYPOTHESIS_PROFILE=dev runs a fiftieth of them.

Cost is bounded by work, not by a clock (a clock fails on a busy machine, not on slow code):
every search runs at most two scoring passes (impact arrays or whoosh) (the query and its did-you-mean) and each holds
at most TERMS_PER_CHAR terms per query character; an over-long query is refused before any
analysis.
"""

from __future__ import annotations

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import searching

from faqkb.analysis import Analyzer
from faqkb.diversity import MAX_RANKED, clauses
from faqkb.errors import QueryError
from faqkb.impact import ImpactIndex
from faqkb.search import MAX_QUERY_CHARS, Results, Searcher

# Whoosh terms one query may expand into, per character of the query, plus a constant.
# A Han character gives a word, a bigram (each looked up in two fields) and pinyin terms;
# random Han text at the length limit measured about 5.7 per character.
TERMS_PER_CHAR, TERMS_BASE = 8, 32
WHOOSH_QUERIES_PER_SEARCH = 2  # the query, plus one did-you-mean check

# Any code point at all, lone surrogates (Cs) and private use included.
ANY_CHAR = st.characters(exclude_categories=())
ANY_TEXT = st.text(alphabet=ANY_CHAR, max_size=MAX_QUERY_CHARS)

# Pieces that reach the interesting code: kb words in every script, quote marks of all kinds
# (balanced or not), bidi controls, combining marks, emoji with joiners, controls, fullwidth.
PIECES = [
    "注销", "註銷", "余额", "保号费", "销号", "手机卡", "zhuxiao", "yue", "zx", "плата", "номер", "МТС",
    "ёлка", "MTS", "Beeline", "daily", "fee", "refund", "sim", "2015", "１２３", "ＭＴＳ",
    '"', '""', "“", "”", "「", "」", "'", "«", "»", "\u200f", "\u200e", "\u202e", "\u2066", "\u2069",
    "\u0301", "\u0308", "\u20dd", "e\u0301", "🇷🇺", "👨‍👩‍👧", "🙂", "\ufe0f", "\u200d", "\x00", "\x07", "\x1b[31m",
    "\r\n", "\t", "\u3000", "\u2028", "\ud800", "\udfff", "\U0002a6d6", "\uffff", "\ufeff", "ﷺ", "ש", "ع", "ไทย",
    "한국어", "ひらがな", "  ", "-", "*", "?", "~", "(", ")", "[", "]", "\\", "AND", "OR", "NOT", "title:", "^2",
]
STRUCTURED = st.lists(st.one_of(st.sampled_from(PIECES), st.text(alphabet=ANY_CHAR, max_size=3)),
                      max_size=40).map("".join)
WHITESPACE = st.text(alphabet=st.sampled_from(" \t\n\r\x0b\x0c\u00a0\u1680\u2000\u2009\u200a\u2028\u2029"
                                             "\u202f\u205f\u3000\x1c\x1d\x1e\x1f\x85"), max_size=300)


class Work:
    """What one search made whoosh and the analyzer do, recorded by wrapping their real
    methods (nothing is replaced: the calls go through)."""

    def __init__(self) -> None:
        self.queries: list[int] = []  # leaf terms of each whoosh query run
        self.analyzed = 0

    def reset(self) -> Work:
        self.queries.clear()
        self.analyzed = 0
        return self


@pytest.fixture(scope="module")
def work():
    w = Work()
    mp = pytest.MonkeyPatch()
    run, analyze, score = searching.Searcher.search, Analyzer.analyze, ImpactIndex.score

    def counted_run(self, q, *a, **kw):
        w.queries.append(sum(1 for _ in q.leaves()))
        return run(self, q, *a, **kw)

    def counted_score(self, terms, *a, **kw):  # the query engine: numpy rows per term
        w.queries.append(len(terms))
        return score(self, terms, *a, **kw)

    def counted_analyze(self, *a, **kw):
        w.analyzed += 1
        return analyze(self, *a, **kw)

    mp.setattr(searching.Searcher, "search", counted_run)
    mp.setattr(ImpactIndex, "score", counted_score)
    mp.setattr(Analyzer, "analyze", counted_analyze)
    yield w
    mp.undo()


def _check_spans(spans, text: str) -> None:
    last_end = -1
    for s, e in spans:
        assert 0 <= s < e <= len(text), (s, e, len(text))
        assert s >= last_end, f"overlapping or unsorted spans {spans}"
        last_end = e


def _check_results(res: Results, searcher: Searcher) -> None:
    assert isinstance(res, Results)
    assert res.total >= len(res.hits) >= 0
    assert len(res.hits) <= res.limit
    for h in res.hits:
        assert h.id in searcher.entries
        assert h.lang in searcher.entries[h.id].translations
        _check_spans(h.question_highlights, h.question)
        _check_spans(h.snippet_highlights, h.snippet)
    if res.suggestion is not None:
        assert isinstance(res.suggestion, str) and res.suggestion != res.query
    res.to_dict()  # what the API serializes must not fail either


def _search(searcher: Searcher, work: Work, query: str, **kw) -> Results:
    work.reset()
    res = searcher.search(query, **kw)
    # a correction offered for an unanswered query is searched once more for its results,
    # applied (Results.corrected, issue 19) when they answer
    tried = res.corrected is not None or (res.suggestion is not None and not res.answered)
    # and one still unanswered is read once more with its last word as a prefix, to confirm its
    # first hit (Searcher._confirm: signals["prefix"] when it did)
    read = not res.answered or "prefix" in res.signals
    # and a query of two questions may rank one clause on its own in each of those searches
    # (diversity.py: at most MAX_RANKED per search)
    split = MAX_RANKED * (1 + tried + read) if len(clauses(query)) > 1 else 0
    assert len(work.queries) <= WHOOSH_QUERIES_PER_SEARCH + tried + read + split, (query, work.queries)
    bound = TERMS_PER_CHAR * len(query.strip()) + TERMS_BASE
    assert all(n <= bound for n in work.queries), f"{work.queries} terms (bound {bound}) for {query!r}"
    _check_results(res, searcher)
    return res


@settings(max_examples=examples(3000))
@given(text=st.text(alphabet=ANY_CHAR, max_size=2000), query=st.booleans())
def test_analyzer_any_unicode(searcher: Searcher, text: str, query: bool) -> None:
    a = searcher.analyzer().analyze(text, query=query)
    for tok in a.words:
        assert 0 <= tok.start < tok.end <= len(text), (tok, len(text))
        assert tok.text and " " not in tok.text  # stored space-separated: a space would split a term
    for term in [*a.bigrams, *a.pinyin]:
        assert term and not any(c.isspace() for c in term), term


@settings(max_examples=examples(3000))
@given(query=ANY_TEXT)
def test_search_any_unicode(searcher: Searcher, work: Work, query: str) -> None:
    _search(searcher, work, query)


@settings(max_examples=examples(2500))
@given(query=STRUCTURED, lang=st.sampled_from([None, "zh", "ru", "en"]),
       category=st.sampled_from([None, "costs", "refunds", "scams"]), page=st.integers(1, 3))
def test_search_quotes_marks_and_kb_words(searcher: Searcher, work: Work, query: str, lang, category,
                                          page) -> None:
    if len(query.strip()) > MAX_QUERY_CHARS:
        with pytest.raises(QueryError):
            searcher.search(query)
        return
    res = _search(searcher, work, query, lang=lang, category=category, limit=3, page=page)
    if category:
        assert all(h.category == category for h in res.hits)
    if lang:
        assert all(h.lang == lang or h.fallback for h in res.hits)


@settings(max_examples=examples(1500))
@given(core=st.text(alphabet=ANY_CHAR, min_size=MAX_QUERY_CHARS + 1, max_size=5000), pad=WHITESPACE)
def test_over_long_query_is_query_error(searcher: Searcher, work: Work, core: str, pad: str) -> None:
    query = pad + core + pad
    if len(query.strip()) <= MAX_QUERY_CHARS:  # the core itself was mostly whitespace
        _search(searcher, work, query)
        return
    work.reset()
    with pytest.raises(QueryError) as err:
        searcher.search(query)
    assert err.value.param == "q" and str(MAX_QUERY_CHARS) in str(err.value)
    assert (work.analyzed, work.queries) == (0, []), "refused only after analysing the query"


@settings(max_examples=examples(500))
@given(query=WHITESPACE)
def test_whitespace_only(searcher: Searcher, work: Work, query: str) -> None:
    res = _search(searcher, work, query)
    if not query.strip():
        assert res.hits == [] and res.total == 0


def test_worst_cases_stay_bounded(searcher: Searcher, work: Work) -> None:
    """Hand-made worst cases for the parser, jieba, pinyin splitting and did-you-mean."""
    worst = [
        "注" * MAX_QUERY_CHARS, "註銷" * 100, "zhuxiao" * 28, "a" * MAX_QUERY_CHARS, "плт " * 50,
        '"' * MAX_QUERY_CHARS, "“" * 100 + "”" * 100, "「" * MAX_QUERY_CHARS, '"注销 余额' * 20,
        "\u0301" * MAX_QUERY_CHARS, "\ud800" * MAX_QUERY_CHARS, "🇷🇺" * 100, "\u202e" * MAX_QUERY_CHARS,
        " ".join(["refund"] * 28), "refnud " * 28, "dailx feex " * 18, "注消" * 100, "١٢٣٤٥٦٧٨٩٠" * 20,
    ]
    for q in worst:
        _search(searcher, work, q[:MAX_QUERY_CHARS])


def test_did_you_mean_never_grows_a_query_past_the_limit(searcher: Searcher, work: Work) -> None:
    """A query at the length limit whose correction is longer ("refun" -> "refund") is
    answered without a suggestion, not refused as too long by the did-you-mean check."""
    query = ("fee " * 60 + "refun")[-MAX_QUERY_CHARS:]
    assert len(query) == MAX_QUERY_CHARS
    res = _search(searcher, work, query)
    assert res.suggestion is None or len(res.suggestion) <= MAX_QUERY_CHARS
