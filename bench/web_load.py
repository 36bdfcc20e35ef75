"""Load figures for the web: `faqkb serve` (waitress) as a subprocess on loopback, N
concurrent keep-alive clients hammering /api/search with distinct reader-like queries
(zh/ru/en, made from the kb's own phrasings by bench/queryset.py; each sent once while the
set lasts, so `--cache 0` and the default API cache both run queries the server has not
seen; the output says how many requests repeated one) and, in the same run against the same server, a trivial route (/api/ping).

    python bench/web_load.py [--seconds 10] [--clients 16] [--threads 4]

Prints req/s, p50/p99 latency (ms) and errors for each, search req/s as a ratio of the
trivial route's and search p99 as a ratio of the trivial route's p99 (the load generator
shares the cores, so its own queueing is in both). Each phase runs alone so they don't
share CPU; --rounds (3) alternate the two routes (search, ping, ping, search, ...) and the
figures are medians over the rounds, so load from other work on the machine falls on
both routes alike instead of on whichever ran while it peaked. Beside req/s, the server's
own CPU per request (its /proc counters around each phase): what a request costs the
server, steadier than req/s on a shared machine (the clients' CPU and other work are not
in it). The warm-up runs distinct queries of its own (not in the timed set), so the first
round does not load what the index loads on first use (speller, topic model, marks).

    python bench/web_load.py --limits

Rate limits are off by default (all clients are one loopback address, and the goal's
figure is measured so); ``--limits`` serves with them on at budgets no run reaches, so
each request pays what the limiter costs a reader's request (/api/ping is exempt).

    python bench/web_load.py --procs 1,2,4 [--rounds 3] [--seconds 10]

Replicas: N `faqkb serve` processes on N ports over the same index (built once), as behind
a load balancer (docs/web.md), the clients spread evenly over them; uncached (every
request runs the query). Rounds interleave the process counts; prints the median search
req/s per count and its ratio to one process, measured in the same run. Rate limits are
off in every server (all clients are one loopback address) unless --limits is given.

    python bench/web_load.py --against main [--rounds 5] [--cache 0]

Two trees in one run: this tree's `faqkb serve` and REF's (its src/ from `git archive`, ahead
of this venv's install on PYTHONPATH), each on its own index of the same kb, both up at once
but measured one phase at a time; rounds alternate the trees and the routes, each tree sends
the same distinct queries once each. Prints each tree's search/ping ratio and its server CPU
per request, and this tree / REF per round (server CPU per search; req/s ratio to ping)."""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
WARM_QUERIES = 1000   # distinct queries of the warm-up (3 s), none of them timed

# A few hand-written reader queries: bench/soak.py and bench/abuse.py send them as their normal
# readers (this bench's own figures come from distinct_queries below).
QUERIES = [
    "注销后余额能退吗", "怎么注销俄罗斯手机卡", "保号费每天扣多少", "註銷手機卡", "人在国外怎么销号",
    "zhuxiao", "接到电话说合同到期", "验证码被骗", "MTS 注销 需要什么证件", "国家服务门户 解绑",
    "как расторгнуть договор МТС", "вернуть деньги с баланса", "сколько стоит обслуживание номера",
    "мошенники звонят договор истекает", "закрыть номер из-за границы", "Госуслуги отвязать номер",
    "how to cancel russian sim", "refund balance after cancelling", "daily fee for unused number",
    "scam call contract expiring", "cancel sim from abroad", "keep my number", "Beeline documents needed",
    "what happens if I stop using my sim",
]


def distinct_queries(index: Path, n: int) -> list[str]:
    """``n`` distinct reader-like queries made from the served kb's own phrasings
    (bench/queryset.py: drops, swaps, typos, paraphrases, frequent content words), so an
    uncached server runs a query it has not seen (the old list rotated 24)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from peers import FaqkbTokens
    from queryset import make

    from faqkb.search import Searcher

    s = Searcher(index)
    entries = [{"id": e.id, **{lang: tr.to_dict() for lang, tr in e.translations.items()}}
               for e in s.entries.values()]
    qs = [q for _, q, _ in make(n, entries, FaqkbTokens(s).is_content, seed=5)]
    s.close()
    return qs


class Paths:
    """Hands out the query paths in order to every client: each query is sent once while
    the set lasts (``repeats`` counts the requests past its end, which wrap around)."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        self.sent = itertools.count()

    def __call__(self) -> str:
        i = next(self.sent)  # atomic under the GIL
        return self.paths[i % len(self.paths)]

    @property
    def repeats(self) -> int:
        return max(0, next(self.sent) - len(self.paths))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, timeout: float = 120) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not come up")


