"""A reader whose number is already cancelled (categories.yaml ``cancelled``) asks what happens
after it, never how to cancel, where, with what or at what cost: those entries as the first hit
give the entry for after it (lost access; ``restore`` moves it on to the number back when that
is asked). The condition is read only typed whole (``typed_whole``): its words begin as the
plain question does, so the panel does not read it from a cancel verb being typed. Queries are
made up, as readers type them; none is copied from an evaluation set."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqkb.intent import Intents, read_categories
from faqkb.search import Searcher

KB = Path(__file__).parents[1] / "kb"


@pytest.mark.parametrize("prefix", [False, True])
@pytest.mark.parametrize("q", [
    "cancelled my mts number",
    "number was cancelled, what now",
    "уже закрыл симку",
    "закрыла номер мтс и теперь",
])
def test_a_number_said_cancelled_finds_what_comes_after(bundled: Searcher, q: str, prefix: bool):
    res = bundled.search(q, prefix=prefix)
    assert res.hits[0].id == "lost-access-after-cancel", [h.id for h in res.hits[:3]]


def test_a_number_asked_to_be_cancelled_is_no_number_cancelled():
    intents = Intents(read_categories(KB))
    assert intents.states("cancelled", "卡注销了以后怎么办")
    # 把卡注销了: a request (someone to get it done), not done
    assert not intents.states("cancelled", "同事替我把卡注销了行吗")
    assert not intents.states("cancelled", "准备把号注销了")


@pytest.mark.parametrize("q", ["как расторгнуть д", "销号"])
def test_a_cancel_verb_being_typed_begins_no_cancelled_number(q: str):
    # расторг договор and 销号了 say it is done; typed so far they are the plain question
    assert "cancelled" not in Intents(read_categories(KB)).begun(q, ended=False)
