"""`faqkb check`'s writing rules (faqkb/kbase/style.py, docs/content.md): made-up bad entries in a
private copy of the fixture kb, each reported at file:line:col with what is wrong and how to
fix it; warnings printed without failing the check; alternatives left as readers type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from faqkb.cli import main
from faqkb.kbase.load import load_kb
from faqkb.kbase.style import HEDGES, StyleWarning, style_problems

ENTRY = "refunds/refund-remaining-balance.yaml"
SHOWN = f"kb/{ENTRY}"


def _edit(kb_dir: Path, old: str, new: str, name: str = ENTRY) -> int:
    """Replace ``old`` once; the 1-based line where ``new`` starts."""
    path = kb_dir / name
    text = path.read_text("utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    path.write_text(text, "utf-8")
    return text[:text.index(new)].count("\n") + 1


def _check(kb_dir: Path, *extra: str):
    return CliRunner().invoke(main, ["check", "--kb", str(kb_dir), *extra])


def _lines(output: str, needle: str) -> list[str]:
    return [line for line in output.splitlines() if needle in line]


def test_the_fixture_kb_is_clean_of_errors(kb_dir):
    r = _check(kb_dir)
    assert r.exit_code == 0, r.output


def test_informal_address_in_zh_and_ru_is_an_error_located_at_the_word(kb_dir):
    line = _edit(kb_dir, "  question: 注销前卡里还有余额，能退吗？", "  question: 注销前你卡里还有余额，能退吗？")
    _edit(kb_dir, "    - 余额能退吗", "    - 你的余额能退吗")  # alternatives: as readers type
    ru_line = _edit(kb_dir, "    Что сделать:", "    Что тебе сделать:")
    r = _check(kb_dir)
    assert r.exit_code == 1
    [zh] = _lines(r.output, "addresses the reader informally (“你”)")
    assert zh.startswith(f"{SHOWN}:{line}:16: question (zh)") and "use 您 throughout" in zh
    [ru] = _lines(r.output, "(“тебе”)")
    assert ru.startswith(f"{SHOWN}:{ru_line}:9: answer (ru)") and "вы (вас, вам, ваш)" in ru


def test_straight_quotes_around_chinese_are_an_error(kb_dir):
    line = _edit(kb_dir, "    建议：", '    建议："先结清欠费"再办理：')
    r = _check(kb_dir)
    [p] = _lines(r.output, "straight quotes")
    assert p.startswith(f"{SHOWN}:{line}:") and "use full-width quotes: “先结清欠费”" in p and r.exit_code == 1
    # straight quotes around Latin text (a product name, a code) are not this rule's business
    kb = kb_dir
    _edit(kb, '    建议："先结清欠费"再办理：', '    建议：在 "My Beeline" 里查看：')
    assert not _lines(_check(kb).output, "straight quotes")


GLOSSARY = """prefer:
  zh:
    营业厅: [门店]
    双重验证: [两步验证]
gloss:
  zh:
    - gloss: 俄罗斯国家服务门户（Gosuslugi）
      terms: [Gosuslugi, Госуслуги]
