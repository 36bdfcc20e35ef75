"""kb/channels.yaml (the way out's links): the bundled file is valid, and `faqkb check`
refuses what the kb refuses elsewhere — a phone link, a domain off the allowlist, plain http."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from conftest import BUNDLED_KB

from faqkb.cli import main
from faqkb.errors import KBError
from faqkb.kbase.channels import for_query, read_channels


def test_bundled_channels_are_operators_sites():
    channels = read_channels(BUNDLED_KB)
    assert {c.id for c in channels} >= {"mts", "beeline", "megafon", "t2"}
    assert [c.id for c in for_query(channels, "как расторгнуть МегаФон")][0] == "megafon"


@pytest.mark.parametrize("url, why", [("tel:+74951234567", "not an https link"),
                                      ("https://mts-help.example/", "not an https link on an allowed domain"),
                                      ("http://mts.ru/", "not an https link"),
                                      ("https://t.me/mts_help", "allowed domain")])
def test_check_refuses_unsafe_channel_links(tmp_path, url, why):
    kb = tmp_path / "kb"
    shutil.copytree(BUNDLED_KB, kb)
    (kb / "channels.yaml").write_text(
        "channels:\n  - id: mts\n    names: [MTS]\n    links:\n      - {kind: site, url: \"" + url + "\"}\n",
        encoding="utf-8")
    with pytest.raises(KBError) as e:
        read_channels(kb)
    assert why in e.value.message and e.value.line == 5
    res = CliRunner().invoke(main, ["check", "--kb", str(kb)])
    assert res.exit_code == 1 and "channels.yaml:5" in res.output, res.output
