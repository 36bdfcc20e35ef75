"""Access to the app's AppState (Site, FeedbackStore, response cache) from views (no module-level
globals): views go through these, never through current_app.extensions."""

from __future__ import annotations

from flask import current_app, request

from ..feedback import FeedbackStore
from ..kbase.model import CATEGORIES
from .cache import Recent, ResponseCache
from .deferred import DeferredWrites, StoreUnavailable
from .health import EXT as HEALTH
from .health import Health
from .state import AppState, Site, state_of


def state() -> AppState:
    """The current app's AppState."""
    return state_of(current_app)


def site() -> Site:
    return state().site


def feedback() -> FeedbackStore:
    return state().feedback


def deferred() -> DeferredWrites:
    """Feedback writes done after the response (web/deferred.py)."""
    return state().deferred


def client_key() -> str:
    """Today's pseudonym of the requesting client (its address under a day key derived
    from the secret key: computed, never written; behind a proxy, ProxyFix makes
    remote_addr the reader's address)."""
    return feedback().client_key(request.remote_addr)


def recent() -> Recent:
    """Values pages show that may be a little old (web/cache.py's Recent)."""
    return state().recent


def most_viewed(limit: int) -> list[str]:
    """The "most asked" entry ids (FeedbackStore.most_asked: distinct readers over a window,
    a minimum before an entry displaces the starter list), or [] when the store is slow or
    down (the home page then shows its starter list): the request waits at most deferred().wait.
    Read from the store at most once per MOST_ASKED_SECONDS (docs/feedback.md), not per
    visit: a burst of home-page visits is one query, and while it runs the other visits show
    the previous list (or the starter list) at once; after a failure, [] is kept for the
    store's pause so a down store is not asked again by every visit."""
    seconds = float(current_app.config["MOST_ASKED_SECONDS"])

    def read() -> tuple[list[str], float]:
        try:
            return deferred().call(feedback().most_asked, limit), seconds
        except StoreUnavailable:
            return [], min(seconds, deferred().pause)
    return recent().get(("most asked", limit), read, default=[])


def record_vote(entry_id: str, helpful: bool, *, query: str, reason: str | None) -> None:
    """The reader's vote, within deferred().wait; StoreUnavailable if it was not recorded
    (web/errors.py answers 503 "could not record your vote")."""
    deferred().call(feedback().record_vote, entry_id, helpful, client=client_key(), query=query, reason=reason)


def health_check() -> Health:
    """The app's /healthz checks (web/health.py)."""
    return current_app.extensions[HEALTH]


def response_cache() -> ResponseCache:
    """The app's LRU of API response bodies (web/cache.py)."""
    return state().cache


def category_counts() -> dict[str, int]:
    """Entries per category on the live index, every category listed (pages and API)."""
    counts = dict.fromkeys(CATEGORIES, 0)
    for e in site().searcher.entries.values():
        counts[e.category] = counts.get(e.category, 0) + 1
    return counts
