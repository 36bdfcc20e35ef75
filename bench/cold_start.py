"""Cold start: a fresh `faqkb search "注销 余额" --json` (index already built, bundled kb)
against `python -c "import flask"` in the same venv, interleaved, medians of N rounds.
Also times `python -c "from faqkb.search import Searcher"` and lists the imports that dominate
(`python -X importtime`). Goal (issue 22): a cold CLI query within 1.5x of importing flask.
``--against REF``: the same search with the faqkb of another git commit (its src/ and kb/,
extracted to a temporary folder) in the same rounds.

Every faqkb command runs with its per-user cache (the index) in a temporary folder, built by an
untimed first run. The untimed warm-up runs write .pyc files even where PYTHONDONTWRITEBYTECODE
is set (as in this project's sandboxes): an installed faqkb has them (pip compiles them), and
without them every timed run compiled faqkb's sources again.

    python bench/cold_start.py            # 9 rounds
    python bench/cold_start.py --rounds 15 --against main
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
REPO = Path(__file__).resolve().parents[1]
LIBRARY = "from faqkb.search import Searcher"  # what a library user's first search imports first
FAQKB = shutil.which("faqkb", path=str(Path(PY).parent)) or shutil.which("faqkb")


CPU: dict[str, list[float]] = {}  # CPU ms of each timed command (user + system of the child)


def run(cmd: list[str], name: str | None = None, env: dict[str, str] | None = None) -> float:
    """Wall ms of ``cmd``; its CPU ms go to CPU[name] (on a busy machine wall time is mostly
    waiting for a core, so the CPU figure is printed beside it)."""
    t = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    took = (time.perf_counter() - t) * 1000
    if os.waitstatus_to_exitcode(status):
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), cmd)
    if name:
        CPU.setdefault(name, []).append((usage.ru_utime + usage.ru_stime) * 1000)
    return took


def _checkout(ref: str, into: Path) -> Path:
    """The src/ of ``ref`` with its kb/ beside it (its bundled kb), extracted: nothing in the
    repository changes."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "src", "kb"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def importtime(code: str, top: int = 12, env: dict[str, str] | None = None) -> list[tuple[int, int, str]]:
    """(cumulative µs, self µs, module) of the slowest imports made while running ``code``."""
    err = subprocess.run([PY, "-X", "importtime", "-c", code], capture_output=True,
                         text=True, check=False, env=env).stderr
    rows = []
    for line in err.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cum_us, name = (x.strip() for x in line[len("import time:"):].split("|"))
        rows.append((int(cum_us), int(self_us), name))
    return sorted(rows, reverse=True)[:top]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--query", default="注销 余额")
    ap.add_argument("--against", metavar="REF", help="also time the faqkb of this git commit, same rounds")
    args = ap.parse_args(argv)
    if FAQKB is None:
        print("faqkb is not installed in this environment (pip install -e .)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="faqkb-cold-") as tmp:
        return _measure(args, Path(tmp))


def _measure(args: argparse.Namespace, tmp: Path) -> int:
    search = [FAQKB, "search", args.query, "--json"]
    here = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache")}  # the index, built by the first run
    cmds = {"faqkb search": (search, here), "import flask": ([PY, "-c", "import flask"], None),
            "import Searcher": ([PY, "-c", LIBRARY], None)}
    if args.against:
        src = _checkout(args.against, tmp / "against")  # ahead of this tree's editable install
        cmds[f"faqkb@{args.against} search"] = (search, {**here, "PYTHONPATH": str(src)})
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for c, env in cmds.values():  # one untimed warm-up each: the index, page cache, .pyc files
        run(c, env={k: v for k, v in (env or os.environ).items() if k != "PYTHONDONTWRITEBYTECODE"})
    for _ in range(args.rounds):  # interleaved, so drift in machine load hits all equally
        for k, (c, env) in cmds.items():
            times[k].append(run(c, k, env))
    med = {k: statistics.median(v) for k, v in times.items()}
    load = os.getloadavg()
    print(f"cold start, medians of {args.rounds} interleaved rounds ({os.cpu_count()} CPUs, {sys.version.split()[0]}, "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f})")
    for k, v in med.items():
        print(f"  {k:22} {v:8.0f} ms   (min {min(times[k]):.0f}, max {max(times[k]):.0f}); CPU "
              f"{statistics.median(CPU[k]):.0f} ms")
    ratio = med["faqkb search"] / med["import flask"]
    per = [a / b for a, b in zip(times["faqkb search"], times["import flask"], strict=True)]
    print(f"  ratio faqkb search / import flask: {ratio:.2f}x of the medians, {statistics.median(per):.2f}x median of "
          f"the per-round ratios ({', '.join(f'{x:.2f}' for x in per)}); goal <= 1.5x (issue 22): "
          f"{'MET' if statistics.median(per) <= 1.5 else 'MISSED'}; on CPU time "
          f"{statistics.median(CPU['faqkb search']) / statistics.median(CPU['import flask']):.2f}x")
    if args.against:
        k = f"faqkb@{args.against} search"
        per = [a / b for a, b in zip(times[k], times["import flask"], strict=True)]
        print(f"  ratio faqkb@{args.against} search / import flask: {statistics.median(per):.2f}x median of the "
              f"per-round ratios; on CPU time {statistics.median(CPU[k]) / statistics.median(CPU['import flask']):.2f}x"
              f"; this tree / {args.against} on CPU time {statistics.median(CPU['faqkb search']) / statistics.median(CPU[k]):.2f}x")
    whole = f"from faqkb.cli import main; main(['search', {args.query!r}, '--json'])"
    for title, code in ((f"`{LIBRARY}`", LIBRARY), ("a whole `faqkb search` run", whole)):
        print(f"\nslowest imports during {title} (python -X importtime, cumulative / self, ms):")
        for cum, self_, name in importtime(code, env=here):
            print(f"  {cum / 1000:8.1f} {self_ / 1000:8.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
