"""The source register (kb/facts.yaml) and the per-language `lead`: loaded, validated by
`faqkb check`, stored in the index and returned by Searcher.facts(), the API and `show`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from faqkb.cli import main
from faqkb.kbase.load import load_kb
from faqkb.kbase.model import CONFIDENCES
from faqkb.paths import bundled_kb


def _check(kb_dir: Path):
    return CliRunner().invoke(main, ["check", "--kb", str(kb_dir)])


def _edit_facts(kb_dir: Path, old: str, new: str) -> None:
    path = kb_dir / "facts.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_bundled_register_is_complete():
    kb = load_kb(bundled_kb())
    cited = {s for e in kb.entries.values() for s in e.sources}
    assert cited <= set(kb.facts)
    for f in kb.facts.values():
        assert f.confidence in CONFIDENCES
        assert f.title or f.confidence == "uncertain", f.id
        assert f.id.startswith("F") or f.confidence == "uncertain", f.id  # U-ids are unverified by definition


@pytest.mark.parametrize("old,new,host", [
    # a look-alike of an operator's site
    ("url: https://media.mts.ru/internet/123907", "url: https://mts-help.example.com/mnp", "mts-help.example.com"),
    # a real news outlet: cited by title, publisher and date, never linked — a link in kb/ is
    # shown to readers, and only operators' and government sites may be linked (docs/content.md)
    ("    publisher: RBC\n", "    publisher: RBC\n    url: https://www.rbc.ru/economics/26/01/2024/x\n", "www.rbc.ru"),
])
def test_check_refuses_a_register_link_off_the_allowlist(kb_dir, old, new, host):
    _edit_facts(kb_dir, old, new)
    r = _check(kb_dir)
    assert r.exit_code == 1
    assert "kb/facts.yaml:" in r.output and "remove the url" in r.output
    assert f"source link {host} is not an operator's or a government's site" in r.output


def test_every_link_in_the_bundled_register_is_an_operators_or_governments():
    import yaml

    official = yaml.safe_load((bundled_kb() / "allowed_domains.yaml").read_text("utf-8"))["domains"]
    kb = load_kb(bundled_kb())
    urls = [u for f in kb.facts.values() for u in (f.url, *(s.url for s in f.also)) if u]
    assert urls
    for u in urls:
        host = u.split("/")[2].lower()
        assert any(host == d or host.endswith("." + d) for d in official), u


def test_check_refuses_a_sourced_fact_without_its_source(kb_dir):
    # F30 is uncertain with no url: allowed. Marking it "government" without a source is not.
    _edit_facts(kb_dir, "  F30:\n", "  F30:\n    confidence: government\n")
    text = (kb_dir / "facts.yaml").read_text("utf-8")
    start = text.index("  F30:\n")
    end = text.index("  U1:\n")
    block = text[start:end].replace("    confidence: uncertain\n", "", 1)
    (kb_dir / "facts.yaml").write_text(text[:start] + block + text[end:], "utf-8")
    r = _check(kb_dir)
    assert r.exit_code == 1
    assert "F30: 'title', 'publisher', 'date' are missing" in r.output  # one line for the fact
    assert r.output.count("F30:") == 1 and "only an uncertain fact may have no source" in r.output
    assert "Traceback" not in r.output


def test_check_refuses_an_unknown_confidence_and_a_bad_day(kb_dir):
    _edit_facts(kb_dir, "confidence: operator", "confidence: official")
    _edit_facts(kb_dir, "checked: '2026-11-25'", "checked: '2026-02-30'")
    r = _check(kb_dir)
    assert r.exit_code == 1
    assert "confidence is 'official' — use one of: operator, government, third-party, uncertain" in r.output


def test_check_refuses_an_uncited_id(kb_dir):
    path = kb_dir / "refunds" / "refund-remaining-balance.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("sources: [", "sources: [F999, ", 1), "utf-8")
    r = _check(kb_dir)
    assert r.exit_code == 1 and "source F999 is not a known fact id" in r.output


def test_searcher_returns_the_register(searcher):
    facts = searcher.facts()
    kb = load_kb(Path(__file__).parent / "fixtures" / "kb")
    assert facts == kb.facts
    assert facts["F3"].url.startswith("https://") and facts["F3"].confidence == "operator"


def test_lead_reaches_show_and_api(kb_dir, index_dir):
    from faqkb.present import entry_dict
    from faqkb.search import Searcher

    s = Searcher(index_dir)
    e = s.entry("refund-remaining-balance")
    for lang, tr in e.translations.items():
        assert entry_dict(e, lang)["lead"] == tr.lead
    for lang in e.translations:
        r = CliRunner().invoke(main, ["show", "refund-remaining-balance", "--json", "--lang", lang,
                                      "--kb", str(kb_dir), "--index", str(index_dir)])
        assert r.exit_code == 0, r.output
        assert json.loads(r.output) == entry_dict(e, lang, facts=s.facts())  # one public shape: the API's
