"""Shared fixtures: small real knowledge bases and real indexes on disk (no mocks)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from faqkb.service import rebuild
from faqkb.search import Searcher

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"
BUNDLED_KB = Path(__file__).parents[1] / "kb"


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A private copy of the six-entry fixture kb (one entry per category), free to edit."""
    dest = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, dest)
    return dest


@pytest.fixture
def index_dir(kb_dir: Path, tmp_path: Path) -> Path:
    """The fixture kb built into a real whoosh index."""
    dest = tmp_path / "index"
    rebuild(kb_dir, dest)
    return dest


@pytest.fixture(scope="session")
def fixture_index(tmp_path_factory) -> Path:
    """The fixture kb built once per session, for tests that only read it."""
    dest = tmp_path_factory.mktemp("fixture") / "index"
    rebuild(FIXTURE_KB, dest)
    return dest


@pytest.fixture(scope="session")
def searcher(fixture_index: Path) -> Searcher:
    return Searcher(fixture_index)


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory) -> Path:
    """The bundled kb built once per test session."""
    dest = tmp_path_factory.mktemp("bundled") / "index"
    rebuild(BUNDLED_KB, dest)
    return dest


@pytest.fixture(scope="session")
def bundled(bundled_index: Path) -> Searcher:
    return Searcher(bundled_index)
