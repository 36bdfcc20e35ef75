"""Half-typed questions in toneless pinyin read through the same steps as Chinese characters
(docs/relevance.md, seventeenth session): the kb's Chinese phrasings' starts compared in pinyin,
a Chinese question word typed whole in pinyin left as typed, and syllables typed apart read as
pinyin. Queries here are made up; none is copied from an evaluation set."""

from __future__ import annotations


def test_a_pinyin_cut_is_compared_with_what_the_chinese_phrasings_begin_with(bundled):
    # 退款 typed syllable by syllable, the next one begun: the refund entries whose Chinese
    # phrasings go on so (退款多久, 退款到…) are its question starts, as for 退款 typed in characters
    res = bundled.search("tui kuan d", prefix=True)
    assert res.query_lang == "zh"
    assert "refund-when-and-how" in res.signals.get("starts", {})
    assert "refund-when-and-how" in [h.id for h in res.hits[:3]]


def test_a_question_word_typed_whole_in_pinyin_is_not_completed(bundled):
    # 请问 / 为什么 in pinyin, typed last: not the start of a longer reading (qingwenjian, 文件)
    for query in ("haoma qingwen", "weishenme"):
        res = bundled.search(query, prefix=True)
        assert "prefix" not in res.signals, query


def test_a_question_word_typed_a_syllable_at_a_time_is_not_completed(bundled):
    res = bundled.search("yu e ke yi", prefix=True)  # 余额可以: yi is not the start of 营业
    assert "prefix" not in res.signals
    assert res.hits[0].id == "refund-remaining-balance"


def test_syllables_typed_apart_are_pinyin_while_typing(bundled):
    # bao hao ka: 保号卡 a syllable at a time; "ka" and "bao" alone are Latin kb words too
    assert bundled.search("bao hao ka sh", prefix=True).query_lang == "zh"
    assert bundled.search("bao hao ka sh").query_lang == "en"  # exact search reads as before
    # English being typed, its short words syllables too, stays English
    assert bundled.search("do i need a pa", prefix=True).query_lang == "en"
    assert bundled.search("a new sim", prefix=True).query_lang == "en"


# Polyphones: the kb's Chinese words and phrasings are keyed by pypinyin's phrase-aware reading
# at build time (长期 changqi, 重新 chongxin), not the character table's first (zhangqi, zhongxin),
# which no reader types.

def test_a_polyphone_word_begun_in_pinyin_completes_to_the_kb_word(bundled):
    res = bundled.search("changq", prefix=True)  # 长期 begun
    assert "changqi" in res.signals["prefix"]["expansions"]
    assert "stop-using-sim-what-happens" in [h.id for h in res.hits[:3]]


def test_a_pinyin_query_read_with_a_polyphone_finds_its_entry(bundled):
    res = bundled.search("haoma chongxin f", prefix=True)  # 号码重新分… begun
    assert "chongxinfenpei" in res.signals["prefix"]["searched"]
    assert res.hits[0].id == "lapsed-number-reassigned"


def test_a_phrasing_with_a_polyphone_is_a_pinyin_question_start(bundled):
    # 号码长期不用…: the pinyin question starts read 长 as a reader does
    res = bundled.search("haoma changqi b", prefix=True)
    assert "balance-after-lapse" in res.signals.get("starts", {})
