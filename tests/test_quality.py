"""Search quality on the golden queries must not drop below a floor (CI's quality gate)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from faqkb.cli import main
from faqkb.evaluate import Query, evaluate, load_queries, metrics, table
from faqkb.paths import bundled_kb
from faqkb.plan import asks_number, pinyin_han
from faqkb.search import Searcher

GOLDEN = Path(__file__).parent / "golden" / "queries.yaml"
HELDOUT = Path(__file__).parent / "golden" / "heldout.yaml"
FRESH = Path(__file__).parent / "golden" / "fresh.yaml"  # a second blind set, never tuned on
KINDS = {"zh", "zh-Hant", "pinyin", "typo", "mixed", "brand", "ru", "en", "offtopic"}
# Floors just under what the bundled kb measures (faqkb eval, 557 real queries; engine v2 gave
# MRR 0.940, S@1 0.912, S@3 0.961, R@10 0.958; with the reader phrasings added to the entries'
# alternatives on 2026-11-25: MRR 0.964, S@1 0.946, S@3 0.980, R@10 0.962, after dropping
# the phrasings that repeated an evaluation query word for word; lowest kind S@1 brand 0.912
# (34 queries)).
# `answered` (engine/answered.py TOPIC_THRESHOLD: word overlap and the topic signal) on 557 real / 76
# off-topic: off-topic rejected 0.908 (0.645 on word overlap alone, which this floor
# refuses) with 0.016 of real questions rejected. Raise them when search improves.
FLOOR = {"mrr": 0.96, "s1": 0.94, "s3": 0.975, "recall": 0.955}
KIND_S1_FLOOR = 0.88  # brand may lose one of its 34 queries (0.882)
OFFTOPIC_REJECTED_FLOOR = 0.96  # one query under the measured 74 of 76 (issue 19's scope, 2026-12-06)
REAL_REJECTED_CEILING = 0.02


def test_metrics_are_right_on_a_known_ranking():
    m = metrics(["b", "a", "c"], ["a"])
    assert m["mrr"] == 0.5 and m["s1"] == 0 and m["s3"] == 1 and m["recall"] == 1
    assert abs(m["ndcg"] - 1 / 1.5849625) < 1e-6
    assert metrics(["x"], ["a"])["mrr"] == 0


def test_off_topic_queries_are_scored_apart_from_real_questions():
    queries = [Query("a?", ["a"], "en", "en"), Query("weather", [], "en", "offtopic"),
               Query("train", [], "en", "offtopic")]
    report = evaluate(queries, lambda q: {"a?": ["a"], "weather": ["a"]}.get(q.text, []))
    assert report.n == 1 and report.overall["s1"] == 1 and report.misses == []
    assert "offtopic" not in report.by_kind
    assert report.offtopic["n"] == 2 and report.offtopic["rejected"] == 0.5
    assert [m["q"] for m in report.offtopic["not_rejected"]] == ["weather"]


def test_the_eval_table_counts_each_group_and_lists_misses():
    queries = [Query("a?", ["a"], "en", "en"), Query("b?", ["b"], "en", "typo"), Query("в?", ["b"], "ru", "ru"),
               Query("weather", [], "en", "offtopic")]
    report = evaluate(queries, lambda q: {"a?": ["a"], "b?": ["a", "b"], "в?": ["b"]}.get(q.text, []))
    lines = table(report).splitlines()
    assert lines[1].split()[:2] == ["overall", "3"]
    assert [line.split()[:3] for line in lines[2:4]] == [["lang", "en", "2"], ["lang", "ru", "1"]]
    assert lines[-2:] == ["not at rank 1 (1):", "  [typo] b?  want b, got a, b"]
    assert "not at rank 1" not in table(report, misses=False)


def test_half_typed_queries_are_grouped_by_how_much_of_their_question_they_hold():
    # made-up cuts of made-up questions: 2 of 10 letters, 4 of 10, 9 of 10 (and one whole query)
    queries = [Query("ab", ["a"], "en", "prefix", full="abcdefghij"), Query("abcd", ["a"], "en", "prefix", full="abcdefghij"),
               Query("abcdefghi", ["b"], "en", "prefix", full="abcdefghij"), Query("whole", ["a"], "en", "real")]
    report = evaluate(queries, lambda q: {"ab": ["x", "y", "z", "a"], "abcd": ["a"], "abcdefghi": ["c", "b"]}.get(q.text, ["a"]))
    assert report.sizes["cut"] == {"cut <25%": 1, "cut 25-50%": 1, "cut >=75%": 1}
    assert [(name, m["s1"], m["s3"]) for name, m in report.by_cut.items()] == [
        ("cut <25%", 0.0, 0.0), ("cut 25-50%", 1.0, 1.0), ("cut >=75%", 0.0, 1.0)]
    rows = [line.split() for line in table(report, misses=False).splitlines() if line.startswith("cut")]
    assert [row[:3] for row in rows] == [["cut", "<25%", "1"], ["cut", "25-50%", "1"], ["cut", ">=75%", "1"]]
    assert "by_cut" in report.to_dict() and "by_cut" not in evaluate(queries[3:], lambda q: ["a"]).to_dict()


def _well_formed(path: Path, at_least: int, entries) -> list[Query]:
    """The queries in ``path``: at least ``at_least``, every kind, only real entry ids, and
    off-topic exactly when nothing is expected."""
    queries = load_queries(path)
    assert len(queries) >= at_least
    assert {q.kind for q in queries} == KINDS
    assert {i for q in queries for i in q.expect} <= set(entries)
    assert all((q.kind == "offtopic") == (not q.expect) for q in queries)
    return queries


def test_golden_queries_cover_every_kind_and_entry(bundled):
    queries = _well_formed(GOLDEN, 360, bundled.entries)
    per_entry = {i: sum(i in q.expect for q in queries) for i in bundled.entries}
    assert min(per_entry.values()) >= 3, sorted(per_entry.items(), key=lambda kv: kv[1])[:5]


def test_heldout_queries_load_and_name_real_entries(bundled):
    _well_formed(HELDOUT, 80, bundled.entries)
    _well_formed(FRESH, 150, bundled.entries)


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def test_no_evaluation_query_is_copied_into_the_kb(bundled):
    """An entry phrasing that repeats a golden, held-out or fresh query word for word makes
    that query's figure say nothing about readers we never see (the sets measure the kb;
    they are not a source of phrasings). Rephrase it, or drop it from the kb."""
    asked = {_key(q.text): path.name for path in (GOLDEN, HELDOUT, FRESH) for q in load_queries(path)}
    copied = [(e.id, lang, text) for e in bundled.entries.values() for lang, tr in e.translations.items()
              for text in (tr.question, *tr.alternatives) if _key(text) in asked]
    assert not copied, copied


BLIND = [Path(__file__).parent / "golden" / f"{name}.yaml" for name in ("head", "prefix", "neartopic", "combo", "frozen", "head2", "prefix2")]
# kb phrasings that already said, word for word, what a blind set's writer typed on 2026-12-06
# (the sets were written after these lines, without seeing them; short head queries coincide).
# Nothing may be added to this list: a new kb line that repeats a blind query is rephrased.
PREDATING_BLIND = {"中国移动怎么销号", "微信被封号了怎么解封", "俄罗斯银行卡怎么注销", "weixinzhanghaozhuxiao",
                   "eluosiqianzhengyanqi", "莫斯科冬天有多冷", "какперевестиденьгиизроссиивкитай",
                   "russianstudentvisaextension", "二次放号", "保号费", "手机丢了俄罗斯卡", "注销条件",
                   # and of the second head/prefix sets (head2, prefix2), written at 11:45 the same day
                   "tingjibaohao"}


def test_no_blind_query_is_copied_into_the_kb(bundled):
    """The blind sets (head, prefix, near-topic, combo, frozen, head2, prefix2) stay blind: no entry phrasing and
    no kb/offtopic.yaml line repeats one of their queries (see test_no_evaluation_query_is_copied_into_the_kb)."""
    import yaml

    asked = {_key(q.text) for path in BLIND for q in load_queries(path)}
    offtopic = yaml.safe_load((bundled_kb() / "offtopic.yaml").read_text(encoding="utf-8"))["offtopic"]
    lines = [text for e in bundled.entries.values() for tr in e.translations.values()
             for text in (tr.question, *tr.alternatives)] + [t for v in offtopic.values() for t in v]
    copied = sorted({_key(t) for t in lines if _key(t) in asked} - PREDATING_BLIND)
    assert len(asked) > 700
    assert not copied, copied


def _rank(searcher):
    def rank(q):
        res = searcher.search(q.text, suggest=False)
        return [h.id for h in res.hits], res.answered
    return rank


def test_quality_floor_on_bundled_kb(bundled):
    report = evaluate(load_queries(GOLDEN), _rank(bundled))
    for metric, floor in FLOOR.items():
        assert report.overall[metric] >= floor, (metric, report.overall, report.misses[:10])
    for kind, m in report.by_kind.items():
        assert m["s1"] >= KIND_S1_FLOOR, (kind, m)
    assert report.offtopic["rejected"] >= OFFTOPIC_REJECTED_FLOOR, report.offtopic["not_rejected"]
    assert report.offtopic["real_rejected"] <= REAL_REJECTED_CEILING, report.offtopic["real_rejected_queries"]


# issue 20: the sets written before content v3 must not fall below what the kb before the
# content change gave with the same engine (held-out 0.944, fresh 0.907; after it 0.925 /
# 0.898, now 0.935 / 0.907): a floor one query under today's figure on each.
SECOND_SET_S1_FLOOR = {HELDOUT: 0.925, FRESH: 0.898}


@pytest.mark.parametrize("path", [HELDOUT, FRESH], ids=["heldout", "fresh"])
def test_the_other_golden_sets_keep_their_first_answers(bundled, path):
    report = evaluate(load_queries(path), _rank(bundled))
    assert report.overall["s1"] >= SECOND_SET_S1_FLOOR[path], (path.name, report.overall, report.misses[:10])
    assert report.offtopic["real_rejected"] <= REAL_REJECTED_CEILING, report.offtopic["real_rejected_queries"]


def test_a_corrected_typo_ranks_like_the_word_typed_right(bundled):
    """A Latin or Cyrillic word no entry holds, which did-you-mean corrects to a kb word, is
    searched as that word too: the misspelled query finds what the spelled one finds."""
    for typed, right in (("cancle my number", "cancel my number"), ("pasport changed", "passport changed"),
                         ("растаргнуть договор", "расторгнуть договор")):
        got = [h.id for h in bundled.search(typed, suggest=False).hits[:1]]
        assert got == [h.id for h in bundled.search(right, suggest=False).hits[:1]], typed
    plain = Searcher(bundled.index_dir, plan={"typo": 0, "intent": 0})  # (a category named with a typo: intent.py)
    assert [h.id for h in plain.search("cancle my number", suggest=False).hits[:1]] != \
        [h.id for h in bundled.search("cancle my number", suggest=False).hits[:1]]


def _knob_fixes(bundled, plan: dict, want: dict[str, str]) -> None:
    """Each query finds its entry first with the ranking as it is, and not with ``plan``'s
    knob turned off: the knob is what fixes it (so the test fails if the knob stops working)."""
    plain = Searcher(bundled.index_dir, plan=plan)
    for q, entry in want.items():
        assert bundled.search(q, suggest=False).hits[0].id == entry, q
        assert plain.search(q, suggest=False).hits[0].id != entry, q


def test_a_generic_question_finds_the_general_entry(bundled):
    """Ranking weighs how much of an entry's own question the query says (search.PLAN "own"):
    a generic question finds the general entry, not a narrower one that merely holds the
    same words among others (queries written for this test, not in the golden set)."""
    # (with "specific", "general" and "intent" off too: issue 19's specificity and categories fix them as well)
    _knob_fixes(bundled, {"own": 0, "specific": 0, "general": 0, "intent": 0}, {"как отключить российскую сим-карту": "how-to-cancel-russian-sim",
                                      "怎么注销俄罗斯电话卡": "how-to-cancel-russian-sim",
                                      "will my balance be refunded": "refund-remaining-balance"})


def test_pinyin_is_read_as_the_kbs_chinese_words(bundled):
    lex = bundled.lexicon
    assert pinyin_han("zhuxiaoeluosihaoma", lex) == "注销 俄罗斯 号码"
    assert pinyin_han("eluosi haoma zhuxiao", lex) == "俄罗斯 号码 注销"
    assert pinyin_han("cancel my number", lex) == ""  # English is not pinyin
    for typed, chars in (("zhuxiao eluosi haoma", "注销俄罗斯号码"), ("qianfei zhuxiao", "欠费注销")):
        assert bundled.search(typed, suggest=False).hits[0].id == bundled.search(chars, suggest=False).hits[0].id


def test_a_chinese_homophone_typo_ranks_like_the_word(bundled):
    """住销 sounds like 注销: did-you-mean's sound map puts the kb word into the ranking."""
    right = bundled.search("注销俄罗斯号码", suggest=False).hits[0].id
    _knob_fixes(bundled, {"han_typo": 0}, {"住销俄罗斯号码": right})


