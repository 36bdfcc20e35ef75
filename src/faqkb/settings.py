"""Every setting of faqkb in one table: its name, environment variable, default and meaning.

One configuration path: the web app reads ``FAQKB_<NAME>`` variables with Flask's
``Config.from_prefixed_env("FAQKB")`` (values that parse as JSON - numbers, true/false - are
taken as such, anything else as text), then the mapping given to ``create_app``; the CLI
gives the same variable to the option that sets the same thing (``envvar=``), so
``FAQKB_KB=/srv/kb`` means the same to ``faqkb serve``, ``faqkb search`` and
``faqkb.wsgi:app``. docs/settings.md lists them all (tests/test_docs.py checks it against
this table).

To add a setting: add a ``Setting`` below; read it in the app as ``app.config["NAME"]``
(coerce it with ``flag``/``integer`` when it is not text) and, if the CLI has an option for
it, give that option ``envvar=env("NAME")`` and ``show_envvar=True``; add a row to
docs/settings.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ConfigError

PREFIX = "FAQKB"


@dataclass(frozen=True)
class Setting:
    name: str          # the app.config key; the variable is FAQKB_<name>
    default: Any       # None: computed at start-up, as ``computed`` says
    meaning: str
    computed: str = ""  # how a default of None is found
    option: str = ""    # the CLI option that reads the same variable, if any

    @property
    def env(self) -> str:
        return env(self.name)


def env(name: str) -> str:
    """The environment variable of setting ``name``."""
    return f"{PREFIX}_{name}"


SETTINGS: tuple[Setting, ...] = (
    Setting("KB", None, "knowledge base folder", "the kb bundled with faqkb", "--kb"),
    Setting("INDEX", None, "index folder", "a per-user cache folder keyed on the kb's absolute path", "--index"),
    Setting("INSTANCE", None, "folder of the feedback database and the generated secret key",
            "`instance` in the per-user data folder", "--instance"),
    Setting("SECRET_KEY", None, "signs the session cookie that carries the form token; give every replica the "
            "same one", "generated once into INSTANCE/secret_key"),
    Setting("WATCH", False, "rebuild the index when kb/ changes (checked every 2 s); one replica only", "", "--watch"),
    Setting("BUILD", True, "build a missing or stale index at start-up (false: serve what is there or fail)"),
    Setting("SEARCH_CACHE", 1024, "API responses kept in the per-process LRU; 0 disables it"),
    Setting("MOST_ASKED_SECONDS", 60, "seconds the home page's \"most asked\" list is kept before the feedback "
            "store is read again (0: read per visit)"),
    Setting("LOG_LEVEL", "INFO", "level of faqkb's log lines in `faqkb serve` and `faqkb.wsgi` (the library "
            "itself never sets a level)"),
    Setting("HOST", "127.0.0.1", "address `faqkb serve` listens on", "", "--host"),
    Setting("PORT", 8080, "port `faqkb serve` listens on", "", "--port"),
    Setting("THREADS", 4, "waitress worker threads of `faqkb serve`", "", "--threads"),
    Setting("CONNECTION_LIMIT", 1000, "open connections `faqkb serve` accepts; each slow client holds one "
            "(waitress's own 100 let 150 slow clients lock everyone out)", "", "--connection-limit"),
    Setting("CONNECTIONS_PER_ADDRESS", 100, "open connections one client address may hold in `faqkb serve` (an IPv6 "
            "client by its /64); 0: no cap. Off with --proxies (every connection is the proxy's)", "",
            "--connections-per-address"),
    Setting("CHANNEL_TIMEOUT", 30, "seconds before `faqkb serve` closes an idle connection", "", "--channel-timeout"),
    Setting("ALLOWED_HOSTS", "localhost,127.0.0.1,::1", "host names the site answers to (the Host header), "
            "comma-separated; `.example.org` includes subdomains, `*` any. Others get 400 (DNS rebinding); "
            "`faqkb serve --host ADDR` adds ADDR", "", ""),
    Setting("SITE_URL", None, "the site's public address, e.g. `https://help.example.org`, for absolute links "
            "(canonical, hreflang, sitemap, og:url)", "the request's host when ALLOWED_HOSTS names it, else the first "
            "name in ALLOWED_HOSTS"),
    Setting("PROXIES", 0, "trusted reverse proxies in front (nginx: 1): the reader's address, scheme and host "
            "come from X-Forwarded-*; never set it without a proxy (clients could claim any address)",
            "", "--proxies"),
    Setting("FEEDBACK_DB", None, "feedback database (SQLAlchemy URL); `postgresql://…` shared by replicas "
            "(docs/feedback.md)", "SQLite `feedback.sqlite3` in INSTANCE", "--db"),
    Setting("FEEDBACK_MAX_QUERIES", 2000, "rows of unanswered queries kept (the least asked make room)"),
    Setting("FEEDBACK_MAX_VOTES", 50000, "votes kept (the oldest make room)"),
    Setting("SOURCE_MAX_AGE_DAYS", 365, "days after a person last read a source (kb/facts.yaml `checked`) "
            "before entry pages (and `faqkb show --max-age`) tell readers that reading is old"),
    Setting("FEEDBACK_RETENTION_DAYS", 90, "days a query or vote is kept after it was last seen"),
    Setting("FEEDBACK_PAUSE", 5, "seconds the feedback store is left alone after a failure: writes are "
            "dropped and /healthz says feedback_unavailable meanwhile"),
    Setting("RATELIMIT_ENABLED", True, "per-client rate limits on (false only for load tests from one address)"),
    Setting("RATELIMIT_SEARCH", "20 per 10 seconds; 300 per hour", "per-client budget of /search and "
            "/api/search together (Flask-Limiter notation)"),
    Setting("RATELIMIT_SUGGEST", "30 per 10 seconds; 600 per hour", "per-client budget of as-you-type: the live "
            "panel (/search/panel) and /api/suggest together"),
    Setting("RATELIMIT_VOTE", "10 per minute; 100 per day", "per-client budget of \"was this helpful?\" votes"),
    Setting("RATELIMIT_DEFAULT", "60 per 10 seconds", "per-client budget of every other page and API route"),
    Setting("RATELIMIT_STORAGE_URI", "memory://", "where rate-limit counts live; `redis://host:6379/0` shares "
            "them between replicas"),
)

BY_NAME = {s.name: s for s in SETTINGS}


def defaults() -> dict[str, Any]:
    """The settings that have a fixed default, as a config mapping."""
    return {s.name: s.default for s in SETTINGS if s.default is not None}


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def flag(value: Any, name: str) -> bool:
    """A yes/no setting from a bool, 0/1 or true/false/yes/no/on/off text; anything else is
    an error naming the variable (FAQKB_WATCH=maybe must not mean yes)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{env(name)}={value!r}: use true or false")


def integer(value: Any, name: str, minimum: int = 0) -> int:
    """A whole-number setting, at least ``minimum``; an error naming the variable if not."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{env(name)}={value!r}: use a whole number") from None
    if number < minimum or isinstance(value, bool):
        raise ConfigError(f"{env(name)}={value!r}: use a whole number of at least {minimum}")
    return number
