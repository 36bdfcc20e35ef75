"""`faqkb eval` for issue 19's kinds: two-intent questions report both intents in the top 3,
half-typed queries are searched with --prefix, near-topic questions count as declined; and
the floors on the blind sets (tests/golden/{head,prefix,neartopic,combo}.yaml, written by
helpers who never saw the kb) once they are committed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BUNDLED_KB

from faqkb.cli import main
from faqkb.evaluate import both_intents, evaluate, load_queries, ranker

GOLDEN = Path(__file__).parent / "golden"
MADE_UP = """\
- {q: "cancel it from abroad and get the balance back", expect: [cancel-from-abroad, refund-remaining-balance],
   a: [cancel-from-abroad], b: [refund-remaining-balance, refund-to-foreign-account], kind: combo, lang: en}
- {q: "как вернуть оста", expect: [refund-remaining-balance, refund-when-and-how], kind: prefix, lang: ru}
- {q: "how do i close my sberbank credit card", expect: [], kind: neartopic, lang: en}
"""


def test_eval_reports_both_intents_and_reads_prefixes(bundled_index, tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text(MADE_UP, "utf-8")
    args = ["eval", str(f), "--kb", str(BUNDLED_KB), "--index", str(bundled_index)]
    exact = json.loads(CliRunner().invoke(main, [*args, "--json"]).output)
    typed = json.loads(CliRunner().invoke(main, [*args, "--json", "--prefix"]).output)
    assert exact["combo"]["n"] == 1 and 0.0 <= exact["combo"]["both3"] <= 1.0
    assert exact["offtopic"]["rejected"] == 1.0  # the near-topic question is declined
    # a half word: read as a prefix; read exactly, answered only because the completion confirms the first hit
    assert exact["offtopic"]["real_rejected_queries"] == typed["offtopic"]["real_rejected_queries"] == []
    assert "both intents in the top 3" in CliRunner().invoke(main, args).output


def test_eval_prints_a_set_of_near_topic_questions_only(bundled_index, tmp_path):
    f = tmp_path / "neighbours.yaml"
    f.write_text("- {q: how do i close my sberbank credit card, expect: [], kind: neartopic, lang: en}\n"
                 "- {q: 怎么注销中国移动的号, expect: [], kind: neartopic, lang: zh}\n", "utf-8")
    out = CliRunner().invoke(main, ["eval", str(f), "--kb", str(BUNDLED_KB), "--index", str(bundled_index)])
    assert out.exit_code == 0, out.output
    assert "offtopic        2  rejected (answered: false) 1.000" in out.output and "overall" not in out.output


# Floors a little under what the blind sets reached when measured (docs/relevance.md,
# 2026-12-06 with content v3): head s@1 0.929, prefix s@3 0.854 with prefix, near-topic
# declined 0.800 (0.806 before top-ups came back into scope: top-up-from-abroad answers them;
# 0.794 after the third round), combo both@3 0.866 (0.881 after the third round); real
# questions declined at most 0.022 on each (at most 0.015 after the third round: the goal, 0.02, is the ceiling).
# head2 and prefix2: written blind at 11:45 the same day, after every change above, and first
# run on the final code: head2 s@1 0.912 (s@3 0.995, none declined), prefix2 s@3 0.954 with
# prefix, 3 of 109 real questions declined (0.028: above the goal, so its ceiling is 0.03).
# Fifth round (categories.yaml's concepts): head s@1 0.955, head2 0.976.
FLOORS = {"head": ("s1", 0.945, False), "prefix": ("s3", 0.84, True), "combo": ("both3", 0.87, False),
          "head2": ("s1", 0.96, False), "prefix2": ("s3", 0.94, True)}
# near-topic declined 0.906 after the scope round of 13:00-13:35 (docs/relevance.md, "Fifth round"): the goal, 0.90,
# is the floor
NEARTOPIC_DECLINED_FLOOR = 0.90
# head3 (276 one- and two-word queries) and neartopic3 (254 neighbours in 9 classes): written
# blind at 13:00-13:45 on 2026-12-06 from the catalogue alone, run first on main 6a025f7 (head3
# s@1 0.953, near-topic declined 0.772), never opened by the engineers of the day's rounds;
# after them: head3 s@1 0.978 (real declined 0.014), neartopic3 declined 0.858 (goal 0.90: unmet).
# Sixth round (docs/relevance.md): neartopic 0.931, neartopic3 0.921 (goal 0.90 met on both).
NEARTOPIC_FLOORS = {"neartopic": 0.92, "neartopic3": 0.91}
REAL_DECLINED_CEILING = 0.02
CEILINGS = {"prefix2": 0.03}
# `faqkb eval` reads a query as typed (no correction applied): 9 of head3's 276 are declined so
# (0.033), 4 (0.014) with the corrections the site applies; its ceiling is the former.
FLOORS["head3"] = ("s1", 0.96, False)
CEILINGS["head3"] = 0.035
# head4 (292 one- and two-word queries), prefix3 (224 cuts at a random keystroke, seed 7171) and
# neartopic4 (128 neighbours in 10 classes): written blind on 2026-12-07 from the catalogue alone
# as the fourteenth round's dev sets (head4 = dev8, the others dev7; docs/relevance.md). On
# 7153841 before the second head pass: head4 s@1 0.973; after it (a881d73) head4 0.983,
# prefix3 s@3 0.857 (12 of its cuts not answered: 0.054, mostly a word begun), neartopic4 0.961.
FLOORS.update(head4=("s1", 0.975, False), prefix3=("s3", 0.85, True))
CEILINGS["prefix3"] = 0.06
NEARTOPIC_FLOORS["neartopic4"] = 0.95


@pytest.mark.parametrize("name", ["head", "prefix", "neartopic", "combo", "head2", "prefix2", "head3", "neartopic3",
                                  "head4", "prefix3", "neartopic4"])
def test_blind_set_floors(bundled, name):
    path = GOLDEN / f"{name}.yaml"
    if not path.exists():
        pytest.skip(f"{path.name} is not committed in this checkout (the integrator adds the blind sets)")
    queries = load_queries(path)
    metric, floor, prefix = FLOORS.get(name, ("", 0.0, False))
    rank = ranker(bundled, prefix=prefix)
    report = evaluate(queries, rank)
    if name in NEARTOPIC_FLOORS:
        assert report.offtopic["rejected"] >= NEARTOPIC_FLOORS[name]
        return
    assert report.offtopic.get("real_rejected", 0.0) <= CEILINGS.get(name, REAL_DECLINED_CEILING)
    got = both_intents(queries, rank)["both3"] if metric == "both3" else report.overall[metric]
    assert got >= floor, f"{name} {metric} {got:.3f} < {floor}"
