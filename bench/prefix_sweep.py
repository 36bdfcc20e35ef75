"""Keystroke sweep for prefix search: every full question of the given sets cut at EVERY
keystroke (at least 2 Han characters or 3 letters, never just after a space), searched as the
live panel does (prefix=true); success@3 by the share of the question the cut holds, per script
(Hans, Hant, pinyin, latin, cyrl, translit), and `told` (not answered, not `typing`). A set of random cuts
gives each question one or two cuts; this gives every cut of it, so a change is seen on the
kind, not on a few rows (issue 19, fourteenth round).

    python bench/prefix_sweep.py tests/golden/queries.yaml tests/golden/heldout.yaml
    python bench/prefix_sweep.py --scripts Hans,Hant,pinyin --out cuts.json FILE...
    python bench/prefix_sweep.py --spaced FILE...   # the cuts just after a space instead

``--spaced``: the cuts ending in one space (the last word finished, prefix.word_ended), which a
uniform keystroke gives about one time in 14 (dev prefix sets: 11-18 rows of 180-224) and the
default sweep leaves out (fifteenth round: told 0.087 there against 0.018).

Rows without `expect` and off-topic, near-topic, head, prefix and combo rows are skipped (the
full questions are what is cut; ``--heads`` cuts the head rows too). ``--out`` writes every cut with its top 3, to diff two runs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

from faqkb.analysis import fold_han
from faqkb.service import open_searcher

ROOT = Path(__file__).resolve().parents[1]
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
SKIPPED = {"offtopic", "neartopic", "prefix", "head", "combo"}
BANDS = ("<25", "25-50", "50-75", ">=75")


def script(q: str, row: dict) -> str:
    """The question's script: Han (Traditional when folding changes it), pinyin (Latin in a
    Chinese row), translit (Latin in a Russian row: Russian typed in Latin letters), Cyrillic
    or Latin."""
    if HAN.search(q):
        return "Hant" if fold_han(q) != q or row.get("kind") == "zh-Hant" else "Hans"
    if row.get("kind") == "pinyin" or (row.get("lang") == "zh" and q.isascii()):
        return "pinyin"
    if row.get("script") == "translit" or (row.get("lang") == "ru" and q.isascii()):
        return "translit"
    return "cyrl" if re.search(r"[\u0400-\u04ff]", q) else "latin"


def band(n: int, full: str) -> str:
    r = n / max(1, len(full))
    return BANDS[0] if r < .25 else BANDS[1] if r < .5 else BANDS[2] if r < .75 else BANDS[3]


def cuts(full: str, sc: str, spaced: bool = False) -> list[str]:
    """Every keystroke's text, shorter than the question, not ending in a space (``spaced``:
    only those ending in one space)."""
    out = []
    for k in range(1, len(full)):
        cut = full[:k]
        if cut[-1].isspace() != spaced or cut[-2:].isspace():
            continue
        if len(HAN.findall(cut)) < 2 if sc in ("Hans", "Hant") else sum(c.isalpha() for c in cut) < 3:
            continue
        out.append(cut)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--index", type=Path, default=None, help="index folder (default: a fresh one)")
    ap.add_argument("--scripts", default="Hans,Hant,pinyin,latin,cyrl,translit")
    ap.add_argument("--heads", action="store_true", help="cut the head rows too (one- and two-word queries typed whole)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--spaced", action="store_true", help="the cuts ending in a space (the word finished) instead")
    args = ap.parse_args()
    wanted = set(args.scripts.split(","))
    s = open_searcher(args.kb, args.index or Path(tempfile.mkdtemp(prefix="faqkb-sweep-")), build=True)
    agg: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    rows, seen = [], set()
    for f in args.files:
        for r in yaml.safe_load(Path(f).read_text("utf-8")) or []:
            skipped = r.get("kind") in SKIPPED and not (args.heads and r.get("kind") == "head")
            if skipped or not r.get("expect") or (sc := script(r["q"], r)) not in wanted:
                continue
            for cut in cuts(r["q"], sc, args.spaced):
                if (cut, tuple(r["expect"])) in seen:
                    continue
                seen.add((cut, tuple(r["expect"])))
                res = s.search(cut, limit=10, suggest=False, prefix=True)
                top = [h.id for h in res.hits[:3]]
                ok, told = bool(set(r["expect"]) & set(top)), not res.answered and not res.typing
                b = band(len(cut), r["q"])
                for key in ((sc, b), (sc, "all"), ("ALL", b), ("ALL", "all")):
                    agg[key][0] += 1
                    agg[key][1] += ok
                    agg[key][2] += told
                rows.append({"q": cut, "full": r["q"], "script": sc, "band": b, "expect": r["expect"], "top": top,
                             "ok": ok, "told": told})
    for sc in (*sorted(wanted), "ALL"):
        if (sc, "all") not in agg:
            continue
        parts = [f"{b}:{agg[sc, b][1] / agg[sc, b][0]:.3f}({agg[sc, b][0]})" for b in (*BANDS, "all") if (sc, b) in agg]
        print(f"{sc:7} s@3 " + " ".join(parts) + f" told {agg[sc, 'all'][2] / agg[sc, 'all'][0]:.3f}")
    if args.out:
        args.out.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    sys.exit(main())
