"""A document shown as a hit: its entry in the reader's language, the query's words marked
in its question, and a snippet of its answer around them (or the answer's lead)."""

from __future__ import annotations

import marshal
from collections.abc import Callable

from ..lexicon import Lexicon
from ..plan import analyze_query, highlight_terms
from ..script import spans_for_reader
from ..snippets import Layout, MarkIndex, Span, highlight_spans, make_snippet, word_marks
from .context import Context
from .results import Hit

INDEX_MARKS = 64  # a text with more marks than this is highlighted through a MarkIndex (see hit_marks)


def make_hit(ctx: Context, doc: int, score: float, want: str | None, terms: dict, asked: str | None,
             script: str | None) -> Hit | None:
    # Which entry and which of its languages a document shows for a wanted language:
    # kept per version, so a hit seen before costs two lookups, not the entry's languages
    # again. Kept as two strings: a tuple holding the Entry would stay in every full
    # collection's walk (one of strings only leaves it).
    v = ctx.v
    shows = v.shows.get((doc, want))
    if shows is None:
        found = v.entries.get(ctx.doc_id(doc))
        if found is None:
            return None
        shows = v.shows.put((doc, want), (found.id, found.best_lang(want)))
    entry_id, lang = shows
    entry = v.entries[entry_id]
    tr = entry.translations[lang]
    q_marks, a_marks = hit_marks(ctx, doc, lang)
    q_spans = highlight_spans(q_marks, terms) if isinstance(q_marks, tuple) else q_marks.spans(terms)
    a_spans = highlight_spans(a_marks, terms) if isinstance(a_marks, tuple) else a_marks.spans(terms)
    if a_spans or not tr.lead:
        # The plain answer and its sentences, list runs and widths, made at build: kept as
        # the blob, decoded per hit (a few microseconds), since decoded layouts are nested
        # tuples that the garbage collector would walk in every full collection.
        blob = v.answers.get((doc, lang))
        if blob is None:
            blob = v.answers.put((doc, lang), ctx.answer(doc, tr.answer, lang))
        plain, prepared = marshal.loads(blob)
        snippet, s_spans = make_snippet(plain, a_spans, prepared=Layout(*prepared))
    else:  # the match is in the question: the direct answer says most
        snippet, s_spans = tr.lead, []
    question = tr.question
    if script == "Hant" and lang == "zh":  # else the texts are shown as written (spans_for_reader)
        question, q_spans = spans_for_reader(question, q_spans, lang, script)
        snippet, s_spans = spans_for_reader(snippet, s_spans, lang, script)
    return Hit(entry.id, entry.category, lang, bool(asked) and lang != asked,
               question, snippet, q_spans, s_spans, score)


def hit_marks(ctx: Context, doc: int, lang: str) -> tuple:
    """A long text's marks are indexed by term once (MarkIndex), so its hits look up the
    query's words instead of walking it; a short one is walked (building an index
    costs several walks: a page of 50 hits at 10k entries spent 38 % of its time so)."""
    v = ctx.v
    got = v.marked.get((doc, lang))
    if got is None:
        got = v.marked.put((doc, lang), tuple(MarkIndex(m) if len(m) > INDEX_MARKS else m
                                              for m in ctx.lang_marks(doc, lang)))
    return got


def marker(lex: Lexicon, query: str) -> Callable[[str], list[Span]]:
    """The spans of ``query``'s words in any text, read as a search reads them (synonyms,
    other scripts, homophone typos): what an entry page marks (Searcher.marker)."""
    analyzer = lex.analyzer
    _, analyzed, phrases = analyze_query(analyzer, query)
    terms = highlight_terms([analyzed, *phrases], lex.synonyms)  # (as QueryPlan.highlight)
    return lambda text: highlight_spans(word_marks(analyzer.analyze(text, pinyin=False), analyzer.table), terms)
