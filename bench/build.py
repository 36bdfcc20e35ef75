"""Build time and memory of `faqkb build` on bench/latency.py's synthetic zh/ru/en corpus,
against peers built in the same run: SQLite FTS5 (tokenize + insert of the same corpus, as
bench/latency.py builds it), "faqkb's analyser + tantivy indexing" (bench/tantivy_build.py:
the same entries analysed by faqkb's analyser in as many workers as --procs, then indexed by
tantivy-py with as many threads; the goal of issue 22 is faqkb <= 1.3x of it) and, with ``--against REF``, the faqkb of another git commit
(its src/ taken with `git archive` into a temporary folder and run by the same Python).

    python bench/build.py --sizes 10000 --against main          # this tree vs main, 3 rounds
    python bench/build.py --sizes 1000,10000 --rounds 5 --stages # and where the time goes
    python bench/build.py --sizes 100000 --rounds 1 --against 072af8c

Each round builds every variant once, in an order that alternates between rounds, each
`faqkb build` in a child process (into a fresh index folder): wall seconds, CPU seconds
of the child and the workers it forked (wait4), the peak RSS of the largest of those
processes, and the peak of the whole tree's summed PSS (sampled every 0.25 s: shared pages
divided among their sharers, fresh interpreters and forked workers included). Printed: the median of each over the rounds, and per round the ratio to each
peer measured in that round (the median of those ratios too), because the machine is
shared: a ratio within a round is what load moves least. ``--stages`` runs the builds with
the "faqkb.build" logger at INFO, which prints each stage's wall, builder and worker CPU and
the memory after it, and a table of each stage's median CPU per faqkb variant. The synthetic kb gets the bundled kb/offtopic.yaml (a real kb has one,
and the topic model learned from it is part of a build) unless ``--no-offtopic``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from latency import build_fts5, corpus, write_kb
from quality import PeerTokens

REPO = Path(__file__).resolve().parents[1]
_STAGES = ("import logging, sys; logging.basicConfig(level=logging.INFO, format='    %(message)s'); "
           "from faqkb.cli import main; main(sys.argv[1:])")


def _checkout(ref: str, into: Path) -> Path:
    """The src/ folder of ``ref``, extracted (no worktree: nothing in the repo changes)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "src"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux /proc; just ``pid`` elsewhere)."""
    out = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                out += _tree(int(child))
    except OSError:
        pass
    return out


def _pss_kib(pid: int) -> int:
    """A process's proportional set size (shared pages divided among their sharers, so a
    forked worker's inherited pages are not counted twice), 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next((int(x.split()[1]) for x in f if x.startswith("Pss:")), 0)
    except OSError:
        return 0


class TreeMemory:
    """Samples a process tree's summed PSS every ``every`` seconds in a thread; ``peak`` in
    MB (what the whole build holds at once, workers and fresh interpreters included: wait4's
    figure is the largest single process)."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        import threading

        self.pid, self.every, self.peak_kib = pid, every, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(self.every):
            self.peak_kib = max(self.peak_kib, sum(map(_pss_kib, _tree(self.pid))))

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        return self.peak_kib / 1024


def _faqkb_build(src: Path | None, kb: Path, index: Path, procs: int, stages: bool, keep: bool = False) -> dict:
    """One `faqkb build` in a child process, the code from ``src`` (None: this tree's)."""
    shutil.rmtree(index, ignore_errors=True)
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)  # ahead of the editable install of this tree
    args = ["build", "--kb", str(kb), "--index", str(index), "--procs", str(procs)]
    cmd = [sys.executable, "-c", _STAGES, *args] if stages else [sys.executable, "-m", "faqkb", *args]
    t = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE if stages else None, text=stages)
    tree = TreeMemory(child.pid)
    stage_cpu: dict[str, list[float]] = {}
    if child.stderr is not None:  # the stage log, passed through and read
        for line in child.stderr:
            sys.stderr.write(line)
            if m := _STAGE_LINE.search(line):
                got = stage_cpu.setdefault(m["name"], [0.0, 0.0, 0.0])  # a stage logged twice adds up
                for i, k in enumerate(("wall", "builder", "workers")):
                    got[i] += float(m[k])
    _, status, usage = os.wait4(child.pid, 0)  # the child's usage includes the workers it waited for
    wall = time.perf_counter() - t
    tree_mb = tree.stop()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"build failed: {' '.join(cmd)}")
    if not keep:
        shutil.rmtree(index, ignore_errors=True)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024, "tree": tree_mb,
            "stages": stage_cpu}


# measure.BuildStages' line: "build stage NAME  W s wall  B s builder cpu  K s workers cpu ..."
_STAGE_LINE = re.compile(r"build stage (?P<name>.+?)\s+(?P<wall>[\d.]+) s wall\s+(?P<builder>[\d.]+) s builder cpu"
                         r"\s+(?P<workers>[\d.]+) s workers cpu")


def stage_table(runs: dict[str, list[dict]]) -> list[str]:
    """Per stage, each faqkb variant's median over the rounds of its CPU, builder + workers
    (wall times at a shared machine's load say little; the stages' CPU is what moved)."""
    names = [k for k, v in runs.items() if v and v[0].get("stages")]
    if not names:
        return []
    order = list(dict.fromkeys(s for k in names for r in runs[k] for s in r["stages"]))
    out = ["  stages, median CPU builder + workers (s): " + " | ".join(names)]
    for st in order:
        cells = []
        for k in names:
            got = [r["stages"][st] for r in runs[k] if st in r["stages"]]
            cells.append(f"{statistics.median(g[1] for g in got):5.2f} + {statistics.median(g[2] for g in got):6.2f}"
                         if got else "—")
        out.append(f"    {st:14} " + " | ".join(cells))
    return out


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            return next(int(x.split()[1]) for x in f if x.startswith("VmRSS:")) / 1024
    except (OSError, StopIteration):
        return float("nan")


