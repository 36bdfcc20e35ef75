"""Access to the app's Site and FeedbackStore from views (no module-level globals)."""

from __future__ import annotations

from flask import current_app

from ..feedback import FeedbackStore
from .state import Site

EXT = "faqkb"


def site() -> Site:
    return current_app.extensions[EXT]["site"]


def feedback() -> FeedbackStore:
    return current_app.extensions[EXT]["feedback"]