def get(conn: http.client.HTTPConnection, path: str) -> http.client.HTTPResponse:
    """One GET on a keep-alive connection; the body is read so the connection can be reused."""
    conn.request("GET", path)
    resp = conn.getresponse()
    resp.read()
    return resp


def run_phase(port: int | list[int], paths: list[str] | Paths, clients: int, seconds: float) -> dict:
    ports = port if isinstance(port, list) else [port]
    lat: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.perf_counter() + seconds
    start_evt = threading.Barrier(clients + 1)

    def client(i: int) -> None:
        port = ports[i % len(ports)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        n = i
        start_evt.wait()
        while time.perf_counter() < stop:
            path = paths() if isinstance(paths, Paths) else paths[n % len(paths)]
            n += 1
            t0 = time.perf_counter()
            try:
                resp = get(conn, path)
                if resp.status != 200:
                    errors[i] += 1
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            lat[i].append(time.perf_counter() - t0)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    start_evt.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    all_lat = sorted(x for lst in lat for x in lst)
    n = len(all_lat)

    def pct(p: float) -> float:
        return all_lat[min(n - 1, int(p * n))] * 1000 if n else float("nan")

    return {"requests": n, "rps": n / elapsed, "p50_ms": pct(0.50), "p99_ms": pct(0.99), "errors": sum(errors)}


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux /proc; nan elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured_phase(pid: int, port: int, paths: list[str] | Paths, clients: int, seconds: float) -> dict:
    """run_phase, plus the server's CPU milliseconds per request it answered in the phase."""
    before = cpu_seconds(pid)
    res = run_phase(port, paths, clients, seconds)
    res["server_cpu_ms"] = (cpu_seconds(pid) - before) * 1000 / max(1, res["requests"])
    return res


def _median_phase(runs: list[dict]) -> dict:
    import statistics

    return {"requests": sum(x["requests"] for x in runs), "errors": sum(x["errors"] for x in runs),
            **{k: statistics.median(x[k] for x in runs) for k in ("rps", "p50_ms", "p99_ms", "server_cpu_ms")
               if k in runs[0]}}


# Budgets no bench run reaches, in the shape of the defaults (two windows): with --limits each
# request is counted and checked as a reader's is, and none is refused.
UNREACHED = {"FAQKB_RATELIMIT_SEARCH": "10000000 per 10 seconds; 100000000 per hour",
             "FAQKB_RATELIMIT_SUGGEST": "10000000 per 10 seconds; 100000000 per hour",
             "FAQKB_RATELIMIT_DEFAULT": "10000000 per 10 seconds"}


def server_env(args, cache: int | None) -> dict:
    limits = {"FAQKB_RATELIMIT_ENABLED": "1", **UNREACHED} if args.limits else {"FAQKB_RATELIMIT_ENABLED": "0"}
    return {**os.environ, "PYTHONUNBUFFERED": "1", **limits,
            **({"FAQKB_SEARCH_CACHE": str(cache)} if cache is not None else {})}


def start_servers(n: int, args, index: Path, tmp: Path, cache: int | None) -> tuple[list, list[int]]:
    procs, ports = [], []
    env = server_env(args, cache)
    for i in range(n):
        port = free_port()
        cmd = [sys.executable, "-m", "faqkb", "serve", "--port", str(port), "--threads", str(args.threads),
               "--kb", str(args.kb), "--index", str(index), "--instance", str(tmp / "instance")]
        log = open(tmp / f"serve-{n}-{i}.log", "w")  # noqa: SIM115 - the server's output until it stops
        procs.append(subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env))
        ports.append(port)
    for port in ports:
        wait_up(port)
    return procs, ports


