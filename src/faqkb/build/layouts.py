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
from ..snippets import compact_marks, layout
from .analyse import analyse_range


def hit_blobs(entries: list[Entry], shown: list[tuple[dict, dict]]) -> list[bytes]:
    """Per entry, one blob per language (LANGS' order, empty where it lacks one): the
    marshalled (question's compact marks, answer's, plain answer, snippets.Layout's fields
    for the searcher's snippet size). ``shown``: per entry of the same range, its marks and
    plain answers per language as the analysis made them (analyse.document: the marks
    are used as they are, not marshalled and read back, and the answer not flattened again)."""
    out = []
    for e, (marks, plain) in zip(entries, shown, strict=True):
        for lang in LANGS:
            if lang not in e.translations:
                out.append(b"")
                continue
            q_marks, a_marks = marks[lang]
            text = plain[lang]
            out.append(marshal.dumps((compact_marks(q_marks), compact_marks(a_marks), text, tuple(layout(text)))))
    return out


def analyse_with_hits(state: tuple[list, Analyzer, bool], bounds: tuple[int, int]) -> dict:
    """analyse.analyse_range with the range's hit blobs ("hits") in place of what they are
    made of ("shown": the marks and plain answers, not sent back to the builder), in the
    same worker."""
    part = analyse_range(state, bounds)
    part["hits"] = hit_blobs(state[0][bounds[0]:bounds[1]], part.pop("shown"))
    return part
