"""The docs and the code agree (in the style of sqlite-utils' test_docs.py): every CLI
command has help with an example; every command and option the README or docs/ show
exists; every setting is in docs/settings.md and every option variable is a setting; every
file the docs and code comments cite is in the repo."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from faqkb.cli import main
from faqkb.settings import SETTINGS

ROOT = Path(__file__).parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COMMANDS = sorted(main.commands)


def _shown_commands() -> list[tuple[str, str, list[str]]]:
    """(doc, command, options) for every `faqkb COMMAND ...` a doc shows: lines of fenced
    code blocks ("$ faqkb search ...", ".venv/bin/faqkb serve") and inline code
    ("`faqkb show ID [--lang --json]`")."""
    found = []
    for doc in DOCS:
        text = doc.read_text("utf-8")
        shown = [m.group(1) for m in re.finditer(r"`(faqkb [^`]+)`", text)]
        for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M):
            shown += [m.group(1) for m in re.finditer(r"(?:^\$ |^|[\s/])(faqkb [^\n|]+)", block, re.M)]
        for line in shown:
            m = re.match(r"faqkb ([a-z]+)(.*)", line)
            if m:
                found.append((doc.name, m.group(1), re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", m.group(2))))
    return found


SHOWN = _shown_commands()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    r = CliRunner().invoke(main, [command, "--help"])
    assert r.exit_code == 0, r.output
    assert re.search(r"^\s+Examples?:\n\s+faqkb " + re.escape(command), r.output, re.M), \
        f"`faqkb {command} --help` has no 'Example:' block showing the command"


def test_the_docs_show_commands():
    assert {c for _, c, _ in SHOWN} >= {"serve", "search", "show", "build", "check"}


@pytest.mark.parametrize("doc,command,options", SHOWN, ids=[f"{d}:{c}" for d, c, _ in SHOWN])
def test_every_command_and_option_the_docs_show_exists(doc, command, options):
    assert command in main.commands, f"{doc} shows `faqkb {command}`, which does not exist"
    known = {o for p in main.commands[command].params for o in (*p.opts, *p.secondary_opts)} | {"--help"}
    missing = [o for o in options if o not in known]
    assert not missing, f"{doc} shows `faqkb {command}` with {missing}, which it does not take"


def test_every_readme_command_block_line_runs_a_known_program():
    """Shell lines in the README's sh blocks call things the repo has (scripts, extras)."""
    readme = (ROOT / "README.md").read_text("utf-8")
    for block in re.findall(r"```sh\n(.*?)```", readme, re.S):
        for part in re.split(r"&&|\n", block):
            words = shlex.split(part.strip()) if part.strip() else []
            scripts = [w for w in words if w.endswith(".py") and "/" in w]
            for script in scripts:
                assert (ROOT / script).is_file(), f"README runs {script}, which does not exist"
    for script in re.findall(r"\.venv/bin/python (bench/\w+\.py)", readme):
        assert (ROOT / script).is_file(), f"README runs {script}, which does not exist"


def test_every_setting_is_in_the_settings_table():
    table = (ROOT / "docs" / "settings.md").read_text("utf-8")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \| `(FAQKB_\w+)` \|.*$", table, re.M)}
    for s in SETTINGS:
        assert s.name in rows, f"docs/settings.md has no row for {s.name}"
        assert f"`{s.env}`" in rows[s.name] and (not s.option or f"`{s.option}`" in rows[s.name]), rows[s.name]
    assert set(rows) == {s.name for s in SETTINGS}, "docs/settings.md lists a setting faqkb does not have"


def test_every_option_variable_is_a_setting():
    names = {s.env for s in SETTINGS}
    for name, command in main.commands.items():
        for p in command.params:
            envvar = getattr(p, "envvar", None)
            if envvar:
                assert envvar in names, f"faqkb {name} {p.opts[0]} reads {envvar}, which is not in settings.SETTINGS"


