"""A query only begun that says nothing yet beyond the subject (thirteenth round): the topic's
head entries (kb/categories.yaml's first categories' overviews) share its top 3, and one letter
after words that ask nothing yet goes on to the word the kb's questions use most. Queries here
are made up; none is copied from an evaluation set."""

from __future__ import annotations

import pytest

from faqkb.prefix import TOPIC_HEADS

HEADS = ["how-to-cancel-russian-sim", "refund-remaining-balance"]  # process, refunds (categories.yaml)


@pytest.mark.parametrize("typed", ["мегафон", "俄羅斯", "eluosi", "Beeline"])
def test_the_subject_alone_has_the_topic_heads_after_its_first_hit(bundled, typed):
    res = bundled.search(typed, prefix=True)
    exact = bundled.search(typed, correct=False)
    top = [h.id for h in res.hits[:3]]
    assert len(HEADS) == TOPIC_HEADS and set(HEADS) <= set(top)
    assert top[0] == exact.hits[0].id and res.answered == exact.answered  # the first hit and the verdict stay
    assert not set(HEADS) <= {h.id for h in exact.hits[:3]}  # the results page stays as ranked
    assert res.rankings <= 2  # no search more for the heads: they are the categories' overviews


def test_a_question_that_asks_something_keeps_its_ranking(bundled):
    typed = "refund to my bank"  # the words ask: no heads
    res = bundled.search(typed, prefix=True)
    assert "subject" not in res.signals


def test_an_entry_the_question_starts_tell_keeps_its_place_before_the_heads(bundled):
    typed = "手機"  # most phrasings beginning so are one entry's (a lost phone)
    res = bundled.search(typed, prefix=True)
    assert "lost-or-stolen-phone" in [h.id for h in res.hits[:3]]


@pytest.mark.parametrize(("typed", "word"), [("how can i c", "cancel"), ("как мне р", "расторгнуть")])
def test_one_letter_after_words_that_ask_nothing_goes_on_to_the_kb_questions_word(bundled, typed, word):
    res = bundled.search(typed, prefix=True)
    assert res.signals["prefix"]["searched"].endswith(" " + word)
    assert res.hits and res.hits[0].id == "how-to-cancel-russian-sim"
    assert len(res.signals["prefix"]["expansions"]) <= 5  # bounded (MAX_EXPANSIONS)


@pytest.mark.parametrize("typed", ["refund to bank c", "how can i C", "bǎohà o"])
def test_one_letter_after_words_that_ask_or_a_capital_is_not_completed(bundled, typed):
    res = bundled.search(typed, prefix=True)
    completed = res.signals.get("prefix")
    assert not completed or not completed["expansions"]
