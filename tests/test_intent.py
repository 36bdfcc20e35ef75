"""Categories as intent (issue 19, items 1-2): kb/categories.yaml names each category in
every language; a search that only names one (filler words aside) recalls the category's
entries, its overview entry first, and says which category it named (the page can offer
all of it). Queries are made up, as readers type them; none is copied from an evaluation set."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faqkb.errors import KBErrors
from faqkb.intent import Intents, put_fixes, read_categories
from faqkb.kbase.load import load_kb

BUNDLED = Path(__file__).parents[1] / "kb"
TOY = Intents({"categories": {"refunds": {"overview": "r", "names": ["退款", "refund", "вернуть деньги", "tuikuan"]}},
               "filler": ["俄罗斯", "手机卡", "my", "sim", "как", "российск"]})


@pytest.mark.parametrize("q", ["退款", "俄罗斯手机卡退款", "refund my sim", "Как вернуть деньги", "tuikuan",
                               "российский вернуть деньги", "退款？"])
def test_a_query_naming_only_the_category_is_its_intent(q):
    assert TOY.category(q) == "refunds"


@pytest.mark.parametrize("q", ["退款 多久", "refund to a card", "mysim refund", "вернуть деньги за билет", ""])
def test_a_narrower_question_is_not(q):
    assert TOY.category(q) is None


@pytest.mark.parametrize("q,overview", [
    ("俄罗斯手机卡销户", "how-to-cancel-russian-sim"),
    ("как расторгнуть договор", "how-to-cancel-russian-sim"),
    ("xiaohu", "how-to-cancel-russian-sim"),
    ("get my money back", "refund-remaining-balance"),
    ("退余额", "refund-remaining-balance"),
])
def test_the_overview_entry_answers_the_category_query(bundled, q, overview):
    res = bundled.search(q)
    assert res.hits[0].id == overview and res.answered
    assert res.signals["category"] == bundled.entry(overview).category


@pytest.mark.parametrize("q", ["fraudsters", "мошенничество", "防骗"])
def test_a_category_query_recalls_every_entry_of_the_category(bundled, q):
    scams = {i for i, e in bundled.entries.items() if e.category == "scams"}
    res = bundled.search(q, limit=len(scams))
    assert {h.id for h in res.hits} == scams


def test_overview_must_name_an_entry_and_categories_must_exist(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(BUNDLED, kb)
    (kb / "categories.yaml").write_text("categories:\n  refunds:\n    overview: no-such-entry\n    en: [refund]\n"
                                        "  weather:\n    en: [rain]\nfiller: {en: [my]}\n", "utf-8")
    with pytest.raises(KBErrors) as e:
        load_kb(kb)
    text = str(e.value)
    assert "categories.yaml:3" in text and "no-such-entry" in text
    assert "categories.yaml:5" in text and "unknown category 'weather'" in text
    assert read_categories(tmp_path) is None  # no file: no intents


def test_the_results_page_offers_the_whole_category(bundled_index, tmp_path):
    from faqkb.web import create_app

    client = create_app({"KB": BUNDLED, "INDEX": bundled_index, "INSTANCE": tmp_path / "instance",
                         "TESTING": True, "SECRET_KEY": "test"}).test_client()
    html = client.get("/search", query_string={"q": "fraudsters"}, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/category/scams"' in html and 'data-category="scams"' in html
    narrow = client.get("/search", query_string={"q": "fraudsters asked for an sms code"}).get_data(as_text=True)
    assert 'data-category="scams"' not in narrow


def test_categories_are_read_by_the_kbs_strict_reader(tmp_path):
    # the same reader as every kb file: a BOM, bad YAML or a YAML tag is located and refused
    (tmp_path / "categories.yaml").write_bytes(b"\xef\xbb\xbfcategories: {}\n")
    with pytest.raises(KBErrors) as e:
        read_categories(tmp_path)
    assert "categories.yaml:1" in str(e.value) and "byte-order mark" in str(e.value)
    (tmp_path / "categories.yaml").write_text("categories:\n  refunds: !!python/object:os.system {}\n", "utf-8")
    with pytest.raises(KBErrors) as e:
        read_categories(tmp_path)
    assert "categories.yaml:2" in str(e.value) and "not allowed" in str(e.value)


SUBJECT = Intents({"categories": {"process": {"overview": "p", "names": ["注销", "cancel"]}},
                   "subject": {"category": "process", "names": ["手机卡", "卡", "sim", "симк"]},
                   "filler": ["俄罗斯", "手机卡", "手机", "卡", "的", "my", "sim", "russian", "please", "симк", "российск"]})


@pytest.mark.parametrize("q", ["手机卡 俄罗斯的", "俄罗斯的卡", "my russian sim please", "российская симка", "sim卡"])
def test_a_query_naming_only_the_subject_asks_about_all_of_it(q):
    assert SUBJECT.category(q) == "process"


@pytest.mark.parametrize("q", ["俄罗斯手机", "my russian", "please", "sim卡 扣费", "手机卡 保号"])
def test_filler_without_the_subject_or_with_a_question_is_not_the_subject(q):
    # a phone is not the SIM; a word left over (扣费, 保号) asks something narrower
    assert SUBJECT.category(q) is None


@pytest.mark.parametrize("q", ["我的俄罗斯电话号码", "russian sim card please", "российская сим-карта"])
def test_the_subject_alone_gets_the_overview(bundled, q):
    res = bundled.search(q)
    assert res.hits[0].id == "how-to-cancel-russian-sim" and res.answered, q


# Concepts (categories.yaml ``concepts``): a thing several entries hold, named alone, gets the
# entry answering it first; a narrower question about it keeps its own ranking.
CONCEPTS = Intents({"categories": {}, "concepts": {"poa": ["委托书", "power of attorney", "доверенность"]},
                    "filler": ["俄罗斯", "手机卡", "my", "sim", "как", "российск"]})


@pytest.mark.parametrize("q", ["委托书", "俄罗斯手机卡委托书", "my power of attorney", "Доверенность"])
def test_a_query_naming_only_a_concept_gets_its_entry(q):
    assert CONCEPTS.concept(q) == "poa"


@pytest.mark.parametrize("q", ["委托书在哪里办", "power of attorney from china", "доверенность на сим", "sim"])
def test_a_narrower_question_about_a_concept_is_not_the_concept(q):
    assert CONCEPTS.concept(q) is None


@pytest.mark.parametrize("q,entry", [
    ("俄罗斯 授权书", "cancel-by-representative"),  # a power of attorney named alone: may someone cancel with one
    ("notary", "power-of-attorney-from-china"),  # making one abroad narrows it
    ("biometric data", "foreigner-biometrics-rules"),
    ("фишинговая ссылка", "phishing-sms-fake-links"),
    ("釣魚簡訊", "phishing-sms-fake-links"),  # Traditional, read as the mainland words
    ("scam phone call", "contract-expiring-call-scam"),
    ("人在海外", "cancel-from-abroad"),  # the core question from abroad, not topping up from there
    ("сколько дней", "cancellation-how-long"),
    ("мобильные операторы", "russian-operators"),
    ("leftover balance", "refund-remaining-balance"),
])
def test_the_entry_answering_a_concept_comes_first(bundled, q, entry):
    res = bundled.search(q)
    assert res.hits and res.hits[0].id == entry, (q, [h.id for h in res.hits[:3]])


def test_a_concept_entry_must_be_an_entry_of_the_kb(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(BUNDLED, kb)
    (kb / "categories.yaml").write_text("categories: {}\nconcepts:\n  no-such-entry:\n    en: [thing]\n", "utf-8")
    with pytest.raises(KBErrors) as e:
        read_categories(kb, {e.id for e in load_kb(kb)})
    assert "categories.yaml:3" in str(e.value) and "no-such-entry" in str(e.value)


@pytest.mark.parametrize("q,overview", [("Билайн расторжение", "how-to-cancel-russian-sim"),
                                        ("yota money back", "refund-remaining-balance"),
                                        ("Т2 расторгнуть договор", "how-to-cancel-russian-sim")])
def test_an_operator_named_beside_a_category_is_filler(bundled, q, overview):
    # the kb answers for every operator: the brand does not narrow what is asked
    res = bundled.search(q)
    assert res.hits[0].id == overview and res.signals.get("category") == bundled.entry(overview).category


def test_an_operator_alone_or_a_word_it_starts_names_no_category():
    intents = Intents(read_categories(BUNDLED))
    assert intents.category("МТС") is None and intents.category("тариф возврат") is None
    assert intents.category("2 возврат") is None  # a digit is no operator's


@pytest.mark.parametrize("q", ["лимит номеров", "проверка номера", "личный номер", "мнение про симку"])
def test_a_russian_word_a_short_filler_word_starts_is_no_filler(q):
    # ли, про, мне are filler; лимит, проблема, личный, мнение are what is asked, not an ending on them
    intents = Intents(read_categories(BUNDLED))
    assert intents.key(q) and intents.category(q) is None


@pytest.mark.parametrize("q", ["какой номер", "какие сим", "мои номера"])
def test_a_short_filler_word_with_an_ending_is_still_filler(q):
    assert Intents(read_categories(BUNDLED)).key(q) == ""


def test_a_question_with_such_a_word_is_not_taken_for_the_whole_subject(bundled):
    res = bundled.search("лимит сим")  # asks how many SIMs one may have, not how to cancel
    assert "category" not in res.signals and res.hits[0].id == "numbers-per-person-limit"


@pytest.mark.parametrize("q", ["俄罗斯的手机号", "俄罗斯电话号码"])
def test_a_subject_word_holding_filler_words_still_names_the_subject(q):
    # 手机 and 号 are filler inside 手机号: the subject is looked for on its own
    intents = Intents(read_categories(BUNDLED))
    assert intents.category(q) == "process"
    assert intents.category("俄罗斯的手机") is None  # a phone is not the number


def test_a_name_that_filler_leaves_as_one_character_is_matched_whole():
    intents = Intents({"categories": {"process": {"overview": "p", "names": ["退号"]}}, "filler": ["俄罗斯", "号"]})
    assert intents.category("俄罗斯退号") == "process"
    assert intents.category("退") is None and intents.category("俄罗斯退") is None  # 退 may be 退款 as well


def test_the_names_keys_written_at_build_are_the_ones_a_query_process_would_work_out(bundled):
    # categories.json carries the names' keys (a fresh process no longer works them out)
    import json

    data = json.loads((bundled.info.path / "categories.json").read_text("utf-8"))
    assert data["keys"]["names"] and data["keys"]["concepts"]
    fresh = Intents({k: v for k, v in data.items() if k != "keys"})
    assert (fresh.names, fresh.concepts, fresh.typed) == (Intents(data).names, Intents(data).concepts, Intents(data).typed)
    assert list(fresh.names.items()) == list(data["keys"]["names"].items())


# A concept named with the subject's own process ("注销要多久", "cancel from abroad") asks the
# concept of it: the subject category's names are taken out like filler, when that leaves a concept.
PROCESS = Intents({"categories": {"process": {"overview": "how", "names": ["注销", "销号", "cancel", "закрыть"]},
                                  "costs": {"overview": None, "names": ["多少钱", "how much", "cost"],
                                            "with_subject": "cost-of-cancelling"}},
                   "subject": {"category": "process", "names": ["sim"]},
                   "concepts": {"long": ["多久", "how long", "сколько дней"], "poa": ["委托书"]},
                   "filler": ["俄罗斯", "手机卡", "号", "要", "my", "sim", "как", "номер", "to", "how"]})


@pytest.mark.parametrize("q,entry", [("俄罗斯手机卡注销要多久", "long"), ("cancel my sim how long", "long"),
                                     ("закрыть номер сколько дней", "long"), ("注销委托书", "poa")])
def test_a_concept_named_with_the_subjects_process_is_the_concept(q, entry):
    assert PROCESS.concept(q) == entry


@pytest.mark.parametrize("q", ["注销", "cancel my sim", "注销要多久才能退钱", "cancel how long ago", "多久 委托书"])
def test_the_process_alone_or_with_more_than_a_concept_names_no_concept(q):
    assert PROCESS.concept(q) is None


@pytest.mark.parametrize("q,entry", [("俄罗斯号码注销要几天", "cancellation-how-long"),
                                     ("cancel my russian sim from abroad", "cancel-from-abroad")])
def test_the_concept_asked_of_cancelling_comes_first(bundled, q, entry):
    res = bundled.search(q)
    assert res.hits and res.hits[0].id == entry, (q, [h.id for h in res.hits[:3]])


@pytest.mark.parametrize("q", ["销号要多少钱", "how much to cancel my sim", "cancel cost"])
def test_a_category_named_with_the_subjects_process_gets_its_entry_for_it(q):
    # costs alone names several charges (no overview); costs of cancelling is one entry
    assert PROCESS.concept(q) == "cost-of-cancelling"
    assert PROCESS.concept(q.replace("销号", "").replace("cancel", "").replace("to ", "")) is None


@pytest.mark.parametrize("q,entry", [("сколько дней закрывают номер", "long"), ("закрытия номера сколько дней", "long"),
                                     ("закрою номер, сколько дней", "long")])
def test_a_russian_process_name_in_another_form_beside_a_concept_is_still_the_process(q, entry):
    # закрыть is named; закрывают, закрытия, закрою are its other forms (a word start, the ending cut off)
    assert PROCESS.concept(q) == entry


@pytest.mark.parametrize("q,entry", [("cancelled my sim how long", "long"), ("cancelling my sim, how long", "long"),
                                     ("cancels 委托书", "poa")])
def test_an_english_process_name_in_another_form_beside_a_concept_is_still_the_process(q, entry):
    assert PROCESS.concept(q) == entry


@pytest.mark.parametrize("q,entry", [("terminated russian sim how long", "cancellation-how-long"),
                                     ("closed number back", "restore-cancelled-number"),
                                     ("сроки закрытия номера", "cancellation-how-long"),
                                     ("цена закрытия номера", "does-cancelling-cost")])
def test_the_concept_asked_of_cancelling_in_another_form_comes_first(bundled, q, entry):
    res = bundled.search(q)
    assert res.hits and res.hits[0].id == entry, (q, [h.id for h in res.hits[:3]])


def test_with_subject_must_name_an_entry(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(BUNDLED, kb)
    path = kb / "categories.yaml"
    path.write_text(path.read_text("utf-8").replace("with_subject: does-cancelling-cost", "with_subject: no-such-entry"),
                    "utf-8")
    with pytest.raises(KBErrors) as err:
        load_kb(kb)
    assert "categories.yaml" in str(err.value) and "with_subject 'no-such-entry'" in str(err.value)


@pytest.mark.parametrize("q", ["俄罗斯手机卡销户要多少钱", "how much does it cost to terminate my contract"])
def test_what_cancelling_costs_comes_first(bundled, q):
    res = bundled.search(q)
    assert res.hits and res.hits[0].id == "does-cancelling-cost", (q, [h.id for h in res.hits[:3]])


@given(st.text("abc注销х ", max_size=15),
       st.dictionaries(st.text("abc注销х ", min_size=1, max_size=3), st.sampled_from(["X", "YY", ""]),
                       min_size=1, max_size=4))
def test_fixes_are_put_in_as_one_alternation_of_the_typed_words_would(text, fixed):
    # (intent reads a query with did-you-mean's fixes put in: leftmost, longest first, no overlaps)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(fixed, key=len, reverse=True)))
    assert put_fixes(text, fixed) == pattern.sub(lambda m: fixed[m.group()], text)


# A reader outside Russia (categories.yaml ``abroad``): the entry answering the first hit for such a
# reader, when it is close behind, goes first; a question not saying so keeps the general entry.
@pytest.mark.parametrize("q", ["人在国外，怎么注销", "人在香港 可以叫朋友去门店吗", "I'm overseas now", "living OUTSIDE Russia",
                               "сейчас за рубежом", "я уже не в россии"])
def test_a_query_saying_the_reader_is_abroad_is_read_so(q):
    assert Intents(read_categories(BUNDLED)).away(q)


@pytest.mark.parametrize("q", ["怎么注销俄罗斯手机卡", "回国前要不要销号", "inside russia", "в россии", "abroadness"])
def test_a_query_not_saying_so_is_not(q):
    assert not Intents(read_categories(BUNDLED)).away(q)


@pytest.mark.parametrize("q,entry", [
    ("я уже не в россии, можно ли расторгнуть договор", "cancel-from-abroad"),
    ("за рубежом, как закрыть номер в салоне", "cancel-from-abroad"),
    ("人在香港 可以叫朋友拿委托书去门店销号吗", "power-of-attorney-from-china"),
])
def test_the_entry_for_a_reader_abroad_comes_first(bundled, q, entry):
    res = bundled.search(q)
    assert res.hits and res.hits[0].id == entry, (q, [h.id for h in res.hits[:3]])


@pytest.mark.parametrize("q,entry", [("как закрыть номер в салоне", "cancel-in-store"),
                                     ("怎么注销俄罗斯手机卡", "how-to-cancel-russian-sim")])
def test_the_same_question_not_saying_so_keeps_its_entry(bundled, q, entry):
    assert bundled.search(q).hits[0].id == entry


def test_abroad_must_name_entries_of_the_kb(tmp_path):
    shutil.copytree(BUNDLED, tmp_path / "kb")
    path = tmp_path / "kb" / "categories.yaml"
    path.write_text(path.read_text("utf-8").replace("cancel-in-store: cancel-from-abroad",
                                                    "cancel-in-store: cancel-from-nowhere"), "utf-8")
    with pytest.raises(KBErrors, match="categories.yaml:[0-9]+:.*abroad.entries names no entry of this kb: cancel-from-nowhere"):
        read_categories(tmp_path / "kb", set(load_kb(BUNDLED).entries))


# Someone else acting for the reader (categories.yaml ``on_behalf``), applied as ``abroad`` is.
@pytest.mark.parametrize("q", ["我妈能替我去营业厅注销吗", "can my cousin go to the store and close it for me",
                               "вместо меня сходит сестра", "能不能托朋友办", "I'll ask a friend to go",
                               "попрошу друга сходить в салон", "can my husband close my number at the shop",
                               "брат отнесёт мою симку в салон", "室友能拿我的卡去营业厅吗"])
def test_a_query_saying_someone_acts_for_the_reader_is_read_so(q):
    assert Intents(read_categories(BUNDLED)).states("on_behalf", q)


@pytest.mark.parametrize("q", ["去营业厅注销要带什么", "formerly my number", "меняю номер", "朋友的卡怎么注销",
                               "a friend's sim", "друг потерял симку", "my brother wants to close his number, not my number",
                               "my number and my sim"])
def test_a_query_not_saying_someone_acts_for_the_reader_is_not(q):
    assert not Intents(read_categories(BUNDLED)).states("on_behalf", q)


@pytest.mark.parametrize("q", ["我妈能替我去营业厅注销吗", "can my cousin go to the store and close it for me",
                               "可以请朋友代办解约吗", "can my husband close my number at the shop"])
def test_the_entry_for_someone_acting_for_the_reader_comes_first(bundled, q):
    assert bundled.search(q).hits[0].id == "cancel-by-representative"
    assert bundled.search("how do I cancel in a store").hits[0].id == "cancel-in-store"


# The number back (categories.yaml ``restore``): вернуть / back / 找回 with the number as their
# object is a restore; with money or the balance it stays a refund.
@pytest.mark.parametrize("q", ["номер закрыли, можно вернуть номер обратно?",
                               "cancelled my russian number last week, can i get my number back"])
def test_a_query_wanting_the_number_back_gets_the_restore_entry(bundled, q):
    res = bundled.search(q)
    assert res.hits[0].id == "restore-cancelled-number", (q, [h.id for h in res.hits[:3]])


@pytest.mark.parametrize("q", ["вернуть деньги после закрытия номера", "can I get my balance back after cancelling"])
def test_a_query_wanting_the_money_back_keeps_the_refund_entry(bundled, q):
    assert not Intents(read_categories(BUNDLED)).states("restore", q)
    assert bundled.search(q).hits[0].id == "refund-remaining-balance"


# "Get it back" with the number named before it (``restore.also``): the number, unless money is named.
@pytest.mark.parametrize("q", ["сдал номер в салон, а теперь хочу вернуть его",
                               "my sim number was terminated, can I get it back",
                               "我的号码上个月销掉了 能找回来吗"])
def test_get_it_back_after_naming_the_number_gets_the_restore_entry(bundled, q):
    assert Intents(read_categories(BUNDLED)).states("restore", q)
    res = bundled.search(q)
    assert res.hits[0].id == "restore-cancelled-number", (q, [h.id for h in res.hits[:3]])


@pytest.mark.parametrize("q", ["деньги с номера можно вернуть?", "номер закрыл, остаток баланса вернуть его можно?",
                               "余额能找回来吗"])
def test_get_it_back_beside_money_is_no_restore(q):
    assert not Intents(read_categories(BUNDLED)).states("restore", q)


def _stayed_as_one_list(text: str) -> str:
    start = text.index("\nstayed:\n") + 1
    return text[:start] + "stayed: [studied]\n" + text[text.index("\n# asking:", start) + 1:]


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("    without:\n", "    lacking:\n"), "restore.also must give 'said:', 'with:' and 'without:'"),
    (lambda t: t.replace("typed_whole: [cancelled]", "typed_whole: [canceled]"), "typed_whole must list conditions"),
    (_stayed_as_one_list, "stayed must list words per language"),
    (lambda t: t.replace("    overview: refund-remaining-balance\n", ""), "refunds.stated must list words per language "
     "and the category needs an overview"),
], ids=["restore-also-lacks-without", "typed-whole-names-no-condition", "stayed-not-per-language",
        "stated-without-overview"])
def test_a_misshapen_section_is_refused_at_its_line(tmp_path, edit, message):
    shutil.copytree(BUNDLED, tmp_path / "kb")
    path = tmp_path / "kb" / "categories.yaml"
    text = path.read_text("utf-8")
    assert edit(text) != text  # (the edit found what it changes)
    path.write_text(edit(text), "utf-8")
    with pytest.raises(KBErrors, match="categories.yaml:[0-9]+:.*" + re.escape(message)):
        read_categories(tmp_path / "kb")


@pytest.mark.parametrize("q", ["俄罗斯号码怎么销号啊", "电话卡要如何注销呀", "注销手机号码嘛", "怎么办理销户", "退号呀", "手机号销户咋弄"])
def test_a_sentence_final_particle_or_a_verb_of_doing_is_filler(bundled, q):
    # (made up: the category's name with a particle that asks nothing of its own)
    res = bundled.search(q)
    assert res.signals["category"] == "process"
    assert res.hits[0].id == "how-to-cancel-russian-sim" and res.answered


@pytest.mark.parametrize("q", ["注销啊 多少钱", "办理 委托书", "退呀"])
def test_a_particle_beside_a_narrower_word_still_narrows(q):
    data = read_categories(BUNDLED)
    assert data is not None
    assert Intents(data).category(q) is None


@pytest.mark.parametrize("q,entry", [("baohao", "what-is-baohao-card"), ("смена тарифа мегафон", "tariff-change-notice"),
                                     ("неиспользование симки", "stop-using-sim-what-happens"),
                                     ("нет доступа", "lost-access-after-cancel")])
def test_a_thing_named_in_a_word_or_two_gets_the_entry_answering_it(bundled, q, entry):
    # (made up: 保号 in pinyin alone tied the suspension entry; смена тарифа went to the monthly fee)
    assert bundled.search(q).hits[0].id == entry


@pytest.mark.parametrize("q", ["俄罗斯电话卡不用了怎么注销", "不用的俄罗斯号码要怎么注销"])
def test_a_reason_for_cancelling_beside_the_process_still_asks_how_to_cancel(bundled, q):
    assert bundled.search(q).hits[0].id == "how-to-cancel-russian-sim"


# The number already cancelled (categories.yaml ``cancelled``): an entry for before cancelling gives
# way to the one for after it.
@pytest.mark.parametrize("q", ["I already cancelled it", "号码已经注销了", "уже закрыла номер в прошлом месяце"])
def test_a_query_saying_the_number_is_cancelled_is_read_so(q):
    assert Intents(read_categories(BUNDLED)).states("cancelled", q)


@pytest.mark.parametrize("q", ["注销后余额能退吗", "before cancelling", "как закрыть номер"])
def test_a_query_asking_about_cancelling_is_not_read_as_done(q):
    assert not Intents(read_categories(BUNDLED)).states("cancelled", q)


@pytest.mark.parametrize("q", ["I've already cancelled my russian number, login codes don't come now",
                               "卡注销了，银行的验证码收不到"])
def test_after_cancelling_the_entry_for_after_comes_first(bundled, q):
    assert bundled.search(q).hits[0].id == "lost-access-after-cancel"
    assert bundled.search("what to back up before cancelling").hits[0].id == "backup-before-cancel"


@pytest.mark.parametrize("q", ["销号一般几天", "how long does cancelling usually take", "примерно сколько дней расторжение"])
def test_a_hedge_beside_a_concept_asked_of_cancelling_is_filler(bundled, q):
    # (made up: 一般 / usually / примерно ask nothing of their own)
    assert bundled.search(q).hits[0].id == "cancellation-how-long"


# Concepts beside filler (categories.yaml ``asking``): modal verbs, "take", длится, 生效 beside the
# process and a concept only ask; the concept is still the question.
@pytest.mark.parametrize("q,entry", [("销号一般得几天", "cancellation-how-long"),
                                     ("注销大约得多少天办完", "cancellation-how-long"),
                                     ("how many days will it take to terminate my contract", "cancellation-how-long"),
                                     ("сколько дней обычно длится закрытие номера", "cancellation-how-long"),
                                     ("销号得花多少钱", "does-cancelling-cost")])
def test_a_concept_asked_of_cancelling_among_words_that_only_ask_gets_its_entry(bundled, q, entry):
    # (made up: 得 / 需要 / take / длится read as a requirement or a word of their own put
    # refunds' timing or conditions-to-cancel first)
    res = bundled.search(q)
    assert res.hits[0].id == entry and res.answered


@pytest.mark.parametrize("q", ["注销后几天能退款", "how long does the refund take after cancelling",
                               "сколько дней ждать возврат после закрытия"])
def test_a_word_narrowing_the_concept_is_not_read_out(q):
    # (made up: how long the REFUND takes is refund-when-and-how's question, not how long cancelling takes)
    data = read_categories(BUNDLED)
    assert data is not None
    assert Intents(data).concept(q) is None


# Concepts read only beside the process (categories.yaml ``beside_process``): a debt or documents
# named with cancelling ask whether a debt stops it and which documents it needs.
@pytest.mark.parametrize("q,entry", [("电话卡有欠费能销户吗", "debt-before-cancelling"),
                                     ("with debt can i still cancel", "debt-before-cancelling"),
                                     ("cancel my beeline sim with a negative balance?", "debt-before-cancelling")])
def test_a_thing_named_beside_cancelling_asks_it_of_cancelling(bundled, q, entry):
    # (made up: the debt or the documents beside cancelling went to conditions-to-cancel or how-to)
    res = bundled.search(q)
    assert res.hits[0].id == entry and res.answered


@pytest.mark.parametrize("q", ["欠费", "documents", "задолженность после отъезда"])
def test_the_same_thing_named_alone_is_no_concept(q):
    # (made up: a debt alone may be one left behind after leaving Russia)
    data = read_categories(BUNDLED)
    assert data is not None
    assert Intents(data).concept(q) is None


def test_beside_process_must_name_entries(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(BUNDLED, kb)
    text = (kb / "categories.yaml").read_text("utf-8")
    (kb / "categories.yaml").write_text(text.replace("  debt-before-cancelling:\n    zh: [欠费",
                                                     "  no-such-entry:\n    zh: [欠费"), "utf-8")
    with pytest.raises(KBErrors, match="no-such-entry"):
        read_categories(kb, set(load_kb(BUNDLED).entries))


# Head words (issue 19, head queries): a name as written beats one that only filler taken out
# comes to; pinyin typed a syllable at a time and a Russian name in another case are still the name.
HEAD = Intents({"categories": {"scams": {"overview": "general", "names": ["诈骗", "scam", "мошенничество"]},
                               "refunds": {"overview": "refund", "names": ["tuikuan", "возврат"]}},
                "concepts": {"call": ["诈骗电话", "phone scam"], "balance": ["yue"], "long": ["как долго"]},
                "filler": ["电话", "phone", "как", "my"]})


@pytest.mark.parametrize("q", ["诈骗", "scam", "my scam"])
def test_a_category_word_is_not_a_concept_that_only_comes_to_it_once_filler_is_out(q):
    assert HEAD.concept(q) is None and HEAD.category(q) == "scams"


@pytest.mark.parametrize("q", ["诈骗电话", "phone scam", "Phone  Scam"])
def test_the_concept_typed_as_written_is_still_the_concept(q):
    assert HEAD.concept(q) == "call"


@pytest.mark.parametrize("q,category,concept", [("tui kuan", "refunds", None), ("yu e", None, "balance"),
                                                ("Tui Kuan", "refunds", None)])
def test_pinyin_typed_a_syllable_at_a_time_is_the_glued_name(q, category, concept):
    assert (HEAD.category(q), HEAD.concept(q)) == (category, concept)


@pytest.mark.parametrize("q", ["tui kuan ma ba", "yu", "refund back"])
def test_words_that_do_not_glue_into_a_name_name_nothing(q):
    assert HEAD.category(q) is None and HEAD.concept(q) is None


@pytest.mark.parametrize("q", ["мошенничества", "мошенничеством", "возврата", "возвратом"])
def test_a_russian_name_in_another_case_is_the_name(q):
    assert HEAD.category(q) in ("scams", "refunds")


def test_a_short_russian_stem_is_no_name():
    # долга (debt) and долго (long) share the stem долг: no name is matched on it
    assert HEAD.concept("долга") is None


@pytest.mark.parametrize("q,entry", [
    ("fraud", "phishing-sms-fake-links"),  # the scam named alone: messages and calls "from the operator"
    ("骗局", "phishing-sms-fake-links"),
    ("мошенничества", "phishing-sms-fake-links"),
    ("fraudsters", "update-personal-data-scam"),  # the people: the call asking for a code
    ("мошенников", "update-personal-data-scam"),
    ("授权委托书", "cancel-by-representative"),  # a power of attorney alone: may someone cancel with one
    ("доверенностью", "cancel-by-representative"),
    ("a power of attorney", "cancel-by-representative"),
    ("price", "does-cancelling-cost"),  # the price alone: what cancelling costs
    ("цена", "does-cancelling-cost"),
    ("收不收费", "does-cancelling-cost"),
    ("wo de eluosi ka", "how-to-cancel-russian-sim"),  # ka: the subject's card in pinyin
    ("tui qian", "refund-remaining-balance"),
    ("收短信", "receiving-sms-keeps-number"),  # receiving only, named alone: does it keep the number
    ("incoming sms", "receiving-sms-keeps-number"),
    ("收短訊", "receiving-sms-keeps-number"),  # HK 短訊 (regional.yaml)
    ("充話費", "top-up-from-abroad"),  # topping up (话费 is also the balance)
    ("verify cancellation", "verify-contract-ended"),
])
def test_a_head_word_gets_the_general_entry_first(bundled, q, entry):
    res = bundled.search(q)
    assert res.hits and res.hits[0].id == entry, (q, [h.id for h in res.hits[:3]])


@pytest.mark.parametrize("q", ["phone scam", "电话诈骗"])
def test_a_concept_named_in_a_category_leaves_the_rest_in_their_order(bundled, q):
    # the call scam first, then the other call scam as it scores: the category's overview is
    # not put second in front of it
    ids = [h.id for h in bundled.search(q).hits[:3]]
    assert ids[0] == "contract-expiring-call-scam" and "update-personal-data-scam" in ids, ids


@pytest.mark.parametrize("q,entry", [("tuìkuǎn", "refund-remaining-balance"), ("xiāohào", "how-to-cancel-russian-sim"),
                                     ("yú é", "refund-remaining-balance")])
def test_pinyin_with_tone_marks_is_searched_as_typed_without(bundled, q, entry):
    res = bundled.search(q)
    assert res.hits and res.hits[0].id == entry and res.answered, (q, [h.id for h in res.hits[:3]])
    assert res.query == q  # the query is echoed as typed


@pytest.mark.parametrize("q,entry", [("yota документы", "documents-needed"), ("билайн документы", "documents-needed"),
                                     ("yota паспорт", "passport-replaced-cancel"), ("t2 debt", "debt-before-cancelling")])
def test_an_operator_beside_one_word_leaves_that_word_the_question(bundled, q, entry):
    # the kb answers for every operator: the entry listing them is not the answer to "brand + X"
    res = bundled.search(q)
    assert res.hits and res.hits[0].id == entry and res.answered, (q, [h.id for h in res.hits[:3]], res.answered)


@pytest.mark.parametrize("q,entry", [("selfban", "self-ban-new-sim"), ("self banning", "self-ban-new-sim"),
                                     ("中介开的卡", "sim-registered-to-someone-else")])
def test_a_concept_named_alone_is_answered_by_its_entry(bundled, q, entry):
    # as a category named is: the name is the editors' (categories.yaml), though the entry's own
    # question words it otherwise (samozapret, 中介替我办的卡)
    res = bundled.search(q)
    assert res.hits and res.hits[0].id == entry and res.answered, (q, [h.id for h in res.hits[:3]], res.signals)


@pytest.mark.parametrize("q", ["мне отключили номер", "отключили связь"])
def test_a_russian_verb_in_the_past_is_no_category_name_in_another_form(bundled, q):
    # отключили (they cut it off) is a thing done to the number, not отключить (cancel it): the
    # entry for a number cut off comes first, not the process's overview
    res = bundled.search(q)
    assert res.hits and res.hits[0].id == "cut-off-no-biometrics" and "category" not in res.signals, (q, res.signals)


def test_a_russian_name_in_another_case_still_names_its_category(bundled):
    assert bundled.search("мошенничества").signals.get("category") == "scams"
    # a noun ending as a past verb does (правил) is still its name's: only infinitives are kept apart
    assert bundled.search("новых правил").hits[0].id == "foreigner-biometrics-rules"


# Head words, fifteenth round: the general entry named in a word the kb's phrasings lack or share
# with a narrower sibling, the Chinese passive, words in another order, a situation named alone.
@pytest.mark.parametrize("q,entry", [
    ("我要申诉", "complain-rospotrebnadzor"),  # a complaint alone: where to complain, not the deadlines
    ("shensu", "complain-rospotrebnadzor"),
    ("официальные сайты", "recognise-official-channels"),  # the official sites: the entry whose lead gives them
    ("合同快到期", "contract-expiring-call-scam"),  # a contract said to be running out: the call claiming it
    ("contract is expiring", "contract-expiring-call-scam"),
    ("idle number", "stop-using-sim-what-happens"),  # the ru/zh nouns of a number left unused, in English
    ("my unused phone number", "stop-using-sim-what-happens"),  # (read only alone: the daily fee's question says it too)
    ("改绑", "unlink-before-cancel"),  # rebinding alone: which accounts to move (the security overview)
    ("换绑账号", "unlink-before-cancel"),
    ("huanbang", "unlink-before-cancel"),
    ("俄罗斯停號", "how-to-cancel-russian-sim"),  # 停號: stopping the number for good, as 停用 says
    ("被停掉", "cut-off-no-biometrics"),  # the passive: done to the number, no voluntary suspension
    ("号码被停用了", "cut-off-no-biometrics"),
    ("停机的话费", "balance-after-lapse"),  # 停机 is service stopped, no synonym of 注销 (cancelling)
    ("停机了钱能退吗", "balance-after-lapse"),
    ("回国了", "keep-or-cancel"),  # going home, named alone: keep the number or cancel it
    ("going back home", "keep-or-cancel"),
])
def test_a_head_word_gets_its_general_entry_fifteenth_round(bundled, q, entry):
    res = bundled.search(q)
    assert res.hits and res.hits[0].id == entry and res.answered, (q, [h.id for h in res.hits[:3]])


@pytest.mark.parametrize("q,entry", [("sim expiring", "does-sim-expire"), ("номер истекает", "does-sim-expire"),
                                     ("回国后注销", "cancel-from-abroad")])
def test_the_general_question_keeps_its_entry_beside_a_narrower_name(bundled, q, entry):
    # expiry without a contract said to be running out asks whether it expires; going home beside
    # cancelling is the abroad condition's, not keep-or-cancel (a concept read only alone)
    assert bundled.search(q).hits[0].id == entry


def test_a_situation_named_alone_is_not_finished_while_typed(bundled):
    # the panel reads the query as typed so far: 回国了 may go on to 回国了怎么注销
    assert bundled.search("回国了").hits[0].id == "keep-or-cancel"
    assert bundled.search("回国了", prefix=True).hits[0].id != "keep-or-cancel"


ORDER = Intents({"categories": {}, "filler": ["my"],
                 "concepts": {"sms": ["смс мошенники", "scam sms"], "keep": ["keep or cancel"], "ask": ["cancel or keep"]}})


@pytest.mark.parametrize("q", ["мошенники смс", "sms scam", "my sms scam"])
def test_a_name_of_two_words_matches_in_the_other_order(q):
    # Russian word order is free; English head queries drop it
    assert ORDER.concept(q) == "sms"


def test_words_two_names_share_in_another_order_name_neither():
    assert ORDER.concept("keep or cancel") == "keep" and ORDER.concept("or keep cancel") is None


def test_alone_must_name_entries(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(BUNDLED, kb)
    text = (kb / "categories.yaml").read_text("utf-8")
    (kb / "categories.yaml").write_text(text.replace("alone:\n  keep-or-cancel:", "alone:\n  no-such-entry:"), "utf-8")
    with pytest.raises(KBErrors, match="no-such-entry"):
        read_categories(kb, set(load_kb(BUNDLED).entries))
