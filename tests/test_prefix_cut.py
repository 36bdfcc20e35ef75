"""A last word cut mid-way that the kb lacks (issue 19, as-you-type; Latin and Cyrillic): the
reader is still typing it, so a half-typed query not answered is `typing`, not told "no direct
answer"; a word typed whole, known to the kb or not, is judged as before. Queries here are
made up; none is copied from an evaluation set."""

from __future__ import annotations

import pytest

from faqkb.prefix import Dictionary, General, cut_mid_word, dump_general, general_words, load_general

TOY = Dictionary.of({"refund": 40, "претензию": 6, "претензия": 3}, {})
GENERAL = load_general(dump_general(sorted(["photograph", "photographer", "программист", "программистом", "погода",
                                            "vietnam"])))


@pytest.mark.parametrize("typed", ["my cousin is a photogra", "я теперь программис", "сроки претенз", "Vietn"])
def test_a_word_no_word_is_but_words_begin_with_is_cut_mid_way(typed):
    assert cut_mid_word(typed, TOY, GENERAL)


@pytest.mark.parametrize("typed", [
    "my cousin is a photograph",  # a word in general use, typed whole
    "какая погода",               # the same in Russian
    "where is my refund",         # a kb word
    "my cousin works at Kcel",    # a name no word begins with
    "my cousin at VIETN",         # capitals: an acronym typed whole
    "my cousin is a ph",          # fewer than MIN_CUT letters
    "注销俄罗",                    # Chinese: not this rule's
])
def test_a_word_typed_whole_or_too_short_is_not_cut(typed):
    assert not cut_mid_word(typed, TOY, GENERAL)


def test_without_the_general_words_nothing_is_cut():
    assert not cut_mid_word("my cousin is a photogra", TOY, General())  # (a version built before them)


def test_the_general_words_are_english_and_russian_sorted():
    words = general_words()
    assert words == sorted(words) and {"weather", "погода"} <= set(words) and "ё" not in "".join(words[:1000])


@pytest.mark.parametrize(("typed", "whole"), [
    ("брат теперь работает программис", "брат теперь работает программистом"),  # (not the reader's own
    # story: "я теперь работаю программистом" asks nothing yet and is typing, prefix.tells_story)
    ("my cousin is a photogra", "my cousin is a photographer"),
])
def test_a_query_not_answered_while_a_word_is_cut_is_still_typing(bundled, typed, whole):
    res = bundled.search(typed, prefix=True)
    assert not res.answered and res.typing  # not "no direct answer": the word is being typed
    done = bundled.search(whole, prefix=True)
    assert not done.answered and not done.typing  # typed whole, it is told as before
    spaced = bundled.search(typed + " ", prefix=True)  # a space ended the word: read as typed, not
    assert not spaced.answered and spaced.typing        # answered; the next word is coming (space_typed_on)


def test_a_latin_word_with_accents_does_not_hide_the_ascii_words_it_shares_letters_with():
    general = load_general(dump_general(sorted(["café", "canal", "canteen"])))
    assert cut_mid_word("near the cante", TOY, general)  # canteen, though café sorts after it
