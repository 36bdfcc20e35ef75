"""Content rules in `faqkb check` beyond safety: the lead agrees with its answer, a phrasing
belongs to one entry, and `updated:` is no later than the sources were read."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from faqkb.cli import main
from faqkb.kbase.lint import AGENCIES, lead_problems
from faqkb.kbase.load import read_names
from faqkb.paths import bundled_kb

NAMES = [*read_names(bundled_kb()), *AGENCIES]  # what `faqkb check` holds leads to


def _check(kb_dir: Path):
    return CliRunner().invoke(main, ["check", "--kb", str(kb_dir)])


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


ANSWER_EN = "Yes. T2 lets you terminate in a store; the number must have no debt for 90 days' services."


@pytest.mark.parametrize(("lang", "lead", "answer", "complaint"), [
    ("en", "Yes: " + "very " * 60 + "long.", ANSWER_EN, "over 200"),
    ("zh", "可以。" + "很" * 130, "可以。", "over 120"),
    ("en", "Yes. You can. Really.", ANSWER_EN, "more than one sentence"),
    ("zh", "可以。运营商会退款。", "可以，运营商会退款。", "more than one sentence"),
    ("en", "Yes, after 60 days.", ANSWER_EN, "number(s) 60"),
    ("en", "Yes, at MegaFon.", ANSWER_EN, "names MegaFon"),
    ("ru", "Да, у МТС.", "Да, у T2 можно.", "names МТС"),
    ("en", "No, you cannot.", "Yes. T2 lets you terminate in a store.", "opens negatively"),
    ("en", "Yes, you can.", "No. It is not possible.", "answer opens with"),
    ("zh", "不能退。", "可以退到银行账户。", "opens negatively"),
])
def test_lead_rules_catch(lang, lead, answer, complaint):
    found = lead_problems(lang, lead, answer, NAMES)
    assert any(complaint in what for _, what, _ in found), found


@pytest.mark.parametrize(("lang", "lead", "answer"), [
    ("en", "Yes: T2 lets you terminate in a store if the number has no debt.", ANSWER_EN),
    ("en", "Probably not: the fee has usually eaten it.", "Probably not.\n\nThe daily fee usually eats it."),
    ("ru", "У T2 — да: остаток переводят на счёт или другой номер T2.", "У T2 — да; остаток (3,3 ₽) переводят."),
    ("zh", "通常不能：T2 写明赠送话费不退。", "通常不能。T2 写明不退。"),
    ("en", "Trust only mts.ru and t2.ru.", "Only mts.ru and t2.ru are the operators' own."),
])
def test_lead_rules_pass_honest_leads(lang, lead, answer):
    assert lead_problems(lang, lead, answer, NAMES) == []


def test_the_names_a_lead_is_held_to_are_kb_data(kb_dir):
    """A brand added to kb/synonyms.yaml's names: is held to by `faqkb check` with no code change,
    in any spelling and inflection."""
    syn = kb_dir / "synonyms.yaml"
    syn.write_text(syn.read_text("utf-8") + "names:\n  - [Acmetel, Акметел]\n", "utf-8")
    assert ["Acmetel", "Акметел"] in read_names(kb_dir)
    assert lead_problems("ru", "Да, у Акметела.", "Да, у T2 можно.", read_names(kb_dir))
    assert not lead_problems("ru", "Да, у Акметела.", "Да, у Acmetel можно.", read_names(kb_dir))
    _edit(kb_dir / "refunds" / "refund-remaining-balance.yaml", "lead: T2 明确可以：", "lead: Акметел 和 T2 明确可以：")
    assert "names Акметел" in _check(kb_dir).output


def test_bundled_leads_are_clean_and_required():
    r = CliRunner().invoke(main, ["check"])
    assert r.exit_code == 0, r.output


def test_missing_lead_is_a_schema_error(kb_dir):
    path = kb_dir / "refunds" / "refund-remaining-balance.yaml"
    text = path.read_text("utf-8")
    start = text.index("ru:\n")
    line_start = text.index("  lead:", start)
    line_end = text.index("\n", line_start) + 1
    path.write_text(text[:line_start] + text[line_end:], "utf-8")
    r = _check(kb_dir)
    assert r.exit_code == 1 and "lead (ru) is missing — add lead: under ru:" in r.output


def test_lead_contradicting_its_answer_is_reported_with_location(kb_dir):
    path = kb_dir / "refunds" / "refund-remaining-balance.yaml"
    text = path.read_text("utf-8")
    en = text.index("en:\n")
    lead_at = text.index("  lead:", en)
    end = text.index("\n", lead_at)
    path.write_text(text[:lead_at] + "  lead: No, Rospotrebnadzor refunds within 45 days." + text[end:], "utf-8")
    r = _check(kb_dir)
    assert r.exit_code == 1
    line = text[:lead_at].count("\n") + 1
    assert f"refund-remaining-balance.yaml:{line}:" in r.output
    assert "number(s) 45" in r.output and "names Rospotrebnadzor" in r.output


def test_an_alternative_shared_by_two_entries_is_an_error(kb_dir):
    path = kb_dir / "costs" / "daily-keeping-fee.yaml"
    other = (kb_dir / "refunds" / "refund-remaining-balance.yaml").read_text("utf-8")
    question = next(line.split(":", 1)[1].strip() for line in other.splitlines() if line.startswith("  question:"))
    _edit(path, "  alternatives:\n", f"  alternatives:\n    - {question}\n")
    r = _check(kb_dir)
    assert r.exit_code == 1 and "is also a phrasing of refund-remaining-balance" in r.output


def test_updated_cannot_postdate_its_sources_or_today(kb_dir):
    path = kb_dir / "refunds" / "refund-remaining-balance.yaml"
    text = path.read_text("utf-8")
    updated = next(line for line in text.splitlines() if line.startswith("updated:"))
    _edit(path, updated, "updated: 2999-01-01")
    r = _check(kb_dir)
    assert r.exit_code == 1 and "updated 2999-01-01 is in the future" in r.output
    _edit(path, "updated: 2999-01-01", updated)
    facts = kb_dir / "facts.yaml"
    facts.write_text(facts.read_text("utf-8").replace("checked: '2026-11-25'", "checked: '2020-01-01'"), "utf-8")
    r = _check(kb_dir)
    assert r.exit_code == 1 and "is later than any of its sources was read (2020-01-01)" in r.output


def test_sources_are_per_entry_not_per_language(kb_dir):
    # Cited ids live once per entry: a `sources:` key inside a language block is refused.
    path = kb_dir / "refunds" / "refund-remaining-balance.yaml"
    _edit(path, "ru:\n", "ru:\n  sources: [F1]\n")
    r = _check(kb_dir)
    assert r.exit_code == 1 and "unknown key 'sources'" in r.output


@pytest.mark.parametrize(("lang", "text", "numbers"), [
    ("en", "Since 1 September 2024, within six months; not for one reason.", {"1", "9", "2024", "6"}),
    ("ru", "С 1 сентября 2024 года, в течение шести месяцев; одного кода хватит.", {"1", "9", "2024", "6"}),
    ("zh", "自2024年9月1日起，6个月内；约两个月。", {"2024", "9", "1", "6", "2"}),
    ("en", "test mode since November 2025", {"11", "2025"}),
])
def test_answer_numbers_read_words_and_months(lang, text, numbers):
    from faqkb.kbase.lint import answer_numbers

    assert answer_numbers(lang, text) == numbers


def test_a_number_one_language_lacks_is_reported(kb_dir):
    path = kb_dir / "costs" / "daily-keeping-fee.yaml"
    text = path.read_text("utf-8")
    ru = text.index("ru:\n")
    en = text.index("en:\n")
    block = text[ru:en]
    assert "45" in block
    path.write_text(text[:ru] + block.replace("45", "46", 1) + text[en:], "utf-8")
    r = _check(kb_dir)
    assert r.exit_code == 1
    assert "answer (ru) states 46, which the zh, en answer does not" in r.output
    assert "answer (zh) states 45, which the ru answer does not" in r.output


def test_check_refuses_a_home_page_entry_that_does_not_exist(kb_dir):
    (kb_dir / "home.yaml").write_text("starter:\n  - daily-keeping-fee\n  - no-such-entry\n", "utf-8")
    r = _check(kb_dir)
    assert r.exit_code == 1 and "home.yaml:3:5: starter 'no-such-entry' is not an entry's id" in r.output, r.output
    (kb_dir / "home.yaml").write_text("starter: daily-keeping-fee\n", "utf-8")
    assert "home.yaml must be 'starter:' followed by a list of entry ids" in _check(kb_dir).output
