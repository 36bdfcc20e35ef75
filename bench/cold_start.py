"""Cold start: a fresh `faqkb search "注销 余额" --json` (index already built, bundled kb)
against `python -c "import flask"` in the same venv, interleaved, medians of N rounds.
Also times `python -c "import faqkb.search"` and lists the imports that dominate
(`python -X importtime`). Goal (issue 22): a cold CLI query within 1.5x of importing flask.

    python bench/cold_start.py            # 9 rounds
    python bench/cold_start.py --rounds 15
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PY = sys.executable
FAQKB = shutil.which("faqkb", path=str(Path(PY).parent)) or shutil.which("faqkb")


CPU: dict[str, list[float]] = {}  # CPU ms of each timed command (user + system of the child)


def run(cmd: list[str], name: str | None = None) -> float:
    """Wall ms of ``cmd``; its CPU ms go to CPU[name] (on a busy machine wall time is mostly
    waiting for a core, so the CPU figure is printed beside it)."""
    t = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    took = (time.perf_counter() - t) * 1000
    if os.waitstatus_to_exitcode(status):
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), cmd)
    if name:
        CPU.setdefault(name, []).append((usage.ru_utime + usage.ru_stime) * 1000)
    return took


def importtime(code: str, top: int = 12) -> list[tuple[int, int, str]]:
    """(cumulative µs, self µs, module) of the slowest imports made while running ``code``."""
    err = subprocess.run([PY, "-X", "importtime", "-c", code], capture_output=True,
                         text=True, check=False).stderr
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
    args = ap.parse_args(argv)
    if FAQKB is None:
        print("faqkb is not installed in this environment (pip install -e .)", file=sys.stderr)
        return 2
    search = [FAQKB, "search", args.query, "--json"]
    run(search)  # builds the index if it is missing or stale; not timed
    cmds = {"faqkb search": search, "import flask": [PY, "-c", "import flask"],
            "import faqkb.search": [PY, "-c", "import faqkb.search"]}
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for c in cmds.values():  # one untimed warm-up each: page cache, .pyc files
        run(c)
    for _ in range(args.rounds):  # interleaved, so drift in machine load hits all equally
        for k, c in cmds.items():
            times[k].append(run(c, k))
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
    whole = f"from faqkb.cli import main; main(['search', {args.query!r}, '--json'])"
    for title, code in (("import faqkb.search", "import faqkb.search"), ("a whole `faqkb search` run", whole)):
        print(f"\nslowest imports during {title} (python -X importtime, cumulative / self, ms):")
        for cum, self_, name in importtime(code):
            print(f"  {cum / 1000:8.1f} {self_ / 1000:8.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
