"""The CLI from the user's side: commands, exit codes, one-line errors, --json."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import FIXTURE_KB

from faqkb.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_search_json_is_stable(fixture_index):
    r = run("search", "注销 余额", "--kb", FIXTURE_KB, "--index", fixture_index, "--json", "--limit", "2")
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert set(data) == {"query", "query_lang", "total", "page", "pages", "limit", "answered", "suggestion", "corrected",
                         "typing", "hits"}
    assert data["hits"][0]["id"] == "refund-remaining-balance"
    assert set(data["hits"][0]) == {"id", "category", "lang", "fallback", "question", "snippet",
                                    "question_highlights", "snippet_highlights", "score"}


def test_search_human_output_marks_matches(fixture_index):
    r = run("search", "МТС расторжение", "--kb", FIXTURE_KB, "--index", fixture_index)
    assert r.exit_code == 0
    assert "how-to-cancel-russian-sim" in r.output and "[" in r.output


def test_search_builds_missing_index(kb_dir, tmp_path):
    r = run("search", "refund", "--kb", kb_dir, "--index", tmp_path / "new", "--json")
    assert r.exit_code == 0 and json.loads(r.output)["hits"]


def test_no_build_on_missing_index_is_one_line_error(kb_dir, tmp_path):
    r = CliRunner().invoke(main, ["search", "x", "--kb", str(kb_dir), "--index", str(tmp_path / "none"), "--no-build"])
    assert r.exit_code == 2
    assert r.output.count("\n") == 1 and r.output.startswith("faqkb: error: no index")


def test_too_long_query_is_a_clear_error(fixture_index):
    r = CliRunner().invoke(main, ["search", "x" * 500, "--kb", str(FIXTURE_KB), "--index", str(fixture_index)])
    assert r.exit_code == 2 and "limit is 200" in r.output and "Traceback" not in r.output


def test_show_entry_and_unknown_id(fixture_index):
    r = run("show", "refund-remaining-balance", "--lang", "ru", "--kb", FIXTURE_KB, "--index", fixture_index)
    assert r.exit_code == 0 and "баланс" in r.output.lower()
    r = CliRunner().invoke(main, ["show", "nope", "--kb", str(FIXTURE_KB), "--index", str(fixture_index)])
    assert r.exit_code == 2 and "no entry 'nope'" in r.output


def test_broken_yaml_gives_file_line_and_nonzero_exit_and_keeps_index(kb_dir, index_dir):
    before = sorted(p.name for p in index_dir.iterdir())
    bad = kb_dir / "refunds" / "refund-remaining-balance.yaml"
    text = bad.read_text("utf-8")
    # Empty the Russian answer: the message must say which file, line, field and language.
    start = text.index("ru:")
    answer_at = text.index("  answer:", start)
    end = text.index("\nen:", answer_at)
    bad.write_text(text[:answer_at] + '  answer: ""' + text[end:], "utf-8")
    r = CliRunner().invoke(main, ["build", "--kb", str(kb_dir), "--index", str(index_dir)])
    assert r.exit_code == 1
    line_no = text[:answer_at].count("\n") + 1
    assert f"kb/refunds/refund-remaining-balance.yaml:{line_no}:" in r.output
    assert "answer (ru) is empty — write the Russian answer or remove ru" in r.output
    assert "Traceback" not in r.output
    assert sorted(p.name for p in index_dir.iterdir()) == before


def test_check_is_clean_on_bundled_kb():
    r = run("check")
    assert r.exit_code == 0, r.output


def test_check_flags_phone_handle_and_unofficial_link(kb_dir):
    path = kb_dir / "scams" / "contract-expiring-call-scam.yaml"
    text = path.read_text("utf-8")
    text = text.replace("en:\n  question:", "en:\n  question: Call +7 (495) 123-45-67 or @fastcancel, see "
                        "https://t.me/x and https://mts-help.example.com/ -", 1)
    path.write_text(text, "utf-8")
    r = CliRunner().invoke(main, ["check", "--kb", str(kb_dir)])
    assert r.exit_code == 1
    out = r.output
    assert "contract-expiring-call-scam.yaml:" in out
    assert "looks like a phone number" in out and "+7 (495) 123-45-67" in out
    assert "messenger handle" in out and "@fastcancel" in out
    assert "links to a messenger (t.me)" in out
    assert "mts-help.example.com, which is not on the allowlist" in out


def test_check_flags_contacts_in_offtopic_questions(kb_dir):
    """kb/offtopic.yaml is kb/ too: a reader's question copied there may carry a contact."""
    (kb_dir / "offtopic.yaml").write_text("offtopic:\n  en:\n    - weather in Moscow\n"
                                          "    - weather bot @weatherfast or call +7 (495) 123-45-67\n", "utf-8")
    r = CliRunner().invoke(main, ["check", "--kb", str(kb_dir)])
    assert r.exit_code == 1
    assert "offtopic.yaml:" in r.output and "@weatherfast" in r.output and "+7 (495) 123-45-67" in r.output


