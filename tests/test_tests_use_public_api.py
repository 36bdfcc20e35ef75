"""Tests speak to public behaviour (GUIDE.md): no test reads a private attribute, imports a
private name or monkeypatches a module's globals, so the engine can be rearranged without
rewriting its tests. A test that needs a seam gets a public one (Searcher.explain,
Searcher.cache_info, ...)."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

TESTS = Path(__file__).parent


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    modules: set[str] = set()  # names bound to a module by an import
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                if node.module.startswith("faqkb") and a.name.startswith("_"):
                    out.append(f"{path.name}:{node.lineno}: imports the private name {a.name}")
                if _is_module(f"{node.module}.{a.name}"):
                    modules.add(a.asname or a.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                out.append(f"{path.name}:{node.lineno}: reads the private attribute {node.attr}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setattr"
              and isinstance(node.func.value, ast.Name) and node.func.value.id == "monkeypatch" and node.args):
            target = node.args[0]
            base = target
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(target, ast.Constant) or (isinstance(base, ast.Name) and base.id in modules):
                out.append(f"{path.name}:{node.lineno}: monkeypatches a module global")
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            for t in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for el in t.elts if isinstance(t, ast.Tuple) else [t]:
                    if isinstance(el, ast.Attribute) and isinstance(el.value, ast.Name) and el.value.id in modules:
                        out.append(f"{path.name}:{node.lineno}: sets a module global")
    return out


def test_no_test_touches_private_names_or_module_globals():
    found = [line for p in sorted(TESTS.glob("test_*.py")) for line in violations(p)]
    assert not found, "\n".join(found)


def test_the_check_finds_each_kind(tmp_path):
    p = tmp_path / "test_x.py"
    p.write_text("from faqkb.search import _Version\nimport faqkb.search as search\n"
                 "def test(s, monkeypatch):\n    s._v\n    self._ok\n    s.__dict__\n"
                 "    monkeypatch.setattr(search, 'MAX_TERMS', 1)\n    monkeypatch.setattr(s, 'x', 1)\n"
                 "    search.WINDOW = 3\n    s.x = 1\n", "utf-8")
    got = violations(p)
    assert sorted(g.split(": ", 1)[1] for g in got) == sorted([
        "imports the private name _Version", "reads the private attribute _v", "monkeypatches a module global",
        "sets a module global"])
