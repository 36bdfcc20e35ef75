"""Identity record: does a change to the engine leave every result and index file as it was?

Records, for one kb folder, what the engine answers to every query of tests/golden/*.yaml
(or of a synthetic kb's own queries): the top-10 ids with their exact scores, `answered`
and its signals, the suggestion, the snippets and every highlight span; and the sha256 of
every index file the build writes (whoosh's own segment files counted only: their names
are random per build; meta.json without its clock and path).

The kb changes while the engine does, so a record is never kept as a reference: two
checkouts are compared on the SAME kb, each building and searching with its own code.

    python tools/identity.py compare              # working tree vs HEAD: bundled kb + 1k synthetic
    python tools/identity.py compare main         # working tree vs main
    python tools/identity.py compare A --b B      # ref A vs ref B (either may be "WORKTREE")
    python tools/identity.py record KB OUT.json   # this checkout's record of one kb

Each ref is checked out into a temporary `git worktree` and run with its own src/ first on
PYTHONPATH (same venv). Exit status 1 when the records differ (the first differences are
printed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SYNTHETIC = 1000  # entries of the synthetic kb (bench/latency.py's generator)
SYNTHETIC_QUERIES = 300


def _searcher_class():
    try:  # after the engine split
        from faqkb.engine import Searcher  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        from faqkb.search import Searcher
    return Searcher


def _index_files(version: Path) -> dict[str, str]:
    out = {}
    for p in sorted(version.iterdir()):
        if p.name == "meta.json":
            meta = json.loads(p.read_text("utf-8"))
            meta.pop("built_at", None)
            meta.pop("kb_root", None)
            out[p.name] = json.dumps(meta, sort_keys=True)
        elif p.name.startswith(("_", "MAIN_")) or p.suffix in (".toc", ".seg"):
            # whoosh's own: random segment names (and sizes varying with them, a few bytes)
            out["whoosh files"] = str(int(out.get("whoosh files", "0")) + 1)
        else:
            out[p.name] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _result(res) -> dict:
    return {"total": res.total, "answered": res.answered, "suggestion": res.suggestion,
            "query_lang": res.query_lang, "signals": {k: repr(v) for k, v in sorted(res.signals.items())},
            "hits": [{**h.to_dict(), "score": repr(h.score)} for h in res.hits]}


def record(kb: Path, out: Path, queries: Path | None, procs: int) -> None:
    """Build ``kb`` with this checkout's code into a temporary folder, then search it."""
    import yaml

    with tempfile.TemporaryDirectory(prefix="identity-") as tmp:
        index = Path(tmp) / "index"
        subprocess.run([sys.executable, "-m", "faqkb", "build", "--kb", str(kb), "--index", str(index),
                        "--procs", str(procs)], check=True, stdout=subprocess.DEVNULL)
        version = index / (index / "CURRENT").read_text("utf-8").strip()
        rec: dict = {"files": _index_files(version), "queries": {}}
        if queries is not None:
            qs = json.loads(queries.read_text("utf-8"))
        else:
            qs = [[item.get("lang"), item["q"]] for f in sorted(GOLDEN.glob("*.yaml"))
                  for item in yaml.safe_load(f.read_text("utf-8")) or []]
        s = _searcher_class()(index)
        for lang, q in qs:
            key = f"{lang}|{q}"
            if key in rec["queries"]:
                continue
            rec["queries"][key] = _result(s.search(q, lang=lang))
            if lang == "zh":  # Traditional characters and a second page: other code paths
                rec["queries"][key + "|Hant"] = _result(s.search(q, lang=lang, script="Hant"))
                rec["queries"][key + "|p2"] = _result(s.search(q, lang=lang, limit=3, page=2))
        s.close()
    out.write_text(json.dumps(rec, ensure_ascii=False, indent=0, sort_keys=True), "utf-8")


