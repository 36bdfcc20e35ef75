"""Did-you-mean (faqkb/spelling.py): each rule of issue 9 by name, on the bundled kb's
index-time deletion map. Work is bounded by lookups counted, never by the clock."""

from __future__ import annotations

import random

import pytest

from faqkb.analysis import is_han
from faqkb.spelling import MAX_CANDIDATES, MAX_CHECKED, MAX_FIXES, MAX_HAN, MAX_WORD, Speller


@pytest.fixture(scope="module")
def speller(bundled) -> Speller:
    return bundled.speller


def test_typos_are_corrected(speller):
    assert speller.correct("расторжение договра") == "расторжение договора"
    assert speller.correct("注消 手机卡") == "注销 手机卡"  # same pinyin, the IME typo
    assert speller.correct("refnd") == "refund"


def test_never_a_word_the_kb_knows(speller, bundled):
    assert speller.correct("backup") is None
    assert speller.correct("расторгнуть договор") is None
    assert speller.correct("cancelling") is None  # another form of a kb word (same stem)
    known = [w for w in bundled.lexicon.vocab if w.isalpha() and w.isascii() and len(w) >= 3][:200]
    assert known and all(speller.correct(w) is None for w in known)


def test_a_plain_dictionary_word_is_not_corrected(speller, bundled):
    """A word of the language the kb lacks is no typo of a kb word that looks like it."""
    assert speller.word("via") is None or "via" in speller.vocab  # the kb word the speller would pick...
    for word in ("visa", "weather", "Weather", "tomorrow", "interest", "live", "погода", "визу"):
        assert speller.correct(word) is None, word
    assert speller.correct("how to extend a Russian visa") is None
    assert speller.correct("莫斯科今天天气怎么样") is None  # 天气 (tianqi) is not 天起
    assert speller.correct("明天天氣") is None  # nor its Traditional form
    assert "天气" in speller.plain and "visa" in speller.plain
    # ...while a typo next to it still is: only general words the speller would take are stored
    assert speller.correct("visa refnd") == "visa refund"
    assert len(speller.plain) < 20_000


def test_plain_words_are_only_those_the_speller_would_take(speller):
    """The index stores the general words that would otherwise be corrected into a kb word,
    not the general word lists: every stored word has a kb word within reach."""
    bare = type(speller)(speller.vocab, speller.stems, speller.deletes, speller.han_by_pinyin, speller.table)
    latin = [w for w in sorted(speller.plain) if not is_han(w)]
    assert latin and all(bare.word(w) is not None for w in latin[:300])
    han = [w for w in sorted(speller.plain) if is_han(w)]
    assert han and all(bare.han(w, MAX_FIXES)[1] for w in han[:300])


def test_an_unknown_real_word_counts_against_answered(bundled):
    """'weather' was "corrected" to 'whether' and so left out of `answered` as a typo; a plain
    word is now an unknown word, which weighs against answered."""
    r = bundled.search("weather in moscow tomorrow", suggest=False)
    assert r.signals["unknown"] > 0.5 and r.answered is False
    typo = bundled.search("cancle russian sim", suggest=False)  # a real typo still is left out
    assert typo.signals["unknown"] == 0.0 and typo.answered


def test_a_han_correction_never_cuts_a_word_in_two(speller):
    """A window that sounds like a kb word is not corrected when its edge belongs to a word the
    kb (or the language) knows: 以辦 sounds like 一般 but 辦理 is a word, 值服 like 支付 but 服務."""
    assert speller.correct("可以辦理俄羅斯門號退租嗎") is None
    assert speller.correct("莫名被開通加值服務扣款") is None
    assert speller.correct("門號不用了可以直接退租嗎") is None
    assert speller.correct("住销前解邦银行") == "注销前解绑银行"  # typos next to words still are
    assert speller.correct("注消后于额能退吗") == "注销后余额能退吗"


def test_pinyin_is_not_corrected_into_english(speller):
    assert speller.correct("eluosi haoma hui fenpei gei bieren ma") is None  # gei (给) is not get
    assert speller.correct("refnd remaning balance") == "refund remaining balance"  # English still is


