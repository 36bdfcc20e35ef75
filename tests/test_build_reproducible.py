"""Two builds of the same kb with the same code write the same bytes, whatever the builder's
PYTHONHASHSEED (str hashing, so set and dict order, differs between interpreters): a version
can be compared, cached or shipped by its files. Whoosh's own segment files (random names,
sizes varying with them) and meta.json's clock and kb path are left out, as tools/identity.py
leaves them out."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUNDLED_KB

from faqkb.index import current_version

pytestmark = pytest.mark.slow  # (two subprocess builds of the bundled kb)


def _build(index: Path, seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "faqkb", "build", "--kb", str(BUNDLED_KB), "--index", str(index)],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    version = current_version(index)
    assert version is not None
    out = {}
    for p in sorted(version.iterdir()):
        if p.name.startswith(("_", "MAIN_")) or p.suffix in (".toc", ".seg"):
            continue
        if p.name == "meta.json":
            meta = json.loads(p.read_text("utf-8"))
            meta.pop("built_at", None)
            meta.pop("kb_root", None)
            out[p.name] = json.dumps(meta, sort_keys=True)
        else:
            out[p.name] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def test_builds_under_two_hash_seeds_write_the_same_files(tmp_path: Path) -> None:
    one, two = _build(tmp_path / "one", "1"), _build(tmp_path / "two", "2")
    assert "continuation.marshal" in one and "fit.marshal" in one
    assert one == two, sorted(k for k in one.keys() | two.keys() if one.get(k) != two.get(k))