def stop_servers(procs: list) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(10)


def replicas(args) -> None:
    import statistics

    counts = [int(x) for x in args.procs.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="faqkb-load-"))
    index = tmp / "index"
    subprocess.run([sys.executable, "-m", "faqkb", "build", "--kb", str(args.kb), "--index", str(index)],
                   check=True, stdout=subprocess.DEVNULL)
    search_paths = Paths([f"/api/search?q={quote(q)}&limit=10" for q in distinct_queries(index, args.queries)])
    results: dict[int, list[dict]] = {n: [] for n in counts}
    for r in range(args.rounds):
        for n in (counts if r % 2 == 0 else counts[::-1]):   # interleaved, alternating order
            procs, ports = start_servers(n, args, index, tmp, 0)
            try:
                run_phase(ports, search_paths, args.clients, 2)   # warm up every replica
                res = run_phase(ports, search_paths, args.clients, args.seconds)
            finally:
                stop_servers(procs)
            results[n].append(res)
            print(f"  round {r + 1}: {n} process(es): {res['rps']:.1f} req/s, p50 {res['p50_ms']:.1f} ms, "
                  f"p99 {res['p99_ms']:.1f} ms, errors {res['errors']}", file=sys.stderr)
    med = {n: {k: statistics.median(x[k] for x in results[n]) for k in ("rps", "p50_ms", "p99_ms")} for n in counts}
    errors = {n: sum(x["errors"] for x in results[n]) for n in counts}
    base = med[counts[0]]["rps"]
    out = {"cpus": os.cpu_count(), "clients": args.clients, "threads": args.threads, "seconds": args.seconds,
           "rounds": args.rounds, "median": med, "errors": errors,
           "ratio_to_first": {n: med[n]["rps"] / base for n in counts}}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"/api/search uncached, {args.clients} keep-alive clients spread over N `faqkb serve` processes "
          f"({args.threads} threads each), same index, {args.seconds:g} s x {args.rounds} rounds, "
          f"{os.cpu_count()} CPUs (shared with the clients)")
    print(f"{'processes':>10} {'req/s':>9} {'vs ' + str(counts[0]):>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for n in counts:
        m = med[n]
        print(f"{n:>10} {m['rps']:>9.1f} {m['rps'] / base:>7.2f}x {m['p50_ms']:>8.1f} {m['p99_ms']:>8.1f} "
              f"{errors[n]:>7}")


def _checkout(ref: str, into: Path) -> Path:
    """The src/ of git ``ref`` and the templates/ beside it (the app reads them), extracted:
    nothing in the repository changes."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src", "templates"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def against(args) -> None:
    """This tree and ``args.against`` served side by side, measured in alternating rounds."""
    tmp = Path(tempfile.mkdtemp(prefix="faqkb-load-"))
    trees = {"this tree": None, args.against: _checkout(args.against, tmp / "ref")}
    procs, ports = {}, {}
    for i, (name, src) in enumerate(trees.items()):
        env = server_env(args, args.cache)
        if src is not None:
            env["PYTHONPATH"] = str(src)
        # Built first, one tree at a time: two servers building a 10k index at once on a busy
        # machine outlast wait_up.
        subprocess.run([sys.executable, "-m", "faqkb", "build", "--kb", str(args.kb), "--index", str(tmp / f"index{i}")],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        port = free_port()
        cmd = [sys.executable, "-m", "faqkb", "serve", "--port", str(port), "--threads", str(args.threads),
               "--kb", str(args.kb), "--index", str(tmp / f"index{i}"), "--instance", str(tmp / f"instance{i}")]
        log = open(tmp / f"serve{i}.log", "w")  # noqa: SIM115 - the server's output until it stops
        procs[name] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        ports[name] = port
    rounds: dict[str, dict[str, list[dict]]] = {name: {"search": [], "trivial": []} for name in trees}
    try:
        for port in ports.values():
            wait_up(port)
        made = distinct_queries(tmp / "index0", args.queries + WARM_QUERIES)
        queries, warm = made[:args.queries], made[args.queries:]
        paths = {name: Paths([f"/api/search?q={quote(q)}&limit=10" for q in queries]) for name in trees}
        for port in ports.values():
            run_phase(port, Paths([f"/api/search?q={quote(q)}&limit=10" for q in warm]), args.clients, 3)
            run_phase(port, ["/api/ping"], args.clients, 1)
        names = list(trees)
        for r in range(args.rounds):
            for name in (names if r % 2 == 0 else names[::-1]):
                for route in (("search", "trivial") if r % 2 == 0 else ("trivial", "search")):
                    res = measured_phase(procs[name].pid, ports[name],
                                         paths[name] if route == "search" else ["/api/ping"], args.clients,
                                         args.seconds)
                    rounds[name][route].append(res)
            print(f"  round {r + 1}: " + "; ".join(
                f"{name}: search {rounds[name]['search'][-1]['rps']:.0f} req/s "
                f"{rounds[name]['search'][-1]['server_cpu_ms']:.2f} ms CPU, ping {rounds[name]['trivial'][-1]['rps']:.0f} "
                f"req/s {rounds[name]['trivial'][-1]['server_cpu_ms']:.2f} ms CPU" for name in names), file=sys.stderr)
    finally:
        stop_servers(list(procs.values()))
    out: dict = {"clients": args.clients, "threads": args.threads, "seconds": args.seconds, "rounds": args.rounds,
                 "cache": args.cache, "limits": args.limits, "distinct_queries": len(queries),
                 "repeated_requests": {name: paths[name].repeats for name in names}, "trees": {}}
    for name in names:
        s, t = rounds[name]["search"], rounds[name]["trivial"]
        out["trees"][name] = {
            "search": _median_phase(s), "trivial": _median_phase(t),
            "rps_ratio_per_round": [round(a["rps"] / b["rps"], 3) for a, b in zip(s, t, strict=True)],
            "cpu_ratio_per_round": [round(b["server_cpu_ms"] / a["server_cpu_ms"], 3) for a, b in zip(s, t, strict=True)]}
    here, ref = (rounds[name]["search"] for name in names)
    out["search_cpu_this_over_ref_per_round"] = [round(a["server_cpu_ms"] / b["server_cpu_ms"], 3)
                                                 for a, b in zip(here, ref, strict=True)]
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"waitress {args.threads} threads, {args.clients} keep-alive clients, {args.seconds:g} s per route, tree "
          f"and round, {args.rounds} alternating rounds, API cache {'default' if args.cache is None else args.cache}, "
          f"rate limits {'on' if args.limits else 'off'}, {len(queries)} distinct queries, "
          f"load average {os.getloadavg()[0]:.1f}")
    for name in names:
        t = out["trees"][name]
        print(f"{name:>12}: search {t['search']['rps']:.1f} req/s, {t['search']['server_cpu_ms']:.3f} ms CPU; ping "
              f"{t['trivial']['rps']:.1f} req/s, {t['trivial']['server_cpu_ms']:.3f} ms CPU; search/ping req/s "
              f"median of rounds {statistics.median(t['rps_ratio_per_round']):.3f} {t['rps_ratio_per_round']}; "
              f"CPU ping/search {statistics.median(t['cpu_ratio_per_round']):.3f}")
    per = out["search_cpu_this_over_ref_per_round"]
    print(f"server CPU per search, this tree / {args.against}: median {statistics.median(per):.3f} per round {per}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--cache", type=int, default=None,
                    help="API response LRU size for the server (FAQKB_SEARCH_CACHE); 0 measures every query")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--queries", type=int, default=8000,
                    help="distinct queries, each sent once while they last (at least 1000) [8000]")
    ap.add_argument("--procs", help="comma-separated process counts, e.g. 1,2,4: the replica benchmark")
    ap.add_argument("--limits", action="store_true",
                    help="rate limits on, at budgets no run reaches (default off, as the goal is measured)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="rounds, alternating the routes (or the process counts with --procs); medians [3]")
    ap.add_argument("--against", metavar="REF",
                    help="also serve the faqkb of this git commit; rounds alternate the two trees")
    args = ap.parse_args()
    if args.against:
        against(args)
        return
    if args.procs:
        replicas(args)
        return

    tmp = Path(tempfile.mkdtemp(prefix="faqkb-load-"))
    port = free_port()
    cmd = [sys.executable, "-m", "faqkb", "serve", "--port", str(port), "--threads", str(args.threads),
           "--kb", str(args.kb), "--index", str(tmp / "index"), "--instance", str(tmp / "instance")]
    log = open(tmp / "serve.log", "w")  # noqa: SIM115 - the server's stdout until it stops
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=server_env(args, args.cache))
    try:
        wait_up(port)
        # The warm-up's distinct queries come after the timed ones and are never timed: the
        # first timed round then runs on what the index loads on first use, as the others do.
        made = distinct_queries(tmp / "index", args.queries + WARM_QUERIES)
        queries, warm = made[:args.queries], made[args.queries:]
        search_paths = Paths([f"/api/search?q={quote(q)}&limit=10" for q in queries])
        run_phase(port, Paths([f"/api/search?q={quote(q)}&limit=10" for q in warm]), args.clients, 3)
        run_phase(port, ["/api/ping"], args.clients, 1)
        rounds: dict[str, list[dict]] = {"search": [], "trivial": []}
        for r in range(args.rounds):
            order = ("search", "trivial") if r % 2 == 0 else ("trivial", "search")
            for name in order:
                rounds[name].append(measured_phase(proc.pid, port, search_paths if name == "search" else ["/api/ping"],
                                                   args.clients, args.seconds))
    finally:
        proc.terminate()
        proc.wait(10)
    search, trivial = (_median_phase(rounds[name]) for name in ("search", "trivial"))
    out = {"clients": args.clients, "threads": args.threads, "seconds": args.seconds, "cpus": os.cpu_count(),
           "rounds": args.rounds, "search": search, "trivial": trivial, "ratio": search["rps"] / trivial["rps"],
           "p99_ratio": search["p99_ms"] / trivial["p99_ms"], "limits": args.limits,
           "server_cpu_ratio": trivial["server_cpu_ms"] / search["server_cpu_ms"],
           "per_round": {name: [round(x["rps"], 1) for x in rounds[name]] for name in rounds},
           "distinct_queries": len(queries), "repeated_requests": search_paths.repeats,
           "per_round_ratio": [round(a["rps"] / b["rps"], 2) for a, b in zip(rounds["search"], rounds["trivial"],
                                                                               strict=True)]}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    cache = "default" if args.cache is None else args.cache
    print(f"waitress {args.threads} threads, {args.clients} keep-alive clients, {args.seconds:g} s per route and "
          f"round, medians of {args.rounds} alternating rounds, "
          f"{os.cpu_count()} CPUs, API cache {cache}, rate limits {'on' if args.limits else 'off'}, "
          f"{out['distinct_queries']} distinct queries "
          f"(each sent once; {out['repeated_requests']} requests past the set's end repeated one), "
          f"load average {os.getloadavg()[0]:.1f}")
    for name in ("search", "trivial"):
        r = out[name]
        route = "/api/search" if name == "search" else "/api/ping"
        print(f"{route:12} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  "
              f"errors {r['errors']}  ({r['requests']} requests)  server CPU {r['server_cpu_ms']:.3f} ms/request")
    print(f"search/trivial ratio: {out['ratio']:.2f}, median of per-round ratios "
          f"{statistics.median(out['per_round_ratio']):.2f} {out['per_round_ratio']}  (goal >= 0.5; per round: search "
          f"{out['per_round']['search']} ping {out['per_round']['trivial']} req/s)")
    print(f"search p99 / ping p99: {out['p99_ratio']:.1f}x  (goal: search p99 <= 50 ms)")
    print(f"server CPU per request, ping / search: {out['server_cpu_ratio']:.2f}  (the server's own cost; "
          f"req/s also holds the clients' share of the cores)")


if __name__ == "__main__":
    main()
