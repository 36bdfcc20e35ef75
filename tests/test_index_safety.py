"""Never delete what is not ours, never walk what is not a kb: an index folder carries a
marker and records written by `faqkb build`; a non-empty folder without them is refused
and left byte-for-byte as it was; only versions the records list are ever removed; a
`--kb` without a kb layout is refused after a bounded look (counted, not timed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE_KB

from faqkb.build import build_index
from faqkb.build.store import Store, read_records
from faqkb.errors import FaqkbError
from faqkb.kbase.folder import MAX_SCANNED, MAX_TOP_ENTRIES, NotAKnowledgeBase, check_kb_layout
from faqkb.kbase.load import load_kb
from faqkb.layout import CURRENT, MARKER, current_version
from faqkb.service import rebuild

CLI = [sys.executable, "-c", "from faqkb.cli import main; main()"]
HANG = 120  # seconds: only catches a hang; the work done is what the tests bound


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under root with its bytes (None for folders)."""
    return {str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes()) for p in sorted(root.rglob("*"))}


def user_project(root: Path) -> Path:
    """A folder of someone's work whose names look like an index's leftovers."""
    (root / "v-2.0-release" / "src").mkdir(parents=True)
    (root / "v-2.0-release" / "src" / "main.c").write_text("int main(void) { return 0; }\n")
    (root / ".tmp-notes").mkdir()
    (root / ".tmp-notes" / "todo.txt").write_text("buy milk\n")
    (root / ".CURRENT.1234").write_text("mine\n")
    (root / "README").write_text("my project\n")
    return root


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=HANG)


def test_build_refuses_a_foreign_directory_and_deletes_nothing_in_it(tmp_path):
    folder = user_project(tmp_path / "work")
    before = tree(folder)
    res = run_cli("build", "--kb", str(FIXTURE_KB), "--index", str(folder))
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "not a faqkb index" in lines[0] and str(folder) in lines[0], res.stderr
    assert "Traceback" not in res.stderr
    assert tree(folder) == before          # nothing deleted, nothing added (not even a lock file)


@pytest.mark.slow  # two subprocesses that import the web app
def test_serve_and_env_index_take_the_same_refusal(tmp_path):
    folder = user_project(tmp_path / "work")
    before = tree(folder)
    env = {**os.environ, "FAQKB_INDEX": str(folder), "FAQKB_KB": str(FIXTURE_KB)}
    code = "from faqkb.web import create_app; create_app({})"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG, env=env)
    assert res.returncode != 0 and "not a faqkb index" in res.stderr
    res = run_cli("serve", "--kb", str(FIXTURE_KB), "--index", str(folder), "--port", "0")
    assert res.returncode == 2 and "not a faqkb index" in res.stderr
    assert tree(folder) == before


def test_build_into_a_new_or_empty_folder_writes_the_marker(tmp_path):
    for index in (tmp_path / "new" / "index", tmp_path / "empty"):
        if index.name == "empty":
            index.mkdir()
        info = rebuild(FIXTURE_KB, index)
        rec = read_records(index)
        assert rec["versions"] == [info.path.name] and rec["building"] == []
        assert json.loads((index / MARKER).read_text("utf-8"))["format"] == 1


def publish(index: Path) -> str:
    """A version published through the store as a build publishes one (a meta.json only:
    the bookkeeping does not look inside), without building anything."""
    with Store(index) as store:
        tmp = store.stage()
        (tmp / "meta.json").write_text(json.dumps({"fingerprint": "f" * 64}), "utf-8")
        return store.publish(tmp, f"v-20260101T000000-ffffffff-{tmp.name.removeprefix('.tmp-')}").name


def test_only_versions_in_the_records_are_removed(tmp_path):
    index = tmp_path / "index"
    publish(index)
    user_project(index)                      # someone drops their work into the index folder
    theirs = {k: v for k, v in tree(index).items()
              if k.split("/")[0] in ("v-2.0-release", ".tmp-notes", "README")}
    for _ in range(3):                       # each build removes versions older than the previous one
        publish(index)
    after = tree(index)
    assert {k: after.get(k) for k in theirs} == theirs
    ours = sorted(p.name for p in index.iterdir() if p.name.startswith("v-20"))
    assert ours == sorted(read_records(index)["versions"]) and len(ours) == 2
    assert (index / CURRENT).read_text().strip() in ours


def test_records_naming_a_path_outside_the_folder_remove_nothing(tmp_path):
    index = tmp_path / "index"
    publish(index)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    rec = read_records(index)
    rec["versions"] += ["../victim", "/etc", "v-../../victim"]
    rec["building"] += ["../victim", ".tmp-/../../victim"]
    (index / MARKER).write_text(json.dumps(rec), "utf-8")
    publish(index)
    assert (victim / "keep.txt").read_text() == "keep"


def test_a_failed_build_leaves_the_live_version_and_no_temp_dir(tmp_path):
    """A build that fails after staging (an error, or a kill: its temp dir listed in the
    records) changes nothing live; the failure's temp dir is gone at once, a killed one's
    at the next build."""
    index = tmp_path / "index"
    live = publish(index)
    before = tree(index)
    with pytest.raises(RuntimeError), Store(index) as store:
        (store.stage() / "half-written").write_bytes(b"x")
        raise RuntimeError("the analysis failed")
    assert tree(index) == before and read_records(index)["building"] == []
    with Store(index) as store:              # killed: stage() recorded it, nothing removed it
        killed = store.stage()
        store.staged = None
    assert killed.is_dir() and killed.name in read_records(index)["building"]
    publish(index)
    assert not killed.exists() and read_records(index)["building"] == []
    assert live in read_records(index)["versions"]  # the previous version is kept for its readers


