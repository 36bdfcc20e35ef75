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


def test_a_whole_word_the_kb_questions_mostly_continue_is_read_as_begun(bundled):
    typed = "как забрать день"  # день (a day) is a kb word, but its questions say деньги (money)
    res = bundled.search(typed, prefix=True)
    assert res.signals["prefix"]["searched"].endswith(" деньги")
    assert "день" in res.signals["prefix"]["expansions"]  # the word typed is still searched, lower
    assert res.hits[0].id == "refund-remaining-balance"
    exact = bundled.search(typed, correct=False)
    assert exact.hits[0].id != "refund-remaining-balance"  # the results page reads день as typed


@pytest.mark.parametrize("typed", ["a sim bought in russia", "договор уже расторгнут"])
def test_a_whole_word_the_kb_questions_use_themselves_stays_as_typed(bundled, typed):
    completed = bundled.search(typed, prefix=True).signals.get("prefix")
    assert not completed or completed["searched"] == typed


def test_one_letter_after_words_is_still_typing_not_no_direct_answer(bundled):
    typed = "мтс отдать д"  # (д is no word the analyzer keeps: searched as typed, not answered)
    res = bundled.search(typed, prefix=True)
    assert not res.answered and res.typing
    assert not bundled.search(typed).typing  # exact search is never typing


@pytest.mark.parametrize("typed", ["do russian ca", "do russian plans"])
def test_question_starts_back_off_to_the_words_before_the_one_being_typed(bundled, typed):
    # no phrasing begins "do russian ca…"; "do russian …" begins one entry's (does a SIM expire)
    res = bundled.search(typed, prefix=True)
    assert "does-sim-expire" in [h.id for h in res.hits[:3]]
    assert res.signals["starts"].get("does-sim-expire")


@pytest.mark.parametrize(("typed", "word"), [("как отвязать но", "номер"), ("расторгнуть до", "договор")])
def test_a_short_stop_word_the_kb_questions_hardly_hold_is_read_as_begun(bundled, typed, word):
    # но (but), до (until) are stop words the kb's questions hardly hold, while номер and
    # договор go on from them in many: typed last, with no space after, the word is begun
    res = bundled.search(typed, prefix=True)
    assert res.signals["prefix"]["searched"] == typed.rsplit(" ", 1)[0] + " " + word
    assert len(res.signals["prefix"]["expansions"]) <= 5  # bounded (MAX_EXPANSIONS)
    assert bundled.search(typed + " ", prefix=True).signals.get("prefix") is None  # a space ended it


@pytest.mark.parametrize("typed", ["refund to", "закрыть номер за", "how do"])
def test_a_stop_word_the_kb_questions_hold_often_stays_a_stop_word(bundled, typed):
    completed = bundled.search(typed, prefix=True).signals.get("prefix")
    assert not completed or completed["searched"] == typed or not completed["expansions"]


@pytest.mark.parametrize(("typed", "word"), [("how do I pause a number from Ru", "russian"), ("отвязать номер от Го", "госуслуги")])
def test_a_capitalised_short_word_the_questions_hardly_hold_is_begun_too(bundled, typed, word):
    # a place or a site's name begun with its capital (Ru[ssia], Го[суслуги]) is begun as in lowercase
    res = bundled.search(typed, prefix=True)
    assert res.signals["prefix"]["searched"] == typed.rsplit(" ", 1)[0] + " " + word
