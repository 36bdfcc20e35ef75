"""Did-you-mean (faqkb/spelling.py): each rule of issue 9 by name, on the bundled kb's
index-time deletion map. Work is bounded by lookups counted, never by the clock."""

from __future__ import annotations

import random

import pytest

from faqkb.spelling import MAX_CANDIDATES, MAX_CHECKED, MAX_FIXES, MAX_HAN, MAX_WORD, Speller


@pytest.fixture(scope="module")
def speller(bundled) -> Speller:
    return bundled._speller(bundled._v)


def test_typos_are_corrected(speller):
    assert speller.correct("расторжение договра") == "расторжение договора"
    assert speller.correct("注消 手机卡") == "注销 手机卡"  # same pinyin, the IME typo
    assert speller.correct("refnd") == "refund"


def test_never_a_word_the_kb_knows(speller, bundled):
    assert speller.correct("backup") is None
    assert speller.correct("расторгнуть договор") is None
    assert speller.correct("cancelling") is None  # another form of a kb word (same stem)
    known = [w for w in bundled._lexicon().vocab if w.isalpha() and w.isascii() and len(w) >= 3][:200]
    assert known and all(speller.correct(w) is None for w in known)


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
    # MAX_CHECKED words × (MAX_WORD + 1) deletion keys, plus 3 windows per examined Han character
    assert worst <= MAX_CHECKED * (MAX_WORD + 1) + 3 * MAX_HAN
    assert MAX_CANDIDATES <= 32


def test_no_second_search_without_a_correction(bundled, monkeypatch):
    calls = []
    real = bundled.search

    def counting(*a, **k):
        calls.append(a)
        return real(*a, **k)

    monkeypatch.setattr(bundled, "search", counting)
    bundled.search("注销 余额")
    assert len(calls) == 1
    calls.clear()
    res = bundled.search("расторжение договра")
    assert len(calls) == 2 and res.suggestion == "расторжение договора"
