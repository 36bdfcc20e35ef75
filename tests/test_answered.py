"""`Results.answered`: off-topic questions come back answered=False (their hits are only
"related"), real questions answered=True; the flag is in to_dict, `--json` and the API."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from faqkb.cli import main
from faqkb.engine.answered import (
    SELF_WEIGHT,
    THRESHOLD,
    TOPIC_THRESHOLD,
    TOPIC_WEIGHT,
    UNKNOWN_WEIGHT,
    Unit,
    answered,
    signals,
)
from faqkb.evaluate import load_queries

GOLDEN = Path(__file__).parent / "golden" / "queries.yaml"
OFF_TOPIC = ["明天莫斯科天气怎么样", "附近有什么好吃的餐厅", "北京到上海的火车时刻表", "weather in moscow tomorrow",
             "best pizza restaurant near me", "расписание поездов москва питер", "погода в москве",
             "how to cook rice"]


@pytest.mark.parametrize("q", OFF_TOPIC)
def test_off_topic_is_notanswered(bundled, q):
    assert bundled.search(q).answered is False


def test_real_questions_areanswered(bundled):
    real = [q for q in load_queries(GOLDEN) if q.expect]
    rejected = [q.text for q in real if not bundled.search(q.text, suggest=False).answered]
    # With the topic signal (engine/answered.py TOPIC_THRESHOLD): 9 of 557 real golden questions (1.6 %).
    assert len(rejected) <= 0.02 * len(real), rejected


def test_golden_off_topic_queries_are_mostly_notanswered(bundled):
    off = [q for q in load_queries(GOLDEN) if not q.expect]
    kept = [q.text for q in off if bundled.search(q.text, suggest=False).answered]
    # Measured: 69 of 76 rejected (0.908) with the topic signal; 49 (0.645) on word overlap
    # alone, which this floor refuses. The goal is 0.90; one query of slack (8 kept)
    # so a new kb phrasing that moves one query does not fail every landing.
    assert len(kept) <= 0.11 * len(off), kept


# -- each signal of `answered`, on made-up units (engine.answered.signals) and on the bundled kb

def _unit(asked, anywhere=None, df=1, weight=1.0, pairs=(), typo=False):
    """A unit from per-document flags (a Unit keeps the documents' ids)."""
    asked = np.array(asked, dtype=bool)
    held = np.flatnonzero(asked | np.array(anywhere if anywhere is not None else asked, dtype=bool))
    return Unit(df, weight, held, asked[held], list(pairs), typo)


def test_a_unit_answers_for_a_document_as_the_set_of_its_documents_does():
    """Unit keeps the ids of the documents holding its word (sorted) and, per id, whether the
    question holds it, not masks: asks() and asked_at() answer as membership in the set of
    those asked, at both ends and past them, and for none."""
    rng = np.random.default_rng(7)
    for n in (1, 2, 65, 1000):
        for share in (0.0, 0.01, 0.5, 1.0):
            held = np.flatnonzero(rng.random(n) < share)
            flags = rng.random(len(held)) < 0.5
            ids = held[flags]
            u = Unit(len(held), 1.0, held, flags, [], False)
            docs = np.arange(n, dtype=np.intp)
            want = np.isin(docs, ids)
            assert [u.asks(int(d)) for d in docs] == want.tolist()
            assert u.asked_at(docs).tolist() == want.tolist()
            pool = rng.permutation(docs)[:10]  # any order, as diversity's pool
            assert u.asked_at(pool).tolist() == np.isin(pool, ids).tolist()


def test_asked_counts_words_in_the_question_not_only_in_the_answer(bundled):
    in_question = _unit([True, False])
    only_answer = _unit([False, False], anywhere=[True, False])
    sig = signals([in_question, only_answer], 0, bundled.impact, 1.0, 1.0)
    assert sig["asked"] == 0.5


def test_asked_weighs_words_by_idf(bundled):
    rare, common = _unit([True, False], weight=3.0), _unit([False, True], weight=1.0)
    assert signals([rare, common], 0, bundled.impact, 1.0, 1.0)["asked"] == 0.75


def test_asked_leaves_out_typos_did_you_mean_can_fix(bundled):
    held, typo = _unit([True]), _unit([False], df=0, weight=4.0, typo=True)
    assert signals([held, typo], 0, bundled.impact, 1.0, 1.0)["asked"] == 1.0
    r = bundled.search("cancle russian sim", suggest=False)
    assert r.signals["asked"] >= 0.9 and r.answered


def test_asked_reads_run_together_pinyin_by_syllable_pairs(bundled):
    r = bundled.search("yuetuikuan", suggest=False)  # 余额退款: no entry has the whole word
    assert r.hits[0].id == "refund-remaining-balance"
    assert r.signals["asked"] >= 0.5 and r.answered


def test_unknown_words_weigh_againstanswered(bundled):
    r = bundled.search("莫斯科今天天气怎么样", suggest=False)
    assert r.signals["asked"] < 0.3 and r.answered is False


def test_another_form_of_a_kb_word_is_no_unknown_word(bundled):
    """Snowball cuts истёк to a stem no entry has (истекает: истека); the kb's other stem of
    it makes it a kb word for `answered`, as it already was for the ranking."""
    r = bundled.search("договор уже истёк?", suggest=False)
    assert r.signals["unknown"] == 0.0 and r.signals["asked"] > 0.9 and r.answered
    assert bundled.search("договор уже зелёный?", suggest=False).signals["unknown"] > 0.3  # no kb form


def test_a_kb_word_with_a_character_glued_on_is_no_unknown_word(bundled):
    """jieba's HMM joins 前 to 微信 (its dictionary is pruned to the kb's text): the kb word
    inside counts for `answered`; a made-up word with no kb word inside still does not."""
    assert "前微信" in {t.text for t in bundled.analyzer().analyze("回国前微信绑的号怎么办", query=True).words}
    assert bundled.search("回国前微信绑的号怎么办", suggest=False).signals["unknown"] == 0.0
    assert bundled.search("明天莫斯科天气怎么样", suggest=False).signals["unknown"] > 0.3


def test_self_is_one_for_an_entrys_own_question(bundled):
    """The self-score stored at build is the best of the entry's questions (one per language):
    that question scores exactly it, the others at most it."""
    checked = 0
    for entry in list(bundled.entries.values())[:20]:
        results = [bundled.search(tr.question, suggest=False) for tr in entry.translations.values()]
        if all(r.hits[0].id == entry.id for r in results):
            selfs = [r.signals["self"] for r in results]
            assert max(selfs) > 0.999, (entry.id, selfs)
            assert all(r.answered for r in results), entry.id
            checked += 1
    assert checked >= 10


def test_self_falls_for_a_fragment_of_the_question(bundled):
    q = bundled.entry("how-to-cancel-russian-sim").translations["en"].question
    whole = bundled.search(q, suggest=False)
    part = bundled.search("Russian SIM card options", suggest=False)
    assert part.signals["self"] < 0.8 * whole.signals["self"]


def test_unknown_is_the_share_of_words_no_entry_holds(bundled):
    imp = bundled.impact
    held, unknown = _unit([True], weight=1.0), _unit([False], df=0, weight=3.0)
    assert signals([held, unknown], 0, imp, 1.0, 1.0)["unknown"] == 0.75
    known_elsewhere = _unit([False], anywhere=[False], df=5, weight=3.0)
    assert signals([held, known_elsewhere], 0, imp, 1.0, 1.0)["unknown"] == 0.0


def test_the_rule_weighs_every_signal():
    assert answered({"asked": THRESHOLD, "self": 0.0, "unknown": 0.0})
    assert not answered({"asked": THRESHOLD - 0.01, "self": 0.0, "unknown": 0.0})
    assert answered({"asked": 0.0, "self": THRESHOLD / SELF_WEIGHT, "unknown": 0.0})
    assert not answered({"asked": THRESHOLD, "self": 0.0, "unknown": 0.1})
    assert answered({"asked": THRESHOLD + UNKNOWN_WEIGHT * 0.5, "self": 0.0, "unknown": 0.5})
    assert not answered({"asked": 0.1, "self": 0.1, "unknown": 0.0})


def test_the_topic_signal_moves_the_line():
    """With a topic model the rule is lexical + TOPIC_WEIGHT * topic >= TOPIC_THRESHOLD: the
    same word overlap is answered on the kb's subject and not off it."""
    words = {"asked": TOPIC_THRESHOLD, "self": 0.0, "unknown": 0.0}
    assert answered({**words, "topic": 0.0})
    assert not answered({**words, "topic": -1.0})
    assert answered({**words, "asked": 0.0, "topic": TOPIC_THRESHOLD / TOPIC_WEIGHT + 1e-9})
    assert not answered({**words, "asked": 0.0, "topic": TOPIC_THRESHOLD / TOPIC_WEIGHT - 1e-6})
    assert not answered({"asked": 1.0, "self": 1.0, "unknown": 0.0, "topic": -40.0})


def test_answered_is_top_level_in_json(bundled_index, bundled):
    d = bundled.search("注销 余额").to_dict()
    assert d["answered"] is True
    r = CliRunner().invoke(main, ["search", "weather in moscow tomorrow", "--json", "--index", str(bundled_index),
                                  "--no-build"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["answered"] is False


def test_empty_query_is_notanswered(bundled):
    assert bundled.search("").answered is False


@pytest.mark.parametrize(("typed", "want"), [
    ("rastorgnut nomer", "how-to-cancel-russian-sim"),      # Russian in Latin letters, every word unknown
    ("vozvrat deneg za nomer", "refund-remaining-balance"),  # nomer also reads as pinyin (no mer)
])
def test_a_transliterated_question_is_judged_on_its_russian_reading(bundled, typed, want):
    # ranking reads the words as Russian; `answered` now reads them so too (not asked 0)
    r = bundled.search(typed, suggest=False)
    assert r.hits[0].id == want
    assert r.signals["asked"] >= 0.9 and r.answered


def test_a_typo_counts_as_its_correction_in_asked(bundled):
    r = bundled.search("refnud balanse", suggest=False)  # two typos, nothing typed right
    assert r.hits[0].id == "refund-remaining-balance"
    assert r.signals["asked"] >= 0.9 and r.answered


def test_a_transliterated_neighbour_is_declined_by_its_reading(bundled):
    # read as Russian, the question names a neighbour (a bank card): the scope reads it so too
    r = bundled.search("zakryt bankovskuyu kartu", suggest=False)
    assert not r.answered and r.signals.get("scope") == "banking"
