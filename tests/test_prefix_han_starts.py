"""A Chinese start (the verb and its object typed, the question not yet) is read over the whole
kb's phrasings: an entry the words rank off the panel's page whose own phrasings begin as the
query does competes with the shown ones by how many do (`panel_order.question_starts`;
docs/relevance.md, "Prefix, seventeenth session"). Queries here are made up; none is copied
from an evaluation set."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("typed", ["注销，俄罗斯", "註銷俄罗斯"])  # (punctuation, mixed scripts: folded as starts key them)
def test_an_entry_whose_phrasings_begin_so_joins_the_top_3(bundled, typed):
    res = bundled.search(typed, prefix=True)
    top = [h.id for h in res.hits[:3]]
    # the cost entry's question and alternatives begin "注销俄罗斯…" more often than any shown entry's
    assert "does-cancelling-cost" in top and res.signals["starts"]["does-cancelling-cost"] >= 2
    assert top[0] == bundled.search(typed).hits[0].id  # the first hit stays the ranking's


def test_exact_search_keeps_the_page(bundled):  # (a guard: exact search never reads starts)
    assert "starts" not in bundled.search("注销，俄罗斯").signals


@pytest.mark.parametrize(("pinyin", "han"), [("zhuxiao, eluosi", "注销，俄罗斯"), ("zhu xiao e luo si", "注销俄罗斯")])
def test_a_start_typed_in_pinyin_reads_the_whole_kb_as_in_characters(bundled, pinyin, han):
    res = bundled.search(pinyin, prefix=True)
    top = [h.id for h in res.hits[:3]]
    # the cost entry, ranked off the page by the words, competes by its starts with the shown ones
    # (before: appended after them, third behind documents' two starts)
    assert top[1] == "does-cancelling-cost" and res.signals["starts"]["does-cancelling-cost"] >= 2
    assert top == [h.id for h in bundled.search(han, prefix=True).hits[:3]]
