"""Searcher.explain and QueryPlan: how a search came to its results, through public API."""

from __future__ import annotations

import pytest

from faqkb.plan import QueryPlan


@pytest.mark.parametrize("q", ["注销 余额 退款", "cancle russian sim", "zhuxiao eluosi haoma", "отказаться от номера",
                               '"money left" refund', "weather in moscow tomorrow"])
def test_explain_tells_how_the_search_ranked(bundled, q):
    res, x = bundled.search(q), bundled.explain(q)
    assert [(h.id, h.score) for h in x.hits] == [(h.id, h.score) for h in res.hits]
    assert x.signals == res.signals and x.answered == res.answered and x.suggestion == res.suggestion
    assert x.plan is not None and x.plan.query == q and x.terms
    assert len(x.terms) == len(set(x.terms)) or x.plan.pinyin_pairs  # pinyin pairs are added as they come
    for h in x.hits:
        assert h.fields and sum(h.fields.values()) == pytest.approx(h.bm25f, rel=1e-9)
        assert set(h.fields) <= {f for f, _, _ in x.terms}
        assert 0.0 <= h.coverage <= 1.0 + 1e-9


def test_explain_shows_what_the_index_added_to_the_plan(bundled):
    typo = bundled.explain("cancle russian sim")
    assert typo.plan.fixes and any(t.text == "cancel" for fa in typo.plan.fixes for t in fa.words)
    assert ("q_words", "cancel") in {(f, t) for f, t, _ in typo.terms}
    stems = bundled.explain("отказаться от номера")
    assert {t for _, t, _ in stems.plan.stems} >= {"отказ"}
    pinyin = bundled.explain("zhuxiaoeluosihaoma")
    assert pinyin.plan.reading is not None and {"注销", "俄罗斯", "号码"} <= {t.text for t in pinyin.plan.reading.words}


def test_a_query_plan_is_a_function_of_the_text_and_the_lexicon(bundled):
    a, b = QueryPlan.make("余额 “退款” MTS", bundled.lexicon), bundled.query_plan("余额 “退款” MTS")
    assert a.terms == b.terms and a.must and a.topic_features == b.topic_features
    assert a.highlight == b.highlight and "余额" in a.highlight["words"]
    brand = {b for f, t, b in a.terms if t == "mts" and f == "q_words"}
    alone = {b for f, t, b in QueryPlan.make("MTS", bundled.lexicon).terms if t == "mts" and f == "q_words"}
    assert brand and alone and max(brand) < max(alone)  # a brand next to other words weighs less (PLAN "brand")


def test_a_query_without_a_searchable_word_explains_nothing(bundled):
    x = bundled.explain("???")
    assert x.hits == [] and x.terms == [] and x.plan is None and not x.answered
