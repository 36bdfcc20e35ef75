"""Every bench/ script imports: a refactor that renames what a benchmark imports from faqkb
(faqkb.index -> faqkb.build, search.py -> engine/) breaks it at once, not at the next
measurement. Import only (nothing is timed or run), in one fresh interpreter with the
`bench` extra's peers made unimportable: a script imports its peers where it uses them,
so the checkout's own dependencies are all a script needs to load."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[1] / "bench"
PEERS = ("tantivy", "bm25s", "rank_bm25")  # pyproject's `bench` extra

_PROBE = """
import importlib, json, sys, traceback
for peer in {peers!r}:
    sys.modules[peer] = None  # `import peer` raises ImportError, as without the extra
sys.path.insert(0, {bench!r})
failed = {{}}
for name in {names!r}:
    try:
        importlib.import_module(name)
    except BaseException:  # SystemExit too: a script must not run at import
        failed[name] = traceback.format_exc(limit=3)
print(json.dumps(failed))
"""


def test_every_bench_script_imports_without_the_bench_extra():
    names = sorted(p.stem for p in BENCH.glob("*.py"))
    assert {"build", "tantivy_build", "latency"} <= set(names)  # the check looks where the scripts are
    probe = _PROBE.format(peers=PEERS, bench=str(BENCH), names=names)
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    failed = json.loads(res.stdout.strip().splitlines()[-1])
    assert failed == {}, "\n".join(f"{k}:\n{v}" for k, v in failed.items())


def test_the_probe_sees_a_script_that_does_not_import(tmp_path):
    (tmp_path / "broken.py").write_text("import tantivy\n")
    (tmp_path / "fine.py").write_text("def main():\n    import tantivy\n")
    probe = _PROBE.format(peers=PEERS, bench=str(tmp_path), names=["broken", "fine"])
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert list(json.loads(res.stdout.strip().splitlines()[-1])) == ["broken"]
