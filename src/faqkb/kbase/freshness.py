"""How old the kb's knowledge is: `faqkb check --stale DAYS` lists every fact a person last
read (kb/facts.yaml `checked`) more than DAYS before today, and every law, bill or pilot fact
past its `recheck_by` day, each with the entries that rest on it — the list an editor works
through. Entry pages flag old readings on their own (sources.py, SOURCE_MAX_AGE_DAYS).

``today`` is a parameter everywhere (a day or an ISO date; None: the machine's today) so the
report for any day can be asked for, and tested, without touching the clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import KBError, KBErrors
from ..sources import as_day
from .model import KnowledgeBase
from .style import StyleWarning


@dataclass(frozen=True)
class StaleFact:
    id: str
    checked: str
    age_days: int            # days between ``checked`` and today
    recheck_by: str          # "" when the fact has none
    overdue_days: int        # days past ``recheck_by`` (0: not past it, or none)
    too_old: bool            # read more than the asked number of days ago
    entries: tuple[str, ...]  # ids of the entries citing it


def stale_facts(kb: KnowledgeBase, days: int, today: dt.date | str | None = None) -> list[StaleFact]:
    """Facts read more than ``days`` days before ``today`` or past their ``recheck_by``, the
    most overdue first, each with the entries that cite it."""
    day = as_day(today)
    citing: dict[str, list[str]] = {}
    for e in kb.entries.values():
        for fid in e.sources:
            citing.setdefault(fid, []).append(e.id)
    out = []
    for f in kb.facts.values():
        age = (day - dt.date.fromisoformat(f.checked)).days
        overdue = (day - dt.date.fromisoformat(f.recheck_by)).days if f.recheck_by else 0
        if age > days or overdue > 0:
            out.append(StaleFact(f.id, f.checked, age, f.recheck_by, max(overdue, 0), age > days,
                                 tuple(sorted(citing.get(f.id, ())))))
    return sorted(out, key=lambda s: (-s.overdue_days, -s.age_days, s.id))


def _fact_line(root: Path, fid: str) -> int:
    path = root / "facts.yaml"
    lines = path.read_text("utf-8").splitlines() if path.exists() else []
    return next((n for n, line in enumerate(lines, 1) if line.strip() == f"{fid}:"), 1)


def stale_problems(root: str | Path, days: int, today: dt.date | str | None = None) -> list[KBError]:
    """`check --stale`'s lines: one warning per stale fact, at its line in kb/facts.yaml.
    A kb that does not load has no report (`check` prints why it does not load)."""
    from .load import load_kb

    root = Path(root)
    try:
        kb = load_kb(root)
    except KBErrors:
        return []
    out: list[KBError] = []
    for s in stale_facts(kb, days, today):
        why = []
        if s.overdue_days:
            why.append(f"its re-check day {s.recheck_by} passed {s.overdue_days} day(s) ago")
        if s.too_old:
            why.append(f"last read {s.checked}, {s.age_days} days ago (over {days})")
        resting = ", ".join(s.entries) if s.entries else "no entry cites it"
        out.append(StyleWarning(f"{root.name}/facts.yaml", _fact_line(root, s.id), 3, f"{s.id}: {'; '.join(why)}",
                                "re-read the source, update the fact and set checked"
                                + (" and recheck_by" if s.recheck_by else "") + f"; entries resting on it: {resting}"))
    return out
