"""Is this folder a knowledge base at all? Asked before anything reads or hashes a `--kb`
folder, with a bound on the work: `faqkb build --kb /` must be refused at once, not walk
the whole filesystem. Light on purpose (no YAML): queries pass through it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import FaqkbError
from .model import CATEGORIES

MAX_TOP_ENTRIES = 1_000   # a kb folder holds six category folders and a few data files
MAX_SCANNED = 250_000     # directory entries looked at in all; the 100k-entry benchmark kb fits


HINT = "pass --kb with the folder that holds <category>/<id>.yaml files"


class NotAKnowledgeBase(FaqkbError):
    """The folder given as a kb has no kb layout (or is far too big to be one)."""

    def __init__(self, root: Path, what: str, scanned: int = 0) -> None:
        self.root, self.what, self.hint, self.scanned = root, what, HINT, scanned
        super().__init__(f"{root}: {what} — {HINT}")


@dataclass(frozen=True)
class Layout:
    entry_files: int   # <category>/*.yaml files seen
    scanned: int       # directory entries looked at to decide (bounded by MAX_SCANNED)


def check_kb_layout(root: str | os.PathLike) -> Layout:
    """The kb layout of ``root``: category folders (basics, costs, ...) holding *.yaml
    files. Raises NotAKnowledgeBase, with one line saying what to pass instead, for a folder
    without one, or with more than MAX_TOP_ENTRIES entries at its top (`/`, a home folder),
    having looked at no more than MAX_SCANNED directory entries."""
    root = Path(root)
    if not root.is_dir():
        raise NotAKnowledgeBase(root, "knowledge base folder not found")
    scanned = 0

    def listing(folder: str | Path, limit: int, too_many: str) -> Iterator[os.DirEntry]:
        """The entries of ``folder``, each counted; refused once ``scanned`` passes ``limit``."""
        nonlocal scanned
        with os.scandir(folder) as it:
            for e in it:
                scanned += 1
                if scanned > limit:
                    raise NotAKnowledgeBase(root, too_many, scanned)
                yield e

    try:
        categories = [e.path for e in listing(root, MAX_TOP_ENTRIES, f"more than {MAX_TOP_ENTRIES} files and "
                                              "folders at the top; not a knowledge base")
                      if e.name in CATEGORIES and e.is_dir()]
        files = sum(e.name.endswith(".yaml") for folder in categories
                    for e in listing(folder, MAX_SCANNED, f"more than {MAX_SCANNED} files in its category "
                                     "folders; too big for a knowledge base"))
    except PermissionError as e:
        raise NotAKnowledgeBase(root, f"cannot read {e.filename}", scanned) from None
    if not files:
        raise NotAKnowledgeBase(root, f"no knowledge base here (no {'/, '.join(CATEGORIES)}/ folder "
                                      "with .yaml entries)", scanned)
    return Layout(entry_files=files, scanned=scanned)
