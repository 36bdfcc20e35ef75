"""A half-typed query stating the situation a category answers (categories.yaml ``stated``:
money left on the number) whose top 3 holds none of that category's entries has the category's
overview third (panel_order.stated_head). Queries here are made up; none is copied from an
evaluation set."""

from __future__ import annotations

import pytest

REFUND = "refund-remaining-balance"


@pytest.mark.parametrize("typed", [
    # a story of a stay told as over, then the money left: the story's head (cancelling from
    # abroad, or how to cancel) answers no refund
    "I interned in Omsk, flew home to Chile, some money on it still and",
    "my old megafon sim still has money on it and I moved to Peru, can i c",
])
def test_money_left_stated_has_the_refund_third(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert [h.id for h in res.hits[:3]][2] == REFUND == res.signals["stated"]
    assert "stated" not in bundled.search(typed).signals  # the results page stays as ranked


@pytest.mark.parametrize("typed", [
    "I interned in Omsk and flew home, the balance is negative and",  # a balance, no money left
    "на балансе минус 40 рублей, уехал в Перу, как",
])
def test_a_balance_told_without_money_left_takes_no_refund(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert "stated" not in res.signals


def test_a_top_3_holding_a_refunds_entry_keeps_its_order(bundled):
    # the words found the refund already: nothing is moved
    res = bundled.search("жил в Омске, теперь в Перу, на симке остаток", prefix=True)
    assert REFUND in [h.id for h in res.hits[:3]] and "stated" not in res.signals
