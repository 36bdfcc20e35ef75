"""Every module imports on its own, first, in a fresh interpreter: no import circle between
modules (a circle shows up as an ImportError or AttributeError for whichever module of it
is imported first)."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE_KB

import faqkb

# __main__ runs the CLI when imported.
MODULES = sorted(m.name for m in pkgutil.walk_packages(faqkb.__path__, "faqkb.")
                 if not m.name.endswith("__main__"))


def test_every_module_is_listed():
    assert {"faqkb.cli", "faqkb.index", "faqkb.search", "faqkb.web", "faqkb.web.api", "faqkb.wsgi"} <= set(MODULES)


@pytest.mark.slow  # one fresh interpreter per module: about a second of CPU each
@pytest.mark.parametrize("module", MODULES)
def test_module_imports_on_its_own(module: str, fixture_index: Path, tmp_path: Path) -> None:
    # faqkb.wsgi builds its app at import: point it at the session's fixture index.
    env = {**os.environ, "FAQKB_KB": str(FIXTURE_KB), "FAQKB_INDEX": str(fixture_index),
           "FAQKB_INSTANCE": str(tmp_path / "instance")}
    r = subprocess.run([sys.executable, "-c", f"import {module}"], env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, f"import {module} alone failed:\n{r.stderr}"


def test_the_front_door_imports_nothing_until_a_name_is_used():
    code = ("import sys, faqkb; assert [m for m in sys.modules if m.startswith('faqkb.')] == [], sys.modules; "
            "from faqkb.kbase.load import load_kb; from faqkb.search import Searcher; "
            "from faqkb.service import open_searcher, rebuild; "
            "assert (faqkb.load_kb, faqkb.Searcher, faqkb.open_searcher, faqkb.rebuild) == "
            "(load_kb, Searcher, open_searcher, rebuild)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr


# -- the query side and the build share only the on-disk layout and the fields (engine/fields.py);
# both read text with the shared pure modules outside either side (analysis.py, plan.py)

PACKAGE = Path(faqkb.__file__).parent
# The build: the faqkb/build/ package once index.py is split into it (index.py then only
# re-exports it), index.py (and its forked workers) before.
BUILD = ("faqkb.build",) if (PACKAGE / "build" / "__init__.py").is_file() else ("faqkb.index", "faqkb.workers")
QUERY = ("faqkb.engine", "faqkb.search")
# What the build may take from the query side: the fields' names and B/K1 (engine/fields.py);
# and a Searcher on the new version in the one step that verifies it before it goes live.
BUILD_MAY_USE = ("faqkb.engine.fields",)
VERIFY = "faqkb.search"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, bool]]:
    name = _module_name(path)
    return _imports_of(path.read_text("utf-8"), name, name if path.name == "__init__.py" else name.rpartition(".")[0])


def _imports_of(text: str, name: str, package: str) -> list[tuple[str, bool]]:
    """(module imported, whether at module level) for every import in module ``name``'s
    ``text``, relative ones resolved; ``from p import x`` counts as p and as p.x (x may be a
    module)."""
    import ast

    tree = ast.parse(text)
    top = set(map(id, tree.body))
    out = []
    for node in ast.walk(tree):
        level = id(node) in top
        if isinstance(node, ast.Import):
            out += [(a.name, level) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            mod = (f"{base}.{node.module}" if node.module else base) if node.level else node.module or ""
            out += [(mod, level)] + [(f"{mod}.{a.name}", level) for a in node.names]
    return out


def _side(prefixes: tuple[str, ...]) -> list[Path]:
    paths = []
    for p in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(p)
        if any(name == x or name.startswith(x + ".") for x in prefixes):
            paths.append(p)
    return paths


def _in(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == x or module.startswith(x + ".") for x in prefixes)


def test_the_sides_are_found():
    assert any(_module_name(p) == "faqkb.engine.searcher" for p in _side(QUERY))
    assert _side(BUILD) and all(_in(_module_name(p), BUILD) for p in _side(BUILD))


def test_the_query_side_never_imports_the_build():
    wrong = [f"{_module_name(p)} imports {m}" for p in _side(QUERY) for m, _ in _imports(p) if _in(m, BUILD)]
    assert wrong == []


def test_the_build_takes_only_the_fields_from_the_query_side():
    wrong, verify = [], []
    for p in _side(BUILD):
        for m, top_level in _imports(p):
            if m == VERIFY or m.startswith(VERIFY + "."):
                verify.append(_module_name(p))
                if top_level:  # a build loads no query-side module it does not need
                    wrong.append(f"{_module_name(p)} imports {m} at module level")
            elif _in(m, QUERY) and m != "faqkb.engine" and not _in(m, BUILD_MAY_USE):
                wrong.append(f"{_module_name(p)} imports {m}")
    assert wrong == []
    assert len(set(verify)) <= 1, f"a Searcher is opened by the build in more than its verify step: {verify}"


def test_the_boundary_check_sees_a_crossing():
    # The checker itself can fail: an engine module importing the build (relative, absolute,
    # in a function), and a build module importing the ranking.
    build = BUILD[0].split(".", 1)[1]
    text = f"from ..{build} import x\nimport {BUILD[0]}\ndef f():\n    from .. import {build}\n"
    found = [m for m, _ in _imports_of(text, "faqkb.engine.probe", "faqkb.engine") if _in(m, BUILD)]
    assert len(found) >= 3
    assert ("faqkb.engine.ranking", True) in _imports_of("from ..engine import ranking", "faqkb.build.x", "faqkb.build")


# -- the engine's steps stay small enough to read at once (docs/engine.md lists any exception)

LONGEST = 60  # lines of one function in engine/, its docstring included
LONGER: dict[str, str] = {}  # "module.function": why it is longer (docs/engine.md says the same)


def _long_functions(text: str, module: str) -> list[str]:
    import ast

    return [f"{module}.{n.name} ({n.end_lineno - n.lineno + 1} lines)" for n in ast.walk(ast.parse(text))
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.end_lineno is not None
            and n.end_lineno - n.lineno + 1 > LONGEST and f"{module}.{n.name}" not in LONGER]


def test_no_function_in_the_engine_is_longer_than_a_screen():
    found = [f for p in _side(("faqkb.engine",)) for f in _long_functions(p.read_text("utf-8"), _module_name(p))]
    assert found == []


def test_the_length_check_sees_a_long_function():
    body = "".join(f"    x{i} = {i}\n" for i in range(LONGEST))
    assert _long_functions(f"def f():\n{body}", "m") == [f"m.f ({LONGEST + 1} lines)"]


def test_the_engine_cites_reasons_not_issue_numbers():
    # A reason lives beside its constant or in docs/engine.md; "issue 19" tells a reader nothing.
    import re

    cited = [f"{_module_name(p)}:{n}" for p in _side(("faqkb.engine",))
             for n, line in enumerate(p.read_text("utf-8").splitlines(), 1) if re.search(r"\bissue #?\d", line, re.I)]
    assert cited == []
