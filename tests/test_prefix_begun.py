"""Prefix search while the reader types (issue 19, item 3), seventeenth round: a condition
whose words are being typed ("from abr", "из за "), and the object of a cancel or refund
question that is the word still being typed. Queries are made up; none is copied from an
evaluation set."""

from __future__ import annotations

import pytest

from faqkb.condition_begun import ConditionStarts

ABROAD = {"abroad": ({"how-to": "from-abroad"}, ("在国外", "人在台湾"), (" from china ", " из за границы", " outside russia ")),
          "refund_to": ({"refund": "refund-to"}, ("退到",), (" balance to my ", " refund to "))}


@pytest.mark.parametrize("folded,ended,got", [
    ("close my line fro", False, ["abroad"]),           # a function word begun: from china
    ("закрыть симку из з", False, ["abroad"]),          # the condition's words, the last one begun
    ("закрыть симку из за", True, ["abroad"]),          # a space typed after: the next word is coming
    ("我的卡人在台", False, ["abroad"]),                 # Chinese: two characters of it at least
    ("move my balance t", False, ["refund_to"]),        # a content word with the next one begun
    ("my balance", False, []),                          # a content word alone states nothing yet
    ("close my line from china", False, []),            # typed whole: condition_first's, not begun
    ("close my line f", False, []),                     # too few letters to tell
    ("我的卡在", False, []),                             # one character
])
def test_the_conditions_a_query_ends_in_the_start_of(folded, ended, got):
    spaced = " ".join(folded.split())
    assert ConditionStarts(ABROAD).begun(folded, spaced, ended) == got


@pytest.mark.parametrize("typed", ["terminate the tele2 contract fro", "как закрыть симку мегафон из з"])
def test_a_condition_begun_brings_its_entry_into_the_panels_top_three(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert res.signals.get("begun") == "abroad" and res.hits[1].id == "cancel-from-abroad"  # second: the first stays
    exact = bundled.search(typed)
    assert "begun" not in exact.signals  # the results page is as it was


@pytest.mark.parametrize("typed", ["退款为什么还收手", "退号还收手"])
def test_an_object_the_scope_reads_in_a_word_cut_mid_way_is_typing_in_the_panel_only(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert not res.answered and res.typing  # "keep typing", not "no direct answer"
    assert str(res.signals.get("scope", "")).startswith("other-object")  # still declined: totals as before
    exact = bundled.search(typed)
    assert not exact.answered and not exact.typing


@pytest.mark.parametrize("typed", ["how do I close my tinkoff card", "销卡还要收手续费"])
def test_an_object_typed_whole_or_no_object_is_judged_as_before(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert res.answered or not res.typing or "scope" not in res.signals


@pytest.mark.parametrize("typed", ["otkaz ot nom", "pochemu spisyvayut deng"])
def test_russian_typed_in_latin_letters_with_its_last_word_begun_is_not_told_in_the_panel(bundled, typed):
    # (nom: номер, deng: деньги, as the speller reads a Latin spelling typed whole; made-up queries.)
    # The panel completes the begun word to the Cyrillic ones its key starts (translit_prefix):
    # never "no direct answer" while the word is being typed.
    res = bundled.search(typed, prefix=True)
    assert res.answered or res.typing
    exact = bundled.search(typed)
    assert not exact.answered and not exact.typing


@pytest.mark.parametrize("typed", ["how to spot", "delete my facebook acc"])
def test_english_with_its_last_word_begun_is_not_read_as_russian(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert not res.answered and not res.typing  # told as before: no word reads as a Russian kb word
