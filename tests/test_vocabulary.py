"""Vocabulary (issue 19, item 7): Cantonese as Hong Kong readers type it, Taiwan/HK contract
words and Russian cost words reach the entries written in mainland Chinese and plain
Russian. Queries are made up, as readers type them; none is copied from an evaluation set."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("q,entry", [
    ("喺莫斯科點樣註銷張卡", "how-to-cancel-russian-sim"),     # 喺 在, 點樣 怎么
    ("俄羅斯電話卡唔用咗會點樣", "stop-using-sim-what-happens"),  # 唔 不, 咗 了, 會點樣 会怎样
    ("違約金要畀幾多", "does-cancelling-cost"),                 # TW/HK early-termination fee
    ("сколько стоит закрыть номер", "does-cancelling-cost"),  # the price, not how long
])
def test_regional_and_cost_words_find_their_entry(bundled, q, entry):
    assert entry in [h.id for h in bundled.search(q, limit=3).hits]


def test_cantonese_reads_as_the_mainland_question(bundled):
    # (the category intent reads the text as typed, so compare the entries found, not their order)
    assert "how-to-cancel-russian-sim" in [h.id for h in bundled.search("點樣註銷俄羅斯電話卡", limit=3).hits]


@pytest.mark.parametrize("q", ["销卡", "主销电话卡", "俄罗斯号码怎么主销", "电话卡销掉"])
def test_cancelling_said_as_a_homophone_or_another_verb_form_is_cancelling(bundled, q):
    # 主销 is what a pinyin IME offers first for zhuxiao; 销卡 / 销掉 as 销号 (made-up queries)
    res = bundled.search(q)
    assert res.hits[0].id == "how-to-cancel-russian-sim" and res.answered


def test_a_homophone_of_cancelling_beside_a_cost_asks_the_cost(bundled):
    assert bundled.search("电话卡主销收费吗").hits[0].id == "does-cancelling-cost"


@pytest.mark.parametrize("q", ["как избавиться от симки", "хочу избавиться от российского номера"])
def test_getting_rid_of_the_number_in_russian_is_cancelling(bundled, q):
    # (made up: "get rid of" was a process name in English only)
    res = bundled.search(q)
    assert res.hits[0].id == "how-to-cancel-russian-sim" and res.answered
    assert res.signals.get("category") == "process"


@pytest.mark.parametrize("q,entry", [
    ("срок возврата денег", "refund-when-and-how"),        # the refund's timing, not the refund
    ("лимит номеров", "numbers-per-person-limit"),          # the cap, not the employer's SIMs
    ("проверка расторжения", "verify-contract-ended"),      # checking it is done, not how to do it
    ("注销状态", "verify-contract-ended"),
    ("闲置号码", "stop-using-sim-what-happens"),            # a number left unused, not its daily fee
])
def test_a_nominal_phrase_naming_an_entrys_concept_finds_that_entry(bundled, q, entry):
    # (made-up queries: a noun phrase, as readers type into a search box; twelfth round)
    res = bundled.search(q)
    assert res.hits[0].id == entry and res.answered


@pytest.mark.parametrize("q", ["lost my login codes, the number was closed", "the number is closed, what about my accounts"])
def test_a_number_said_closed_in_english_is_already_cancelled(bundled, q):
    # (made up) "number was / is closed" says it is done (categories.yaml ``cancelled``): the
    # entry for after, not the backup checklist nor the unlinking one
    assert bundled.search(q).hits[0].id == "lost-access-after-cancel"


@pytest.mark.parametrize("q", ["how do i get back my old russian number", "号码销了还能拿回来吗"])
def test_getting_the_number_back_said_with_get_back_or_na_hui_is_restoring(bundled, q):
    # (made up) "get back" / 拿回 with the number named and no money: the number, not a refund
    assert bundled.search(q).hits[0].id == "restore-cancelled-number"


def test_a_negative_balance_said_balance_first_beside_cancelling_is_the_debt(bundled):
    # (made up) "balance is negative" as well as "negative balance": whether a debt stops
    # cancelling, not the general conditions for cancelling
    assert bundled.search("balance is negative, how do i cancel").hits[0].id == "debt-before-cancelling"


@pytest.mark.parametrize("q,entry", [
    ("門號解約時嘅餘額退唔退", "refund-remaining-balance"),  # 解約時: when cancelling, not contract law
    ("電話卡解約時剩低嘅錢會退嗎", "refund-remaining-balance"),
    ("卡裡嘅錢解約後會退回嗎", "refund-remaining-balance"),
    ("舊號碼註銷咗仲搵唔搵得返", "restore-cancelled-number"),     # 搵唔搵得返: can I find it back
    ("銷咗號嘅號碼搵得返嗎", "restore-cancelled-number"),
])
def test_taiwan_and_cantonese_refund_and_restore_forms_find_their_entry(bundled, q, entry):
    # (made up; vocabulary, thirteenth round: kb/regional.yaml)
    res = bundled.search(q)
    assert res.hits[0].id == entry and res.answered


@pytest.mark.parametrize("q", ["办完注销要等几天", "辦完註銷要等幾日", "销号要等多久", "註銷要等幾耐"])
def test_waiting_after_cancelling_with_no_money_named_is_how_long_cancelling_takes(bundled, q):
    # (made up) 等 / 几天 are the refund timing's words, but with no money named the wait is for
    # the cancelling (categories.yaml ``cancel_wait``)
    assert bundled.search(q).hits[0].id == "cancellation-how-long"


def test_waiting_for_the_refund_after_cancelling_stays_the_refund_timing(bundled):
    assert bundled.search("注销后退款要等几天").hits[0].id == "refund-when-and-how"



@pytest.mark.parametrize("q", ["俄电话卡", "俄号码", "俄卡怎么注销"])
def test_russia_shortened_to_its_first_character_is_the_subject(bundled, q):
    res = bundled.search(q)  # 俄卡 = 俄罗斯的卡 (kb/regional.yaml)
    assert res.hits and res.hits[0].id == "how-to-cancel-russian-sim" and res.answered, (q, [h.id for h in res.hits[:3]])


def test_belarus_shortened_stays_the_neighbour(bundled):
    assert not bundled.search("白俄手机卡").answered  # 白俄 + 卡: 白俄罗斯's SIM, not ours


@pytest.mark.parametrize("q", ["我的积分怎么办", "loyalty points", "积分会退吗"])
def test_loyalty_points_named_alone_or_at_cancelling_are_the_bonus_entry(bundled, q):
    res = bundled.search(q)
    assert res.hits and res.hits[0].id == "bonus-credit-not-refundable" and res.answered, (q, res.signals)


@pytest.mark.parametrize("q", ["积分怎么兑换", "redeem my points"])
def test_points_used_or_redeemed_stay_declined(bundled, q):
    assert not bundled.search(q).answered  # a loyalty programme itself: kb/scope.yaml


@pytest.mark.parametrize("q", ["продление связи", "продление срока договора"])
def test_extending_a_contract_said_as_a_noun_is_asked_by_the_entries_saying_the_verb(bundled, q):
    res = bundled.search(q)  # продлить / продление (kb/synonyms.yaml)
    assert res.hits and res.hits[0].id in {"does-sim-expire", "contract-expiring-call-scam"} and res.answered


@pytest.mark.parametrize("q", ["симка рф", "rus sim card", "telephone card"])
def test_the_country_shortened_in_latin_or_cyrillic_is_the_subject(bundled, q):
    res = bundled.search(q)  # РФ, rus: filler and setting (categories.yaml, scope.yaml), РФ = Россия (synonyms.yaml)
    assert res.hits and res.hits[0].id == "how-to-cancel-russian-sim" and res.answered, (q, res.signals)


@pytest.mark.parametrize("q,entry", [("отвязка номера", "unlink-before-cancel"), ("сдача биометрии", "foreigner-biometrics-rules")])
def test_a_russian_verbs_noun_is_asked_by_the_entry_saying_the_verb(bundled, q, entry):
    res = bundled.search(q)  # отвязка / отвязать, сдача / сдать (kb/synonyms.yaml)
    assert res.hits and res.hits[0].id == entry and res.answered, (q, res.signals)


@pytest.mark.parametrize("q", ["張卡俾電訊商收返咗 點樣拎返", "我個號碼收咗返 仲拎唔拎得返"])
def test_a_number_taken_back_and_got_back_in_cantonese_is_restoring(bundled, q):
    # 收返 / 收咗返 (taken back: 收回), 拎返 (get back: 要回); made-up queries
    assert "restore-cancelled-number" in [h.id for h in bundled.search(q, limit=3).hits]


@pytest.mark.parametrize("q", ["в какие сроки возвращают остаток", "в какой срок придут деньги с номера"])
def test_within_what_period_in_russian_asks_the_refunds_timing(bundled, q):
    # в какой срок / в какие сроки: "when", as через сколько is (categories.yaml timing); made up
    assert bundled.search(q).hits[0].id == "refund-when-and-how"


@pytest.mark.parametrize("q,entry", [
    ("註銷電話卡使唔使畀錢", "does-cancelling-cost"),        # 使唔使: need or not (Cantonese)
    ("返咗嚟之後仲欠錢點算", "debt-after-leaving-russia"),  # 返咗嚟: came back (Cantonese)
    ("電話卡好耐冇用會點", "stop-using-sim-what-happens"),   # 好耐冇用: long unused (Cantonese)
    ("卡里余额冻住了怎么办", "frozen-balance"),              # 冻住: frozen, as 冻结
    ("手机卡千费了还能注销吗", "debt-before-cancelling"),    # 千费: the IME's homophone of 欠费
    ("номер ещё живет?", "does-sim-expire"),               # a number that "lives" is in force
])
def test_a_colloquial_regional_or_homophone_word_finds_the_entry_of_the_kbs_word(bundled, q, entry):
    # (made up; vocabulary, seventeenth session: kb/synonyms.yaml and kb/regional.yaml)
    res = bundled.search(q)
    assert res.answered and res.hits[0].id == entry, (q, [h.id for h in res.hits[:3]])


@pytest.mark.parametrize("q", ["оператор каждый день списывает с симки, которая лежит в ящике",
                               "почему списывают деньги с симки без звонков"])
def test_money_taken_said_as_written_off_finds_the_entry_saying_taken(bundled, q):
    # synonyms.yaml [списывают, снимают]: the daily fee's phrasings say снимают (made-up queries)
    assert bundled.search(q).hits[0].id == "daily-keeping-fee"
