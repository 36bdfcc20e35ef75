"""Which language a hit of each document shows, per language the reader wants (layout.SHOWN),
made at build: a first-time hit then reads its entry's id and language from an array
(engine.context.Context.shown) instead of looking the entry up and asking Entry.best_lang,
and keeping the answer per (document, wanted) in a bounded cache (docs/engine.md,
"First-time query, thirteenth pass")."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..kbase.model import LANGS, Entry
from ..layout import SHOWN

if TYPE_CHECKING:
    from numpy.typing import NDArray

WANTED: tuple[str | None, ...] = (None, *LANGS)  # the array's columns


def shown(entries: Sequence[Entry]) -> NDArray:
    """Per entry (docnum order), for each of WANTED, LANGS' place of Entry.best_lang(wanted):
    an int8 array of len(entries) × len(WANTED)."""
    import numpy as np

    place = {lang: i for i, lang in enumerate(LANGS)}
    return np.array([[place[e.best_lang(w)] for w in WANTED] for e in entries], dtype=np.int8
                    ).reshape(len(entries), len(WANTED))


def write_shown(version_dir: Path, entries: Sequence[Entry]) -> None:
    import numpy as np

    np.save(version_dir / SHOWN, shown(entries))
