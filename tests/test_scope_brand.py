"""Near-topic, thirteenth round (docs/relevance.md): a neighbour named in words no kb list holds.
A brand's name beside a SIM, number, tariff or balance is the operator it belongs to; a compound
name is read by what it ends with (a bank); a subscription named with its service is that
service's. Through the public API on the bundled kb; the questions are made up, none is copied
from an evaluation set, and no name in them is listed in kb/ (each is declined by its shape)."""

from __future__ import annotations

import pytest

from faqkb.errors import KBErrors
from faqkb.scope import read_scope


# a name in Latin letters no entry holds, right before a SIM or number (or right after one in
# Russian or Chinese), or a Cyrillic one before it whose ending is no adjective's
@pytest.mark.parametrize(("q", "brand"), [
    ("how do I close my zorvacell number before flying", "zorvacell"),
    ("kestrafon sim cancel", "kestrafon"),
    ("Lumatel号码怎么注销", "lumatel"),
    ("как закрыть номер kvartsel", "kvartsel"),
    ("Зорвател номер отключить", "зорвател"),
])
def test_a_sim_or_number_of_a_brand_no_entry_names_is_declined(bundled, q, brand):
    res = bundled.search(q)
    assert not res.answered and res.signals["scope"] == f"other-object: {brand}"
    assert bundled.explain(q).signals["scope"] == res.signals["scope"]


@pytest.mark.parametrize("q", [
    "my hacked sim still gets texts, what now",    # what state it is in, not whose
    "how do I close my megafon number",            # an operator the kb names
    "закрыть рабочий номер перед отъездом",        # what kind of number
    "second number on a sim, keep or cancel",
    "cancel my sbermobile sim before leaving",     # Russia's virtual operator: covers
    "how do I cancel my numbr from abroad",        # a typo of ours
])
def test_our_sim_or_number_stays_answered(bundled, q):
    res = bundled.search(q)
    assert res.answered and "scope" not in res.signals, res.signals


# a bank no list names, by what its compound name ends with (scope.yaml `heads`)
@pytest.mark.parametrize("q", [
    "закрыть карту Северокамбанка перед отъездом",
    "close my northvalebank card before leaving",
])
def test_a_bank_named_by_its_compound_is_declined(bundled, q):
    res = bundled.search(q)
    assert not res.answered and res.signals["scope"] == "banking"


# a subscription named with its service is that service's; the one on the number is ours
@pytest.mark.parametrize(("q", "service"), [
    ("how to stop my vidorama subscription before leaving russia", "vidorama"),
    ("my streamora subscription is still charging after leaving russia", "streamora"),
    ("подписка видорама отключить перед отъездом", "видорама"),
])
def test_a_subscription_of_a_service_no_entry_names_is_declined(bundled, q, service):
    res = bundled.search(q)
    assert not res.answered and res.signals["scope"] == f"other-object: {service}"


@pytest.mark.parametrize("q", [
    "a paid subscription keeps taking money from my balance",
    "платная подписка на номере, как отключить",
    "话费里扣的会员订阅怎么退",
])
def test_a_subscription_on_the_number_stays_answered(bundled, q):
    res = bundled.search(q)
    assert res.answered and "scope" not in res.signals, res.signals


# a name no entry holds right before a service someone provides at home (scope.yaml `provided`)
@pytest.mark.parametrize(("q", "provider"), [
    ("Zorvanet интернет расторгнуть", "zorvanet"),
    ("kestrel internet bill after leaving russia", "kestrel"),
])
def test_a_providers_internet_is_declined(bundled, q, provider):
    res = bundled.search(q)
    assert not res.answered and res.signals["scope"] == f"other-object: {provider}"


@pytest.mark.parametrize("q", [
    "lte internet stopped working after I came back",  # the SIM's own data
    "мобильный интернет не работает в роуминге",
    "no internet on my sim while abroad",
])
def test_the_sims_own_internet_stays_answered(bundled, q):
    res = bundled.search(q)
    assert res.answered and "scope" not in res.signals, res.signals


# a two-letter name with a digit (or typed in capitals), a possessive between
@pytest.mark.parametrize(("q", "brand"), [
    ("how do I close my k7 number from abroad", "k7"),
    ("cancel zorvacell's number before flying", "zorvacell"),
])
def test_a_short_or_possessive_brand_is_declined(bundled, q, brand):
    res = bundled.search(q)
    assert not res.answered and res.signals["scope"] == f"other-object: {brand}"


# neighbour classes in more of their own words: selling the phone itself, a home internet
# contract said in Cantonese (regional.yaml) or in Russian
@pytest.mark.parametrize(("q", "cls"), [
    ("how to sell my phone before flying home", "phone-hardware"),
    ("продать старый телефон перед отъездом", "phone-hardware"),
    ("屋企上网合約點樣取消", "other-contracts"),
    ("как расторгнуть договор на интернет в общежитии", "other-contracts"),
])
def test_a_neighbour_in_its_own_words_is_declined(bundled, q, cls):
    res = bundled.search(q)
    assert not res.answered and res.signals["scope"] == cls


@pytest.mark.parametrize("q", [
    "sold my phone, what happens to my number",     # the number: ours
    "перевод с карты на счет мтс",                   # topping up the line
    "договор на интернет мтс мобильный расторгнуть",  # the SIM's own internet
    "как избавиться от симки",                       # a verb before the SIM is no brand
])
def test_our_side_of_them_stays_answered(bundled, q):
    res = bundled.search(q)
    assert res.answered and "scope" not in res.signals, res.signals


def test_a_broken_heads_list_is_located(tmp_path):
    (tmp_path / "scope.yaml").write_text("covers:\n  en: [russian sim]\nneighbours: {}\nheads:\n  en: [bk]\n", "utf-8")
    with pytest.raises(KBErrors) as e:
        read_scope(tmp_path)
    assert "scope.yaml:4" in str(e.value) and "heads must list" in str(e.value)
