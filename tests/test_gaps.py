"""`faqkb gaps`: zero-result and weak-answer queries grouped, ranked by count, with the
entries readers opened instead and the "not helpful" votes, from a real feedback database
(SQLite and PostgreSQL through ``feedback_url``)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import FIXTURE_KB

from faqkb.cli import main
from faqkb.feedback import FeedbackStore
from faqkb.gaps import group_gaps


def fill(url: str) -> None:
    store = FeedbackStore(url)
    for q, lang, n, nothing in [("sim kazan", "en", 5, True), ("Kazan  SIM card", "en", 3, True),
                                ("sim", "en", 1, False), ("qwerty", "en", 1, True),
                                ("как закрыть номер в казани", "ru", 4, True), ("номер казань закрыть", "ru", 1, True),
                                ("sim kazan", "ru", 2, True)]:
        for _ in range(n):
            store.record_gap(q, lang, found_nothing=nothing)
    me = store.client_key("192.0.2.1")
    store.record_view("how-to-cancel-russian-sim", client=me, query="sim kazan")
    store.record_vote("how-to-cancel-russian-sim", False, client=me, query="sim kazan", reason="not-answered")
    store.record_vote("daily-keeping-fee", False, client=me, reason="outdated")
    store.record_vote("daily-keeping-fee", True, client=store.client_key("192.0.2.2"))
    store.close()


def run(url: str, index, *args: str):
    return CliRunner().invoke(main, ["gaps", "--db", url, "--kb", str(FIXTURE_KB), "--index", str(index),
                                     "--no-build", *args])


def test_gaps_groups_rank_and_show_what_readers_reached(feedback_url, fixture_index):
    fill(feedback_url)
    res = run(feedback_url, fixture_index, "--json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    first = report["groups"][0]
    assert first["lang"] == "en" and first["count"] == 8     # "sim kazan" + "kazan sim card", same words
    assert [q["query"] for q in first["queries"]] == ["sim kazan", "kazan sim card"]
    assert "kazan" in first["words"]
    assert first["reached"][0]["entry_id"] == "how-to-cancel-russian-sim"
    assert first["reached"][0]["no"] == 1 and first["reached"][0]["reasons"] == {"not-answered": 1}
    ru = [g for g in report["groups"] if g["lang"] == "ru"]
    assert ru[0]["count"] == 5 and len(ru[0]["queries"]) == 2   # same language only: ru "sim kazan" apart
    counts = [g["count"] for g in report["groups"]]
    assert counts == sorted(counts, reverse=True)
    assert any(g["weak_answer"] == 1 for g in report["groups"])  # the answered: false query is a gap too
    worst = {r["entry_id"]: r for r in report["not_helpful"]}
    assert worst["daily-keeping-fee"]["reasons"] == {"outdated": 1} and worst["daily-keeping-fee"]["yes"] == 1


def test_gaps_text_report(feedback_url, fixture_index):
    fill(feedback_url)
    res = run(feedback_url, fixture_index, "--limit", "2")
    assert res.exit_code == 0, res.output
    out = res.output
    assert out.index("“sim kazan”") < out.index("“как закрыть номер в казани”")
    assert "opened instead: how-to-cancel-russian-sim" in out and "not-answered 1" in out
    assert "qwerty" not in out                                   # --limit 2
    assert "daily-keeping-fee" in out.split("not helpful:")[-1]


def test_common_words_do_not_chain_unrelated_queries():
    rows = [{"query": q, "lang": "en", "count": 1, "found_nothing": 1} for q in
            ("sim kazan", "sim tver", "sim omsk", "sim perm", "sim tula", "kazan office")]
    groups = group_gaps(rows, lambda q: set(q.split()))
    sizes = sorted(len(g.queries) for g in groups)
    assert sizes == [1, 1, 1, 1, 2]                              # "sim" is in most of them: it joins nothing