def test_other_stems_of_a_word_are_searched_too(bundled):
    """Snowball cuts forms of one word differently (отказаться → отказа, отказ → отказ): the
    kb's stems that a query stem begins with, or that begin with it, are searched too, never
    more than MAX_VARIANTS per word and none for a stem shorter than MIN_STEM."""
    from faqkb.engine.stems import MAX_VARIANTS, MIN_STEM

    def variants(q):
        return {t for f, t, _ in bundled.explain(q).plan.stems}

    assert "отказ" in variants("отказаться")
    assert {"закрыт", "закрыва"} <= variants("закрыть")
    assert len(variants("закрыть")) <= MAX_VARIANTS
    assert all(len(t) >= MIN_STEM for t in variants("закрыть отказаться"))
    assert variants("номер") == set()  # no other stem of the kb begins with it


def test_a_brand_next_to_an_intent_does_not_outrank_it(bundled):
    """A name spelled in Latin and Cyrillic among its synonyms (Yota/Йота) weighs less next
    to other words (search.PLAN "brand"); alone it keeps its weight (queries written for
    this test, not in the golden set)."""
    _knob_fixes(bundled, {"brand": 1.0}, {"beeline keep number when changing operator": "keep-number-mnp",
                                          "yota documents for cancelling": "documents-needed",
                                          "теле2 документы для закрытия": "documents-needed"})
    assert bundled.search("МТС", suggest=False).hits[0].id == "russian-operators"


