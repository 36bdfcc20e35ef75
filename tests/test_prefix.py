"""Prefix search for as-you-type (issue 19, item 3): with ``prefix=True`` (the live panel,
the API's ``prefix=true``) the last word of a half-typed query is read as the start of a
word, in Latin, Cyrillic and pinyin letters and for a trailing Chinese character; the
results page stays exact. Queries here are made up, as readers type them; none is copied
from an evaluation set."""

from __future__ import annotations

import marshal
import re

import pytest

from faqkb.prefix import (
    MAX_EXPANSIONS,
    MAX_SCAN,
    STARTS_ADDED,
    Dictionary,
    before_last,
    complete,
    reads_whole,
    short_start,
    starts_word,
)


def _split(word: str) -> list[str] | None:  # a toy pinyin splitter for the pure-function tests
    syl = ("zhu", "xiao", "tui", "kuan", "e", "luo", "si")
    out, i = [], 0
    while i < len(word):
        for s in sorted(syl, key=len, reverse=True):
            if word.startswith(s, i):
                out.append(s)
                i += len(s)
                break
        else:
            return None
    return out


TOY = Dictionary.of({"refund": 40, "refunds": 5, "refuse": 2, "деньги": 30, "денег": 9, "注销": 50, "注意": 7,
                     "退款": 20, "俄罗斯": 30},
                    {"zhuxiao": "注销", "tuikuan": "退款", "eluosi": "俄罗斯", "zhuyi": "注意"})


@pytest.mark.parametrize("typed,searched", [
    ("where is my refu", "where is my refund"),      # Latin
    ("как вернуть ден", "как вернуть деньги"),      # Cyrillic
    ("tuik", "tuikuan"),                              # pinyin
    ("zhuxiaoel", "zhuxiaoeluosi"),                   # run-together pinyin, the last syllable half typed
    ("怎么注", "怎么注销"),                             # a trailing Chinese character
])
def test_the_last_word_is_completed_by_the_most_frequent_kb_word(typed, searched):
    got = complete(typed, TOY, _split)
    assert got is not None and got.text == searched


def test_pinyin_typed_before_lets_a_short_syllable_start_a_reading():
    got = complete("zhuxiao tu", TOY, _split, pinyin_first=True)
    assert got is not None and got.text == "zhuxiao tuikuan"


@pytest.mark.parametrize("typed,searched", [
    ("tui ku", "tuikuan"),              # pinyin typed syllable by syllable: the word being typed
    ("e luo", "eluosi"),
    ("zhu xiao", "zhuxiao"),            # the syllables typed whole make the word
    ("eluosi zhu x", "eluosi zhuxiao"),  # a whole word before them stays
])
def test_spaced_pinyin_syllables_are_one_word_being_typed(typed, searched):
    got = complete(typed, TOY, _split, pinyin_first=True)
    assert got is not None and got.text == searched, got


def test_spaced_syllables_need_a_pinyin_rest_and_a_reading_they_start():
    # a rest that is not all pinyin (and not read as pinyin): no syllables joined
    got = complete("why tui ku", TOY, _split)
    assert got is None or "tuikuan" not in got.text
    assert complete("tui ku", TOY, _split).text == "tuikuan"  # all pinyin: joined
    got = complete("tui xyz", TOY, _split, pinyin_first=True)  # tuixyz starts no reading
    assert got is None or not got.text.startswith("tuikuan")


def test_the_start_of_a_question_word_is_searched_without_it():
    # 怎 of 怎么: the reader is typing how to ask, not what about; 注 still starts 注销
    got = complete("俄罗斯退款怎", TOY, _split)
    assert got is not None and got.text == "俄罗斯退款" and got.expansions == []
    assert complete("退款注", TOY, _split).text == "退款注销"


def test_a_finished_word_is_left_as_typed():
    assert complete("refund", TOY, _split) is None
    assert complete("怎么注销", TOY, _split) is None
    assert complete("how to refu", TOY, _split, known=lambda w: True) is None


def test_the_segmenter_decides_whether_a_chinese_run_is_finished():
    # 意注 is in the toy dictionary as a "word" (as a segmenter's guess over kb text can be);
    # the segmenter cutting the run's last character alone says the word is half typed
    d = Dictionary.of({"注销": 50, "意注": 3}, {})
    assert complete("注意注", d, _split) is None  # without the segmenter: two characters the kb has
    got = complete("注意注", d, _split, known=lambda w: False)
    assert got is not None and got.text == "注意注销"


def test_the_fit_with_the_rest_of_the_query_picks_among_completions():
    got = complete("why did they refu", TOY, _split, fit=lambda rest, c: 1.0 if c == "refuse" else 0.0)
    assert got is not None and got.text == "why did they refuse" and set(got.expansions) <= {"refund", "refunds", "refuse"}


def test_expansion_is_bounded_however_many_words_share_the_prefix():
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = sorted("ab" + x + y + z for x in letters for y in letters for z in letters)  # 17,576 words
    d = Dictionary.of({w: i for i, w in enumerate(words)}, {})  # the later in the array, the more frequent
    got = complete("ab", d, _split)
    assert got is not None
    assert len(got.expansions) == MAX_EXPANSIONS
    # at most MAX_SCAN words of the range were looked at: the most frequent found lie inside it
    assert set(got.expansions) == set(words[MAX_SCAN - MAX_EXPANSIONS:MAX_SCAN])


@pytest.mark.parametrize("typed,category", [
    ("how can i get my refu", "refunds"),
    ("как вернуть оста", "refunds"),
    ("tuik", "refunds"),
    ("俄罗斯手机卡怎么注", "process"),
    ("мошен", "scams"),
])
def test_half_typed_queries_find_their_topic_and_are_answered(bundled, typed, category):
    exact = bundled.search(typed, correct=False)
    res = bundled.search(typed, prefix=True)
    assert res.query == typed
    assert res.hits and res.hits[0].category == category and res.answered
    assert len(res.signals["prefix"]["expansions"]) <= MAX_EXPANSIONS
    assert "prefix" not in exact.signals  # the exact search reads no prefix (but to confirm its first hit)


