"""Shared fixtures: small real knowledge bases and real indexes on disk (no mocks).

Indexes are built once per session (``fixture_index``, ``bundled_index``) for every test that
only reads them; ``kb_dir`` + ``index_dir`` give a private copy per test for tests that edit
the kb or rebuild. Tiers (markers registered in pyproject.toml): ``browser`` drives
Chromium, ``slow`` builds many indexes or runs subprocess builds; the fast tier for
development is ``HYPOTHESIS_PROFILE=dev python -m pytest -m "not browser and not slow"``.
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from faqkb.index import current_version
from faqkb.search import Searcher
from faqkb.service import rebuild

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"
BUNDLED_KB = Path(__file__).parents[1] / "kb"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# Hypothesis profiles, chosen by HYPOTHESIS_PROFILE: "ci" (the default, what .ci/run and the
# README run) keeps the full example counts; "dev" runs a small fraction for a quick loop.
# Both are derandomized and keep no example database, so a failure reproduces anywhere, and
# neither has a deadline: a wall-clock limit per example fails on a busy machine, not on slow
# code (the fuzz tests bound work instead; pytest-timeout catches hangs).
_FUZZ = {"derandomize": True, "database": None, "deadline": None, "print_blob": True,
         "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much,
                                   HealthCheck.function_scoped_fixture]}
settings.register_profile("ci", **_FUZZ)
settings.register_profile("dev", **_FUZZ)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def examples(ci: int) -> int:
    """How many examples a property test runs: ``ci`` under the ci profile, a small
    fraction of it under dev."""
    return ci if PROFILE == "ci" else max(20, ci // 50)


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A private copy of the six-entry fixture kb (one entry per category), free to edit."""
    dest = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, dest)
    return dest


@pytest.fixture
def index_dir(kb_dir: Path, fixture_index: Path, tmp_path: Path) -> Path:
    """The fixture kb's real whoosh index, private to the test (free to rebuild or damage):
    a copy of the session's build, which is what a build of ``kb_dir`` gives (the kb's
    fingerprint hashes names and bytes, not where the kb lives)."""
    dest = tmp_path / "index"
    shutil.copytree(fixture_index, dest)
    return dest


def _built_once(tmp_path_factory, kb: Path, name: str):
    dest = tmp_path_factory.mktemp(name) / "index"
    rebuild(kb, dest)
    live = current_version(dest)
    yield dest
    # Shared by every test of the session: one that rebuilt it would make the others' results
    # depend on the order they ran in. Tests that change an index use index_dir (a copy).
    assert current_version(dest) == live, f"a test rebuilt the shared index {dest}; use index_dir"


@pytest.fixture(scope="session")
def fixture_index(tmp_path_factory) -> Path:
    """The fixture kb built once per session, for tests that only read it."""
    yield from _built_once(tmp_path_factory, FIXTURE_KB, "fixture")


@pytest.fixture(scope="session")
def searcher(fixture_index: Path) -> Searcher:
    return Searcher(fixture_index)


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory) -> Path:
    """The bundled kb built once per test session, for tests that only read it."""
    yield from _built_once(tmp_path_factory, BUNDLED_KB, "bundled")


@pytest.fixture(scope="session")
def bundled(bundled_index: Path) -> Searcher:
    return Searcher(bundled_index)


# -- serving an app and driving real headless Chromium (test_browser.py, test_web_hostile.py)

@contextmanager
def serve_wsgi(app, threads: int = 4):
    """``app`` under waitress in a thread on a free loopback port; yields its base URL."""
    import waitress

    # poll(), as `faqkb serve` uses (web/serving.py): select() fails on a descriptor numbered
    # above 1024, which a test process holding many searchers' open index files reaches.
    srv = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads, asyncore_use_poll=True)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.effective_port}"
    finally:
        srv.close()


@pytest.fixture(scope="module")
def server(bundled_index, tmp_path_factory):
    """The site on the bundled kb under waitress in a thread; yields its base URL. Rate limits
    are off: one browser opens many pages, and the limits have their own tests."""
    from faqkb.web import create_app

    app = create_app({"KB": BUNDLED_KB, "INDEX": bundled_index,
                      "INSTANCE": tmp_path_factory.mktemp("instance"), "SECRET_KEY": "browser-tests",
                      "RATELIMIT_ENABLED": False})
    with serve_wsgi(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium with JavaScript, one per test module."""
    d = chrome_driver(tmp_path_factory)
    yield d
    d.quit()


def need_browser() -> None:
    """Missing Chromium is a failure with a clear message, never a silent skip."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists() and not shutil.which(Path(p).name)]
    if missing:
        pytest.fail(f"browser tests need Debian's chromium and chromium-driver ({', '.join(missing)} not found): "
                    "apt-get install chromium chromium-driver (.ci/run does this)", pytrace=False)


def chrome_driver(tmp_path_factory, javascript: bool = True):
    """Headless Debian Chromium through selenium, English UI, its own profile dir."""
    need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=430,1000", "--lang=en-US",
                f"--user-data-dir={tmp_path_factory.mktemp('chrome')}"):
        opts.add_argument(arg)
    prefs = {"intl.accept_languages": "en-US,en"}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    opts.add_experimental_option("prefs", prefs)
    d = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    d.set_page_load_timeout(120)
    return d


def wait(driver, cond, timeout=60.0):  # generous: only catches a hang
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout).until(cond)


# -- real shared-state servers (tests/servers.py): the feedback and rate-limit suites run
# against both the embedded defaults and the servers replicas share

@pytest.fixture(scope="session")
def postgres_url():
    from servers import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def redis_url():
    from servers import redis_server

    with redis_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def feedback_url(request, tmp_path) -> str:
    """A fresh, empty feedback database: SQLite in the test's folder, or a new database on
    the session's PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    import re

    from servers import fresh_postgres_db
    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    return fresh_postgres_db(request.getfixturevalue("postgres_url"), name)


@pytest.fixture(params=["memory", "redis"])
def limiter_storage(request) -> str:
    """Flask-Limiter storage: in-process memory, or the session's Redis (emptied first)."""
    if request.param == "memory":
        return "memory://"
    url = request.getfixturevalue("redis_url")
    import redis

    r = redis.Redis.from_url(url)
    r.flushall()
    r.close()
    return url
