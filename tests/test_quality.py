"""Search quality on the golden queries must not drop below a floor (CI's quality gate)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from faqkb.cli import main
from faqkb.evaluate import evaluate, load_queries, metrics

GOLDEN = Path(__file__).parent / "golden" / "queries.yaml"
FLOOR = {"mrr": 0.87, "s3": 0.90, "recall": 0.97}


def test_metrics_are_right_on_a_known_ranking():
    m = metrics(["b", "a", "c"], ["a"])
    assert m["mrr"] == 0.5 and m["s1"] == 0 and m["s3"] == 1 and m["recall"] == 1
    assert abs(m["ndcg"] - 1 / 1.5849625) < 1e-6
    assert metrics(["x"], ["a"])["mrr"] == 0


def test_golden_queries_cover_every_kind_and_entry(bundled):
    queries = load_queries(GOLDEN)
    assert len(queries) >= 150
    assert {q.kind for q in queries} == {"zh", "zh-Hant", "pinyin", "typo", "mixed", "ru", "en"}
    assert {i for q in queries for i in q.expect} <= set(bundled.entries)


def test_quality_floor_on_bundled_kb(bundled):
    report = evaluate(load_queries(GOLDEN), lambda q: [h.id for h in bundled.search(q.text, suggest=False).hits])
    for metric, floor in FLOOR.items():
        assert report.overall[metric] >= floor, (metric, report.overall, report.misses[:10])


def test_eval_command_fails_below_floor(bundled_index):
    args = ["eval", str(GOLDEN), "--index", str(bundled_index), "--no-misses"]
    assert CliRunner().invoke(main, args + ["--min-mrr", "0.5"]).exit_code == 0
    r = CliRunner().invoke(main, args + ["--min-mrr", "0.999"])
    assert r.exit_code == 1 and "below the floor" in r.output
