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
