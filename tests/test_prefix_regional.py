"""A trailing Han character typed in Traditional goes on to the Taiwan/HK word kb/regional.yaml
gives (門: 門號, the kb's 号码) when the kb's phrasings ask for the word it stands for far more
than for any of the kb's own completions (门户, the Gosuslugi portal); a Simplified one, and a
Traditional one whose regional words are not asked that much more (電: 電話, not 電信業者),
go on as before. Made-up queries only."""

from __future__ import annotations

from faqkb.prefix import Dictionary, complete
from faqkb.search import Searcher

# the kb's words, its Taiwan/HK words (folded) and questions: 号码 asked far more than 门户;
# 运营商 asked, but not ASKED_ON times as often as 电话
VOCAB = {"号码": 90, "门户": 30, "电话": 40, "运营商": 60}
REGIONAL = {"门号": "号码", "电信业者": "运营商"}
ASKED = (["怎么注销号码"] * 12 + ["门户在哪里"] + ["电话打不通"] * 4 + ["哪家运营商"] * 6)
TOY = Dictionary.of(VOCAB, {}, REGIONAL, ASKED)


def _split(word: str) -> list[str] | None:
    return None


def test_a_traditional_character_goes_on_to_the_regional_word_its_reader_means():
    got = complete("我的門", TOY, _split)
    assert got is not None and got.text == "我的门号" and got.expansions[:2] == ["门号", "门户"]
    assert complete("門", TOY, _split).text == "门号"  # typed alone too


def test_a_simplified_character_keeps_the_kbs_own_words():
    got = complete("我的门", TOY, _split)
    assert got is not None and got.expansions == ["门户"]


def test_a_regional_word_not_asked_far_more_leaves_the_kbs_word_first():
    got = complete("我的電", TOY, _split)
    assert got is not None and got.text == "我的电话"


def test_a_dictionary_read_back_keeps_what_the_regional_words_stand_for():
    assert Dictionary.load(TOY.dump(), VOCAB, {}, REGIONAL) == TOY
    assert complete("我的門", Dictionary.load(TOY.dump(), VOCAB, {}, REGIONAL), _split).text == "我的门号"


def test_the_panel_completes_traditional_men_as_the_mobile_number(bundled: Searcher):
    traditional = bundled.search("請問我的門", prefix=True)
    assert traditional.signals["prefix"]["searched"].endswith("门号")
    simplified = bundled.search("请问我的门", prefix=True)  # the mainland reader: the kb's words as before
    assert simplified.signals["prefix"]["searched"].endswith("门户")
    phone = bundled.search("請問我的電", prefix=True)  # the phone, not the operator (电信业者)
    assert phone.signals["prefix"]["searched"].endswith("电话")
