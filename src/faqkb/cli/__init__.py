"""The ``faqkb`` command (``pyproject.toml``: ``faqkb = "faqkb.cli:main"``): the click group and its
commands (``commands.py``), the options they share (``options.py``) and terminal output (``render.py``)."""

from .commands import main

__all__ = ["main"]
