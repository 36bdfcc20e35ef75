"""Hostile knowledge-base files: each is refused with one clear `file:line:col: message — hint`
line, by the loader and by the CLI (`build`, `check`), and a build that meets one leaves the
live index exactly as it was (same CURRENT, same version files, same answers).

No mocks: real files on disk, a real index, the real click commands.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import answers

from faqkb.cli import main
from faqkb.errors import KBErrors
from faqkb.kbase.load import MAX_FILE_BYTES, load_kb

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"
GOOD_ID = "daily-keeping-fee"
GOOD = (FIXTURE_KB / "costs" / f"{GOOD_ID}.yaml").read_text("utf-8")
PROBES = ["保号费", "плата за хранение номера", "daily fee unused russian number", "注销 余额"]
PWNED = "faqkb-hostile-pwned"


def _ru_answer_empty() -> str:
    ru = GOOD.index("\nru:")
    start, end = GOOD.index("  answer: |", ru), GOOD.index("\nen:")
    return GOOD[:start] + '  answer: "   "' + GOOD[end:]


def _nested_mapping(depth: int) -> bytes:
    return b"".join(b"  " * i + b"k%d:\n" % i for i in range(depth)) + b"  " * depth + b"v\n"


@dataclass
class Case:
    name: str
    rel: str                  # where the file goes, relative to the kb root
    data: bytes
    words: tuple[str, ...]    # key words the message must hold (case-insensitive)
    line: int | None = None   # expected line, when it is meaningful
    replaces_good: bool = False  # the file takes the place of the good entry


def _id_case(name: str, value: str) -> Case:
    text = GOOD.replace(f"id: {GOOD_ID}", "id: " + value.replace("\\", "\\\\").join('""'))
    return Case(name, f"costs/{GOOD_ID}.yaml", text.encode(), ("id", "not a valid id"), 2, True)


CASES = [
    Case("billion-laughs", "costs/lol.yaml",
         b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
         b"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
         b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
         ("aliases", "not allowed"), 2),
    Case("unused-anchor", f"costs/{GOOD_ID}.yaml",
         GOOD.replace(f"id: {GOOD_ID}", f"id: &x {GOOD_ID}\nx_ref: *x").encode(), ("aliases",), 3, True),
    Case("over-size-bound", "costs/huge.yaml",
         b"id: huge\n" + b"# filler line\n" * (MAX_FILE_BYTES // 14 + 10), ("KiB", "limit"), 1),
    Case("deep-flow-nesting", "costs/deep.yaml", b"id: deep\nx: " + b"[" * 5000 + b"]" * 5000 + b"\n",
         ("nesting is too deep",), 2),
    Case("deep-block-nesting", "costs/deepm.yaml", _nested_mapping(60), ("nesting is too deep",)),
    Case("binary-with-nul", "costs/bin.yaml", bytes(range(256)) * 8, ("not UTF-8",), 1),
    Case("binary-no-nul", "costs/bin2.yaml", bytes(range(1, 256)) * 8, ("not valid UTF-8",)),
    Case("gbk-chinese", "costs/gbk.yaml",
         "id: gbk\ncategory: costs\nzh:\n  question: 注销前卡里还有余额\n".encode("gbk"),
         ("not valid UTF-8", "GBK"), 4),
    Case("utf16-bom", f"costs/{GOOD_ID}.yaml", GOOD.encode("utf-16"), ("not UTF-8", "UTF-16"), 1, True),
    Case("utf16-be-no-bom", f"costs/{GOOD_ID}.yaml", GOOD.encode("utf-16-be"), ("not UTF-8",), 1, True),
    Case("utf8-bom", f"costs/{GOOD_ID}.yaml", b"\xef\xbb\xbf" + GOOD.encode(), ("byte-order mark", "BOM"), 1, True),
    Case("tab-indent", f"costs/{GOOD_ID}.yaml", GOOD.replace("  question", "\tquestion", 1).encode(),
         ("tab",), 8, True),
    Case("duplicate-key", f"costs/{GOOD_ID}.yaml",
         GOOD.replace("category: costs\n", "category: costs\ncategory: costs\n").encode(),
         ("duplicate key 'category'", "line 3"), 4, True),
    Case("duplicate-nested-key", f"costs/{GOOD_ID}.yaml",
         GOOD.replace("  question: Is there", "  answer: hi\n  question: Is there").encode(),
         ("duplicate key 'answer'",), None, True),
    Case("a-list", "costs/lst.yaml", b"- id: lst\n- category: costs\n", ("is a list", "not an entry"), 1),
    Case("a-string", "costs/str.yaml", b"just a sentence, not an entry\n", ("not an entry",), 1),
    Case("a-number", "costs/num.yaml", b"42\n", ("not an entry",), 1),
    Case("empty-file", "costs/empty.yaml", b"", ("empty", "not an entry"), 1),
    Case("only-comments", "costs/comments.yaml", b"# nothing here\n", ("empty", "not an entry"), 1),
    Case("id-not-file-name", "costs/other-name.yaml", GOOD.encode(),
         ("does not match the file name", "other-name.yaml"), 2),
    Case("category-not-folder", f"refunds/{GOOD_ID}.yaml", GOOD.encode(),
         ("category 'costs' does not match the folder 'refunds/'",), 3, True),
    Case("unknown-key", f"costs/{GOOD_ID}.yaml",
         GOOD.replace("category: costs\n", "category: costs\nauthor: mallory\n").encode(),
         ("unknown key 'author'",), 4, True),
    Case("unknown-key-in-lang", f"costs/{GOOD_ID}.yaml",
         GOOD.replace("  question: Is there", "  script: alert(1)\n  question: Is there").encode(),
         ("unknown key 'script'",), None, True),
    Case("empty-answer", f"costs/{GOOD_ID}.yaml", _ru_answer_empty().encode(),
         ("answer (ru) is empty", "write the Russian answer or remove ru"), None, True),
    Case("python-object-apply", "costs/py.yaml",
         f'id: !!python/object/apply:os.system ["touch /tmp/{PWNED}"]\n'.encode(),
         ("tag", "!!python/object/apply:os.system", "not allowed"), 1),
    Case("python-name", "costs/py2.yaml", b"!!python/name:os.system\n", ("tag", "not allowed"), 1),
    Case("python-object-new", f"costs/{GOOD_ID}.yaml",
         GOOD.replace("category: costs", "category: !!python/object/new:os.system [\"true\"]").encode(),
         ("tag", "not allowed"), 3, True),
    Case("local-tag", f"costs/{GOOD_ID}.yaml", GOOD.replace("category: costs", "category: !evil costs").encode(),
         ("tag", "not allowed"), 3, True),
    _id_case("id-dotdot", "../x"),
    _id_case("id-slash", "a/b"),
    _id_case("id-absolute", "/etc/passwd"),
    _id_case("id-backslash", "..\\x"),
    _id_case("id-uppercase", "Daily-Keeping-Fee"),
    _id_case("id-cyrillic", "плата"),
    _id_case("id-fullwidth", "ｄａｉｌｙ"),
    _id_case("id-zero-width", GOOD_ID + "\u200b"),
    _id_case("id-trailing-newline", GOOD_ID + "\\n"),
    _id_case("id-dot", "."),
    # kb/offtopic.yaml (the topic model's negatives): a wrong shape is refused like an entry
    Case("offtopic-yaml-error", "offtopic.yaml", "offtopic:\n  zh: [天气\n".encode(), ("invalid YAML",)),
    Case("offtopic-a-list", "offtopic.yaml", b"- weather in Moscow\n", ("'offtopic:'", "one list per language"), 1),
    Case("offtopic-unknown-language", "offtopic.yaml", b"offtopic:\n  de: [Wetter in Moskau]\n",
         ("offtopic.de", "unknown language"), 2),
    Case("offtopic-not-a-list", "offtopic.yaml", "offtopic:\n  ru: погода\n".encode(), ("offtopic.ru is not a list",), 2),
    Case("offtopic-not-a-question", "offtopic.yaml", b"offtopic:\n  en:\n    - weather in Moscow\n    - {q: x}\n",
         ("offtopic.en item 2", "not a question"), 4),
    Case("id-newline-file-name", "costs/evil\n.yaml", GOOD.replace(f"id: {GOOD_ID}", 'id: "evil\\n"').encode(),
         ("id", "not a valid id"), 2),
]


def _tree(index: Path) -> dict[str, str]:
    """Every file under the index (build.lock aside): path -> hash, size and mtime."""
    out = {}
    for p in sorted(index.rglob("*")):
        rel = str(p.relative_to(index))
        if p.is_dir():
            out[rel + "/"] = ""
        elif p.name != "build.lock":
            st = p.stat()
            out[rel] = f"{hashlib.sha256(p.read_bytes()).hexdigest()} {st.st_size} {st.st_mtime_ns}"
    return out


def _answers(index: Path) -> list[list[str]]:
    return answers(index, PROBES)


@pytest.fixture(scope="module")
def live(tmp_path_factory, fixture_index: Path) -> tuple[Path, dict, list]:
    """A good index of the fixture kb (a copy of the session's): every hostile build points at it."""
    index = tmp_path_factory.mktemp("live") / "index"
    shutil.copytree(fixture_index, index)
    return index, _tree(index), _answers(index)


def _hostile_kb(tmp_path: Path, case: Case) -> Path:
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    if case.replaces_good:
        (kb / "costs" / f"{GOOD_ID}.yaml").unlink()
    (kb / case.rel).write_bytes(case.data)
    return kb


_LINE = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (?P<msg>[^\n]+?)(?: — (?P<hint>[^\n]+))?$")


def _check_message(text: str, case: Case) -> None:
    """The problem is one line `kb/<rel>:line:col: message — hint` holding the key words."""
    shown = f"kb/{case.rel}"
    if not shown.isprintable():  # a file name with a newline is shown escaped, on one line
        shown = shown.encode("unicode_escape").decode()
    lines = [ln for ln in text.splitlines() if ln.startswith(shown)]
    assert lines, f"{case.name}: no message about {shown!r} in:\n{text}"
    hits = [ln for ln in lines if all(w.lower() in ln.lower() for w in case.words)]
    assert hits, f"{case.name}: no message with {case.words} in:\n{text}"
    m = _LINE.match(hits[0].replace(shown, "PATH", 1))
    assert m, f"{case.name}: not 'file:line:col: message — hint': {hits[0]!r}"
    assert int(m["line"]) >= 1 and int(m["col"]) >= 1
    if case.line is not None:
        assert int(m["line"]) == case.line, f"{case.name}: wrong line in {hits[0]!r}"
    assert m["hint"], f"{case.name}: no hint in {hits[0]!r}"


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and "Error:" not in text.replace("faqkb: error:", ""), text


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_refused_everywhere(case: Case, tmp_path: Path, live) -> None:
    index, tree_before, answers_before = live
    kb = _hostile_kb(tmp_path, case)
    pwned = Path("/tmp") / PWNED
    pwned.unlink(missing_ok=True)

    # 1. the loader
    with pytest.raises(KBErrors) as err:
        load_kb(kb)
    _check_message(str(err.value), case)

    # 2. `faqkb build` into the live index: refused, index untouched
    runner = CliRunner()
    res = runner.invoke(main, ["build", "--kb", str(kb), "--index", str(index)])
    assert res.exit_code != 0, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    _no_traceback(res.output)
    _check_message(res.output, case)
    assert "live index is unchanged" in res.output

    # 3. `faqkb check`
    res = runner.invoke(main, ["check", "--kb", str(kb)])
    assert res.exit_code != 0, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    _no_traceback(res.output)
    _check_message(res.output, case)

    assert not pwned.exists(), "a YAML tag ran code"
    assert _tree(index) == tree_before, "the live index changed"
    assert not [p for p in index.iterdir() if p.name.startswith(".tmp-")]
    assert _answers(index) == answers_before


def _special(kind: str, path: Path) -> None:
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dangling-link":
        path.symlink_to("/nonexistent/faqkb/x.yaml")
    elif kind == "looping-link":
        path.symlink_to(path.name)
    elif kind == "device-link":
        path.symlink_to("/dev/zero")


@pytest.mark.parametrize("where", ["costs/odd.yaml", "synonyms.yaml"])
@pytest.mark.parametrize("kind", ["folder", "fifo", "dangling-link", "looping-link", "device-link"])
def test_non_regular_file_refused_not_hung(kind: str, where: str, tmp_path: Path, live) -> None:
    """A folder, FIFO or odd link named like a kb file is refused; reading it must not hang
    (a FIFO blocks a plain read forever) nor crash the fingerprint with a traceback."""
    index, tree_before, answers_before = live
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    (kb / where).unlink(missing_ok=True)
    _special(kind, kb / where)
    with pytest.raises(KBErrors) as err:
        load_kb(kb)
    want = re.compile(rf"kb/{re.escape(where)}:1:1: (not a regular file|cannot read file)[^\n]* — ")
    assert want.search(str(err.value)), str(err.value)
    for args in (["build", "--kb", str(kb), "--index", str(index)], ["check", "--kb", str(kb)]):
        res = CliRunner().invoke(main, args)
        assert res.exit_code != 0 and want.search(res.output), res.output
        assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
        _no_traceback(res.output)
    assert _tree(index) == tree_before
    assert _answers(index) == answers_before


def test_every_problem_listed_once(tmp_path: Path) -> None:
    """Several hostile files at once: each reported, none twice, the good entries not at all."""
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    for case in CASES[:12]:
        if not case.replaces_good:
            (kb / case.rel).write_bytes(case.data)
    with pytest.raises(KBErrors) as err:
        load_kb(kb)
    lines = [str(e) for e in err.value.errors]
    assert len(lines) == len(set(lines)), lines
    assert not [ln for ln in lines if GOOD_ID in ln]
    assert len({ln.split(":")[0] for ln in lines}) == len([c for c in CASES[:12] if not c.replaces_good])