"""


def test_glossary_variants_and_a_missing_gloss_are_errors(kb_dir):
    (kb_dir / "glossary.yaml").write_text(GLOSSARY, "utf-8")
    line = _edit(kb_dir, "    2. 办理注销时就提出退款，并说明退到哪里；",
                 "    2. 去门店办理注销时就提出退款，也可以在 Gosuslugi 查看；")
    r = _check(kb_dir)
    assert r.exit_code == 1
    [variant] = [p for p in _lines(r.output, "says “门店”") if p.startswith(SHOWN)]
    assert variant.startswith(f"{SHOWN}:{line}:9: answer (zh)") and "write “营业厅”" in variant
    [gloss] = [p for p in _lines(r.output, "before (or without) its gloss") if p.startswith(SHOWN)]
    assert gloss.startswith(f"{SHOWN}:{line}:") and "“Gosuslugi”" in gloss
    # glossed at first use: the short form after that is right
    _edit(kb_dir, "  lead: T2 明确可以", "  lead: 俄罗斯国家服务门户（Gosuslugi）之外，T2 明确可以")
    assert not [p for p in _lines(_check(kb_dir).output, "its gloss") if p.startswith(SHOWN)]
    # a quoted variant names a label (an app's menu item), not the concept
    _edit(kb_dir, "    3. 保留申请书和注销文件的副本。", "    3. 在 App 的“两步验证”菜单里开启双重验证。")
    assert not [p for p in _lines(_check(kb_dir).output, "两步验证") if p.startswith(SHOWN)]
    # the readers' own words in alternatives are not flagged
    _edit(kb_dir, "    - 余额能退吗", "    - 门店 余额能退吗")
    assert len([p for p in _lines(_check(kb_dir).output, "says “门店”") if p.startswith(SHOWN)]) == 1


def test_a_malformed_glossary_is_located(kb_dir):
    (kb_dir / "glossary.yaml").write_text("prefer: [门店]\n", "utf-8")
    r = _check(kb_dir)
    assert r.exit_code == 1 and "kb/glossary.yaml:1:1: glossary.yaml must be" in r.output


def test_stacked_hedges_warn_without_failing(kb_dir):
    line = _edit(kb_dir, "    Что сделать:", "    Возможно, как правило, оператор обычно вернёт деньги.\n\n    Что сделать:")
    r = _check(kb_dir)
    assert r.exit_code == 0, r.output  # a warning: a person may keep the text
    [p] = _lines(r.output, "hedges 3 times")
    assert p.startswith(f"{SHOWN}:{line}:5: warning: a paragraph (ru)") and "Возможно, как правило, обычно" in p
    data = json.loads(_check(kb_dir, "--json").output)
    assert [x["severity"] for x in data["problems"] if "hedges 3" in x["message"]] == ["warning"]


@pytest.mark.parametrize("lang", sorted(HEDGES))
def test_one_hedge_per_paragraph_is_fine(lang):
    from faqkb.kbase.model import Entry, KnowledgeBase, Translation

    one = {"zh": "可能要几天。", "ru": "Возможно, это займёт несколько дней.", "en": "It may take a few days."}[lang]
    two = {"zh": "可能要几天，一般更久。", "ru": "Возможно, обычно дольше.", "en": "It may take days, usually more."}[lang]
    for text, n in ((one, 0), (f"{one}\n\n{one}", 0), (two, 1)):
        e = Entry("x", "basics", {lang: Translation("q?", ("a", "b", "c"), text, "")}, path="x.yaml")
        found = style_problems(KnowledgeBase("kb", {"x": e}), Path("/nonexistent/kb"))
        assert len(found) == n and all(isinstance(p, StyleWarning) for p in found), (text, found)


def test_another_entrys_question_in_plain_text_should_be_a_link(kb_dir):
    kb = load_kb(kb_dir)
    other = kb.entries["daily-keeping-fee"].translations["en"].question
    line = _edit(kb_dir, "  answer: |\n    Usually yes", f"  answer: |\n    See {other} Usually yes")
    r = _check(kb_dir)
    [p] = _lines(r.output, "names another entry's question in plain text")
    assert p.startswith(f"{SHOWN}:{line + 1}:") and "(entry:daily-keeping-fee)" in p and r.exit_code == 1
    _edit(kb_dir, f"See {other} Usually", f"See [{other}](entry:daily-keeping-fee). Usually")
    assert not _lines(_check(kb_dir).output, "in plain text")


@pytest.mark.parametrize("lang,old,lead", [
    ("en", "  lead: 'At T2, yes:", "  lead: 'We found no rule for other operators; at T2, yes:"),
    ("zh", "  lead: T2 明确可以", "  lead: 我们没有找到其他运营商的规定；T2 明确可以"),
    ("ru", "  lead: 'У T2 — да:", "  lead: 'Мы не нашли правил других операторов; у T2 — да:"),
])
def test_a_lead_that_opens_with_what_was_not_found_is_flagged(kb_dir, lang, old, lead):
    line = _edit(kb_dir, old, lead)
    r = _check(kb_dir)
    [p] = _lines(r.output, f"lead ({lang}) opens with what was not found")
    assert p.startswith(f"{SHOWN}:{line}:") and "open with what the reader can do" in p and r.exit_code == 1
