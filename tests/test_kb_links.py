"""kb links and text that reach readers (issue 23, item 8): `faqkb check` passes only
https:// links to allowlisted domains and entry: links, written plainly (protocol-relative,
entity-encoded and other schemes are errors with file:line); external links are rendered
with rel="noopener noreferrer"; control characters in kb text are a check error and never
reach the terminal raw through `faqkb show` or `faqkb search`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from faqkb.cli import main
from faqkb.markup import answer_html

ENTRY = Path("costs") / "daily-keeping-fee.yaml"


def _add_to_en_answer(kb: Path, line: str) -> int:
    """Append ``line`` as a paragraph of the entry's English answer; its line number."""
    p = kb / ENTRY
    lines = p.read_text("utf-8").splitlines()
    en = lines.index("en:")
    at = next(i for i in range(en, len(lines)) if lines[i].strip().startswith("answer:"))
    end = next((i for i in range(at + 1, len(lines)) if lines[i] and not lines[i].startswith("    ")), len(lines))
    lines[end:end] = ["", "    " + line]
    p.write_text("\n".join(lines) + "\n", "utf-8")
    return end + 2


@pytest.mark.parametrize("link", [
    "[help](//evil.example/cancel)",                       # protocol-relative: another site
    "[help](https&#58;//evil.example/cancel)",              # entity-encoded scheme
    "[help](https&#x3a;//www.mts.ru/)",                     # even to an allowed domain: write it plainly
    "[help](http://www.mts.ru/)",                           # not https
    "[help](javascript:alert(1))",
    "[help](mailto:help@evil.example)",
    "[help](/\\evil.example/cancel)",                       # browsers read /\ as //
])
def test_check_refuses_links_that_are_not_plain_https_or_entry(kb_dir: Path, link: str) -> None:
    line = _add_to_en_answer(kb_dir, f"See {link} for more.")
    res = CliRunner().invoke(main, ["check", "--kb", str(kb_dir)])
    assert res.exit_code != 0, res.output
    assert re.search(rf"daily-keeping-fee\.yaml:{line}:\d+", res.output), res.output
    assert "Traceback" not in res.output


def test_check_passes_plain_https_to_allowlisted_and_entry_links(kb_dir: Path) -> None:
    _add_to_en_answer(kb_dir, "See [MTS](https://www.mts.ru/personal) and [fees](entry:unlink-before-cancel).")
    res = CliRunner().invoke(main, ["check", "--kb", str(kb_dir)])
    assert res.exit_code == 0, res.output


def test_external_links_render_with_noopener_and_never_as_our_own():
    html = str(answer_html("[a](https://www.mts.ru/x) [b](//evil.example/y) [c](/entry/z) [d](entry:w)"))
    links = dict(re.findall(r'<a href="([^"]+)"([^>]*)>', html))
    assert 'rel="noopener noreferrer' in links["https://www.mts.ru/x"]
    assert 'rel="noopener noreferrer' in links["//evil.example/y"] and "xref" not in links["//evil.example/y"]
    assert links["/entry/z"] == ' class="xref"' and links["/entry/w"] == ' class="xref"'


@pytest.mark.parametrize("text, escape", [('"Fees \\e]0;pwned\\a apply"', "\\e"),
                                           ('"Fees \\x1b[2J apply"', "\\x1b"),
                                           ('"Fees \\u202e apply"', "\\u202e")])
def test_control_characters_are_a_check_error_and_never_printed_raw(kb_dir: Path, tmp_path: Path,
                                                                       text: str, escape: str) -> None:
    p = kb_dir / ENTRY
    lines = p.read_text("utf-8").splitlines()
    en = lines.index("en:")
    q = next(i for i in range(en, len(lines)) if lines[i].strip().startswith("lead:"))
    lines[q] = f"  lead: {text}"
    p.write_text("\n".join(lines) + "\n", "utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["check", "--kb", str(kb_dir)])
    assert res.exit_code != 0 and f"daily-keeping-fee.yaml:{q + 1}:" in res.output, res.output
    assert "control character" in res.output
    # An index built anyway (build refuses nothing here) never prints the character raw.
    index = tmp_path / "index"
    runner.invoke(main, ["build", "--kb", str(kb_dir), "--index", str(index)])
    for args in (["show", "daily-keeping-fee", "--lang", "en"], ["search", "fees apply keeping", "--lang", "en"]):
        out = runner.invoke(main, [*args, "--kb", str(kb_dir), "--index", str(index)]).output
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", out), (args, repr(out[:300]))
