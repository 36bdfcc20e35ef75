"""What a hit shows of each document in each language, made at build (layout.HITS): its
question's and answer's marks in the compact form a hit reads (snippets.compact_marks), the
answer as plain text and its snippet layout. A first-time hit then reads and decodes one
blob (engine.context.Context.hit_text) instead of decoding a tuple per word of its texts,
flattening the answer's Markdown and finding its sentences, list runs and widths: at 10k
entries those were most of a first-time hit's time."""

from __future__ import annotations

import marshal

from ..analysis import Analyzer
from ..kbase.model import LANGS, Entry
from ..snippets import compact_marks, layout, plain_text
from .analyse import analyse_range


def hit_blobs(entries: list[Entry], lang_marks: list[bytes]) -> list[bytes]:
    """Per entry, one blob per language (LANGS' order, empty where it lacks one): the
    marshalled (question's compact marks, answer's, plain answer, snippets.Layout's fields
    for the searcher's snippet size). ``lang_marks``: the analysis's per-language marks
    blobs of the same entries (analyse.lang_blobs, the same order)."""
    out = []
    for i, e in enumerate(entries):
        for k, lang in enumerate(LANGS):
            tr = e.translations.get(lang)
            if tr is None:
                out.append(b"")
                continue
            q_marks, a_marks = marshal.loads(lang_marks[i * len(LANGS) + k])
            plain = plain_text(tr.answer)
            out.append(marshal.dumps((compact_marks(q_marks), compact_marks(a_marks), plain, tuple(layout(plain)))))
    return out


def analyse_with_hits(state: tuple[list, Analyzer, bool], bounds: tuple[int, int]) -> dict:
    """analyse.analyse_range with the range's hit blobs ("hits") in place of its per-language
    marks ("lang_marks": what the hit blobs are made of, not written on their own any more,
    so not sent back to the builder either), in the same worker."""
    part = analyse_range(state, bounds)
    part["hits"] = hit_blobs(state[0][bounds[0]:bounds[1]], part.pop("lang_marks"))
    return part
