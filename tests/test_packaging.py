"""The package as users get it: a wheel built from this checkout and installed outside it
carries the kb, the templates, the catalogs and the schema, finds them without the checkout,
and reports one version."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import faqkb

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel, built offline with the installed hatchling, unpacked by pip into a folder
    of its own (dependencies come from the test venv)."""
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(base / "dist"), str(ROOT)], check=True, timeout=600)
    wheel, = (base / "dist").glob("faqkb-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("faqkb/templates/base.html", "faqkb/kb/synonyms.yaml", "faqkb/py.typed",
                    "faqkb/schema/entry.schema.json", "faqkb/static/search.js", "faqkb/static/share.js",
                    "faqkb/golden/queries.yaml"):
        assert shipped in names, f"{shipped} missing from {wheel.name}"
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), "LICENSE missing from the wheel"
    target = base / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--target", str(target), str(wheel)], check=True, timeout=600)
    return target


def _run(target: Path, cwd: Path, code: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(target), "FAQKB_INSTANCE": str(cwd / "instance")}
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


@pytest.mark.slow
def test_wheel_installed_outside_the_checkout_serves_from_its_own_files(installed: Path, tmp_path: Path):
    got = _run(installed, tmp_path, """if True:
        import json
        from importlib.metadata import version
        import faqkb
        from faqkb import paths
        from faqkb.web import create_app
        app = create_app({"INDEX": "index", "SECRET_KEY": "t"})
        c = app.test_client()
        home = c.get("/")
        api = c.get("/api/search?q=注销").get_json()
        print(json.dumps({"module": faqkb.__file__, "kb": str(paths.bundled_kb()),
                          "templates": str(paths.templates_dir()), "version": faqkb.__version__,
                          "dist_version": version("faqkb"), "home": home.status_code,
                          "hits": len(api["hits"])}))
    """)
    for key in ("module", "kb", "templates"):
        assert got[key].startswith(str(installed)), (key, got[key])
    assert got["version"] == got["dist_version"] == faqkb.__version__
    assert got["home"] == 200 and got["hits"] > 0


def test_version_is_written_once():
    """pyproject.toml takes the version from faqkb/__init__.py (hatch's version source)."""
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    assert 'dynamic = ["version"]' in text and "\nversion =" not in text
    assert (ROOT / "LICENSE").read_text("utf-8").startswith("BSD 3-Clause License")
