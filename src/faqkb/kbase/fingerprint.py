"""The fingerprint of a kb folder: equal fingerprints mean an index answers exactly as a
fresh build of the kb would (service.freshness compares it with the live version's). Here,
beside the kb's other readers, not in build/: every `faqkb search` and `show` checks its
index's freshness with it, and must not import the builder to do so."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..analysis import ANALYSIS_VERSION


def kb_fingerprint(root: str | os.PathLike) -> str:
    """A hash of every YAML file under kb/ (names and bytes) and of the analysis version:
    equal fingerprints mean the index answers exactly as a fresh build would."""
    from .folder import check_kb_layout

    root = Path(root)
    check_kb_layout(root)  # NotAKnowledgeBase, quickly, for a folder like / or $HOME
    h = hashlib.sha256(f"faqkb-analysis-{ANALYSIS_VERSION}\0".encode())
    # The kb's files are its top-level data files and <category>/<id>.yaml: nothing deeper.
    # Sorted by parts: the order Path's own comparison gives on POSIX, without its Python-level
    # __lt__ (3 s of a 100k-entry kb's 1.7M comparisons, before any file is read).
    for p in sorted([*root.glob("*.yaml"), *root.glob("*/*.yaml")], key=lambda p: p.parts):
        rel = p.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        h.update(str(rel).encode() + b"\0")
        # A folder, FIFO, broken or looping link named *.yaml must not crash or hang this
        # (load_kb reports it); read in chunks so a huge file is hashed, not held in memory.
        try:
            if not p.is_file():
                h.update(b"<not a file>\0")
                continue
            with open(p, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        except OSError as e:
            h.update(f"<unreadable {e.errno}>".encode())
        h.update(b"\0")
    return h.hexdigest()