# Sentences written for the number test below: in each language the entry that states a
# number says the query's words among more others (so plain BM25F puts it second) and the
# one without a number says them in fewer words.
_NUMBER_DOCS = [
    ("points-308", "en", "Over the whole season the club's defence gave up just 308 points, sixth in the league."),
    ("points-words", "en", "Critics said the defence of the club gave up points far too easily."),
    ("stadium", "en", "The club moved to a new stadium by the river."),
    ("refund-days", "ru", "После расторжения договора остаток обычно возвращают на банковскую карту в течение 30 дней."),
    ("refund-how", "ru", "Остаток возвращают на карту по письменному заявлению абонента в салоне оператора."),
    ("refund-days-zh", "zh", "注销以后，余额退款一般在14个工作日内退回到您的银行卡。"),
    ("refund-how-zh", "zh", "余额退款需要本人带护照去营业厅申请退回到银行卡。"),
]


def test_a_question_asking_for_a_number_prefers_an_answer_that_states_one(tmp_path):
    """search.PLAN "number" (off for the FAQ, tuned on for sentences by bench/quality.py):
    "how many / сколько / 多久" ranks the entry whose answer holds a
    number above a near neighbour that only shares the words; a question not asking for a
    quantity is ranked as before (queries and sentences written for this test)."""
    import json

    from faqkb.kbase.importer import import_jsonl
    from faqkb.service import rebuild

    rows = [json.dumps({"id": i, "lang": lang, "text": t}, ensure_ascii=False) for i, lang, t in _NUMBER_DOCS]
    (tmp_path / "corpus.jsonl").write_text("\n".join(rows), "utf-8")
    import_jsonl(tmp_path / "corpus.jsonl", tmp_path / "kb")
    rebuild(tmp_path / "kb", tmp_path / "index")
    on, off = Searcher(tmp_path / "index", plan={"number": 0.5}), Searcher(tmp_path / "index", plan={"number": 0})
    for q, want in (("How many points did the defence give up?", "points-308"),
                    ("через сколько остаток возвращают на карту", "refund-days"),
                    ("余额退款多久退回到银行卡", "refund-days-zh")):
        assert on.search(q, suggest=False).hits[0].id == want, q
        assert off.search(q, suggest=False).hits[0].id != want, q
    for q in ("why did the defence give up points", "как вернуть остаток на карту"):
        assert [(h.id, h.score) for h in on.search(q, suggest=False).hits] == \
            [(h.id, h.score) for h in off.search(q, suggest=False).hits], q


def test_which_questions_ask_for_a_number():
    asks = ["how much does cancelling cost", "When did the contract end?", "what year was it", "in which year",
            "сколько стоит закрыть номер", "Когда вернут деньги", "в каком году", "注销要多久", "保号每天多少钱",
            "一个护照能办几张卡", "什么时候到账"]
    not_asks = ["what happens when I stop paying", "how do I cancel", "что будет, когда номер заблокируют",
                "как закрыть номер", "怎么注销俄罗斯号码", "几乎没用过的卡怎么办"]
    assert [q for q in asks if not asks_number(q)] == []
    assert [q for q in not_asks if asks_number(q)] == []


def test_eval_command_fails_below_floor(bundled_index):
    args = ["eval", str(GOLDEN), "--index", str(bundled_index), "--no-misses"]
    assert CliRunner().invoke(main, args + ["--min-mrr", "0.5"]).exit_code == 0
    r = CliRunner().invoke(main, args + ["--min-mrr", "0.999"])
    assert r.exit_code == 1 and "below the floor" in r.output