@pytest.fixture
def client(bundled_index, tmp_path):
    from faqkb.paths import bundled_kb
    from faqkb.web import create_app

    return create_app({"KB": bundled_kb(), "INDEX": bundled_index, "INSTANCE": tmp_path / "instance",
                       "TESTING": True, "SECRET_KEY": "test"}).test_client()


def test_api_and_panel_read_a_prefix_and_the_results_page_does_not(client):
    q = "how can i get my refu"
    api = client.get("/api/search", query_string={"q": q, "prefix": "true"}).get_json()
    # as typed (correct=false) the half word is an unknown word: no answer; by default the exact
    # search is answered only because the completion confirms its own first hit (Searcher._confirm)
    exact = client.get("/api/search", query_string={"q": q, "correct": "false"}).get_json()
    assert api["answered"] and api["hits"][0]["category"] == "refunds"
    assert not exact["answered"]
    panel = client.get("/search/panel", query_string={"q": q}).get_data(as_text=True)
    page = client.get("/search", query_string={"q": q, "correct": "false"}).get_data(as_text=True)
    assert "answer-box" in panel and "answer-box" not in page
    assert client.get("/api/search", query_string={"q": q, "prefix": "maybe"}).status_code == 400
    assert re.search(r"prefix", client.get("/api/openapi.json").get_data(as_text=True))


@pytest.mark.parametrize("typed,category", [("我的俄罗斯卡", "process"), ("fraud", "scams")])
def test_a_query_naming_a_category_as_typed_is_left_as_typed(bundled, typed, category):
    # 卡 is a whole subject word, not the start of 卡里; fraud is not the start of fraudsters
    res = bundled.search(typed, prefix=True)
    assert "prefix" not in res.signals and res.signals.get("category") == category


def test_a_stem_the_kb_words_go_on_from_is_half_typed(bundled):
    # блокир is a stem of the kb (блокирует) and the start of блокировка: the reader is typing
    assert starts_word(TOY, "ден") and starts_word(TOY, "ДЕН") and not starts_word(TOY, "деньги")
    res = bundled.search("временная блокир", prefix=True)
    assert res.signals["prefix"]["searched"].startswith("временная блокир") and res.answered
    assert len(res.signals["prefix"]["searched"]) > len("временная блокир")


def test_letters_a_latin_kb_word_goes_on_from_are_not_run_together_pinyin():
    d = Dictionary.of({"refund": 3, "服务": 50}, {"fuwu": "服务"})

    def split(w: str) -> list[str] | None:  # re + fu: pinyin syllables too
        return {"re": ["re"], "refu": ["re", "fu"]}.get(w)

    got = complete("refu", d, split)
    assert got is not None and got.text == "refund" and "refuwu" not in got.expansions
    # a rest typed in pinyin still reads them as syllables run together
    got = complete("zhuxiao refu", d, split, pinyin_first=True)
    assert got is not None and "refuwu" in got.expansions


def test_a_half_typed_query_answered_as_typed_is_answered(bundled):
    # посл is read as последний (после is a stop word, no completion): the completed query is
    # not answered, the query as typed is, with the same first entry: the completion was in doubt
    typed = "после поездки нет интернета посл"
    res = bundled.search(typed, prefix=True)
    completed = bundled.search(res.signals["prefix"]["searched"], correct=False)
    exact = bundled.search(typed, correct=False)
    assert not completed.answered and exact.answered
    assert res.answered and res.hits[0].id == exact.hits[0].id == completed.hits[0].id


def test_a_traditional_character_is_completed_by_the_kbs_words_and_taiwan_words():
    got = complete("怎麼註", TOY, _split)  # 註 is the kb's 注
    assert got is not None and got.text == "怎麼注销"
    d = Dictionary.of({"号码": 50, "门户": 3}, {}, {"门号": "号码"})  # kb/regional.yaml: 門號 is 号码
    got = complete("俄羅斯門", d, _split)
    assert got is not None and set(got.expansions) == {"门户", "门号"}
    got = complete("俄罗斯门", d, _split)  # typed in Simplified: the kb's words only
    assert got is not None and got.expansions == ["门户"]


def test_a_pinyin_word_and_the_letters_after_it_may_be_one_longer_word():
    d = Dictionary.of({"保号": 20, "保号费": 5, "费用": 9}, {"baohao": "保号", "baohaofei": "保号费", "feiyong": "费用"})

    def split(w: str) -> list[str] | None:
        return {"baohao": ["bao", "hao"], "yue": ["yue"]}.get(w)

    got = complete("baohao f", d, split, pinyin_first=True)
    assert got is not None and got.text == "baohaofei"
    got = complete("baohao fe", Dictionary.of({"保号": 20, "费用": 9}, {"baohao": "保号", "feiyong": "费用"}),
                   split, pinyin_first=True)
    assert got is not None and got.text == "baohao feiyong"  # no longer word: the next one


def test_what_a_half_typed_query_says_before_its_last_word():
    assert before_last("how do i get my refu") == "how do i get my"
    assert before_last("как вернуть ден") == "как вернуть"
    assert before_last("俄罗斯卡注销后余") == "俄罗斯卡注销后"  # the last character, not the run
    assert before_last("refu") is None and before_last("退") is None and before_last("?!") is None


def test_letters_go_on_to_a_brand_written_with_digits():
    # Tele2 / Теле2: a half-typed "tele" may be the operator, not only telegram
    d = Dictionary.of({"tele2": 30, "telegram": 12, "теле2": 9, "телефон": 40}, {})
    got = complete("switch operator from tele", d, _split)
    assert got is not None and got.expansions == ["tele2", "telegram"]
    got = complete("перейти с теле", d, _split, fit=lambda rest, c: 1.0 if c == "теле2" else 0.0)
    assert got is not None and got.text == "перейти с теле2" and "телефон" in got.expansions


def test_a_short_start_is_a_few_letters_longer_kb_words_go_on_from():
    d = Dictionary.of({"russian": 30, "ru": 4, "деньги": 9}, {})
    assert short_start(d, "pause my ru") and short_start(d, "вернуть д")
    assert not short_start(d, "ru")  # nothing before it
    assert not short_start(d, "pause my russian") and not short_start(d, "pause my rux")
    assert not short_start(d, "注销俄") and not short_start(None, "pause my ru")