def _fts5_build(entries: list[dict], tok: PeerTokens, path: Path) -> dict:
    path.unlink(missing_ok=True)
    t, c = time.perf_counter(), time.process_time()
    build_fts5(entries, tok, path).close()
    out = {"wall": time.perf_counter() - t, "cpu": time.process_time() - c, "rss": float("nan")}
    path.unlink(missing_ok=True)
    return out


def _tantivy_build(n: int, analyser_index: Path, out: Path, procs: int) -> dict:
    """bench/tantivy_build.py in a child: faqkb's analyser + tantivy indexing (its own timer
    starts after the corpus is made and the analyser loaded; peak RSS from wait4)."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, str(Path(__file__).resolve().parent / "tantivy_build.py"), str(n), str(analyser_index),
           str(out), "--procs", str(procs)]
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    stdout = child.stdout.read() if child.stdout else b""
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"tantivy build failed: {' '.join(cmd)}")
    shutil.rmtree(out, ignore_errors=True)
    got = json.loads(stdout)
    return {"wall": got["wall"], "cpu": got["cpu"], "rss": usage.ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--procs", type=int, default=2, help="`faqkb build --procs` [2]")
    ap.add_argument("--against", metavar="REF", help="also build with the faqkb of this git commit")
    ap.add_argument("--stages", action="store_true", help="print each build's stages")
    ap.add_argument("--no-offtopic", action="store_true", help="no kb/offtopic.yaml in the synthetic kb")
    ap.add_argument("--no-tantivy", action="store_true",
                    help="leave out the peer \"faqkb's analyser + tantivy indexing\" (bench/tantivy_build.py)")
    args = ap.parse_args(argv)
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    tok = PeerTokens()
    with tempfile.TemporaryDirectory(prefix="faqkb-build-") as tmp:
        tmp_path = Path(tmp)
        variants: dict[str, Path | None] = {"faqkb": None}
        if args.against:
            variants[f"faqkb@{args.against}"] = _checkout(args.against, tmp_path / "against")
        names = [*variants, "fts5", *([] if args.no_tantivy else ["tantivy"])]
        lines = []
        for n in (int(x) for x in args.sizes.split(",")):
            kb = tmp_path / f"kb-{n}"
            entries = corpus(n)
            write_kb(entries, kb)
            offtopic = REPO / "kb" / "offtopic.yaml"
            if offtopic.is_file() and not args.no_offtopic:
                shutil.copy(offtopic, kb / "offtopic.yaml")
            runs: dict[str, list[dict]] = {k: [] for k in names}
            if "tantivy" in names:  # the peer's analyser: faqkb's, of an index of this kb (built untimed)
                _faqkb_build(None, kb, tmp_path / "analyser-index", args.procs, False, keep=True)
            for r in range(args.rounds):
                order = names if r % 2 == 0 else names[::-1]
                for name in order:
                    if name == "fts5":
                        got = _fts5_build(entries, tok, tmp_path / "fts.sqlite")
                    elif name == "tantivy":
                        got = _tantivy_build(n, tmp_path / "analyser-index", tmp_path / "tantivy", args.procs)
                    else:
                        log(f"  {n}: round {r + 1} {name}")
                        got = _faqkb_build(variants[name], kb, tmp_path / "index", args.procs, args.stages)
                    runs[name].append(got)
                    tree = f", tree PSS {got['tree']:6.0f} MB" if "tree" in got else ""
                    got["load"] = os.getloadavg()[0]
                    log(f"  {n}: round {r + 1} {name:24} {got['wall']:7.1f} s wall {got['cpu']:7.1f} s cpu "
                        f"peak RSS {got['rss']:6.0f} MB{tree}, load {got['load']:.1f}")
            shutil.rmtree(kb, ignore_errors=True)
            load = os.getloadavg()
            lines.append(f"{n} entries{'' if args.no_offtopic else ' + offtopic.yaml'}, {args.rounds} rounds, "
                         f"faqkb --procs {args.procs}, {os.cpu_count()} CPUs, "
                         f"load average now {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; this bench holds "
                         f"{_rss_mb():.0f} MB (Linux counts it in a child's peak RSS: a peak no higher is not "
                         "the build's; --stages logs the builder's own)")
            for name in names:
                med = {k: statistics.median(x[k] for x in runs[name]) for k in ("wall", "cpu", "rss")}
                rss = "" if name == "fts5" else f"  peak RSS {med['rss']:6.0f} MB (max {max(x['rss'] for x in runs[name]):.0f})"
                if "tree" in runs[name][0]:
                    rss += f", tree PSS {statistics.median(x['tree'] for x in runs[name]):6.0f} MB"
                ratios = ""
                if name != "faqkb":
                    per = [a["wall"] / b["wall"] for a, b in zip(runs["faqkb"], runs[name], strict=True)]
                    cpu = [a["cpu"] / b["cpu"] for a, b in zip(runs["faqkb"], runs[name], strict=True)]
                    ratios = (f"  faqkb/this: wall {statistics.median(per):.2f}x ({', '.join(f'{x:.2f}' for x in per)})"
                              f" cpu {statistics.median(cpu):.2f}x ({', '.join(f'{x:.2f}' for x in cpu)})")
                loads = "/".join(f"{x['load']:.0f}" for x in runs[name])
                lines.append(f"  {name:24} median {med['wall']:7.1f} s wall {med['cpu']:7.1f} s cpu{rss}{ratios}"
                             f"  (load after each: {loads})")
            lines += stage_table(runs)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
