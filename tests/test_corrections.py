"""Confident corrections applied (issue 19, item 6): when a query as typed finds no answer
and did-you-mean's correction does, the correction's results are shown ("Showing results
for …; search instead for …") in the core, the API, the results page, the live panel and
the CLI; asking for the query as typed (correct=false) gets exactly that. Queries are made
up, as readers type them; none is copied from an evaluation set."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import BUNDLED_KB

from faqkb.cli import main

TYPO = "fozen money"  # no answer as typed (fozen also reads as pinyin: fo zen); "frozen money" has one
FIXED = "frozen money"


def test_the_core_applies_a_confident_correction(bundled):
    typed = bundled.search(TYPO, correct=False)
    assert not typed.answered and typed.suggestion == FIXED and typed.corrected is None
    res = bundled.search(TYPO)
    assert res.answered and res.corrected == FIXED and res.query == TYPO
    assert res.hits[0].id == "frozen-balance"
    # a query answered as typed keeps its own results and only a suggestion
    ok = bundled.search("refnud my balanse")
    assert ok.answered and ok.corrected is None


def test_the_api_page_panel_and_cli_say_so(bundled_index, tmp_path):
    from faqkb.web import create_app

    client = create_app({"KB": BUNDLED_KB, "INDEX": bundled_index, "INSTANCE": tmp_path / "instance",
                         "TESTING": True, "SECRET_KEY": "test"}).test_client()
    api = client.get("/api/search", query_string={"q": TYPO}).get_json()
    assert api["corrected"] == FIXED and api["answered"]
    assert client.get("/api/search", query_string={"q": TYPO, "correct": "false"}).get_json()["corrected"] is None
    for path in ("/search", "/search/panel"):
        html = client.get(path, query_string={"q": TYPO}, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "Showing results for" in html and f'data-corrected="{FIXED}"' in html
        assert "correct=false" in html and "search instead for" in html
    html = client.get("/search", query_string={"q": TYPO, "correct": "false"}).get_data(as_text=True)
    assert "Showing results for" not in html and "Did you mean" in html
    args = ["search", TYPO, "--kb", str(BUNDLED_KB), "--index", str(bundled_index)]
    assert f"Showing results for: {FIXED}" in CliRunner().invoke(main, args).output
    assert json.loads(CliRunner().invoke(main, [*args, "--no-correct", "--json"]).output)["corrected"] is None


def test_a_word_cut_short_is_answered_when_its_completion_confirms_the_first_hit(bundled):
    """The results page reads a query exactly; one whose last word was cut short ("…bala")
    finds the right entry but no direct answer. Read as the live panel reads it (the last word
    a prefix), it answers with the same first entry: answered, with the results as typed."""
    q = "return my bala"
    typed = bundled.search(q, correct=False)
    res = bundled.search(q)
    assert not typed.answered and res.answered
    assert [h.id for h in res.hits] == [h.id for h in typed.hits] and res.corrected is None
    assert res.signals["prefix"]["searched"] == "return my balance"
    # a completion that puts another entry first confirms nothing
    assert not bundled.search("weather in moscow tomo").answered


def test_a_correction_applied_is_ranked_once(bundled):
    """Did-you-mean's check ranks the correction to see whether it beats the query; applying
    it shows that same ranking (Results.rankings counts every ranking a search made), with the
    results a search of the correction itself gives."""
    res = bundled.search(TYPO)
    assert res.corrected == FIXED and res.rankings == 2  # the query, its correction once
    direct = bundled.search(FIXED, correct=False)
    assert direct.suggestion is None and direct.rankings == 1  # no correction: no second ranking
    assert [(h.id, h.score, h.snippet) for h in res.hits] == [(h.id, h.score, h.snippet) for h in direct.hits]
    assert (res.total, res.answered, res.signals) == (direct.total, direct.answered, direct.signals)
    # offered, not applied (answered as typed): the check's ranking is still made
    ok = bundled.search("refnud my balanse")
    assert ok.suggestion and ok.corrected is None and ok.rankings == 2
    # as typed on request: the check ranks the correction, nothing applies it
    typed = bundled.search(TYPO, correct=False)
    assert typed.suggestion == FIXED and typed.rankings == 2
