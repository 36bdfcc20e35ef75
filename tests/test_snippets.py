"""Snippet shape (issue 21, item 5): one sentence or up to three list items, never ending on a
lead-in ("需要注意：", "What to do:", "Что делать:"), no single function character marked; the
same snippet in the CLI, the API and the live panel. Pure functions on made-up answers first,
then every bundled answer, then the three surfaces on the bundled index."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
import yaml
from click.testing import CliRunner
from conftest import BUNDLED_KB

from faqkb.cli import main
from faqkb.kbase.model import LANGS
from faqkb.snippets import (
    FUNCTION_HAN,
    SNIPPET_CHARS,
    compact_marks,
    compact_spans,
    highlight_spans,
    make_snippet,
    plain_text,
)

LEAD_INS = {
    "zh": "可以办理。先准备好护照。需要注意：\n\n- 第一条说明余额怎么退；\n- 第二条说明合同；\n- 第三条说明号码；\n- 第四条说明退款。",
    "en": "Yes. Bring your passport. What to do:\n\n- first, check the balance;\n- second, end the contract;\n"
          "- third, keep the receipt;\n- fourth, ask for the refund.",
    "ru": "Да. Возьмите паспорт. Что делать:\n\n- сначала проверьте баланс;\n- потом расторгните договор;\n"
          "- сохраните квитанцию;\n- попросите возврат.",
}
LEAD_WORD = {"zh": "注意", "en": "What", "ru": "делать"}


def spans_of(text: str, *words: str) -> list[tuple[int, int]]:
    return sorted((m.start(), m.end()) for w in words for m in re.finditer(re.escape(w), text))


def items(snippet: str) -> list[str]:
    return [line for line in snippet.split("\n") if line.startswith("• ")]


def assert_shape(snippet: str) -> None:
    """One sentence (no line break; a short opening may precede it) or only list items, at
    most three; never ending on a colon."""
    assert snippet.strip(), "empty snippet"
    assert not snippet.rstrip("…").rstrip().endswith((":", "：")), snippet
    lines = snippet.split("\n")
    if len(lines) > 1 or snippet.startswith("• "):
        assert lines == items(snippet) and len(lines) <= 3, snippet


@pytest.mark.parametrize("lang", sorted(LEAD_INS))
def test_a_match_in_a_lead_in_shows_the_list_it_introduces(lang):
    text = plain_text(LEAD_INS[lang])
    snippet, spans = make_snippet(text, spans_of(text, LEAD_WORD[lang]))
    assert_shape(snippet)
    assert len(items(snippet)) == 3 and snippet.startswith("• "), snippet  # the first three items, not the lead-in
    assert LEAD_WORD[lang] not in snippet


@pytest.mark.parametrize("lang", sorted(LEAD_INS))
def test_without_a_match_the_snippet_is_the_opening_never_the_lead_in(lang):
    text = plain_text(LEAD_INS[lang])
    snippet, spans = make_snippet(text, [])
    assert_shape(snippet)
    assert spans == [] and "\n" not in snippet and LEAD_WORD[lang] not in snippet, snippet


def test_a_list_shows_at_most_three_items_around_the_matches():
    text = plain_text("Some steps:\n\n- one apple;\n- two pears;\n- three refund plums;\n- four refund figs;\n"
                      "- five kiwis;\n- six limes.")
    snippet, spans = make_snippet(text, spans_of(text, "refund"))
    assert_shape(snippet)
    assert "three refund" in snippet and "four refund" in snippet and len(items(snippet)) <= 3
    assert [snippet[s:e] for s, e in spans] == ["refund", "refund"]


def test_a_paragraph_gives_the_sentence_that_matched_after_a_short_opening():
    text = plain_text("No. The balance stays on the account for a while. A refund needs a written request "
                      "at a store. Nobody calls you about it.\n\nAnother paragraph about refund rules.")
    snippet, spans = make_snippet(text, spans_of(text, "request", "store"))
    assert snippet == "No. A refund needs a written request at a store."
    assert [snippet[s:e] for s, e in spans] == ["request", "store"]
    zh = plain_text("不能。余额会保留一段时间。退款要在营业厅写书面申请。没有人会为此给您打电话。")
    snippet, spans = make_snippet(zh, spans_of(zh, "申请"))
    assert snippet == "不能。退款要在营业厅写书面申请。" and [snippet[s:e] for s, e in spans] == ["申请"]


def test_the_sentence_with_most_distinct_words_wins_and_a_long_one_is_cut_around_them():
    text = plain_text("The refund of the refund of the refund. The passport and the refund at the store. "
                      + "A long sentence " + "with many filler words " * 20 + "ending on the passport refund rule.")
    snippet, _ = make_snippet(text, spans_of(text, "refund", "passport"))
    assert snippet == "The passport and the refund at the store."
    long_only = plain_text("A long sentence " + "with many filler words " * 20 + "ending on the passport refund rule.")
    snippet, spans = make_snippet(long_only, spans_of(long_only, "passport"))
    assert snippet.startswith("…") and len(snippet) <= SNIPPET_CHARS + 2
    assert [snippet[s:e] for s, e in spans] == ["passport"]


def test_a_match_late_in_a_sentence_grows_the_window_rather_than_cut_into_the_sentence():
    text = plain_text("Short. Bonus and promo credits " + "and other things " * 9 + "are never refunded to you.")
    snippet, spans = make_snippet(text, spans_of(text, "refunded"))
    assert snippet.startswith("Short. Bonus and promo credits") and [snippet[s:e] for s, e in spans] == ["refunded"]


def test_single_function_characters_are_never_marked():
    # 注销后怎么做 segments to 注销 / 后 / 怎么 / 做: only 注销 (and a content character) is marked.
    marks = [("注销", 0, 2, "zhuxiao"), ("后", 2, 3, ""), ("做", 5, 6, ""), ("卡", 6, 7, ""), ("的", 7, 8, "")]
    terms = {"words": {"注销", "后", "做", "卡", "的"}, "pinyin": set()}
    assert highlight_spans(marks, terms) == compact_spans(compact_marks(marks), terms) == [(0, 2), (6, 7)]
    assert {"后", "做", "的", "了"} <= FUNCTION_HAN and not {"卡", "钱", "税", "号"} & FUNCTION_HAN



@pytest.mark.parametrize("words", [0, 1, 40, 400])
def test_compact_marks_decode_as_three_objects_whatever_the_words(words):
    """A hit's marks (made at build, decoded per first-time hit) are three objects whatever the
    text's length: the offsets one bytes object of 8 bytes a word (two little-endian uint32),
    not an int object each; compact_spans reads them, and a flat tuple of a version built
    before them, to the same spans."""
    import marshal

    marks = [(f"w{i % 7}", 3 * i, 3 * i + 2, "py" if i % 5 == 0 else "") for i in range(words)]
    packed = compact_marks(marks)
    assert len(packed) == 3 and isinstance(packed[1], bytes) and len(packed[1]) == 8 * words
    assert all(isinstance(x, (str, bytes)) for x in marshal.loads(marshal.dumps(packed)))
    legacy = (packed[0], tuple(x for _, s, e, _ in marks for x in (s, e)), packed[2])
    for terms in ({"words": {"w1", "w3"}, "pinyin": set()}, {"words": {"w0"}, "pinyin": {"py"}},
                  {"words": set(), "pinyin": set()}):
        assert compact_spans(packed, terms) == compact_spans(legacy, terms) == highlight_spans(marks, terms)

def in_lead_in(text: str, at: int) -> bool:
    """Whether offset ``at`` is in a sentence ending in a colon at the end of its line."""
    m = re.compile(r"[^。！？\n]*?(?:[.!?](?=\s)|[。！？\n]|$)").match(text, at)
    return bool(m) and m.group().endswith("\n") and m.group()[:-1].rstrip().endswith((":", "："))


def _answers():
    for path in sorted(BUNDLED_KB.glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "id" in data:
            for lang in LANGS:
                if lang in data:
                    yield data["id"], lang, plain_text(data[lang]["answer"])


def test_every_bundled_answer_gives_a_snippet_of_the_right_shape_for_any_word():
    checked = 0
    for entry_id, lang, text in _answers():
        words = sorted(set(re.findall(r"\w{4,}", text)))[::7][:12] + [""]
        for w in words:
            spans = spans_of(text, w) if w else []
            snippet, kept = make_snippet(text, spans)
            assert_shape(snippet)
            for s, e in kept:
                assert snippet[s:e] == w, (entry_id, lang, w, snippet)
            if any(not in_lead_in(text, a) for a, _ in spans):
                assert kept, (entry_id, lang, w, snippet)  # the snippet shows a match it was given
            checked += 1
    assert checked > 500


QUERIES = ("注销后要做什么", "注销了的卡", "what to do after cancelling", "что делать после расторжения договора")


def test_the_cli_the_api_and_the_live_panel_show_the_same_snippets(bundled_index, tmp_path):
    from faqkb.web import create_app

    app = create_app({"KB": BUNDLED_KB, "INDEX": bundled_index, "INSTANCE": tmp_path, "SECRET_KEY": "t",
                      "TESTING": True, "RATELIMIT_ENABLED": False, "BUILD": False})
    client = app.test_client()
    for q in QUERIES:
        cli = CliRunner().invoke(main, ["search", q, "--kb", str(BUNDLED_KB), "--index", str(bundled_index),
                                        "--json", "--no-build", "--limit", "10"], catch_exceptions=False)
        assert cli.exit_code == 0, cli.output
        cli_hits = {h["id"]: (h["snippet"], h["snippet_highlights"]) for h in json.loads(cli.output)["hits"]}
        api = client.get("/api/search", query_string={"q": q, "limit": 10}).get_json()
        assert {h["id"]: (h["snippet"], h["snippet_highlights"]) for h in api["hits"]} == cli_hits, q
        panel = client.get("/search/panel", query_string={"q": q, "prefix": "false"}).get_data(as_text=True)
        shown = re.findall(r'<li class="hit">\s*<a class="hit-q" data-id="([^"]+)".*?<p class="hit-snippet"[^>]*>(.*?)</p>',
                           panel, re.S)
        assert len(shown) >= 3, q
        for entry_id, html in shown:
            snippet, hl = cli_hits[entry_id]
            assert_shape(snippet)
            assert unescape(re.sub(r"</?mark>", "", html)) == snippet, (q, entry_id)
            marked = [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", html)]
            assert marked == [snippet[s:e] for s, e in hl], (q, html)
            assert not [m for m in marked if len(m) == 1 and m in FUNCTION_HAN], (q, marked)
