"""The build's verify step (build/stages.verify) refuses a version that does not hold the kb,
in the builder or in a fresh interpreter (what a parallel build uses, so the searcher's memory
is not added to the builder's), with the same message either way."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BUNDLED_KB, FIXTURE_KB

from faqkb.build.stages import verify
from faqkb.errors import FaqkbError
from faqkb.index import current_version
from faqkb.kbase.load import load_kb


@pytest.mark.parametrize("fresh", [False, True])
def test_verify_passes_the_kb_it_was_built_from(fixture_index: Path, fresh: bool) -> None:
    version = current_version(fixture_index)
    assert version is not None
    verify(version, load_kb(FIXTURE_KB), fresh=fresh)  # raises if the version fails


@pytest.mark.parametrize("fresh", [False, True])
def test_verify_refuses_a_version_of_another_kb(fixture_index: Path, fresh: bool) -> None:
    version = current_version(fixture_index)
    assert version is not None
    bundled = load_kb(BUNDLED_KB)
    with pytest.raises(FaqkbError) as got:
        verify(version, bundled, fresh=fresh)
    assert str(got.value).startswith("new index holds ")
    assert str(got.value).endswith(f"expected {len(bundled.entries)}")
