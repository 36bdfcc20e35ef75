"""A Russian or English word being typed goes on to the word the kb's phrasings put right after
the words typed before it (word_follows.py: "сколько ст" asks what it costs, стоит, not the
kb's frequent старый), and after words that ask nothing yet (filler: "how would i cl") to the
word the kb's questions hold most (close), not the one its answers hold most (claim). Made-up
queries only."""

from __future__ import annotations

from faqkb.continuation import stem
from faqkb.prefix import Dictionary, complete
from faqkb.search import Searcher
from faqkb.word_follows import Follows, ordered

# the kb's words by count (its answers say claim, старый far more) and its questions
VOCAB = {"claim": 60, "close": 20, "старый": 50, "стоит": 10, "сколько": 30}
ASKED = ["close my number", "how to close it", "can i close online", "claim deadline",
         "сколько стоит закрыть", "сколько стоит", "старый номер"]
TOY = Dictionary.of(VOCAB, {}, {}, ASKED)
# stems of the kb's phrasings, as continuation.Phrasings holds them
PAIRS = Follows([(p.split(), [stem(w) for w in p.split()]) for p in (
    "сколько стоит закрыть", "сколько стоит", "старый номер", "how many days", "how many days left",
    "many dollars", "many dollars")])


def _split(word: str) -> list[str] | None:
    return None


def _after(cands, rest):
    return ordered(cands, PAIRS, rest)


def test_the_word_the_phrasings_put_after_the_words_typed_goes_first():
    got = complete("ну сколько ст", TOY, _split, after=_after)
    assert got is not None and got.text == "ну сколько стоит" and got.expansions[:2] == ["стоит", "старый"]
    assert complete("ну сколько ст", TOY, _split).text == "ну сколько старый"  # (by count, as before)


def test_two_words_typed_before_decide_over_the_last_alone():
    assert PAIRS.counts("so how many", ["dollars", "days"]) == [0, 2]  # how many: days
    assert PAIRS.counts("too many", ["dollars", "days"]) == [2, 2]  # many alone: either
    assert PAIRS.counts("any idea", ["days"]) == [0]  # nothing follows so: the order stays
    cands = [("dollars", "dollars", 5), ("days", "days", 3)]
    assert ordered(cands, PAIRS, "how many") == cands[::-1]
    assert ordered(cands, PAIRS, "any idea") is cands


def test_after_words_that_ask_nothing_the_kbs_questions_order_the_word_begun():
    got = complete("how would i cl", TOY, _split, bare=True)
    assert got is not None and got.text == "how would i close"
    assert complete("how would i cl", TOY, _split).text == "how would i claim"  # words that ask: by count


def test_the_panel_reads_the_words_before_the_one_being_typed(bundled: Searcher):
    cost = bundled.search("напомните сколько ст", prefix=True)
    assert cost.signals["prefix"]["searched"] == "напомните сколько стоит"
    # words before that the kb's answers share with старый do not outweigh what the questions say next
    told = bundled.search("хочу узнать сколько ст", prefix=True)
    assert told.signals["prefix"]["searched"] == "хочу узнать сколько стоит"
    close = bundled.search("please tell me how i cl", prefix=True)
    assert close.signals["prefix"]["searched"] == "please tell me how i close"
    exact = bundled.search("напомните сколько ст")  # the results page reads the words as typed
    assert "prefix" not in exact.signals
