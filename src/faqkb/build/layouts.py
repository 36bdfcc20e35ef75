"""Each answer's plain text and snippet layout, made at build (layout.SNIPPETS): a hit then
reads one blob of its document and language (engine.context.Context.answer) instead of
flattening the Markdown and finding the sentences, list runs and widths of a text the
process sees for the first time (a fifth of a first-time query's hits at 10k entries)."""

from __future__ import annotations

import marshal

from ..analysis import Analyzer
from ..kbase.model import LANGS, Entry
from ..snippets import layout, plain_text
from .analyse import analyse_range


def answer_blobs(entries: list[Entry]) -> list[bytes]:
    """Per entry, one blob per language (LANGS' order, empty where it lacks one): the
    marshalled (plain answer, snippets.Layout's fields) for the searcher's snippet size."""
    out = []
    for e in entries:
        for lang in LANGS:
            tr = e.translations.get(lang)
            if tr is None:
                out.append(b"")
            else:
                plain = plain_text(tr.answer)
                out.append(marshal.dumps((plain, tuple(layout(plain)))))
    return out


def analyse_with_layouts(state: tuple[list, Analyzer, bool], bounds: tuple[int, int]) -> dict:
    """analyse.analyse_range with the range's answer blobs ("answers"), in the same worker."""
    part = analyse_range(state, bounds)
    part["answers"] = answer_blobs(state[0][bounds[0]:bounds[1]])
    return part
