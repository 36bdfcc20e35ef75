"""One configuration path: FAQKB_* variables reach the web app (from_prefixed_env) and the
CLI (envvar=) alike, explicit values win, bad values are one clear error, and the library
leaves logging levels alone."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURE_KB

from faqkb.cli import main
from faqkb.errors import ConfigError
from faqkb.settings import SETTINGS
from faqkb.web import create_app


@pytest.fixture
def env(monkeypatch, fixture_index: Path, tmp_path: Path):
    """No FAQKB_* variable from the caller's shell, then the fixture kb and index by variable."""
    for s in SETTINGS:
        monkeypatch.delenv(s.env, raising=False)
    monkeypatch.setenv("FAQKB_KB", str(FIXTURE_KB))
    monkeypatch.setenv("FAQKB_INDEX", str(fixture_index))
    monkeypatch.setenv("FAQKB_INSTANCE", str(tmp_path / "instance"))
    return monkeypatch


def test_variables_reach_the_app(env, fixture_index, tmp_path):
    env.setenv("FAQKB_SEARCH_CACHE", "0")
    env.setenv("FAQKB_SECRET_KEY", "123")  # parses as JSON (a number): still the text "123"
    env.setenv("FAQKB_BUILD", "false")
    app = create_app()
    assert app.config["KB"] == FIXTURE_KB and app.config["INDEX"] == fixture_index
    assert app.config["INSTANCE"] == (tmp_path / "instance").resolve()
    assert app.config["SEARCH_CACHE"] == 0 and app.config["BUILD"] is False
    assert app.config["SECRET_KEY"] == "123"
    assert app.test_client().get("/healthz").get_json()["entries"] == 6


def test_the_mapping_beats_the_variables(env, tmp_path):
    env.setenv("FAQKB_SEARCH_CACHE", "5")
    app = create_app({"SEARCH_CACHE": 7, "INSTANCE": tmp_path / "other"})
    assert app.config["SEARCH_CACHE"] == 7 and app.config["INSTANCE"] == (tmp_path / "other").resolve()


@pytest.mark.parametrize("name,value", [("WATCH", "maybe"), ("BUILD", "2"), ("SEARCH_CACHE", "lots"),
                                        ("SEARCH_CACHE", "-1")])
def test_a_bad_value_is_an_error_naming_the_variable(env, name, value):
    env.setenv(f"FAQKB_{name}", value)
    with pytest.raises(ConfigError, match=f"FAQKB_{name}="):
        create_app()


def test_an_old_config_key_fails_loudly(env):
    with pytest.raises(ConfigError, match="KB_DIR is now KB"):
        create_app({"KB_DIR": FIXTURE_KB})


def test_the_cli_reads_the_same_variables(env):
    r = CliRunner().invoke(main, ["search", "注销 余额", "--json", "--no-build"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["hits"][0]["id"] == "refund-remaining-balance"  # the fixture kb's answer
    r = CliRunner().invoke(main, ["search", "x", "--no-build", "--index", "/nonexistent/index"])
    assert r.exit_code == 2 and "/nonexistent/index" in r.output  # the option beats the variable


def test_help_names_the_variable_of_every_setting_option():
    out = CliRunner().invoke(main, ["serve", "--help"]).output
    for s in SETTINGS:
        if s.option:
            assert s.env in out, s.env


def test_the_library_leaves_logging_levels_to_the_application(env):
    logger = logging.getLogger("faqkb")
    before = logger.level
    create_app()
    assert logger.level == before
