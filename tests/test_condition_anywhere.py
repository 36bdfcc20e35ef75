"""Someone else acting for the reader (categories.yaml ``on_behalf``: a relative or friend named
beside the reader's own number) states what is asked, so the entry for it is taken from anywhere
in the ranking, not only the next four below the first (engine/relevance.py CONDITION_ANYWHERE):
cancel-by-representative shares few of such a question's other words. Queries are made up, as
readers type them; none is copied from an evaluation set."""

from __future__ import annotations

import pytest

from faqkb.search import Searcher


@pytest.mark.parametrize("prefix", [False, True])
@pytest.mark.parametrize("q", [
    "can my brother cancel my sim",            # ranked below the next four before
    "может ли брат закрыть мой номер",
    "老公可以注销我的卡吗",
    "can my mom terminate my contract",        # the conditions entry's first hit maps too
    "can my roommate close my number",         # and the check-it-ended one's
])
def test_someone_acting_for_the_reader_finds_the_representative_entry(bundled: Searcher, q: str, prefix: bool):
    res = bundled.search(q, prefix=prefix)
    assert res.hits[0].id == "cancel-by-representative", [h.id for h in res.hits[:3]]


@pytest.mark.parametrize("q", ["может ли брат закрыть его номер", "can my brother close his number"])
def test_someone_elses_own_number_is_not_acting_for_the_reader(bundled: Searcher, q: str):
    # his number: a SIM of theirs, not an errand for the reader (on_behalf ``without``)
    assert bundled.search(q).hits[0].id != "cancel-by-representative"
