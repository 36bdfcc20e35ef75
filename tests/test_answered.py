"""`Results.answered`: off-topic questions come back answered=False (their hits are only
"related"), real questions answered=True; the flag is in to_dict, `--json` and the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from faqkb.cli import main
from faqkb.evaluate import load_queries

GOLDEN = Path(__file__).parent / "golden" / "queries.yaml"
OFF_TOPIC = ["明天莫斯科天气怎么样", "附近有什么好吃的餐厅", "北京到上海的火车时刻表", "weather in moscow tomorrow",
             "best pizza restaurant near me", "расписание поездов москва питер", "погода в москве",
             "how to cook rice"]


@pytest.mark.parametrize("q", OFF_TOPIC)
def test_off_topic_is_not_answered(bundled, q):
    assert bundled.search(q).answered is False


def test_real_questions_are_answered(bundled):
    real = [q for q in load_queries(GOLDEN) if q.expect]
    rejected = [q.text for q in real if not bundled.search(q.text, suggest=False).answered]
    # First rule's floor. The golden set grew (longer, story-style queries): the first rule rejects
    # 42 of 495 real questions there (8.5 %); the calibrated rule of issue 9 step 4 must bring it to <= 2 %.
    assert len(rejected) <= 0.09 * len(real), rejected


def test_answered_is_top_level_in_json(bundled_index, bundled):
    d = bundled.search("注销 余额").to_dict()
    assert d["answered"] is True
    r = CliRunner().invoke(main, ["search", "weather in moscow tomorrow", "--json", "--index", str(bundled_index),
                                  "--no-build"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["answered"] is False


def test_empty_query_is_not_answered(bundled):
    assert bundled.search("").answered is False
