"""Half-typed Chinese queries (issue 19, fifteenth round): the hits after the first follow how
the characters typed, in order, fit each entry's own Chinese phrasings (phrasing_fit.py), so the
words that say the intent before the subject is done (了: already done; 以后…几: how long after)
count though the ranking reads them as filler. Queries here are made up; none is copied from an
evaluation set."""

from __future__ import annotations

import pytest

from faqkb.phrasing_fit import (
    FOLLOW_KEPT,
    MAX_FIT_HITS,
    MAX_PHRASING_TOKENS,
    MAX_PHRASINGS,
    MAX_QUERY_TOKENS,
    Follows,
    Weights,
    entry_fit,
    fit,
    query_tokens,
)


@pytest.mark.parametrize(("typed", "wanted"), [
    ("注销了的号码还可以", "restore-cancelled-number"),  # 注销了: a number already cancelled, asked about
    ("zhuxiao yihou ji", "cancellation-how-long"),  # 以后…几 (天): how long after applying
])
def test_the_intent_typed_before_the_subject_is_done_brings_its_entry_into_the_top_3(bundled, typed, wanted):
    res = bundled.search(typed, prefix=True)
    assert wanted in [h.id for h in res.hits[:3]]
    assert res.signals["fit"] > 0


def test_the_first_hit_answered_and_total_stay(bundled):
    typed = "注销了的号码还可以"
    panel, page = bundled.search(typed, prefix=True), bundled.search(typed + " ", prefix=True)
    assert panel.hits[0].id == page.hits[0].id
    assert {h.id for h in panel.hits} == {h.id for h in bundled.search(typed, prefix=True, limit=10).hits}


def test_exact_search_and_other_scripts_are_not_reordered(bundled):
    assert "fit" not in bundled.search("注销了的号码还可以").signals
    assert "fit" not in bundled.search("how long does cancelling ta", prefix=True).signals
    assert "fit" not in bundled.search("как долго расторгают дого", prefix=True).signals


def test_a_question_word_begun_last_asks_nothing_yet():
    # the completion searches without it (prefix.py); the fit reads the same words
    toks, pinyin = query_tokens("yue tui zen", lambda w: [w] if w in {"yue", "tui", "zen"} else None)
    assert pinyin and toks == ["yue", "tui", ("zen",)]


def test_a_pinyin_word_run_together_is_split_and_its_unfinished_syllable_is_a_start():
    table = {"zhu", "xiao", "yao"}

    def split(w: str) -> list[str] | None:
        out, i = [], 0
        while i < len(w):
            s = next((w[i:j] for j in range(len(w), i, -1) if w[i:j] in table), None)
            if s is None:
                return None
            out.append(s)
            i += len(s)
        return out

    assert query_tokens("zhuxiaoy", split) == (["zhu", "xiao", ("y",)], True)
    assert query_tokens("注销后余额 re", split) == (["注", "销", "后", "余", "额", ("re",)], False)


def test_the_order_of_the_characters_counts():
    idf = dict.fromkeys("号码被收回", 1.0)
    in_order, _ = fit(list("号码被收"), list("号码被收回"), idf)
    reversed_, _ = fit(list("号码被收"), list("收被码号"), idf)
    assert in_order == 4.0 and reversed_ == 1.0


def test_the_work_of_one_fit_is_bounded():
    # a query and a phrasing far longer than the bounds: the table is at most their product
    got, cells = fit(list("号码" * 500), list("号码" * 500), {"号": 1.0, "码": 1.0})
    assert cells <= MAX_QUERY_TOKENS * MAX_PHRASING_TOKENS
    assert got <= MAX_QUERY_TOKENS


def test_the_work_of_a_search_is_bounded(bundled):
    res = bundled.search("我在莫斯科读书的时候办了一张俄罗斯手机卡现在回国了卡里还有钱号码注销了的还" * 5, prefix=True)
    assert 0 < res.signals["fit"] <= (MAX_FIT_HITS - 1) * MAX_PHRASINGS * MAX_QUERY_TOKENS * MAX_PHRASING_TOKENS


# -- the word a pinyin query goes on with, as the kb's phrasings go on (phrasing_fit.Follows)

CHARS = {"注": "zhu", "销": "xiao", "后": "hou", "余": "yu", "额": "e", "运": "yun", "营": "ying", "商": "shang"}


def test_a_pinyin_word_goes_on_to_the_word_the_phrasings_follow_it_with():
    follows = Follows(["注销后余额", "余额", "运营商"], CHARS)
    # 余额 is read yu+e in the phrasings, yue as typed; at most FOLLOW_GAP syllables between
    assert follows.counts("zhuxiao", ["yue", "yunyingshang"]) == [1, 0]
    assert follows.counts("hou", ["yue", "yunyingshang"]) == [1, 0]


def test_the_phrasings_a_lookup_reads_are_bounded():
    follows = Follows(["注销后余额"] * (FOLLOW_KEPT * 4), CHARS)
    assert follows.counts("zhuxiao", ["yue"]) == [FOLLOW_KEPT]


@pytest.mark.parametrize("typed", ["eluosi ka zhuxiao hou yu", "wo de haoma zhuxiao yu"])
def test_a_half_typed_pinyin_query_completes_to_the_word_the_kb_asks_after_the_words_before(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert res.signals["prefix"]["expansions"][0] == "yue"  # 余额 (balance), not yunyingshang (operator)
    assert "refund-remaining-balance" in [h.id for h in res.hits[:3]]


def test_a_question_ended_keeps_the_rankings_order(bundled):
    # every word is typed: the ranking has them all (a Taiwan word the fit cannot read among them)
    assert "fit" not in bundled.search("门号停用了能退租吗", prefix=True).signals
    assert "fit" in bundled.search("门号停用了能退租", prefix=True).signals


def test_a_latin_word_no_chinese_phrasing_holds_counts_for_the_entry_whose_other_phrasings_do():
    weights = Weights.of([["怎么防"], ["是什么"]], {})
    toks, pinyin = query_tokens("swap 怎么防", lambda w: None)
    plain, _ = entry_fit(toks, pinyin, [list("怎么防")], weights)
    held, _ = entry_fit(toks, pinyin, [list("怎么防")], weights, frozenset({"swap"}))
    assert held > plain
