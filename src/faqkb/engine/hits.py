"""A document shown as a hit: its entry in the reader's language, the query's words marked
in its question, and a snippet of its answer around them (or the answer's lead)."""

from __future__ import annotations

import marshal
from collections.abc import Callable

from ..lexicon import Lexicon
from ..plan import analyze_query, highlight_terms
from ..script import spans_for_reader
from ..snippets import Compact, Needles, Span, compact_spans, highlight_spans, make_snippet, needles, word_marks
from .context import Context
from .results import Hit


def make_hit(ctx: Context, doc: int, score: float, want: str | None, terms: dict, asked: str | None,
             script: str | None, wanted: Needles | None = None) -> Hit | None:
    """``terms``: what to mark (QueryPlan.highlight); ``wanted``: its snippets.needles, made
    once for a query's hits."""
    # Which entry and which of its languages a document shows for a wanted language: one
    # element of an array made at build (Context.shown), not the entry's languages asked.
    shows = ctx.shown(doc, want)
    if shows is None:
        return None
    entry_id, lang = shows
    v = ctx.v
    entry = v.entries[entry_id]
    tr = entry.translations[lang]
    # Its marks, plain answer and snippet layout, made at build: kept decoded (the blob's
    # marshal.loads was a third of a hit at the bundled kb, ~9 of 28 us, and the same for every
    # query showing the document). Strings, bytes and tuples of them and of ints: the garbage
    # collector untracks such tuples, as it left the blob's bytes alone.
    got = v.marked.get((doc, lang))
    if got is None:
        got = v.marked.put((doc, lang), marshal.loads(ctx.hit_text(doc, lang, tr.answer)))
    q_marks, a_marks, plain, prepared = got
    wanted = wanted or needles(terms)
    q_spans = compact_spans(q_marks, terms, wanted)
    a_spans = compact_spans(a_marks, terms, wanted)
    if a_spans or not tr.lead:
        # (the layout's fields as decoded: make_snippet unpacks them, a Layout of them is not needed)
        snippet, s_spans = make_snippet(plain, a_spans, prepared=prepared)
    else:  # the match is in the question: the direct answer says most
        snippet, s_spans = tr.lead, []
    question = tr.question
    if script == "Hant" and lang == "zh":  # else the texts are shown as written (spans_for_reader)
        question, q_spans = spans_for_reader(question, q_spans, lang, script)
        snippet, s_spans = spans_for_reader(snippet, s_spans, lang, script)
    return Hit(entry.id, entry.category, lang, bool(asked) and lang != asked,
               question, snippet, q_spans, s_spans, score)


def hit_marks(ctx: Context, doc: int, lang: str) -> tuple[Compact, Compact]:
    """The marks a hit of ``doc`` in ``lang`` is highlighted with, as it reads them:
    (question's, answer's), each snippets.compact_marks."""
    answer = ctx.v.entries[ctx.doc_id(doc)].translations[lang].answer
    q_marks, a_marks, _, _ = marshal.loads(ctx.hit_text(doc, lang, answer))
    return q_marks, a_marks


def marker(lex: Lexicon, query: str) -> Callable[[str], list[Span]]:
    """The spans of ``query``'s words in any text, read as a search reads them (synonyms,
    other scripts, homophone typos): what an entry page marks (Searcher.marker)."""
    analyzer = lex.analyzer
    _, analyzed, phrases = analyze_query(analyzer, query)
    terms = highlight_terms([analyzed, *phrases], lex.synonyms)  # (as QueryPlan.highlight)
    return lambda text: highlight_spans(word_marks(analyzer.analyze(text, pinyin=False), analyzer.table), terms)
