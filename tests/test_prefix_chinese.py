"""Half-typed Chinese queries (issue 19, fourteenth round): a Traditional run holding a Taiwan/HK
word is completed as a Simplified one is, and the words a Chinese query narrows the subject with
outweigh the subject's own. Queries here are made up; none is copied from an evaluation set."""

from __future__ import annotations

import pytest

from faqkb.intent import Intents

DEBT = {"debt-after-leaving-russia", "debt-before-cancelling"}


@pytest.mark.parametrize(("typed", "word"), [("俄國門號餘", "余额"), ("我的門號欠", "欠费")])
def test_a_traditional_run_holding_a_taiwan_word_goes_on_from_its_last_character(bundled, typed, word):
    # 門號 is read as 号码 too (kb/regional.yaml); that reading is no word the reader typed last
    res = bundled.search(typed, prefix=True)
    completed = res.signals.get("prefix")
    assert completed and completed["expansions"][0] == word


def test_a_traditional_run_is_completed_as_its_simplified_twin(bundled):
    trad, simp = bundled.search("俄國門號餘", prefix=True), bundled.search("俄国号码余", prefix=True)
    assert trad.hits[0].id == simp.hits[0].id == "refund-remaining-balance"


def test_the_word_that_narrows_a_chinese_half_typed_query_outweighs_the_subject(bundled):
    # every entry holds 俄罗斯, 电话, 号码: the debt, typed once, decides the first hit
    res = bundled.search("我俄罗斯电话号码欠费", prefix=True)
    assert res.hits[0].id in DEBT


def test_the_entries_the_narrowing_word_names_share_the_top_three(bundled):
    res = bundled.search("手机卡欠钱了还", prefix=True)
    assert {h.id for h in res.hits[:3]} >= DEBT



def test_the_pieces_of_the_subjects_words_are_the_subject_too(bundled):
    # 罗斯 and 俄罗 (the analyzer's word and bigram inside 俄罗斯) weigh as 俄罗斯 does: the lapse
    # and the balance typed decide the top 3
    res = bundled.search("俄罗斯号码停机了余", prefix=True)
    assert "balance-after-lapse" in [h.id for h in res.hits[:3]]


def test_the_chinese_filler_a_query_holds_longest_first():
    intents = Intents({"categories": {}, "filler": ["俄罗斯", "号码", "电话号码", "卡", "的"]})
    held = intents.han_filler_in("我的俄羅斯電話號碼欠費")  # Traditional folded; one character is no word's piece
    assert held == ["电话号码", "俄罗斯", "号码"]
