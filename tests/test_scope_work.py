"""The scope's check per query is bounded by the query, not by the kb's list of names: kb/scope.yaml
spreads {places}{sim} into thousands of names, and checking them one by one was a quarter of a
fresh search's CPU. `Scope.work` counts what `Scope.neighbour` does (texts looked up, set
lookups, name patterns matched, "A + B" names checked part by part); here a scope grows a
hundredfold in names the queries do not hold and the count stays the same. No clock: the
figures are in docs/relevance.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faqkb.scope import Scope, read_scope

BUNDLED = Path(__file__).parents[1] / "kb"

QUERIES = [
    "乌克兰手机卡怎么注销",
    "信用卡怎么注销",
    "close my bank account before leaving",
    "как закрыть кредитную карту сбербанка",
    "俄罗斯手机卡余额能退吗",
    "how to cancel my russian sim from china",
    "",
]


def _scope(extra: int) -> Scope:
    """A small scope, with ``extra`` made-up names of each kind per class: Chinese names, word
    names and "A + B" names, none of which the queries hold (Chinese characters from a block
    the queries do not use: 丂丄丅...; words of letters they do not: qqz...)."""
    def han(i: int, n: int) -> str:
        return "".join(chr(0x4E02 + (i * 7 + k) % 60) for k in range(n))

    def word(i: int) -> str:
        return "qqz" + "".join(chr(ord("a") + (i >> (4 * k)) % 16) for k in range(4))

    def names(tag: int) -> list[str]:
        made = [han(i + tag, 2 + i % 6) for i in range(extra)] + [word(i + tag * 7919) for i in range(extra)]
        made += [f"{word(i + tag * 31)} + {han(i, 3)}" for i in range(extra)]
        return made

    return Scope({"covers": ["russian sim", "俄罗斯手机卡", *names(1)], "covers_pinyin": [],
                  "neighbours": {
                      "other-countries": {"names": ["乌克兰手机卡", "ukrainian sim", *names(2)], "pinyin": [],
                                          "unless": ["俄罗斯"]},
                      "banking": {"names": ["信用卡", "кредитн карт", "bank + account", "bank + close", *names(3)],
                                  "pinyin": ["xinyongka"], "unless": ["refund", *names(4)]}}})


@pytest.mark.parametrize("q", QUERIES)
def test_the_work_per_query_does_not_grow_with_the_names(q):
    small, large = _scope(10), _scope(1000)
    assert small.neighbour(q) == large.neighbour(q)
    assert small.work(q) == large.work(q)


def test_the_work_counts_what_was_done():
    s = _scope(100)
    assert s.neighbour("乌克兰手机卡怎么注销") == "other-countries"
    assert s.neighbour("close my bank account") == "banking"  # an "A + B" name, both parts found
    assert s.neighbour("how to cancel my russian sim from china") is None
    assert s.work("")["lookups"] == 0
    work = s.work("close my bank account")
    assert work["lookups"] > 0 and work["pairs"] >= 1 and work["texts"] >= 1


def test_the_bundled_scope_looks_up_a_bounded_number_of_names():
    # ~6,700 names in kb/scope.yaml: a query of 40 characters looks a few hundred up, and each
    # of its texts (the query, the query with a neighbour's names blanked out) once
    data = read_scope(BUNDLED)
    assert data is not None
    scope = Scope(json.loads(json.dumps(data, ensure_ascii=False)))
    names = sum(len(spec["names"]) + len(spec["unless"]) for spec in data["neighbours"].values())
    assert names > 5000
    for q in ("白俄罗斯A1卡回国后怎么停号，余额能退到国内的银行卡上吗？还有合同怎么办",
              "how do i close my german sim card and my bank account before i fly home",
              "как расторгнуть договор с казахстанским оператором и закрыть кредитную карту"):
        work = scope.work(q)
        assert work["texts"] <= 3
        assert work["lookups"] <= 20 * len(q) * work["texts"] < names
        assert work["patterns"] + work["pairs"] < 100


def _sharing(extra: int) -> Scope:
    """A scope whose ``extra`` made-up word names all start with a word the queries hold
    ("russian qqz...", "российск qqz...", as {places} {sim} spreads them): only the names whose
    every word a query holds can match."""
    def word(i: int) -> str:
        return "qqz" + "".join(chr(ord("a") + (i >> (4 * k)) % 16) for k in range(4))

    made = [f"{first} {word(i)} {last}" for i in range(extra) for first, last in (("russian", "sim"), ("российск", "сим"))]
    return Scope({"covers": ["russian sim", "российск сим"], "covers_pinyin": [],
                  "neighbours": {"other": {"names": ["ukrainian sim", *made], "pinyin": [], "unless": []}}})


@pytest.mark.parametrize("q", ["how to cancel my russian sim from china", "как закрыть российскую сим карту",
                               "my ukrainian sim and my russian one"])
def test_names_sharing_a_first_word_are_not_all_matched(q):
    small, large = _sharing(1), _sharing(1000)
    assert small.neighbour(q) == large.neighbour(q)
    assert small.work(q) == large.work(q)
    assert large.work(q)["patterns"] <= 2


def test_the_bundled_scope_matches_only_names_a_query_holds_whole():
    # 'russian', 'российск', 'китайск' start hundreds of kb/scope.yaml's names each
    data = read_scope(BUNDLED)
    assert data is not None
    scope = Scope(json.loads(json.dumps(data, ensure_ascii=False)))
    for q in ("how to cancel my russian sim from china", "как закрыть российский номер мтс",
              "my ukrainian number and russian bank card"):
        assert scope.work(q)["patterns"] <= 10