def test_a_query_ending_in_a_short_start_is_settled_without_it(bundled):
    # "ru" is a kb word (mts.ru) as well as the start of russian: left as typed it reads as a
    # second subject; the query without it answers with the same first entry
    typed = "how to suspend my ru"
    exact = bundled.search(typed, correct=False)
    without = bundled.search("how to suspend my", correct=False)
    assert not exact.answered and without.answered
    res = bundled.search(typed, prefix=True)
    assert res.answered and res.hits[0].id == without.hits[0].id == exact.hits[0].id
    assert res.rankings <= 3  # the search and at most two more (as typed, without the last word)


def test_pinyin_of_kb_words_run_together_is_typed_whole():
    # tuikuan + eluosi + zhuxiao: every letter is a kb word's reading, so nothing is half typed
    # (zhuxiaotuik still is: tuik starts tuikuan)
    assert reads_whole("zhuxiaotuikuan", TOY) and reads_whole("eluosi", TOY)
    assert not reads_whole("zhuxiaotuik", TOY) and not reads_whole("zhuxiaox", TOY)
    assert complete("zhuxiaotuikuan", TOY, _split) is None
    got = complete("zhuxiaotuik", TOY, _split)
    assert got is not None and got.text == "zhuxiaotuikuan"
    assert not reads_whole("tuikuan" * 7, TOY)  # past MAX_READ_LETTERS letters: not looked at


def test_a_question_particle_typed_after_pinyin_ends_the_question():
    d = Dictionary.of({"满足": 9, "能否": 3}, {"manzu": "满足", "nengfou": "能否", "tuikuan": "退款"})
    got = complete("tuikuan ma", d, _split, pinyin_first=True)
    assert got is not None and got.text == "tuikuan" and got.expansions == []
    got = complete("tuikuan man", d, _split, pinyin_first=True)  # a syllable going on: completed
    assert got is not None and got.text == "tuikuan manzu"


@pytest.mark.parametrize("typed", ["shoujika zhuxiaotuikuan", "haoma zhuxiao yao duojiu ma", "weituoshu zenme ban ne"])
def test_pinyin_typed_whole_gets_through_the_panel_what_it_gets_exact(bundled, typed):
    exact = bundled.search(typed, correct=False)
    panel = bundled.search(typed, prefix=True)
    assert exact.hits and panel.hits[0].id == exact.hits[0].id and panel.answered == exact.answered


def test_capitals_are_an_acronym_typed_whole():
    # a few letters that start no kb word are dropped as a word begun ("hav"); in capitals they
    # are an acronym (a tax number, an app) naming what is asked, and searched as typed
    got = complete("where do i get my xqz", TOY, _split)
    assert got is not None and got.text == "where do i get my" and got.expansions == []
    assert complete("where do i get my XQZ", TOY, _split) is None
    d = Dictionary.of({"russian": 30, "ru": 4}, {})
    assert short_start(d, "pause my ru") and not short_start(d, "pause my RU")


# -- a query only begun: "keep typing", not "no direct answer" (Results.typing)

