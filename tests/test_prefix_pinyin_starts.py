"""Half-typed questions in toneless pinyin read through the same steps as Chinese characters
(docs/relevance.md, seventeenth session): the kb's Chinese phrasings' starts compared in pinyin,
a Chinese question word typed whole in pinyin left as typed, and syllables typed apart read as
pinyin. Queries here are made up; none is copied from an evaluation set."""

from __future__ import annotations


def test_a_pinyin_cut_is_compared_with_what_the_chinese_phrasings_begin_with(bundled):
    # 护照 typed syllable by syllable, the next one begun: the entries whose Chinese phrasings
    # begin 护照h… (護照換新…) are its question starts, as for 护照 typed in characters
    res = bundled.search("hu zhao h", prefix=True)
    assert res.query_lang == "zh"
    assert "passport-replaced-cancel" in res.signals.get("starts", {})
    assert "passport-replaced-cancel" in [h.id for h in res.hits[:3]]


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


def test_a_syllable_begun_goes_on_as_the_phrasings_follow_the_words_before(bundled):
    # 俄罗斯 … k: the kb's Chinese phrasings go on with 卡 (ka) there far more than any other k
    # syllable; read as the start of a two-character word it went to 卡要 (kayao), a segmentation scrap
    res = bundled.search("wo de eluosi k", prefix=True)
    assert res.signals["prefix"]["searched"] == "wo de eluosi ka"
    assert "how-to-cancel-russian-sim" in [h.id for h in res.hits[:3]]