CITED = re.compile(r"(?<![\w/.-])((?:docs|src/faqkb|tests|bench|tools|kb|templates)/[\w./-]*\w)")
OUTSIDE = re.compile(r"DESIGN\.md|STYLE\.md|FACTS\.md|/work/|\.\./shared/(?!bench)")


def _sources() -> list[Path]:
    files = [*DOCS, ROOT / "pyproject.toml", ROOT / ".ci" / "run", ROOT / "tools" / "lock"]
    for folder in ("src", "tests", "bench", "tools"):
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".js", ".css", ".html")]
    files += sorted((ROOT / "templates").glob("*.html"))
    return files


def test_every_file_the_docs_and_comments_cite_is_in_the_repo():
    missing, outside = [], []
    for f in _sources():
        if f.name == "test_docs.py":
            continue
        for n, line in enumerate(f.read_text("utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                outside.append(f"{f.relative_to(ROOT)}:{n}: {line.strip()}")
            for cited in CITED.findall(line):
                path = cited.rstrip(".")
                if path.startswith("bench/out/"):  # what the benches write (git-ignored)
                    continue
                if "*" in path or "<" in line[line.find(cited):line.find(cited) + len(cited) + 1]:
                    continue
                if not (ROOT / path).exists() and not any((ROOT / path).parent.glob(Path(path).name + "*")):
                    missing.append(f"{f.relative_to(ROOT)}:{n}: {path}")
    assert not outside, "cites a file outside the repo:\n" + "\n".join(outside)
    assert not missing, "cites a file the repo does not have:\n" + "\n".join(missing)


def test_the_cli_group_itself_has_an_example():
    assert isinstance(main, click.Group)
    assert "Example:" in CliRunner().invoke(main, ["--help"]).output


# -- docs/design.md against the package

PACKAGE = ROOT / "src" / "faqkb"


def _design_section(title: str) -> str:
    text = (ROOT / "docs" / "design.md").read_text("utf-8")
    start = text.index(f"\n## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def _table_modules() -> set[str]:
    """Every `path.py` or `package/` the first column of design.md's module table names."""
    rows = [line for line in _design_section("Modules").splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([\w/]+(?:\.py|/))`", row.split("|")[1])}


def _package_modules() -> set[str]:
    """Every module of src/faqkb as the table names it: path.py, and package/ for an __init__.py."""
    found = set()
    for p in PACKAGE.rglob("*.py"):
        rel = p.relative_to(PACKAGE).as_posix()
        if "/" in rel and p.name == "__init__.py":
            rel = rel[: -len("__init__.py")]
        found.add(rel)
    return found


def test_the_module_table_names_every_module_and_only_modules():
    table, package = _table_modules(), _package_modules()
    assert package - table == set(), "modules missing from docs/design.md's module table"
    assert table - package == set(), "docs/design.md's module table names modules that do not exist"


def test_the_index_layout_names_every_file_layout_py_defines():
    from faqkb import layout

    # file and folder names: the string constants that are not index field names (*_FIELD)
    names = {v for k, v in vars(layout).items() if k.isupper() and isinstance(v, str) and "FIELD" not in k}
    assert {"CURRENT", "meta.json", "entries.json"} <= names  # the constants are still found this way
    block = _design_section("Index layout on disk")
    assert [n for n in sorted(names) if n not in block] == []


def test_the_entry_json_table_lists_every_key_present_gives():
    from faqkb.kbase.load import load_kb
    from faqkb.paths import bundled_kb
    from faqkb.present import entry_dict

    text = (ROOT / "docs" / "web.md").read_text("utf-8")
    section = text[text.index("### An entry as JSON"):]
    section = section[:section.index("\n\n", section.index("| key |"))]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    documented = {k for row in rows for k in re.findall(r"`(\w+)`", row.split("|")[1])}
    entry = next(iter(load_kb(bundled_kb()).entries.values()))
    assert documented == set(entry_dict(entry, "en"))