def test_check_refuses_a_malformed_allowlist(kb_dir):
    (kb_dir / "allowed_domains.yaml").write_text("domains: [mts.ru]\nnamed_not_linked: mts.by\n", "utf-8")
    r = CliRunner().invoke(main, ["check", "--kb", str(kb_dir)])
    assert r.exit_code == 1
    assert "kb/allowed_domains.yaml:1:1: 'named_not_linked' must be a list of text" in r.output


def test_search_with_no_words_exits_2_with_one_line(kb_dir, index_dir):
    for q in ("", "   "):
        r = CliRunner().invoke(main, ["search", q, "--kb", str(kb_dir), "--index", str(index_dir)])
        assert r.exit_code == 2
        assert len(r.output.strip().splitlines()) == 1 and "nothing to search for" in r.output


def test_show_renders_markdown_related_by_title_and_sources_with_urls(bundled_index):
    r = CliRunner().invoke(main, ["show", "how-to-cancel-russian-sim", "--lang", "en", "--index", str(bundled_index),
                                  "--no-build"])
    assert r.exit_code == 0, r.output
    out = r.output
    assert "**" not in out and "\033[" not in out  # piped: plain text, Markdown rendered
    assert "\n1. In a store." in out and "\n   an identity document" in out  # list item, hanging indent
    flat = " ".join(out.split())
    assert "What conditions must be met to terminate a Russian mobile contract? (conditions-to-cancel)" in flat
    assert "https://" in out.split("Sources:")[1]
    assert "faqkb show cancel-from-abroad" in out  # the in-answer link, as a footnote


def test_show_in_traditional_chinese(bundled_index):
    r = CliRunner().invoke(main, ["show", "refund-remaining-balance", "--lang", "zh", "--script", "Hant",
                                  "--index", str(bundled_index), "--no-build"])
    assert r.exit_code == 0, r.output
    assert "註銷前卡裡還有餘額" in r.output and "余额" not in r.output


def test_show_wraps_chinese_by_display_width():
    from faqkb.cli.render import wrap

    lines = wrap("注销前卡里还有余额，能退吗？" * 8, 40)
    assert all(sum(2 if "\u4e00" <= c <= "\u9fff" or c in "，？" else 1 for c in line) <= 40 for line in lines)


# -- issue 21: messages a new user meets (CLI cases by name)

def test_show_with_a_mistyped_id_suggests_the_closest(fixture_index):
    r = CliRunner().invoke(main, ["show", "refund-remaning-balance", "--kb", str(FIXTURE_KB), "--index", str(fixture_index)])
    assert r.exit_code == 2
    assert r.output.strip().splitlines() == ["faqkb: error: no entry 'refund-remaning-balance'; did you mean "
                                             "refund-remaining-balance?"]


def test_search_and_show_with_a_missing_kb_say_the_folder_is_missing(tmp_path):
    for args in (["search", "余额"], ["show", "refund-remaining-balance"]):
        r = CliRunner().invoke(main, [*args, "--kb", str(tmp_path / "nokb"), "--index", str(tmp_path / "idx")])
        assert r.exit_code == 2, args
        assert "no knowledge base folder at" in r.output and "nokb" in r.output, args
        assert "faqkb build" not in r.output, args


def test_empty_search_is_a_plain_message_without_parameter_names(fixture_index):
    r = CliRunner().invoke(main, ["search", "  ", "--kb", str(FIXTURE_KB), "--index", str(fixture_index)])
    assert r.exit_code == 2 and "q is required" not in r.output and "nothing to search for" in r.output