def test_an_index_from_before_the_marker_is_adopted(tmp_path):
    index = tmp_path / "index"
    info = rebuild(FIXTURE_KB, index)
    (index / MARKER).unlink()                # as built by the previous release
    (index / "v-2.0-release").mkdir()        # not ours: no meta.json
    (index / "v-2.0-release" / "main.c").write_text("x")
    info2 = build_index(load_kb(FIXTURE_KB), index)
    assert current_version(index) == info2.path
    assert (index / "v-2.0-release" / "main.c").read_text() == "x"
    assert info.path.name in read_records(index)["versions"]


def test_kb_root_refused_within_a_bounded_look():
    with pytest.raises(NotAKnowledgeBase) as e:
        check_kb_layout("/")
    assert e.value.scanned <= MAX_TOP_ENTRIES + MAX_SCANNED
    assert e.value.scanned < 5_000        # / is decided from its top level and a few category-named folders
    assert "\n" not in str(e.value)


@pytest.mark.slow  # three CLI subprocesses
def test_kb_slash_refused_by_the_cli_quickly_with_one_line(tmp_path):
    index = tmp_path / "index"
    for args in (["build", "--kb", "/", "--index", str(index)],
                 ["search", "x", "--kb", "/", "--index", str(index)],
                 ["check", "--kb", "/"]):
        res = run_cli(*args)            # a hang fails here (timeout), not a slow machine
        assert res.returncode in (1, 2), (args, res.stderr)
        lines = [line for line in (res.stdout + res.stderr).splitlines() if line]
        said = [line for line in lines if "no knowledge base here" in line]
        assert len(said) == 1 and len(lines) <= 2, (args, lines)   # one line (check adds its count)
        assert "Traceback" not in res.stderr
    assert not index.exists()


def test_a_folder_without_kb_layout_is_refused(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.yaml").write_text("x: 1\n")      # yaml, but not in a category folder
    (tmp_path / "costs").mkdir()                               # a category folder without entries
    with pytest.raises(NotAKnowledgeBase, match="no knowledge base here"):
        check_kb_layout(tmp_path)
    crowded = tmp_path / "crowded"
    crowded.mkdir()
    for i in range(MAX_TOP_ENTRIES + 1):
        (crowded / f"f{i}").touch()
    with pytest.raises(NotAKnowledgeBase, match="more than") as e:
        check_kb_layout(crowded)
    assert e.value.scanned == MAX_TOP_ENTRIES + 1
    assert check_kb_layout(FIXTURE_KB).entry_files == 6
    assert isinstance(e.value, FaqkbError)


# -- the index folder's faults (a live version deleted by hand, two first builds at once)

def _edit(kb: Path, i: int) -> None:
    p = kb / "basics" / "stop-using-sim-what-happens.yaml"
    p.write_text(p.read_text("utf-8") + f"\n# edit {i}\n", "utf-8")


def test_a_deleted_live_version_falls_back_to_the_previous_one(tmp_path):
    """CURRENT names a folder someone deleted: a reader opens the previous complete version
    (kept for this) and answers; the CLI with --no-build says so in one line when nothing is
    left, and without it rebuilds."""
    import shutil

    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    index = tmp_path / "index"
    rebuild(kb, index)
    previous = current_version(index)
    _edit(kb, 1)
    rebuild(kb, index)
    live = current_version(index)
    shutil.rmtree(live)
    from faqkb.search import Searcher

    s = Searcher(index)
    assert s.info.path == previous and s.search("余额 退款").hits
    r = run_cli("search", "余额 退款", "--kb", str(kb), "--index", str(index), "--no-build")
    assert r.returncode != 0 and "stale" in r.stderr and "Traceback" not in r.stderr  # the previous is another kb
    shutil.rmtree(previous)
    r = run_cli("search", "余额 退款", "--kb", str(kb), "--index", str(index), "--no-build")
    assert r.returncode != 0 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = run_cli("search", "余额 退款", "--kb", str(kb), "--index", str(index))
    assert r.returncode == 0, r.stderr
    assert current_version(index).is_dir() and "refund" in r.stdout.lower() + r.stderr.lower()


def test_a_first_build_waits_for_one_that_holds_the_lock(tmp_path):
    """A new folder holding only another first build's lock is not a foreign folder."""
    index = tmp_path / "index"
    index.mkdir()
    (index / "build.lock").write_text("")
    build_index(load_kb(FIXTURE_KB), index)
    assert current_version(index).is_dir()


def test_two_first_builds_into_one_new_folder_both_succeed(tmp_path):
    """Two replicas starting together build into the same new folder: neither is refused
    as "not a faqkb index" (it was, in about half the runs)."""
    for i in range(3):
        index = tmp_path / f"index{i}"
        procs = [subprocess.Popen([*CLI, "build", "--kb", str(FIXTURE_KB), "--index", str(index)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [p.communicate(timeout=HANG) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
        assert current_version(index).is_dir()
