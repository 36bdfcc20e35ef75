"""Real questions the scope must not decline (issue 19, item 4: real declined <= 0.02): a
company's group SIM (集团卡 is the kb's corporate SIM, not an unknown party's card), the number
linked to a bank card however far it is typed, and a package or points asked about as money.
The questions are made up, as readers type them; none is copied from an evaluation set."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("q", ["集团卡离职怎么处理", "我的集团号码回国前怎么注销"])
def test_a_companys_group_sim_is_the_corporate_sim(bundled, q):
    res = bundled.search(q)
    assert "scope" not in res.signals and res.answered
    assert res.hits[0].id == "corporate-employer-sim"


@pytest.mark.parametrize("typed", ["银行预留的手", "银行卡上绑定的手"])
def test_the_number_linked_to_a_bank_card_half_typed_is_ours(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert "scope" not in res.signals and res.answered
    assert "russian-bank-apps-number" in [h.id for h in res.hits[:3]]


@pytest.mark.parametrize("q", ["why am I still paying for a roaming pack I never used", "运营商积分可以兑现吗"])
def test_a_package_or_points_asked_about_as_money_are_ours(bundled, q):
    res = bundled.search(q)
    assert "scope" not in res.signals and res.answered


@pytest.mark.parametrize(("q", "kind"), [("which roaming package is cheapest", "uncovered-services"),
                                         ("信用卡怎么注销", "banking")])
def test_the_neighbours_beside_them_stay_declined(bundled, q, kind):
    res = bundled.search(q)
    assert res.signals.get("scope") == kind and not res.answered
