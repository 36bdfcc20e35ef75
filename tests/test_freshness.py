"""How old the kb's knowledge is (faqkb/kbase/freshness.py): `faqkb check --stale DAYS` lists facts
read longer ago than DAYS and facts past their recheck_by, with the entries resting on them,
as warnings at their line in kb/facts.yaml; exit 3 when that is all. Made-up dates, and
"today" given as a parameter (the library's ``today=``, the command's ``--today``)."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from faqkb.cli import main
from faqkb.kbase.freshness import stale_facts
from faqkb.kbase.load import load_kb


def _dates(kb_dir: Path, **facts: dict) -> None:
    """Set keys of the named facts (F10={"checked": ...})."""
    path = kb_dir / "facts.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    for fid, keys in facts.items():
        data["facts"][fid].update(keys)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def _check(kb_dir: Path, *args: str):
    return CliRunner().invoke(main, ["check", "--kb", str(kb_dir), *args])


def test_old_readings_and_passed_recheck_days_are_listed_with_their_entries(kb_dir):
    _dates(kb_dir, F10={"checked": "2024-01-10"}, F3={"checked": "2026-11-25", "recheck_by": "2027-02-01"},
           F1={"recheck_by": "2027-06-01"})
    kb = load_kb(kb_dir)
    found = {s.id: s for s in stale_facts(kb, 365, today="2027-03-01")}
    assert set(found) == {"F10", "F3"}  # F1: read recently, re-check day still ahead
    assert found["F10"].too_old and found["F10"].age_days == 1146 and not found["F10"].overdue_days
    assert found["F3"].overdue_days == 28 and not found["F3"].too_old
    assert found["F10"].entries == ("daily-keeping-fee", "stop-using-sim-what-happens")
    assert found["F3"].entries == ("how-to-cancel-russian-sim",)
    assert [s.id for s in stale_facts(kb, 365, today="2027-03-01")][0] == "F3"  # the overdue first
    # the same kb a day before F3's re-check day, and with a longer policy: only what is due
    assert [s.id for s in stale_facts(kb, 2000, today="2027-01-31")] == []


def test_check_stale_lists_them_as_warnings_and_exits_3(kb_dir):
    _dates(kb_dir, F10={"checked": "2024-01-10"}, F3={"recheck_by": "2027-02-01"})
    r = _check(kb_dir, "--stale", "365", "--today", "2027-03-01")
    assert r.exit_code == 3, r.output
    text = (kb_dir / "facts.yaml").read_text("utf-8").splitlines()
    f10 = next(line for line in r.output.splitlines() if ": F10:" in line)
    assert f10.startswith(f"kb/facts.yaml:{text.index('  F10:') + 1}:3: warning: F10: last read 2024-01-10, "
                          "1146 days ago (over 365)")
    assert "entries resting on it: daily-keeping-fee, stop-using-sim-what-happens" in f10
    f3 = next(line for line in r.output.splitlines() if ": F3:" in line)
    assert "its re-check day 2027-02-01 passed 28 day(s) ago" in f3 and "set checked and recheck_by" in f3
    # nothing stale: 0; without --stale the same kb is simply clean
    assert _check(kb_dir, "--stale", "5000", "--today", "2027-01-15").exit_code == 0
    assert _check(kb_dir).exit_code == 0


def test_a_real_problem_wins_over_stale_facts(kb_dir):
    _dates(kb_dir, F10={"checked": "2024-01-10"})
    path = kb_dir / "costs" / "daily-keeping-fee.yaml"
    path.write_text(path.read_text("utf-8").replace("category: costs", "category: nonsense"), "utf-8")
    r = _check(kb_dir, "--stale", "365", "--today", "2027-03-01")
    assert r.exit_code == 1 and "category" in r.output


def test_today_must_be_a_day(kb_dir):
    r = _check(kb_dir, "--stale", "30", "--today", "next week")
    assert r.exit_code == 2 and "--today" in r.output
