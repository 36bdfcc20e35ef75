"""What readers see, without a browser: Traditional Chinese with Taiwan phrasing, snippets
that start at a sentence and keep list lines, answers' links to other entries, and the
words of a search marked on an entry page."""

from __future__ import annotations

import pytest

from faqkb.markup import answer_html, highlight_html
from faqkb.script import PHRASES, convert_spans, to_traditional
from faqkb.snippets import first_sentence, make_snippet, plain_text


@pytest.mark.parametrize("simplified,traditional", [
    ("注销前卡里还有余额，能退吗？", "註銷前卡裡還有餘額，能退嗎？"),  # not s2twp's 登出 (log out)
    ("多久到账", "多久到帳"),
    ("请联系运营商", "請聯絡電信業者"),
    ("短信验证码", "簡訊驗證碼"),  # s2twp's Taiwan phrasing
    ("新用户", "新用戶"),
])
def test_traditional_uses_taiwan_phrasing_and_the_reviewed_map(simplified, traditional):
    assert to_traditional(simplified) == traditional


def test_phrase_map_keys_are_simplified_and_values_differ():
    for s, t in PHRASES.items():
        assert s != t and to_traditional(s) == t


def test_spans_follow_a_conversion_that_changes_length():
    text = "把U盘里的运营商短信删掉"  # 运营商 (3) → 電信業者 (4), U盘 (2) → 隨身碟 (3)
    i = text.index("短信")
    out, spans = convert_spans(text, [(i, i + 2), (text.index("运营商"), text.index("运营商") + 3)])
    assert [out[s:e] for s, e in spans] == ["簡訊", "電信業者"]


def test_plain_text_keeps_list_lines_and_one_char_per_break():
    md = "Yes, usually.\n\n- **T2**: refund.\n- MTS: ask.\n\nThen wait."
    text = plain_text(md)
    assert text == "Yes, usually.\n• T2: refund.\n• MTS: ask.\nThen wait."


def test_snippet_starts_at_a_sentence_keeps_the_opening_and_the_match():
    text = ("No. " + "Filler words that say nothing much at all. " * 8 + "The refund goes to a bank account. "
            + "More filler text follows here. " * 6)
    i = text.index("refund")
    snippet, spans = make_snippet(text, [(i, i + 6)])
    assert not snippet.startswith("…") and snippet[spans[0][0]:spans[0][1]] == "refund"
    short = "Yes. The refund is possible. " + "x " * 200
    snippet, _ = make_snippet(short, [(short.index("refund"), short.index("refund") + 6)])
    assert snippet.startswith("Yes.")


def test_first_sentence_is_the_fallback_lead():
    assert first_sentence("No. Bonus credit is not cash. And more.", 10) == "No. Bonus credit is not cash."
    assert first_sentence("一般可以申请。按规定可以退。\n• x") == "一般可以申请。"


def test_entry_links_become_links_to_entry_pages_and_others_stay_external():
    html = str(answer_html("See [abroad](entry:cancel-from-abroad) and [T2](https://t2.ru/x).", "/entry/ID"))
    assert '<a href="/entry/cancel-from-abroad" class="xref">abroad</a>' in html
    assert '<a href="https://t2.ru/x" rel="noopener noreferrer nofollow">T2</a>' in html
    assert 'href="javascript' not in str(answer_html("[x](entry:a)[y](javascript:alert(1))"))


def test_search_words_marked_in_answer_html_only_in_text(bundled):
    html = answer_html("**Refund**: the <b>balance</b> & [refund page](https://t2.ru/refund).")
    marked = str(highlight_html(html, bundled.marker("refund")))
    assert "<strong><mark>Refund</mark></strong>" in marked
    assert 'href="https://t2.ru/refund"' in marked  # attributes untouched
    assert "&amp;" in marked and "<b>" not in marked


def test_lint_reports_links_to_unknown_entries(kb_dir):
    from faqkb.kbase.lint import lint_kb

    path = next(kb_dir.glob("process/*.yaml"))
    text = path.read_text("utf-8")
    path.write_text(text.replace("answer: |\n", "answer: |\n    See [that](entry:no-such-entry).\n", 1), "utf-8")
    problems, _ = lint_kb(kb_dir)
    assert any("entry:no-such-entry" in str(p) for p in problems)


def test_entry_page_and_show_list_the_same_sources_with_the_same_warnings():
    """One source list (faqkb.sources.reader_sources) feeds both surfaces: every source the
    entry page lists is printed by `show` with the same link, an unofficial or unverified one is
    flagged on both, and a fact nobody could source is listed without its (editors') claim."""
    from faqkb.cli.render import terminal_entry
    from faqkb.kbase.load import load_kb
    from faqkb.paths import bundled_kb
    from faqkb.present import sources

    kb = load_kb(bundled_kb())
    flagged = {"uncertain": "not verified", "third-party": "not an official source"}
    seen_kinds = set()
    for entry in kb.entries.values():
        listed = sources(entry, kb.facts, "en", today="2026-12-01")
        shown = " ".join(terminal_entry(entry, "en", facts=kb.facts, width=10_000, today="2026-12-01").split())
        shown = shown[shown.index("Sources:"):] if listed else ""
        for s in listed:
            seen_kinds.add((bool(s["url"]), s["unsourced"], s["confidence"]))
            if s["unsourced"]:
                assert "not confirmed by any source" in shown, entry.id
                assert not any(kb.facts[f].claim[:30] in shown for f in entry.sources), entry.id
                continue
            title = " ".join(s["title"].split())
            assert title in shown, (entry.id, title)
            line = shown[shown.index(title):].split("•", 1)[0]
            # the operator's page with its link; an outlet cited, never linked
            assert (s["url"] in line) if s["url"] else ("https://" not in line), (entry.id, title)
            if s["confidence"] in flagged:
                assert flagged[s["confidence"]] in line, (entry.id, title)
        assert len({(s["url"], s["title"]) for s in listed if not s["unsourced"]}) \
            == len([s for s in listed if not s["unsourced"]])  # each source once
    # the bundled kb exercises every branch above: a linked operator page, an unlinked outlet,
    # an unsourced point
    assert {(True, False, "operator"), (False, False, "third-party"), (False, True, "uncertain")} <= seen_kinds
