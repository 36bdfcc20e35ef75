"""What a page reads must not scale with visits (issue 23): the home page's "most asked" is
read from the feedback store once per MOST_ASKED_SECONDS, not per visit (statements counted
on the store's SQLAlchemy engine, a public seam), and /sitemap.xml is made once per index
version (Recent.computed counts the computations), then again when the index changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import FIXTURE_KB

from faqkb.web import create_app
from faqkb.web.state import state_of

VISITS = 200


def app_for(kb: Path, index: Path, instance: Path, **extra):
    return create_app({"KB": kb, "INDEX": index, "INSTANCE": instance, "SECRET_KEY": "t", "TESTING": True,
                       "RATELIMIT_ENABLED": False, **extra})


def count_reads(app) -> list[str]:
    """Every SQL statement the app's feedback store runs from now on that reads view_days."""
    seen: list[str] = []

    def before(conn, cursor, statement, *args) -> None:
        if "view_days" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)
    sa.event.listen(state_of(app).feedback.engine, "before_cursor_execute", before)
    return seen


@pytest.mark.parametrize("seconds,most", [(3600, 1), (0, VISITS)])
def test_home_visits_read_most_asked_once_per_period(kb_dir, index_dir, tmp_path, seconds, most):
    app = app_for(kb_dir, index_dir, tmp_path / "inst", MOST_ASKED_SECONDS=seconds)
    reads = count_reads(app)
    client = app.test_client()
    for _ in range(VISITS):
        r = client.get("/")
        assert r.status_code == 200
    # 0 seconds: the store is read per visit (what the cache spares); else once for all visits.
    assert len(reads) == most, (seconds, len(reads))


def test_sitemap_is_made_once_per_index_version(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    app = app_for(kb, tmp_path / "index", tmp_path / "inst", WATCH=False)
    recent = state_of(app).recent
    client = app.test_client()
    first = client.get("/sitemap.xml")
    assert first.status_code == 200 and "<urlset" in first.get_data(as_text=True)
    made = recent.computed
    for _ in range(VISITS):
        assert client.get("/sitemap.xml").data == first.data
    assert recent.computed == made, "the sitemap was made again for a request"
    # Another allowed origin is another sitemap (its links name that origin), made once too.
    other = [client.get("/sitemap.xml", headers={"Host": "127.0.0.1"}) for _ in range(3)]
    assert b"http://127.0.0.1/" in other[0].data and recent.computed == made + 1
    # A new index version (an entry added) is a new sitemap, with the new entry.
    src = next(p for p in sorted(kb.glob("*/*.yaml")) if "id:" in p.read_text(encoding="utf-8"))
    text = src.read_text(encoding="utf-8")
    old_id = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("id:"))
    (src.parent / "sitemap-new-entry.yaml").write_text(
        text.replace(f"id: {old_id}", "id: sitemap-new-entry", 1), encoding="utf-8")
    assert state_of(app).site.rebuild_if_stale()
    after = client.get("/sitemap.xml")
    assert b"/entry/sitemap-new-entry" in after.data and b"/entry/sitemap-new-entry" not in first.data
    assert recent.computed == made + 2
