"""Pinyin typed beside a name the kb's Chinese questions write in Latin letters (an operator,
an app: Lexicon.han_latin, gathered at build): in the panel the name does not make the query
English, so the pinyin is read as the kb's Chinese words; exact search reads as before.
Queries here are made up; none is copied from an evaluation set."""

from __future__ import annotations


def test_pinyin_beside_an_operator_name_is_read_as_chinese_while_typing(bundled):
    # 营业厅 typed in pinyin after the operator's Latin name: the store entry, answered
    res = bundled.search("beeline yingyet", prefix=True)
    assert res.hits[0].id == "cancel-in-store"
    assert res.answered


def test_the_name_among_pinyin_reads_as_chinese_only_while_typing(bundled):
    assert bundled.search("beeline yingyeting ", prefix=True).query_lang == "zh"
    assert bundled.search("beeline yingyeting").query_lang == "en"  # exact search: as before


def test_the_name_alone_is_not_pinyin(bundled):
    assert bundled.search("beeline", prefix=True).query_lang == "en"


def test_english_typed_after_a_name_stays_english(bundled):
    # "a" and "on" split into pinyin syllables, but make none of the kb's Chinese words
    assert bundled.search("whatsapp a", prefix=True).query_lang == "en"
    assert bundled.search("telegram on", prefix=True).query_lang == "en"
