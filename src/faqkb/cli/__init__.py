"""The ``faqkb`` command (``pyproject.toml``: ``faqkb = "faqkb.cli:main"``): the click group and its
commands (``commands.py``), the options they share (``options.py``) and terminal output (``render.py``)."""

import os

# numpy's OpenBLAS starts a thread per core when numpy is imported (~60 ms of CPU on 2 cores, a
# fifth of a cold `faqkb search`, competing with the search on a busy machine) for matrix
# products faqkb never makes at a size threads would help (docs/engine.md, "Cold start").
# Before anything imports numpy; a value the user set wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from .commands import main

__all__ = ["main"]
