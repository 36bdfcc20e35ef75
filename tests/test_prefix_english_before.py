"""English being typed in the panel is not read as pinyin: English function words before a
begun word (my, are, no: they split into syllables or read as initials) that make none of the
kb's Chinese words leave the begun word English (a kb word goes on from it), and no pinyin
reading is run together from its letters (a capitalised name begun after "in"). Pinyin typed
before keeps its readings. Made-up queries only."""

from __future__ import annotations

from faqkb.prefix import Dictionary, complete

# a Latin kb word and Chinese words whose readings the begun letters run together with
TOY = Dictionary.of({"number": 30, "办理": 50, "注销": 40, "退款": 20},
                    {"banli": "办理", "zhuxiao": "注销", "tuikuan": "退款"})


SYLLABLES = {"nu", "m", "ka", "ban", "li", "zhu", "xiao", "tui", "kuan", "wo", "de"}


def _split(word: str) -> list[str] | None:
    """Syllables (and initials) of the toy's pinyin, longest first; None if the word is none."""
    if not word:
        return []
    for n in range(min(4, len(word)), 0, -1):
        if word[:n] in SYLLABLES and (tail := _split(word[n:])) is not None:
            return [word[:n], *tail]
    return None


def test_after_english_words_a_begun_word_goes_on_as_english():
    assert complete("is my numb", TOY, _split, pinyin_first=True).text == "is my numbanli"  # (read as pinyin)
    got = complete("is my numb", TOY, _split, pinyin_first=True, english=True)
    assert got is not None and got.text == "is my number"


def test_after_english_words_no_reading_is_run_together_from_the_letters():
    assert complete("off to Kaz", TOY, _split).text == "off to kazhuxiao"  # (ka + zhuxiao)
    got = complete("off to Kaz", TOY, _split, english=True)
    assert got is None or "zhuxiao" not in got.text
    # a reading the letters begin is still offered
    assert complete("off to tuik", TOY, _split, english=True).text == "off to tuikuan"


def test_in_the_panel_english_before_keeps_the_query_english(bundled):
    # "are my" reads as syllables and initials; numb goes on to number, and a number entry answers
    res = bundled.search("are my numb", prefix=True)
    assert res.answered
    assert any("number" in h.id for h in res.hits[:3])
    res = bundled.search("can my bala", prefix=True)
    assert res.answered and "balance" in res.hits[0].id


def test_pinyin_typed_before_keeps_its_readings(bundled):
    res = bundled.search("wo de tuik", prefix=True)
    assert res.answered and "refund" in res.hits[0].id
    assert bundled.search("zhuxiao eluosi sh", prefix=True).answered


def test_english_being_typed_is_read_and_shown_as_english(bundled):
    res = bundled.search("are my bala", prefix=True)
    assert res.query_lang == "en" and res.answered
    assert res.hits and all(h.lang == "en" for h in res.hits[:3])
    # a whole reading of a kb Chinese word after them is still pinyin
    assert bundled.search("a tuikuan ", prefix=True).query_lang == "zh"
