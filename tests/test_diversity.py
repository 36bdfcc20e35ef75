"""Cover both intents (issue 19, item 5): a query asking two things at once gets each one's
best entry in its top 3; a query asking one thing keeps its order, and the first hit never
moves. Queries are made up, as readers type them; none is copied from an evaluation set."""

from __future__ import annotations

from faqkb.diversity import MAX_CLAUSES, clauses, cover, intents
from faqkb.search import Searcher


def _parts(text: str) -> list[str]:
    return [text[a:b].strip() for a, b in clauses(text)]


def test_clauses_split_at_punctuation_and_joining_words_in_every_language():
    assert _parts("how long does it take, and what does it cost?") == ["how long does it take", "what does it cost"]
    assert _parts("закрыть симку и вернуть деньги") == ["закрыть симку", "вернуть деньги"]
    assert _parts("注销要多久？还有要带什么") == ["注销要多久", "要带什么"]
    assert _parts("微信和支付宝都绑了") == ["微信", "支付宝都绑了"]
    # a space ends a Chinese question (after a particle or a longer phrase), not a keyword
    assert _parts("销号贵不贵 话费能拿回来吗") == ["销号贵不贵", "话费能拿回来吗"]
    assert _parts("号码要作废吗 钱呢") == ["号码要作废吗", "钱呢"]
    assert _parts("俄罗斯 销号 话费") == ["俄罗斯 销号 话费"]
    # a joining word inside another word is no joint (brand, иначе)
    assert _parts("brand new sim") == ["brand new sim"]
    assert _parts("иначе никак") == ["иначе никак"]


def test_clauses_are_bounded_for_a_hostile_query():
    text = " and ".join(f"word{i}" for i in range(50))
    spans = clauses(text)
    assert len(spans) == MAX_CLAUSES
    assert spans[-1][1] == len(text)  # the rest of the text is the last clause


def test_a_clause_is_an_intent_only_with_enough_of_the_query_weight():
    spans = [(0, 10), (10, 20)]
    both = [("refund", 1, 2.0), ("abroad", 12, 2.0)]
    assert intents(spans, both) == [["refund"], ["abroad"]]
    # the second clause only holds a filler-like word: one intent, nothing to diversify
    assert intents(spans, [("refund", 1, 2.0), ("terminate", 3, 2.0), ("please", 12, 0.2)]) == []
    assert intents([(0, 20)], both) == []


def test_cover_moves_a_missing_intent_into_the_top_three_and_never_the_first():
    assert cover([1, 2, 3, 4, 5], [1, 5]) == [1, 2, 5, 3, 4]
    assert cover([1, 2, 3, 4, 5], [2, 4]) == [1, 2, 4, 3, 5]
    assert cover([1, 2, 3, 4], [4, 5]) == [1, 2, 4, 3]  # an intent's best outside the results is left out
    assert cover([1, 2, 3], [1, 2]) == [1, 2, 3]  # both already there
    # three intents: two missing take places 3 and 2, the first stays
    assert cover([1, 2, 3, 4, 5], [1, 4, 5]) == [1, 4, 5, 2, 3]
    assert cover([1, 2, 3, 4, 5], [4, 5, 6]) == [1, 4, 5, 2, 3]


def test_two_questions_in_one_get_both_answers_in_the_top_three(bundled):
    plain = Searcher(bundled.index_dir, plan={"diverse": 0})
    asked = {
        "Как расторгнуть договор из-за границы и вернуть остаток на счёте?": ("cancel-from-abroad", "refund"),
        "注销前要备份哪些账号，银行app怎么办": ("backup-before-cancel", "russian-bank-apps-number"),
    }
    for q, (one, other) in asked.items():
        top = [h.id for h in bundled.search(q).hits[:3]]
        assert any(i.startswith(one) for i in top) and any(i.startswith(other) for i in top), (q, top)
        # without the diversity step one intent fills the top 3 (the step is what fixes it)
        before = [h.id for h in plain.search(q).hits[:3]]
        assert not (any(i.startswith(one) for i in before) and any(i.startswith(other) for i in before)), q
        assert before[0] == top[0]  # the first hit never moves


def test_a_one_question_query_keeps_its_order(bundled):
    plain = Searcher(bundled.index_dir, plan={"diverse": 0})
    for q in ("how do I cancel my russian number from china", "注销俄罗斯手机卡需要本人去营业厅吗",
              "можно ли вернуть деньги с баланса после расторжения договора"):
        assert [h.id for h in bundled.search(q).hits] == [h.id for h in plain.search(q).hits], q


def test_a_question_word_begins_the_next_question():
    # twelfth round: the second question often has no joining word, only its question word
    assert _parts("charged for roaming where do I complain") == ["charged for roaming", "where do I complain"]
    assert _parts("списали за роуминг куда жаловаться") == ["списали за роуминг", "куда жаловаться"]
    # a question word that begins the query, or sits inside a word, is no joint
    assert _parts("where can I cancel my sim") == ["where can I cancel my sim"]
    assert _parts("сколько стоит закрыть номер") == ["сколько стоит закрыть номер"]
    assert _parts("nowhere to go") == ["nowhere to go"]


def test_a_second_question_without_a_joining_word_gets_its_answer(bundled):
    plain = Searcher(bundled.index_dir, plan={"diverse": 0})
    for q in ("my sim got blocked while travelling, who do I complain to",
              "they charged me for international calls I never made where can I complain"):
        top = [h.id for h in bundled.search(q).hits[:3]]
        assert "complain-rospotrebnadzor" in top, (q, top)
        assert "complain-rospotrebnadzor" not in [h.id for h in plain.search(q).hits[:3]], q


def test_an_intent_no_pooled_entry_asks_is_searched_on_its_own_once(bundled):
    plain = Searcher(bundled.index_dir, plan={"diverse": 0})
    q = "роуминг подключили без спроса куда жаловаться"
    res, before = bundled.search(q), plain.search(q)
    top = [h.id for h in res.hits[:3]]
    # the complaints entry is nowhere in the whole query's results: its clause, ranked alone, finds it
    assert "complain-rospotrebnadzor" in top, top
    assert "complain-rospotrebnadzor" not in [h.id for h in before.hits]
    assert top[0] == before.hits[0].id
    assert res.rankings == before.rankings + 1  # one extra ranking, counted
    # bounded: however many clauses no pooled entry asks, at most one more ranking
    many = "роуминг подключили без спроса, куда жаловаться, где справка, когда вернут, почему так"
    assert bundled.search(many).rankings <= plain.search(many).rankings + 1


def test_a_filler_clause_searched_on_its_own_brings_in_no_stranger(bundled):
    # "is this normal" is a clause no pooled entry asks: searched alone, its first entry asks
    # none of its words, so nothing from outside the whole query's results joins the top 3
    plain = Searcher(bundled.index_dir, plan={"diverse": 0})
    for q in ("运营商没通知就换了套餐，这合法吗", "they blocked my sim for no reason, is this normal"):
        res, before = bundled.search(q), plain.search(q)
        assert res.rankings == before.rankings + 1, q  # the clause was searched
        assert {h.id for h in res.hits} <= {h.id for h in before.hits}, q
