"""What the rate limiter costs a request, in process: the app called as a WSGI app (no
server), one client address, limits on and off in the same process, this tree against a
git REF in alternating child processes.

    python bench/limits_cost.py --against REF [--rounds 6] [--requests 800] [--kb kb]

Each round runs four fresh child processes (the two trees, limits on and off, in an order
that alternates per round) over the same index (--index, or one built here with this tree)
and the round's same N distinct queries: N uncached /api/search (SEARCH_CACHE 0, after an
untimed warm-up of other queries) and N /api/ping. Process CPU per request, so the
limiter's timer threads count too; budgets no run reaches. Prints per round and tree the
limiter's cost (on - off) per search and per ping, and their medians."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

CHILD = r"""
import io, json, logging, sys, time, warnings
from pathlib import Path
from urllib.parse import quote
logging.disable(logging.WARNING); warnings.simplefilter("ignore")
from werkzeug.test import EnvironBuilder
from faqkb.web import create_app
kb, index, instance, n, offset, on = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6] == "on"
WORDS = "pay balance refund account card close open limit fee transfer cash bank money loan rate when how why can my".split()
def app(on):
    return create_app({"KB": Path(kb), "INDEX": Path(index), "BUILD": False, "INSTANCE": Path(instance),
                       "SECRET_KEY": "bench", "RATELIMIT_ENABLED": on, "SEARCH_CACHE": 0,
                       "RATELIMIT_SEARCH": "1000000 per 10 seconds; 1000000 per hour",
                       "RATELIMIT_DEFAULT": "1000000 per 10 seconds"})
def queries(k, base):
    return ["q=" + quote(" ".join(WORDS[(base + i * j) % len(WORDS)] for j in (1, 3, 7)) + f" w{base + i}")
            for i in range(k)]
def run(a, path, qs):
    def start(status, headers, exc=None): pass
    t = time.process_time()
    for q in qs:
        e = EnvironBuilder(path=path, query_string=q, environ_base={"REMOTE_ADDR": "192.0.2.7"}).get_environ()
        for _ in a(e, start): pass
    return (time.process_time() - t) / len(qs) * 1e6
a = app(on)
run(a, "/api/search", queries(30, 10**7))
print(json.dumps({"search": run(a, "/api/search", queries(n, offset)), "ping": run(a, "/api/ping", [""] * n)}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--against", required=True, metavar="REF")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--requests", type=int, default=800)
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--index", type=Path, help="an index of --kb (built here if not given)")
    args = ap.parse_args()
    from web_load import _checkout

    tmp = Path(tempfile.mkdtemp(prefix="faqkb-limits-"))
    index = args.index or tmp / "index"
    if not args.index:
        subprocess.run([sys.executable, "-m", "faqkb", "build", "--kb", str(args.kb), "--index", str(index)],
                       check=True, stdout=subprocess.DEVNULL)
    trees = {"this tree": ROOT / "src", args.against: _checkout(args.against, tmp / "ref")}
    got: dict[str, list[dict]] = {name: [] for name in trees}
    runs = [(name, mode) for name in trees for mode in ("on", "off")]
    for r in range(args.rounds):
        cpu = {}
        for name, mode in (runs if r % 2 == 0 else runs[::-1]):
            out = subprocess.run([sys.executable, "-c", CHILD, str(args.kb), str(index), str(tmp / "instance"),
                                  str(args.requests), str(r * 10 * args.requests), mode],
                                 check=True, capture_output=True, text=True,
                                 env={"PYTHONPATH": str(trees[name]), "PATH": "/usr/bin:/bin"}).stdout
            cpu[name, mode] = json.loads(out.splitlines()[-1])
        for name in trees:
            got[name].append({"search": cpu[name, "on"]["search"] - cpu[name, "off"]["search"],
                              "ping": cpu[name, "on"]["ping"] - cpu[name, "off"]["ping"],
                              "search_off": cpu[name, "off"]["search"]})
        print(f"round {r + 1}: " + "; ".join(f"{n}: search +{got[n][-1]['search']:.0f} us, ping +{got[n][-1]['ping']:.0f} us"
                                              for n in trees), flush=True)
    for name, rows in got.items():
        print(f"{name}: limiter per search median +{statistics.median(x['search'] for x in rows):.0f} us "
              f"(search without limits {statistics.median(x['search_off'] for x in rows):.0f} us), "
              f"per ping +{statistics.median(x['ping'] for x in rows):.0f} us")


if __name__ == "__main__":
    main()