@pytest.mark.parametrize("typed", ["please", "как мне за", "help me wi", "请问一下"])
def test_a_query_only_begun_is_typing_not_declined(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert not res.answered and res.typing
    assert not bundled.search(typed).typing  # the exact search (the results page) is never typing


@pytest.mark.parametrize("typed", ["how to close my bank acc", "please?", "Kcell", "voicemail"])
def test_a_neighbour_named_or_a_question_ended_is_not_typing(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert not res.answered and not res.typing


def test_barely_begun_counts_the_words_left_once_the_filler_is_out():
    from faqkb.prefix import barely_begun

    assert barely_begun("how to refu", "refu", TOY)          # one word the kb goes on from
    assert barely_begun("俄罗斯注", "注", TOY)                 # one Chinese character: half a word
    assert not barely_begun("refund деньги", "refund деньги", TOY)  # two words narrow it
    assert not barely_begun("退款注销", "退款注销", TOY)         # four characters: two words
    assert not barely_begun("how to zzq", "zzq", TOY)        # a word the kb lacks: another subject
    assert not barely_begun("refund?", "refund", TOY)         # a question ended
    assert not barely_begun("refund", "refund", None)


def test_the_panel_says_keep_typing_and_the_api_says_typing(client):
    q = "help me wi"
    api = client.get("/api/search", query_string={"q": q, "prefix": "true"}).get_json()
    assert api["typing"] and not api["answered"] and api["hits"]
    panel = client.get("/search/panel", query_string={"q": q}, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Keep typing" in panel and "no direct answer" not in panel and "related-mark" not in panel
    exact = client.get("/search/panel", query_string={"q": q, "prefix": "false"},
                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Keep typing" not in exact and "no direct answer" in exact
    assert not client.get("/api/search", query_string={"q": q}).get_json()["typing"]


@pytest.mark.parametrize("typed,first", [("please", "how-to-cancel-russian-sim"), ("как", "how-to-cancel-russian-sim"),
                                         ("how to can", "how-to-cancel-russian-sim")])
def test_filler_alone_shows_the_subjects_overview_first_not_answered(bundled, typed, first):
    res = bundled.search(typed, prefix=True)
    assert res.typing and not res.answered and res.hits[0].id == first


def test_a_kb_word_left_as_typed_shows_the_likeliest_longer_word_while_typing(bundled):
    from faqkb.prefix import likeliest_start

    assert likeliest_start("how to refu", TOY) == "how to refund"  # the most frequent longer word
    assert likeliest_start("как ден", TOY) == "как деньги"
    assert likeliest_start("how to zzq", TOY) is None and likeliest_start("注", TOY) is None
    res = bundled.search("как по", prefix=True)
    assert res.typing and not res.answered and res.hits
    assert res.signals["prefix"]["searched"].startswith("как по") and res.signals["prefix"]["searched"] != "как по"


def test_question_starts_fold_scripts_and_spaces_and_count_an_entrys_phrasings():
    from faqkb.prefix import Starts

    starts = Starts()
    assert starts.key("Мой номер ОТКЛЮЧЁН?") == "мойномеротключен"
    assert starts.key("號碼 被收回") == starts.key("号码被收回")
    phrasings = {"a": ["My number was blocked", "my number was cut off"], "b": ["My number was given away"],
                 "c": ["number was blocked"], "d": ["號碼被收回了"]}
    def count(typed):
        return {e: n for e, ps in phrasings.items() if (n := starts.count(e, lambda ps=ps: ps, typed))}
    assert count("my number wa") == {"a": 2, "b": 1}  # a cut mid-word matches
    assert count("号码被") == {"d": 1}                  # Simplified typed, Traditional written
    assert count("m") == {}                             # one character says nothing yet


def test_question_starts_look_at_a_bounded_number_of_an_entrys_phrasings():
    from faqkb.prefix import MAX_PHRASINGS, Starts

    given: list[str] = []
    def phrasings():
        for i in range(MAX_PHRASINGS * 3):
            given.append(f"how to {i}")
            yield given[-1]
    starts = Starts()
    assert starts.count("e", phrasings, "how to") == MAX_PHRASINGS
    assert len(given) == MAX_PHRASINGS  # no more were even read
    assert starts.count("e", phrasings, "how to 1") <= MAX_PHRASINGS and len(given) == MAX_PHRASINGS  # kept


def test_entries_whose_questions_begin_as_typed_follow_the_first_hit(bundled):
    typed = "my number was"  # no word completed ("was" is whole): the same ranking both ways
    exact = bundled.search(typed, correct=False)
    res = bundled.search(typed, prefix=True)
    starts = res.signals["starts"]
    assert starts and res.hits[0].id == exact.hits[0].id  # the first hit stays the ranking's
    new = {h.id for h in res.hits} - {h.id for h in exact.hits}  # the order moves, and at most
    assert len(new) <= STARTS_ADDED and new <= set(starts)       # STARTS_ADDED entries beginning so join
    assert res.answered == exact.answered
    # after the first, every entry whose own phrasings begin "my number was" comes before the others
    flags = [h.id in starts for h in res.hits[1:]]
    assert flags == sorted(flags, reverse=True) and flags[0]
    moved = res.hits[1].id
    assert moved not in [h.id for h in exact.hits[:3]]  # the results page ranks it lower
    assert "starts" not in exact.signals


def test_the_api_and_panel_put_question_starts_in_the_top_three(client):
    typed = "my number was"
    api = client.get("/api/search", query_string={"q": typed, "prefix": "true"}).get_json()
    exact = client.get("/api/search", query_string={"q": typed}).get_json()
    ids, exact_ids = [h["id"] for h in api["hits"]], [h["id"] for h in exact["hits"]]
    assert ids[0] == exact_ids[0] and ids[1] not in exact_ids[:3]
    panel = client.get("/search/panel", query_string={"q": typed}).get_data(as_text=True)
    page = client.get("/search", query_string={"q": typed}).get_data(as_text=True)
    assert panel.find(f"/entry/{ids[1]}") < panel.find(f"/entry/{exact_ids[1]}")
    assert page.find(f"/entry/{exact_ids[1]}") < page.find(f"/entry/{ids[1]}")


@pytest.mark.parametrize("typed,searched", [
    ("注销能不", "注销能不能"),     # an A-not-A question begun: the form, not 不能 ("cannot")
    ("退款是不", "退款是不是"),
    ("退款有没", "退款有没有"),
])
def test_an_a_not_a_question_begun_is_searched_as_the_question_form(typed, searched):
    got = complete(typed, TOY, _split)
    assert got is not None and got.text == searched and got.expansions == []


@pytest.mark.parametrize("typed", ["注销可不可以", "退款可唔可以", "注销能不能"])
def test_an_a_not_a_question_typed_whole_is_not_completed(typed):
    d = Dictionary.of({"注销": 9, "以后": 30, "能够": 20}, {})
    assert complete(typed, d, _split) is None  # not 以 going on to 以后, nor 能 to 能够


def test_the_panel_reads_a_half_typed_a_not_a_question_as_the_form(bundled):
    res = bundled.search("余额会不", prefix=True)
    assert res.signals["prefix"]["searched"] == "余额会不会" and res.signals["prefix"]["expansions"] == []
    res = bundled.search("余额可唔可以", prefix=True)
    assert "prefix" not in res.signals or "以后" not in res.signals["prefix"]["searched"]


@pytest.mark.parametrize("typed", ["росси", "eluos", "my russ"])
def test_a_word_begun_that_names_only_the_subject_has_its_overview_in_the_top_three(bundled, typed):
    overview = "how-to-cancel-russian-sim"  # the subject category's overview (kb/categories.yaml)
    res = bundled.search(typed, prefix=True)
    exact = bundled.search(typed, correct=False)
    assert overview in [h.id for h in res.hits[:3]]
    assert overview not in [h.id for h in exact.hits[:3]]  # the results page ranks it lower
    assert res.signals["prefix"]["expansions"]  # the word was begun, not typed whole
    assert res.rankings <= 4  # the query, its readings, and the subject's name: bounded


def test_a_subject_word_typed_whole_keeps_its_first_hit(bundled):
    res = bundled.search("俄罗斯", prefix=True)  # (the topic's heads join after it: test_prefix_heads.py)
    assert [h.id for h in res.hits][:1] == [h.id for h in bundled.search("俄罗斯").hits][:1]


@pytest.mark.parametrize("typed", ["is that", "are there"])
def test_stop_words_left_by_the_filler_are_only_begun(bundled, typed):
    from faqkb.prefix import barely_begun

    assert barely_begun(typed, typed.split()[-1], TOY)  # "that" narrows nothing yet
    assert not barely_begun(typed + " kcell", typed.split()[-1] + " kcell", TOY)
    res = bundled.search(typed, prefix=True)
    assert res.typing and not res.answered  # "keep typing", not "no direct answer"
    assert not bundled.search(typed).typing


# -- a word or clause still being typed: "keep typing", not "no direct answer" (prefix.still_typing)

def test_still_typing_is_a_latin_or_cyrillic_word_begun_a_function_word_last_or_a_comma():
    from faqkb.prefix import still_typing

    done = {"searched": "how to get my refund", "expansions": ["refund", "refunds"]}
    assert still_typing("how to get my refu", done, TOY)                 # a kb word goes on from refu
    assert still_typing("перевести на карту для", None, TOY)             # a preposition cannot end it
    assert still_typing("the operator said, ", None, TOY)               # a clause goes on
    assert still_typing("нужно ли платить перед", None, TOY)             # so does a clause's conjunction
    assert still_typing("can i keep my balance if", None, TOY)           # or preposition
    assert not still_typing("how to get my refund", None, TOY)           # a word typed whole
    assert not still_typing("how to get my Refu", done, TOY)             # capitalised: a name typed whole
    zh = {"searched": "怎么注销", "expansions": ["注销"]}
    assert not still_typing("怎么注", zh, TOY)                           # Chinese: the input method commits words
    py = {"searched": "zhuxiao", "expansions": ["zhuxiao"]}
    assert not still_typing("zhux", py, TOY)                             # pinyin reading, not a kb word
    assert not still_typing("how to get my refu", None, TOY)             # nothing was completed
    forms = Dictionary.of({"slower": 3, "slowdown": 1}, {})
    assert not still_typing("my data is slow", {"searched": "my data is slower", "expansions": ["slower"]}, forms)
    assert still_typing("my data is slo", {"searched": "my data is slower", "expansions": ["slower"]}, forms)
    dropped = {"searched": "zhuxiao yao", "expansions": []}
    assert still_typing("zhuxiao yao qx", dropped, TOY)                 # letters starting no kb word, dropped
    assert not still_typing("zhuxiao yao ma", {"searched": "zhuxiao yao", "expansions": []}, TOY)  # 吗 ends it


def test_two_last_chinese_characters_that_only_start_a_kb_word_are_still_being_typed():
    from faqkb.prefix import still_typing

    # (each asks, 怎么: a Chinese text that asks nothing yet is still being typed whatever its end)
    done = {"searched": "怎么查我朋友的俄罗斯", "expansions": ["罗斯"]}
    assert still_typing("怎么查我朋友的俄罗", done, TOY)                 # 俄罗: no kb word, starts 俄罗斯
    assert not still_typing("怎么查我朋友的俄罗", None, TOY)             # nothing was completed
    assert not still_typing("怎么查我朋友的俄罗斯", done, TOY)           # 罗斯 starts no longer kb word
    assert not still_typing("怎么帮我注销", {"searched": "怎么帮我注销", "expansions": ["注销"]}, TOY)  # a kb word
    assert not still_typing("怎么注", {"searched": "怎么注销", "expansions": ["注销"]}, TOY)  # 么注 starts none


def test_a_chinese_text_that_asks_nothing_yet_is_still_being_typed():
    from faqkb.prefix import still_typing

    assert still_typing("前年我在叶卡捷琳堡上班", None, TOY)        # context, no question yet
    assert still_typing("我妹妹的卡被", None, TOY)                  # (whatever its last word)
    assert not still_typing("前年我在叶卡捷琳堡上班吗", None, TOY)   # a particle asks
    assert not still_typing("前年我在叶卡捷琳堡上班？", None, TOY)   # a question mark ends it
    assert not still_typing("叶卡捷琳堡能不能上班", None, TOY)       # an A-not-A form asks
    assert not still_typing("喺叶卡捷琳堡點上班", None, TOY)         # so does Cantonese 點
    assert not still_typing("叶卡捷琳堡冬天多冷", None, TOY)         # and 多 before an adjective


@pytest.mark.parametrize("typed", ["去年夏天我妹妹在喀山", "前年冬天我表哥在伊尔库茨克"])
def test_a_chinese_preamble_not_answered_is_typing_in_the_panel_only(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert not res.answered and res.typing  # "keep typing", not "no direct answer"
    exact = bundled.search(typed)
    assert not exact.answered and not exact.typing
    assert not bundled.search(typed + "？", prefix=True).typing  # a question ended is judged as it stands


@pytest.mark.parametrize("typed", ["something strange with the bala", "my sister says the operator, ",
                                   "странная история с бала"])
def test_a_query_not_answered_mid_word_is_typing_and_exact_search_is_not(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert not res.answered and res.typing
    exact = bundled.search(typed)
    assert not exact.answered and not exact.typing  # the results page still says "no direct answer"
    ended = bundled.search(typed.rstrip(", ") + "?", prefix=True)
    assert not ended.typing  # a question ended is judged as it stands


@pytest.mark.parametrize("typed", ["my grandmother wants to know about the balanxe", "бабушка спрашивает про докумнт"])
def test_a_last_word_cut_mid_way_with_a_typo_is_typing_in_the_panel_only(bundled, typed):
    # no kb word goes on from it; its correction is a start (balance: balances) or one edit makes one
    res = bundled.search(typed, prefix=True)
    assert not res.answered and res.typing
    exact = bundled.search(typed)
    assert exact.answered == res.answered and not exact.typing
    spaced = bundled.search(typed + " ", prefix=True)  # the word ended: read as it stands, not begun,
    assert not spaced.answered and spaced.typing        # and a space typed last says the next is coming


def test_a_plain_word_or_a_neighbour_typed_last_is_not_a_typo_begun(bundled):
    assert not bundled.search("recommend me a good film", prefix=True).typing  # a word of the language
    assert not bundled.search("strange zzqxw", prefix=True).typing  # one edit from no kb word's start
    named = bundled.search("open a deposit in sberbnk", prefix=True)
    assert not named.answered and not named.typing  # a neighbour the scope names stays declined


# -- told "no direct answer" while typing (fifteenth round): a clause left open, the story before the question

def test_a_function_word_the_kbs_questions_hold_but_never_end_with_leaves_the_clause_open():
    from faqkb.prefix import open_clause, still_typing

    asked = ["how do i pay", "how can i pay", "what do i do", "can i pay in cash", "what should i do",
             "how to pay", "how long to wait", "can i wait", "what can i do", "how soon can i pay"]
    d = Dictionary.of({"pay": 5, "wait": 3, "cash": 1}, {}, phrasings=asked)
    assert d.ended["do"] == 3 and d.asked["how"] == 5
    assert open_clause("how", d) and open_clause("Can", d)     # held 5 times, never last
    assert not open_clause("do", d)                           # "what do i do": a question ends with it
    assert not open_clause("pay", d)                          # not a function word
    assert not open_clause("what", Dictionary.of({}, {}, phrasings=asked[:1]))  # held too rarely to say
    assert still_typing("the card still has a few rubles, how", None, d)
    assert not still_typing("the card still has a few rubles, what do i do", None, d)


def test_a_dictionary_dumped_keeps_how_the_kbs_questions_end():
    d = Dictionary.of({"pay": 5}, {}, phrasings=["how do i pay?", "Оплата — как?"])
    assert d.ended == {"pay": 1, "как": 1}
    assert Dictionary.load(d.dump(), {"pay": 5}, {}).ended == d.ended


def test_the_story_before_the_question_asks_nothing_yet():
    from faqkb.prefix import still_typing, tells_story

    assert tells_story("I spent two winters in Omsk and my sister kept the SIM")
    assert tells_story("Hello, we lived in Tomsk. Now back in Hanoi")        # any clause, after a greeting
    assert tells_story("я два года жил в Омске и вернулся в Ханой")
    assert tells_story("Работала в Омске, теперь вернулась в Ханой")          # Russian drops the "I"
    assert not tells_story("сняли деньги за звонок в Омск")                   # "they": done to the reader
    assert still_typing("I spent two winters in Omsk and my sister kept the SIM", None, TOY)
    assert not tells_story("I spent two winters in Omsk, can")               # a question begun
    assert not tells_story("I spent two winters in Omsk and my sister kept the SIM?")
    assert not tells_story("I need the SIM closed before Omsk")              # a request asks
    assert not tells_story("я жил в Омске, можно")
    assert not tells_story("close a savings account from Omsk")              # a keyword phrase: no first person
    assert not tells_story("return the boots I bought in Omsk")               # nor a clause of the reader's
    assert not tells_story("我在鄂木斯克住了两年")                               # Chinese: han_unasked's


@pytest.mark.parametrize("typed", ["I spent two winters in Omsk and my sister kept the SIM",
                                   "my sister kept a prepaid card after two winters in Omsk, how",
                                   "my sister kept the SIM, can",
                                   "Работала два года в Омске, теперь вернулась в Ханой"])
def test_a_story_or_an_open_clause_is_typing_in_the_panel_only(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert not res.answered and res.typing  # "keep typing", not "no direct answer"
    exact = bundled.search(typed)
    assert not exact.answered and not exact.typing


def test_a_chinese_how_typed_last_is_still_being_typed():
    from faqkb.prefix import still_typing

    assert still_typing("卡丢了怎么", None, TOY) and still_typing("shouji diule zenme", None, TOY)
    assert not still_typing("卡丢了怎么办", None, TOY)              # the verb typed: judged
    assert not still_typing("shouji diule zenme ban", None, TOY)


@pytest.mark.parametrize("typed", ["how do i spot a phishing ", "на даче пропала ", "zai hanoi neng bu neng "])
def test_a_space_typed_last_is_the_next_word_coming_not_a_verdict(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert not res.answered and res.typing  # "keep typing", not "no direct answer"
    whole = bundled.search(typed.rstrip() + "?", prefix=True)
    assert not whole.answered and not whole.typing  # a question ended is judged as it stands
    assert not bundled.search(typed.rstrip() + "? ", prefix=True).typing  # so with a space after it
    assert not bundled.search(typed).typing  # and the results page never says typing


def test_a_neighbour_named_before_a_space_stays_declined(bundled):
    res = bundled.search("how to close my bank account ", prefix=True)
    assert not res.answered and not res.typing and "scope" in res.signals


def test_a_word_ended_by_a_space_is_judged_alike_on_a_searchers_first_query(bundled_index):
    # the verdict asks the kb's words (prefix.Dictionary) itself: a query ending in a space completes
    # nothing, so on a searcher's first query they were not read yet and "keep typing" became "no direct answer"
    from faqkb.engine.searcher import Searcher

    for typed in ("help me ", "как мне ", "my sister kept the SIM, how "):
        first = Searcher(bundled_index).search(typed, prefix=True)
        warm = Searcher(bundled_index)
        warm.search("how to canc", prefix=True)
        later = warm.search(typed, prefix=True)
        assert first.typing and later.typing and not first.answered
        assert [h.id for h in first.hits] == [h.id for h in later.hits]


# -- entries the ranking left out whose phrasings begin as typed (prefix.Starts.starting)

def test_starting_finds_every_entry_whose_phrasings_begin_as_typed_in_the_kbs_order():
    from faqkb.prefix import Starts

    entries = [("a", ["Number keeping plan", "number keeping abroad", "refund"]), ("b", ["号碼被收回"]),
               ("c", ["number kept by the operator"]), ("d", ["my number"])]
    made = []
    def given():
        made.append(1)
        return iter(entries)
    starts = Starts()
    assert starts.starting("number k", given) == {"a": 2, "c": 1}
    assert list(starts.starting("number kee", given)) == ["a"]
    assert starts.starting("号码被", given) == {"b": 1}  # Simplified typed, Traditional written
    assert starts.starting("n", given) == {}             # one character says nothing yet
    assert len(made) == 2                                 # the sorted arrays (starts, insides) made once


def test_starting_looks_at_a_bounded_number_of_phrasings():
    from faqkb.prefix import MAX_PHRASINGS, MAX_SCAN, Starts

    many = [(f"e{i}", [f"how to {i} {j}" for j in range(MAX_PHRASINGS * 2)]) for i in range(MAX_SCAN)]
    got = Starts().starting("how to", lambda: iter(many))
    assert sum(got.values()) == MAX_SCAN  # however many phrasings begin so
    assert max(got.values()) <= MAX_PHRASINGS


def test_an_entry_the_ranking_left_out_whose_phrasings_begin_as_typed_joins_the_top_three(bundled):
    typed = "will my nu"
    res = bundled.search(typed, prefix=True)
    ranked = bundled.search(res.signals["prefix"]["searched"], correct=False)  # the completion, exact
    assert res.hits[0].id == ranked.hits[0].id and res.answered == ranked.answered  # the first hit stays
    starts = res.signals["starts"]
    added = [h.id for h in res.hits[1:3] if h.id in starts and h.id not in {r.id for r in ranked.hits}]
    assert added  # an entry whose own phrasing begins "will my nu" that the words alone did not find
    assert len(res.hits) <= 10


def test_a_query_begun_with_no_hits_shows_the_entries_whose_phrasings_begin_so(bundled):
    typed = "is there"  # stop words alone: nothing to rank
    assert not bundled.search(typed, correct=False).hits
    res = bundled.search(typed, prefix=True)
    starts = res.signals["starts"]
    assert res.hits and [h.id for h in res.hits[:len(starts)]] == list(starts)  # those beginning so first
    assert len(res.hits) >= 3  # then the phrasings' likeliest (continuation.py): three to choose from
    assert res.typing and not res.answered


def test_one_letter_with_nothing_found_shows_the_entries_whose_phrasings_begin_with_it(bundled):
    from faqkb.prefix import Starts

    assert Starts().starting("h", lambda: iter([("a", ["how to"])])) == {}  # a start needs two characters
    assert Starts().starting("h", lambda: iter([("a", ["how to"])]), 1) == {"a": 1}  # unless asked for one
    res = bundled.search("w", prefix=True)
    assert not bundled.search("w", correct=False).hits
    assert 0 < len(res.hits) <= 3 and all(res.signals["starts"].get(h.id) for h in res.hits)
    assert res.typing and not res.answered


# -- completions ranked by the words the kb's own questions and phrasings use (Dictionary.asked)

def test_a_word_begun_alone_completes_to_what_the_kbs_phrasings_say_before_what_its_answers_say():
    vocab = {"example": 90, "expire": 4, "expired": 2, "号码": 3, "号称": 40}
    asked = ["Does my SIM expire?", "sim expired abroad", "does it expire", "号码被收回", "俄罗斯号码"]
    d = Dictionary.of(vocab, {}, None, asked)
    assert d.asked["expire"] == 2 and d.asked["expired"] == 1 and "example" not in d.asked
    assert d.asked["号码"] == 2 and "号称" not in d.asked
    assert complete("ex", d, _split).text == "expire"      # not example (the answers' word)
    assert complete("号", d, _split).text == "号码"
    assert complete("ex", d, _split, asked=False).text == "example"  # by the kb's counts alone
    assert complete("ex", Dictionary.of(vocab, {}), _split).text == "example"  # no phrasings given
    # with words before it, the fit with them and then the kb's counts choose, as before
    assert complete("does my sim ex", d, _split).text == "does my sim example"
    many = Dictionary.of({"exit": 1}, {}, None, ["exit " * 10_000])
    assert many.asked == {"exit": 1}  # a phrasing counts once per word however often it repeats it


def test_exact_search_reads_a_last_word_by_the_kbs_counts_as_before(bundled):
    # exact search's answered may read the last word as a prefix (_confirm): by the kb's counts,
    # not the phrasings' prior, so exact results are what they were; the panel reads its own way
    typed = "tele"  # telegram (asked about) or tele2 (the operator the answers name most)
    panel = bundled.search(typed, prefix=True).signals["prefix"]["searched"]
    exact = bundled.search(typed)
    assert exact.signals["prefix"]["searched"] != panel and exact.answered


def test_a_word_the_segmenter_knows_that_only_begins_a_kb_word_is_half_typed(bundled):
    from faqkb.prefix import starts_han

    assert starts_han(TOY, "俄罗") and starts_han(TOY, "注") and not starts_han(TOY, "俄罗斯") and not starts_han(TOY, "罗斯")
    # 俄罗 is a word to the segmenter, not to the kb: the reader is typing 俄罗斯
    res = bundled.search("我的俄罗", prefix=True)
    assert res.signals["prefix"]["searched"] == "我的俄罗斯"
    assert "prefix" not in bundled.search("我的俄罗斯", prefix=True).signals  # typed whole: left as typed


# -- the prefix dictionary written at build (issue 22, item 2: a version's first prefix query
# sorted every kb word and counted every phrasing's words, over a second at 10k entries)

HALF_TYPED = ("how to canc", "where is my refu", "как вернуть де", "как закрыть ном", "怎么注", "俄罗", "詐騙簡",
              "tuik", "zhuxiaoelu", "e luo s", "Tele", "can")


def test_a_dictionary_read_back_from_its_bytes_is_the_one_made():
    """Dictionary.load(dump) over the same lexicon equals Dictionary.of: arrays, counts (the
    regional words added once), the Taiwan/HK words and the phrasing counts; another format
    is refused, not misread."""
    vocab = {"refund": 40, "refunds": 5, "деньги": 30, "注销": 50, "门号": 3, "号码": 9, "電信": 0}
    readings = {"zhuxiao": "注销", "haoma": "号码"}
    regional, asked = {"門號": "门号", "電信業者": "电信运营商"}, ["How do I get a refund?", "注销号码要多久", "деньги вернут?"]
    made = Dictionary.of(vocab, readings, regional, asked)
    assert made.regional and made.asked  # (the case covers both)
    assert Dictionary.load(made.dump(), vocab, readings, regional) == made
    # the same dictionary is the same bytes, however its counts were gathered (a build is reproducible)
    assert Dictionary.of(vocab, readings, regional, asked[::-1]).dump() == made.dump()
    with pytest.raises(ValueError, match="format"):
        Dictionary.load(marshal.dumps({"format": 0}), vocab, readings)


def test_a_fresh_searcher_reads_the_prefix_data_the_build_wrote_and_makes_none(bundled_index, tmp_path):
    """The build writes the prefix dictionary (layout.PREFIXES) and the question starts'
    sorted keys (layout.STARTS) beside the lexicon; a fresh searcher's prefix and exact
    searches read them and make neither (cache_info "prefixes", "starts": held, made by a
    query). A version built before the files makes each at its first prefix query, once,
    and answers every search exactly as the one that read them."""
    from helpers import built_before

    from faqkb.layout import PREFIXES, STARTS
    from faqkb.search import Searcher

    old = built_before(bundled_index, tmp_path / "index", PREFIXES, STARTS)

    got = []
    for index, made in ((bundled_index, 0), (old, 1)):
        s = Searcher(index)
        assert s.cache_info()["prefixes"] == s.cache_info()["starts"] == (0, 0)
        got.append([s.search(q, prefix=True) for q in HALF_TYPED] + [s.search(q) for q in HALF_TYPED])
        assert s.cache_info()["prefixes"] == s.cache_info()["starts"] == (1, made), index
        s.close()
    assert got[0] == got[1]
    assert any(r.signals.get("prefix") for r in got[0])  # (completions were read from it)


@pytest.mark.parametrize("typed", ["yue tuikuan zen", "xiaohao zen"])
def test_pinyin_letters_going_on_to_a_question_word_leave_the_ranking_to_the_words_before(bundled, typed):
    # zen goes on to zenmeban (怎么办): a question word asks nothing yet, as a trailing 怎 does:
    # the words before are what is searched. (The hits after the first follow the question starts
    # of the text as typed, in pinyin as in characters since the seventeenth session: xiaohao's
    # own phrasings begin 销号, xiaohao zen's none, as 销号 and 销号怎.)
    before = typed.rsplit(" ", 1)[0]
    res = bundled.search(typed, prefix=True)
    assert res.signals["prefix"]["searched"] == before
    assert res.hits[0].id == bundled.search(before, prefix=True).hits[0].id
    assert res.answered


# -- sixteenth round: told while typing, the kinds left (a neighbour the entry holds, a function
# word begun, a Chinese copula typed last)

@pytest.mark.parametrize("typed", ["漫游包出国前开了", "出国用的漫游包到现在"])
def test_a_neighbour_the_first_hits_own_phrasings_name_is_still_typing_mid_question(bundled, typed):
    # 漫游包 is a Russian-SIM service the kb does not cover (scope.yaml), but the roaming entry's own
    # phrasings hold it (its charges are ours): more may come that brings the question there
    res = bundled.search(typed, prefix=True)
    assert not res.answered and res.typing and "scope" in res.signals  # declined, yet "keep typing"
    exact = bundled.search(typed)
    assert not exact.answered and not exact.typing  # the results page judges it as it stands


@pytest.mark.parametrize("typed", ["漫游包出国前开了？",  # a question ended
                                   "漫游包怎么开",        # it asks already: judged as it stands
                                   "how to close my bank account "])  # no entry's phrasing holds the name
def test_a_neighbour_named_in_a_question_ended_asked_or_foreign_to_the_entry_stays_told(bundled, typed):
    res = bundled.search(typed, prefix=True)
    assert not res.answered and not res.typing and "scope" in res.signals


def test_the_start_of_a_function_word_typed_alone_is_a_question_word_begun(bundled):
    from faqkb.prefix import barely_begun, starts_function_word

    assert starts_function_word("быт") and starts_function_word("wha")  # быть, what: stop words
    assert not starts_function_word("быть") and not starts_function_word("zzq") and not starts_function_word("б")
    assert barely_begun("быт", "быт", TOY)  # the index drops stop words: no kb word shows it begun
    res = bundled.search("быт", prefix=True)
    assert not res.answered and res.typing
    assert not bundled.search("быт").typing


def test_a_chinese_copula_or_preposition_typed_last_is_still_being_typed():
    from faqkb.prefix import still_typing

    # (each asks already: 點解, 为什么; a text asking nothing yet was typing before, han_unasked)
    assert still_typing("點解我部手機張卡係", None, TOY)  # Cantonese "is": what it is comes next
    assert still_typing("旧号码为什么被", None, TOY)       # "by": who did it comes next
    assert not still_typing("旧号码是不是", None, TOY)    # an A-not-A question ends there
    assert not still_typing("旧号码被收回了吗", None, TOY)


# -- a typo in the word being typed (fifteenth round, second pass: prefix recall)

MENDABLE = Dictionary.of({"расторжение": 30, "расторгнуть": 20, "возврат": 25, "received": 9, "receive": 4},
                         {})


@pytest.mark.parametrize("typed,searched", [
    ("как сделать растаржен", "как сделать расторжение"),  # a substitution
    ("бабушке нужен вазвр", "бабушке нужен возврат"),
    ("they never recie", "they never received"),           # a letter left out
    ("how was it reciev", "how was it received"),          # a transposition
])
def test_a_typod_last_word_goes_on_as_the_starts_one_edit_from_it(typed, searched):
    got = complete(typed, MENDABLE, _split, mend=lambda word: True)
    assert got is not None and got.text == searched
    assert complete(typed, MENDABLE, _split) is None  # without ``mend`` (exact search's _confirm): nothing


def test_a_typod_start_a_general_word_begins_is_not_mended():
    # the letters begin a word in general use the kb lacks (the caller says so): left as they are
    assert complete("бабушке нужен вазвр", MENDABLE, _split, mend=lambda word: False) is None
    assert complete("бабушке нужен ВАЗВР", MENDABLE, _split, mend=lambda word: True) is None  # an acronym


def test_mending_reads_a_bounded_number_of_starts():
    from faqkb.prefix import MAX_MENDED, mended

    # every substitution of the typed word's third letter starts kb words: 25 starts one edit away
    words = {"ab" + x + "de" + y: 1 for x in "abcdefghijklmnoprstuvwxyz" for y in ("zz", "zy")}
    d = Dictionary.of(words, {})
    got = mended(d, "abqde")
    assert got and len({w[:5] for w in got}) == MAX_MENDED < 25  # the first starts' words, pooled
    assert mended(d, "abcde") == []  # a start of kb words already: completed as it stands
    assert mended(d, "ab") == []    # too short to say


@pytest.mark.parametrize("typed,first", [
    ("у дедушки не получается растрогн", "how-to-cancel-russian-sim"),
    ("соседка спрашивает как оформить вазвр", "refund-remaining-balance"),
    ("хочу востанов", "restore-cancelled-number"),
])
def test_the_panel_finds_what_a_word_begun_with_a_typo_goes_on_to(bundled, typed, first):
    res = bundled.search(typed, prefix=True)
    assert res.hits and res.hits[0].id == first
    assert res.answered or res.typing  # never "no direct answer" on the guess
    assert len(res.signals["prefix"]["expansions"]) <= MAX_EXPANSIONS
    assert "prefix" not in bundled.search(typed).signals  # the results page reads it as typed


def test_letters_a_word_in_general_use_begins_are_not_mended(bundled):
    res = bundled.search("my cousin studi", prefix=True)
    assert "prefix" not in res.signals  # (studied, student: words the kb lacks, not a typo)
