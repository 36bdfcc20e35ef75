"""A short half-typed query whose top 3 are one kind under the kind's general entry has the
entry of that kind readers ask most third (asked.py: kb/home.yaml's starter, most useful
first, written into the index at build). Queries here are made up; none is copied from an
evaluation set."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from faqkb.engine.searcher import Searcher
from faqkb.service import open_searcher

BUNDLED_KB = Path(__file__).resolve().parents[1] / "kb"


@pytest.mark.parametrize("typed", ["ways to clos", "ways to termin"])
def test_the_kinds_most_asked_entry_joins_a_top_3_of_one_kind(bundled, typed):
    res = bundled.search(typed, prefix=True)
    exact = bundled.search(typed, correct=False)
    top = [h.id for h in res.hits[:3]]
    # how to cancel first, then two more process entries: the process entry asked most joins
    assert top[0] == "how-to-cancel-russian-sim" and top[2] == "cancel-from-abroad"
    assert res.signals["most_asked"] == "cancel-from-abroad"
    assert top[0] == exact.hits[0].id and res.answered == exact.answered  # the first hit and the verdict stay
    assert "cancel-from-abroad" not in {h.id for h in exact.hits[:3]}  # the results page stays as ranked


@pytest.mark.parametrize("typed", [
    "what are the ways to canc",  # three words once the filler is out: the words decide
    "refund my bal",  # the refund kind's top 3 already hold what readers ask most of it
    "办理销",  # Chinese (a top 3 of process entries too): the phrasing fit orders it
])
def test_a_longer_query_a_top_3_holding_it_or_chinese_keeps_its_order(bundled, typed):
    assert "most_asked" not in bundled.search(typed, prefix=True).signals


def test_exact_search_never_reads_the_prior(bundled):
    assert "most_asked" not in bundled.search("ways to clos").signals


def test_the_editors_list_decides_which_entry_joins(tmp_path):
    """The prior is data editors own: another starter list, another entry joins."""
    kb = tmp_path / "kb"
    shutil.copytree(BUNDLED_KB, kb)
    home = kb / "home.yaml"
    data = yaml.safe_load(home.read_text("utf-8"))
    data["starter"] = ["how-to-cancel-russian-sim", "cancel-by-representative", "refund-remaining-balance"]
    home.write_text(yaml.safe_dump(data), "utf-8")
    s: Searcher = open_searcher(kb, tmp_path / "index", build=True)
    res = s.search("ways to termin", prefix=True)
    assert res.signals["most_asked"] == "cancel-by-representative"
    assert [h.id for h in res.hits[:3]][2] == "cancel-by-representative"
