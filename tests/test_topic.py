"""The topic signal of `answered` (topic.py): a naive Bayes model a build learns from the
entries' phrasings against kb/offtopic.yaml. Every phrasing here is made up for these
tests (none is copied from tests/golden/ or kb/offtopic.yaml)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from faqkb.index import build_index
from faqkb.kbase.load import load_kb, read_offtopic
from faqkb.layout import TOPIC, current_version
from faqkb.search import Searcher
from faqkb.topic import MAX_FEATURES, TopicModel, features, train

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"

ON_TOPIC = ["我回国了，俄罗斯那张卡不用了想停掉", "俄罗斯号码销号以后余额能退吗",
            "how can I end my Beeline contract after moving home", "my Russian number keeps charging me a daily fee",
            "как закрыть номер Мегафона, если я уже уехал", "вернут ли остаток денег после расторжения договора",
            "eluosi haoma xiaohao yue tui"]
OFF_TOPIC = ["中国电信的宽带怎么停掉", "小红书账号怎么注销", "renew a residence permit in Kazan",
             "how do I end my Deezer family plan", "как закрыть вклад в ВТБ"]


def _score(searcher: Searcher, text: str) -> float:
    return searcher.topic_model.score(searcher.topic_features(text))


def test_the_bundled_model_separates_made_up_phrasings(bundled):
    on = [_score(bundled, q) for q in ON_TOPIC]
    off = [_score(bundled, q) for q in OFF_TOPIC]
    assert min(on) > 0 and min(on) > max(off), (on, off)


@pytest.mark.parametrize("q", OFF_TOPIC)
def test_made_up_off_topic_questions_are_not_answered(bundled, q):
    r = bundled.search(q, suggest=False)
    assert "topic" in r.signals and r.answered is False, r.signals


@pytest.mark.parametrize("q", ON_TOPIC)
def test_made_up_real_questions_are_answered(bundled, q):
    r = bundled.search(q, suggest=False)
    assert r.signals["topic"] > 0 and r.answered is True, r.signals


def test_training_learns_the_subject_not_the_shared_words():
    """Both sides say "cancel" and "card"; only the subject words tell them apart, and
    phrasings never seen in training are read by them."""
    on = [["cancel", "sim", "card"], ["sim", "balanc", "refund"], ["number", "operator", "cancel"], ["sim", "roam"]]
    off = [["cancel", "bank", "card"], ["bank", "account", "open"], ["visa", "extend"], ["cancel", "gym"]]
    m = train(on, off)
    assert m.score(["cancel", "card", "sim"]) > 0 > m.score(["cancel", "card", "bank"])
    assert m.score(["refund", "number"]) > 0 > m.score(["open", "visa"])
    assert m.score(["never-seen"]) == 0.0  # no evidence either way
    assert train(on, off).dump() == m.dump()  # same data, same bytes (builds are reproducible)
    assert train(on, []).weights == {}  # nothing off the subject: a neutral model


def test_word_pairs_tell_the_subject_apart_where_words_do_not(bundled):
    """"cancel" and "bank" are each the kb's words (bank apps, refunds to a bank card); a
    model learns that the two together ask about something else."""
    an, syn = bundled.analyzer(), bundled.lexicon.synonyms

    def f(text):
        return features(an.analyze(text, query=True), syn)

    on = [f(t) for t in ("cancel my sim", "cancel the contract", "cancel my number", "cancel it from abroad",
                         "refund to my bank", "bank app linked to the number")]
    off = [f(t) for t in ("cancel a bank card", "cancel my bank account")]
    assert "x:bank|cancel" in f("cancel the bank card")
    m = train(on, off)
    assert m.weights["x:bank|cancel"] < 0 <= m.score(["cancel"])
    assert m.score(f("how to cancel a bank card")) < 0 < m.score(f("how to cancel a sim"))


def test_score_reads_a_bounded_number_of_features():
    looked: list[str] = []

    class Counting(dict):
        def get(self, k, default=None):
            looked.append(k)
            return super().get(k, default)

    m = TopicModel(Counting({"a": 1.0}))
    m.score(f"w{i}" for i in range(10 * MAX_FEATURES))
    assert len(looked) == MAX_FEATURES


def test_model_round_trips_and_refuses_other_bytes():
    m = TopicModel({"sim": 1.5, "visa": -2.0})
    assert TopicModel.load(m.dump()) == m
    with pytest.raises(ValueError):
        TopicModel.load(b"\xe9" + m.dump()[1:])


def test_a_kb_without_offtopic_yaml_builds_without_a_model(searcher):
    """The fixture kb has no offtopic.yaml: no model, and `answered` uses word overlap alone."""
    assert not (FIXTURE_KB / "offtopic.yaml").exists()
    assert not (searcher.info.path / TOPIC).exists()
    r = searcher.search("保号费", suggest=False)
    assert r.hits and "topic" not in r.signals and r.answered is True


def test_offtopic_yaml_trains_a_model_for_a_small_kb(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    (kb / "offtopic.yaml").write_text("offtopic:\n  zh: [莫斯科的天气, 怎么注销微博账号]\n  en: [best pizza in Moscow]\n"
                                      "  ru: [как открыть вклад]\n", "utf-8")
    assert read_offtopic(kb)["en"] == ["best pizza in Moscow"]
    index = tmp_path / "index"
    build_index(load_kb(kb), index)
    assert (current_version(index) / TOPIC).exists()
    s = Searcher(index)
    assert "topic" in s.search("保号费", suggest=False).signals


def test_check_refuses_an_entrys_phrasing_listed_as_off_topic(tmp_path):
    from faqkb.kbase.lint import lint_kb

    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    entry = load_kb(kb).entries["daily-keeping-fee"]
    own = entry.translations["en"].alternatives[0]
    (kb / "offtopic.yaml").write_text(f"offtopic:\n  en:\n    - weather in Moscow\n    - {own.upper()}\n", "utf-8")
    problems, _ = lint_kb(kb)
    hits = [p for p in problems if "offtopic.yaml" in p.path]
    assert len(hits) == 1 and hits[0].line == 4 and "daily-keeping-fee" in str(hits[0]), problems


def test_a_changed_offtopic_yaml_makes_the_index_stale(tmp_path):
    from faqkb.index import kb_fingerprint

    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    before = kb_fingerprint(kb)
    (kb / "offtopic.yaml").write_text("offtopic:\n  en: [weather in Moscow]\n", "utf-8")
    after = kb_fingerprint(kb)
    (kb / "offtopic.yaml").write_text("offtopic:\n  en: [weather in Kazan]\n", "utf-8")
    assert len({before, after, kb_fingerprint(kb)}) == 3


@pytest.fixture(scope="module")
def unnamed(tmp_path_factory) -> Searcher:
    """The bundled kb without kb/scope.yaml: the topic model alone judges a neighbour, as it
    does one named in words no scope list holds."""
    from faqkb.service import rebuild

    kb = tmp_path_factory.mktemp("unnamed") / "kb"
    shutil.copytree(Path(__file__).parents[1] / "kb", kb)
    (kb / "scope.yaml").unlink()
    index = kb.parent / "index"
    rebuild(kb, index)
    return Searcher(index)


def test_a_refund_to_a_bank_card_stays_ours_for_the_topic_model(unnamed):
    res = unnamed.search("注销以后余额能退到我的银行卡吗")
    assert res.answered


@pytest.mark.parametrize("q", ["我在莫斯科住了三年，tele2卡要不要销", "回到莫斯科以后手机没信号",
                               "вернулся в москву после каникул, симка не ловит"])
def test_the_city_the_reader_lives_in_is_no_evidence_against_our_subject(bundled, q):
    # kb/offtopic.yaml's lines name what else is asked, not the city every question is asked in
    # ("Real questions declined, twelfth round"): a story set in Moscow keeps its SIM question
    res = bundled.search(q)
    assert res.answered and res.signals["topic"] > 0, q


def test_the_city_alone_does_not_lean_off_the_subject(bundled):
    # (before: 莫斯科 -19, moscow -3.8; its pinyin syllables alone lean a little our way)
    assert all(_score(bundled, q) > -1 for q in ("莫斯科", "moscow", "в москве", "mosike"))


@pytest.mark.parametrize("q", ["huafei zenme tui", "baohaoka zenme chongzhi"])
def test_pinyin_holding_a_kb_word_that_is_pinyin_is_read_as_its_chinese(bundled, q):
    # huafei, baohao, weixin are kb words too (an entry's alternative), and still the pinyin of
    # 话费, 保号, 微信: the query is read as its Chinese, not as Latin words no language has
    assert bundled.search(q).answered, q


def test_an_apps_own_account_in_pinyin_is_still_a_neighbour(bundled):
    assert bundled.search("weixin zhuxiao").signals.get("scope") == "app-accounts"


@pytest.mark.parametrize("q", ["иностранному гражданину сколько номеров можно", "лимит номеров для иностранного гражданина"])
def test_who_the_reader_is_is_no_evidence_against_our_subject(bundled, q):
    # kb/offtopic.yaml's Russian lines name what else a foreigner asks, not that a foreigner asks it
    assert bundled.search(q).answered, q