def _synthetic(root: Path) -> Path:
    """A 1k-entry kb of bench/latency.py's generator and its queries (queries.json)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import latency  # type: ignore[import-not-found]

    entries = latency.corpus(SYNTHETIC)
    kb = root / "synthetic"
    latency.write_kb(entries, kb)
    qs = [[lang, q] for lang, q, _ in latency.queries(SYNTHETIC_QUERIES, entries)]
    (root / "synthetic-queries.json").write_text(json.dumps(qs, ensure_ascii=False), "utf-8")
    return kb


def _checkout(ref: str, root: Path) -> Path:
    if ref == "WORKTREE":
        return ROOT
    where = root / f"ref-{hashlib.sha1(ref.encode()).hexdigest()[:8]}"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(where), ref], check=True)
    return where


def _run(checkout: Path, kb: Path, out: Path, queries: Path | None, procs: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(checkout / "src")}
    cmd = [sys.executable, str(Path(__file__).resolve()), "record", str(kb), str(out), "--procs", str(procs)]
    if queries is not None:
        cmd += ["--queries", str(queries)]
    subprocess.run(cmd, check=True, env=env, cwd=checkout)


def _diff(a: dict, b: dict, label: str, shown: list[str], path: str = "") -> None:
    if a == b or len(shown) >= 20:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            _diff(a.get(k), b.get(k), label, shown, f"{path}/{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(x, y, label, shown, f"{path}[{i}]")
    else:
        shown.append(f"{label}{path}: {json.dumps(a, ensure_ascii=False)[:200]} != "
                     f"{json.dumps(b, ensure_ascii=False)[:200]}")


def compare(ref_a: str, ref_b: str, kb: Path, synthetic: bool, procs: int) -> int:
    root = Path(tempfile.mkdtemp(prefix="identity-"))
    made: list[Path] = []
    try:
        kbs: list[tuple[str, Path, Path | None]] = [("bundled", kb, None)]
        if synthetic:
            kbs.append(("synthetic", _synthetic(root), root / "synthetic-queries.json"))
        checkouts = []
        for ref in (ref_a, ref_b):
            c = _checkout(ref, root)
            checkouts.append(c)
            if c != ROOT:
                made.append(c)
        failed = 0
        for name, kb_dir, qs in kbs:
            recs = []
            for ref, c in zip((ref_a, ref_b), checkouts, strict=True):
                out = root / f"{name}-{hashlib.sha1(ref.encode()).hexdigest()[:8]}.json"
                _run(c, kb_dir, out, qs, procs)
                recs.append(json.loads(out.read_text("utf-8")))
            shown: list[str] = []
            _diff(recs[0], recs[1], name, shown)
            n = len(recs[0]["queries"])
            if shown:
                failed = 1
                print(f"{name}: DIFFERENT ({ref_a} vs {ref_b}; {n} searches, {len(recs[0]['files'])} files)")
                print("  " + "\n  ".join(shown))
            else:
                print(f"{name}: identical ({ref_a} vs {ref_b}; {n} searches, {len(recs[0]['files'])} index files)")
        return failed
    finally:
        for c in made:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(c)], check=False)
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("kb", type=Path)
    r.add_argument("out", type=Path)
    r.add_argument("--queries", type=Path, help="JSON [[lang, query], ...] (default: tests/golden/*.yaml)")
    r.add_argument("--procs", type=int, default=1)
    c = sub.add_parser("compare")
    c.add_argument("a", nargs="?", default="HEAD", help="git ref (default HEAD)")
    c.add_argument("--b", default="WORKTREE", help="git ref, or WORKTREE (default): this checkout as it is")
    c.add_argument("--kb", type=Path, default=ROOT / "kb")
    c.add_argument("--no-synthetic", action="store_true")
    c.add_argument("--procs", type=int, default=2, help="build workers (the record holds for any number)")
    args = ap.parse_args(argv)
    if args.cmd == "record":
        record(args.kb.resolve(), args.out, args.queries, args.procs)
        return 0
    return compare(args.a, args.b, args.kb.resolve(), not args.no_synthetic, args.procs)


if __name__ == "__main__":
    sys.exit(main())
