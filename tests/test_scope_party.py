"""Near-topic, twelfth round (docs/relevance.md): whose contract or card a question is about,
and a cancel word said after what it cancels. Through the public API on the bundled kb; the
questions are made up, none is copied from an evaluation set, and no name in them is listed in
kb/scope.yaml (each is declined by its shape, not by a list)."""

from __future__ import annotations

import pytest


# a contract or a card (scope.yaml `objects.shared`) of a party no entry names is that party's
@pytest.mark.parametrize(("q", "party"), [
    ("cancel my equinox contract", "equinox"),
    ("terminate my verisure contract", "verisure"),
    ("расторгнуть договор с велнес-студией", "велнес"),
    ("договор с клиникой как расторгнуть", "клиникой"),
])
def test_a_contract_of_a_party_no_entry_names_is_declined(bundled, q, party):
    res = bundled.search(q)
    assert not res.answered and res.signals["scope"] == f"other-object: {party}"
    assert bundled.explain(q).signals["scope"] == res.signals["scope"]


@pytest.mark.parametrize("q", ["瑜伽馆合同怎么解除", "攀岩馆的卡怎么退"])
def test_a_chinese_contract_or_card_of_another_party_is_declined(bundled, q):
    res = bundled.search(q)
    assert not res.answered


# the action said last, right after what it cancels ("X расторжение", a head query's order)
@pytest.mark.parametrize(("q", "what"), [
    ("мосэнергосбыт расторжение", "мосэнергосбыт"),
    ("каршеринг расторжение", "каршеринг"),
])
def test_an_action_said_after_its_object_reads_the_object_before_it(bundled, q, what):
    res = bundled.search(q)
    assert not res.answered and res.signals["scope"] == f"other-object: {what}"


@pytest.mark.parametrize("q", [
    "cancel my megafon contract",             # an operator the kb names
    "расторжение договора с мтс",
    "расторжение договора с опера",           # a word only begun (оператор) is ours
    "cancel my megafn contract",              # a typo of one
    "合同怎么解除",                            # nobody else's contract
    "договор с оператором расторгнуть",
    "sim cancel",                             # ours before the action
])
def test_our_contract_stays_answered(bundled, q):
    res = bundled.search(q)
    assert res.answered and "scope" not in res.signals, res.signals


# the setting (Russia) is no party: the word before it is ("X russia esim", "X的俄罗斯esim"); in
# Russian the party may follow the contract or eSIM with no preposition ("договор X", "есим X")
@pytest.mark.parametrize(("q", "party"), [
    ("voyagio的俄罗斯esim怎么退款", "voyagio"),
    ("how to cancel voyagio russia esim", "voyagio"),
    ("вернуть деньги за есим вояджио", "вояджио"),
    ("расторгнуть договор спутникстрим", "спутникстрим"),
])
def test_an_esim_or_contract_of_a_seller_no_entry_names_is_declined(bundled, q, party):
    res = bundled.search(q)
    assert not res.answered and res.signals["scope"] == f"other-object: {party}"


@pytest.mark.parametrize("q", [
    "перенес есим из самсунга, договор еще действует?",  # a place the eSIM came from is no party
    "вернуть деньги за есим мтс",                         # our operator's eSIM
    "cancel my russia esim",
    "расторжение договора пла",                           # a word only begun, last and short
])
def test_our_esim_or_contract_stays_answered_beside_a_place_or_a_begun_word(bundled, q):
    res = bundled.search(q)
    assert "scope" not in res.signals, res.signals


# neighbour classes named in more of their own words (kb/scope.yaml), each in a reader's language:
# a transport card's balance is the card's (no longer brought back by "balance"), a bank carrying an
# operator's name, the Gosuslugi account itself, money sent home to any place, the cheapest
# operator, renting in Taiwan's word, a scam in a bank's name with no code or SMS asked
@pytest.mark.parametrize(("q", "cls"), [
    ("how to get the balance back from a transport card", "travel"),
    ("公交卡余额怎么退", "travel"),
    ("mts bank的卡回国后怎么办", "banking"),
    ("mts bank card after i leave russia", "banking"),
    ("госуслуги как зарегистрироваться иностранцу", "app-accounts"),
    ("俄罗斯的钱汇回台湾要多久", "banking"),
    ("俄罗斯哪个运营商最划算", "uncovered-services"),
    ("租屋押金怎么要回来", "housing"),
    ("мошенники от имени банка пишут в мессенджере", "other-scams"),
])
def test_a_neighbour_named_in_its_class_words_is_declined(bundled, q, cls):
    res = bundled.search(q)
    assert not res.answered and res.signals["scope"] == cls


@pytest.mark.parametrize("q", [
    "госуслуги показывает чужой номер",             # the number on the account: ours
    "余额能汇回国内吗",                              # the SIM's balance sent home
    "мошенники от имени банка просят код из смс",    # the SMS code: ours
    "保号最划算的套餐",                              # keeping the number cheaply
])
def test_our_side_of_those_classes_stays_answered(bundled, q):
    res = bundled.search(q)
    assert res.answered and "scope" not in res.signals, res.signals
