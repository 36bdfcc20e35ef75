"""A half-typed query's last words found inside the kb's own phrasings (prefix.Starts.inside,
twelfth round): the entry whose questions or alternatives go on from the phrase the reader is
typing joins the top 3. Queries here are made up; none is copied from an evaluation set."""

from __future__ import annotations

import pytest

from faqkb.prefix import (
    INSIDE_ENTRIES,
    INSIDE_PLACE,
    MAX_SCAN,
    MIN_INSIDE_WORDS,
    Dictionary,
    Starts,
    ends_begun,
    inside_key,
    inside_tails,
)

ENTRIES = [("a", ["Will I pay a monthly fee abroad?", "monthly fee"]),
           ("b", ["how much do I pay to cancel"]),
           ("c", ["號碼被收回怎麼辦"]),
           ("d", ["pay online"])]


def test_the_phrase_typed_last_is_found_inside_phrasings_with_its_last_word_going_on():
    made = []

    def given():
        made.append(1)
        return iter(ENTRIES)

    starts = Starts()
    assert starts.inside("so will i pa", given) == {"a": 1}       # "will i pa" inside a's question
    assert starts.inside("tell me how much do i p", given) == {"b": 1}
    assert starts.inside("我的号码被", given) == {"c": 1}          # Simplified typed, Traditional written
    assert starts.inside("will i pay", given) == {}               # the last word whole: a space follows it there
    assert starts.inside("i pa", given) == {}                     # fewer than MIN_INSIDE_WORDS words
    assert starts.inside("so will i pa ", given) == {}            # a space ended the word
    assert len(made) == 2                                          # the sorted arrays (starts, insides) made once


def test_the_longest_phrase_found_decides_and_one_in_too_many_entries_tells_none():
    entries = [(f"e{i}", [f"what if i stop using it {i}"]) for i in range(INSIDE_ENTRIES + 1)]
    entries.append(("x", ["so i stop using the sim"]))
    starts = Starts()
    assert starts.inside("so i stop usi", lambda: iter(entries)) == {"x": 1}   # the longer phrase: one entry
    assert starts.inside("now i stop usi", lambda: iter(entries)) == {}        # "i stop usi": in every entry


def test_finding_a_phrase_looks_at_a_bounded_number_of_insides():
    many = [(f"e{i}", [f"a b cd {j}" for j in range(4)]) for i in range(MAX_SCAN)]
    starts = Starts()
    starts.inside("a b c", lambda: iter(many))
    assert starts.insides is not None and len(starts.insides[0]) >= MAX_SCAN * 4
    got = Starts(insides=starts.insides).inside("x a b c", lambda: iter(()))
    assert got == {}  # MAX_SCAN looked at: far more than INSIDE_ENTRIES entries, so none


def test_tails_are_the_last_words_or_characters_and_keys_keep_word_boundaries():
    key = Starts().key
    assert inside_tails("how do i pa", key)[-1] == "do i pa" and len(inside_tails("do pa", key)) == 0
    assert len("do i pa".split()) == MIN_INSIDE_WORDS
    assert inside_tails("注销後號碼被", key)[:1] == ["注销后号码被"] and inside_tails("注销後號碼被", key)[-1] == "码被"
    assert inside_key("Do I pay?", key) == ("do i pay", [0, 3, 5])
    assert inside_key("俄羅斯SIM卡", key)[0] == "俄罗斯sim卡"


TOY = Dictionary.of({"refund": 4, "退款": 3, "注销": 2}, {})


@pytest.mark.parametrize("typed,begun", [
    ("where is my ref", True), ("where is my refund", False),    # a kb word typed whole
    ("how do i p", True),                                       # one letter: begun
    ("怎么退款", False), ("号码被", True),                          # a Chinese run ending in a kb word, or not
])
def test_a_last_word_may_be_begun_unless_it_is_a_kb_word(typed, begun):
    assert ends_begun(typed, TOY) is begun


def test_the_entry_whose_phrasing_goes_on_from_the_words_typed_is_third(bundled):
    typed = "so what happens if i stop us"
    res = bundled.search(typed, prefix=True)
    inside = res.signals["inside"]
    # third, or higher once the phrasings the words go on as (continuation.py) order the rest
    (moved,) = inside
    assert moved in [h.id for h in res.hits[1:INSIDE_PLACE + 1]]
    entry = bundled.entry(moved)
    phrasings = [p.lower() for t in entry.translations.values() for p in (t.question, *t.alternatives)]
    assert any("i stop us" in p and "i stop us " not in p for p in phrasings)
    # exact search and a finished last word have no such step
    assert "inside" not in bundled.search(typed, correct=False).signals
    assert "inside" not in bundled.search(typed + " ", prefix=True).signals


def test_two_questions_in_one_are_left_to_diversity(bundled):
    res = bundled.search("how do i cancel, and what if i stop us", prefix=True)
    assert "inside" not in res.signals


def test_an_entry_holding_the_phrase_less_often_in_the_top_two_does_not_keep_out_the_one_holding_it_most(bundled):
    typed = "我在莫斯科的号码被"  # (我的俄罗斯号码被 and 我在俄罗斯的号码被 now have none holding 号码被 less in their top two)
    res = bundled.search(typed, prefix=True)
    (moved, most), = res.signals["inside"].items()
    assert res.hits[INSIDE_PLACE].id == moved

    def holding(entry_id: str) -> int:  # its phrasings going on from 号码被 (folded as starts fold them)
        e = bundled.entry(entry_id)
        keys = [Starts().key(p) for t in e.translations.values() for p in (t.question, *t.alternatives)]
        return sum(1 for k in keys if "号码被" in k and not k.endswith("号码被"))

    assert holding(moved) == most
    assert any(0 < holding(h.id) < most for h in res.hits[:INSIDE_PLACE])  # one holding it less was there