def test_never_a_function_word(speller):
    assert speller.correct("号吗") is None      # 吗 is a question particle, not 码
    assert speller.correct("можно ли") is None
    assert speller.correct("the") is None


def test_digits_are_kept(speller):
    assert speller.correct("Tele2 refnd") == "Tele2 refund"
    assert speller.correct("tele22") is None  # a word with digits is never rewritten


def test_case_is_kept(speller):
    assert speller.correct("Refnd") == "Refund"
    assert speller.correct("REFND") == "REFUND"
    assert speller.correct("Договра") == "Договора"


def test_at_most_a_few_words_corrected(speller):
    fixed = speller.correct("refnd balanse pasport contrakt operater")
    changed = [a for a, b in zip("refnd balanse pasport contrakt operater".split(), fixed.split(), strict=True)
               if a != b]
    assert len(changed) <= MAX_FIXES


def test_work_per_query_is_bounded(speller):
    rng = random.Random(3)
    worst = 0
    for alphabet in ("abcdefghijklmnopqrstuvwxyz", "абвгдежзийклмнопрстуфхцчшщыэюя", "的一是不了人我在有他这为之大来以个中上们"):
        for _ in range(20):
            q = " ".join("".join(rng.choice(alphabet) for _ in range(rng.randint(3, 12))) for _ in range(30))[:200]
            speller.correct(q)
            worst = max(worst, speller.lookups)
    # MAX_CHECKED words × (MAX_WORD + 1) deletion keys, plus per examined Han character 3
    # windows, each with at most 2 lookups of the words it might cut in two
    assert worst <= MAX_CHECKED * (MAX_WORD + 1) + 9 * MAX_HAN
    assert MAX_CANDIDATES <= 32


def test_a_word_the_caller_found_unknown_gets_the_same_answer(speller, bundled):
    # correct() asks known() first; word(..., unknown=True) then skips asking it again (no
    # second stemming): the answer is word()'s own for every word known() says no to.
    rng = random.Random(5)
    kb = sorted(w for w in bundled.lexicon.vocab if w.isalpha() and len(w) >= 4 and not is_han(w))
    words = ["refnd", "balanse", "vozvrat", "otkluchenie", "weather", "via", "za", "Tele", "договра", "MTSS"]
    for w in rng.sample(kb, 150):
        i = rng.randrange(1, len(w) - 1)
        words += [w[:i] + w[i + 1:], w[:i] + w[i] + w[i:], w[:i] + w[i + 1] + w[i] + w[i + 2:]]
    unknown = [w for w in words if not speller.known(w)]
    assert len(unknown) > 200
    answers = [speller.word(w) for w in unknown]
    assert answers == [speller.word(w, unknown=True) for w in unknown]
    assert sum(a is not None for a in answers) > 100  # the check sees corrections made


def test_no_second_search_without_a_correction(bundled):
    assert bundled.explain("注销 余额").suggestion_searched is None
    x = bundled.explain("расторжение договра")
    assert x.suggestion_searched == x.suggestion == "расторжение договора"


def test_russian_typed_in_latin_letters_is_read_as_the_kb_word(speller, bundled):
    """Translit (issue 19's vocabulary): a Latin word that spells a kb Russian word is read
    as it, soft signs, я/ю without their y and doubled letters aside; another form by its stem."""
    assert speller.correct("kak zakryt nomer") == "как закрыть номер"
    assert speller.correct("dengi vernut") == "деньги вернуть"  # ь and the y of я/ю are often left out
    assert speller.word("otkluchenie", None).startswith("отключ")  # the kb has other forms of it
    assert speller.word("za") == "за" and speller.word("do") is None  # an English function word stays
    r = bundled.search("kak zakryt nomer")
    assert r.corrected == "как закрыть номер" and r.answered


def test_translit_yields_to_a_latin_word_one_edit_away_and_to_plain_english(speller):
    assert speller.word("balanse") == "balance"  # one edit: an English typo
    assert speller.word("balansa") == "баланса"  # two edits from balance: Russian in Latin letters
    assert "salon" in speller.plain and speller.correct("salon metro") is None  # English words, not салон
    assert speller.correct("zhuxiao haoma") is None  # pinyin is not Russian either