def test_search_shows_the_short_answer_and_wraps_chinese_by_display_width(fixture_index):
    r = CliRunner().invoke(main, ["search", "保号卡 每天 扣费 多少钱", "--kb", str(FIXTURE_KB), "--index", str(fixture_index)])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert any(line.startswith("Short answer: ") for line in lines), r.output
    import unicodedata

    def cells(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    assert max(cells(line) for line in lines[1:]) <= 88  # piped: 88 columns, counted in cells
    body = [line for line in lines[lines.index("") + 1:] if line]
    assert all(line.startswith("   ") or line[0].isdigit() or line.startswith("Short answer") for line in body)


class _Terminal:
    def isatty(self) -> bool:
        return True


def test_no_color_is_honoured(monkeypatch):
    from faqkb.cli.render import use_color

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(_Terminal()) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(_Terminal()) is False
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: set and empty means colour
    assert use_color(_Terminal()) is True


def test_eval_without_an_argument_uses_the_bundled_golden_set(bundled_index):
    r = CliRunner().invoke(main, ["eval", "--index", str(bundled_index), "--no-misses"])
    assert r.exit_code == 0, r.output
    assert "MRR" in r.output


def test_serve_on_a_busy_port_is_one_line_with_the_port_hint(fixture_index, tmp_path):
    import socket
    import subprocess
    import sys

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "faqkb", "serve", "--port", str(port), "--kb", str(FIXTURE_KB),
                            "--index", str(fixture_index), "--instance", str(tmp_path / "inst")],
                           capture_output=True, text=True, timeout=300)
    assert r.returncode == 2
    errors = [line for line in r.stderr.splitlines() if "error" in line.lower()]
    assert errors == [f"faqkb: error: port {port} on 127.0.0.1 is in use (another faqkb serve?); choose another "
                      f"with --port, e.g. faqkb serve --port {port + 1}"]
    assert "Traceback" not in r.stderr


def test_check_reports_lint_problems_beside_a_yaml_error_in_one_pass(kb_dir):
    (kb_dir / "costs" / "daily-keeping-fee.yaml").write_text("id: daily-keeping-fee\ncategory: [nope\n", "utf-8")
    path = kb_dir / "scams" / "contract-expiring-call-scam.yaml"
    path.write_text(path.read_text("utf-8").replace("en:\n  question:", "en:\n  question: Call @fastcancel -", 1),
                    "utf-8")
    r = CliRunner().invoke(main, ["check", "--kb", str(kb_dir)])
    assert r.exit_code == 1
    assert "daily-keeping-fee.yaml:3:1: invalid YAML" in r.output      # the broken file
    assert "contract-expiring-call-scam.yaml:" in r.output and "@fastcancel" in r.output  # and the lint problem
    assert r.output.strip().splitlines()[-1].startswith("5 entries, 2 problem(s)")  # (and any style warnings)


def test_stats_says_when_the_kb_changed_and_what_to_do(kb_dir, index_dir, tmp_path):
    common = ("--kb", kb_dir, "--index", index_dir, "--instance", tmp_path / "instance")
    r = run("stats", *common)
    assert r.exit_code == 0 and "the kb changed" not in r.output, r.output
    path = kb_dir / "costs" / "daily-keeping-fee.yaml"
    path.write_text(path.read_text("utf-8") + "\n# edited\n", "utf-8")
    r = run("stats", *common)
    assert "the kb changed since this index was built; run `faqkb build`" in r.output, r.output
    data = json.loads(run("stats", "--json", *common).output)
    assert data["kb_matches_index"] is False and data["kb_problems"] == []


class _TtyBuffer:
    def __init__(self, tty: bool) -> None:
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass


def test_slow_work_says_so_on_a_terminal_and_clears_the_line():
    import threading

    from faqkb.cli.options import SlowNotice

    tty = _TtyBuffer(True)
    with SlowNotice("building the index", after=0, stream=tty) as notice:
        assert wait_for(lambda: notice.shown)
    assert tty.text == "faqkb: building the index…\r\033[K"
    piped = _TtyBuffer(False)
    with SlowNotice("building the index", after=0, stream=piped):
        threading.Event().wait(0.05)
    assert piped.text == ""  # pipes and CI logs stay clean
    quick = _TtyBuffer(True)
    with SlowNotice("building the index", after=3600, stream=quick):
        pass
    assert quick.text == ""  # quick work: nothing said


def wait_for(cond) -> bool:
    import threading

    for _ in range(6000):  # generous: only catches a hang
        if cond():
            return True
        threading.Event().wait(0.01)
    return False
