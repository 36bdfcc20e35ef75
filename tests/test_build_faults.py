"""Faults during a rebuild, made real: `faqkb build` SIGKILLed at random moments, a full disk
(a tiny tmpfs when we may mount one, else RLIMIT_FSIZE so writes fail with EFBIG), a read-only
index directory, and two builds started at once. Afterwards the live index opens and answers
as before, and a later successful build leaves no temporary files behind.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import answers

from faqkb.build import kb_fingerprint
from faqkb.layout import CURRENT, current_version
from faqkb.search import Searcher

pytestmark = pytest.mark.slow  # subprocess builds of the bundled kb, killed and starved

ROOT = Path(__file__).parents[1]
FIXTURE_KB = ROOT / "tests" / "fixtures" / "kb"
BUNDLED_KB = ROOT / "kb"
PROBES = ["注销 余额", "保号费", "плата за хранение номера", "daily fee unused russian number", "zhuxiao"]
CLI = [sys.executable, "-c", "from faqkb.cli import main; main()"]
SEED = 20261125
KILLS = 6


def _answers(index: Path) -> list[list[str]]:
    return answers(index, PROBES)


def _leftovers(index: Path) -> list[str]:
    return sorted(p.name for p in index.iterdir() if p.name.startswith((".tmp-", ".CURRENT.")))


def _snapshot(index: Path) -> dict[str, bytes]:
    version = current_version(index)
    files = {CURRENT: (index / CURRENT).read_bytes()}
    files |= {f"{version.name}/{p.name}": p.read_bytes() for p in version.iterdir()}
    return files


def _build(kb: Path, index: Path, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "build", "--kb", str(kb), "--index", str(index)],
                          capture_output=True, text=True, timeout=600, **kw)


def _one_line_error(res: subprocess.CompletedProcess, *words: str, unchanged: bool = True) -> None:
    assert res.returncode != 0, res.stdout + res.stderr
    assert "Traceback" not in res.stderr, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("faqkb: error: "), res.stderr
    for w in words:
        assert w.lower() in lines[0].lower(), res.stderr
    if unchanged:  # refused before writing anything ("cannot write the index") need not say it
        assert "live index is unchanged" in lines[0], res.stderr


@pytest.fixture(scope="module")
def reference(fixture_index: Path, bundled_index: Path) -> dict:
    """Answers of fresh builds of the two kbs used below (the session's), to compare against."""
    return {"fixture": _answers(fixture_index), "bundled": _answers(bundled_index)}


@pytest.fixture
def live_copy(fixture_index: Path):
    """Puts a private copy of the fixture kb's built index at a given path (what
    ``rebuild(FIXTURE_KB, path)`` gives, without building again)."""
    return lambda index: shutil.copytree(fixture_index, index)


# ---------------------------------------------------------------- (a) SIGKILL mid-build

def test_build_killed_at_random_points(tmp_path: Path, reference: dict, live_copy) -> None:
    index = tmp_path / "index"
    live_copy(index)
    before = _answers(index)
    assert before == reference["fixture"]

    rng = random.Random(SEED)
    t0 = time.monotonic()
    proc = subprocess.run([*CLI, "build", "--kb", str(BUNDLED_KB), "--index", str(tmp_path / "timing")],
                          capture_output=True, timeout=600)
    full = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr
    delays = sorted(rng.uniform(0.05, full * 1.05) for _ in range(KILLS))

    outcomes = []
    for delay in delays:
        live_before = (index / CURRENT).read_text()
        p = subprocess.Popen([*CLI, "build", "--kb", str(BUNDLED_KB), "--index", str(index)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
        live_after = (index / CURRENT).read_text()
        # The live index is either the old one, whole, or the new one, whole: never a mix.
        got = _answers(index)
        if live_after == live_before:
            assert got == before, f"killed at {delay:.2f}s: answers changed"
            outcomes.append("old")
        else:
            assert got == reference["bundled"], f"killed at {delay:.2f}s: new index answers wrongly"
            before = got
            outcomes.append("new")
        # Go back to the fixture kb so the next kill interrupts a real change again.
        if outcomes[-1] == "new":
            assert _build(FIXTURE_KB, index).returncode == 0
            before = _answers(index)
    assert "old" in outcomes, f"no kill landed mid-build: {outcomes} delays {delays}"

    res = _build(BUNDLED_KB, index)
    assert res.returncode == 0, res.stderr
    assert _leftovers(index) == []
    assert len([p for p in index.iterdir() if p.name.startswith("v-")]) <= 2
    assert _answers(index) == reference["bundled"]


def test_leftovers_of_a_killed_build_are_removed(tmp_path: Path, live_copy) -> None:
    """What a build killed at its worst moments leaves on disk (a half-written temp dir, a
    finished version never switched to, a pointer written but not renamed), each listed in
    the index's records as the build listed it before creating it: the live index ignores
    them and the next build removes them."""
    from faqkb.build.store import read_records
    from faqkb.layout import MARKER

    index = tmp_path / "index"
    live_copy(index)
    before = _answers(index)
    (index / ".tmp-killed1").mkdir()
    (index / ".tmp-killed1" / "MAIN_x.seg").write_bytes(os.urandom(4096))
    shutil.copytree(current_version(index), index / "v-19990101T000000-1-deadbeef")
    (index / ".CURRENT.99999").write_text("v-19990101T000000-1-deadbeef\n")
    rec = read_records(index)
    rec["building"].append(".tmp-killed1")
    rec["versions"].append("v-19990101T000000-1-deadbeef")
    (index / MARKER).write_text(json.dumps(rec), "utf-8")
    assert _answers(index) == before
    res = _build(FIXTURE_KB, index)
    assert res.returncode == 0, res.stderr
    assert _leftovers(index) == []
    assert not (index / "v-19990101T000000-1-deadbeef").exists()
    assert _answers(index) == before


# ---------------------------------------------------------------- (b) write errors

def _try_mount_tmpfs(where: Path, size: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    where.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                       capture_output=True)
    return r.returncode == 0


@pytest.fixture
def tiny_fs(tmp_path: Path):
    """A real small filesystem (tmpfs): room for the live index and one more version of the
    fixture kb (each version holds general.marshal, the general word lists, 1.3 MB); skipped where
    mounting is not allowed."""
    mnt = tmp_path / "mnt"
    if not _try_mount_tmpfs(mnt, "6m"):
        pytest.skip("cannot mount a tmpfs here (not root); the RLIMIT_FSIZE test covers write errors")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_during_build(tiny_fs: Path, live_copy) -> None:
    index = tiny_fs / "index"
    live_copy(index)
    before, snap = _answers(index), _snapshot(index)
    # Fill the disk, leaving room for a little of the next build but not all of it.
    free = shutil.disk_usage(tiny_fs).free
    with open(tiny_fs / "filler", "wb") as f:
        f.write(b"\0" * max(0, free - 200 * 1024))
    res = _build(BUNDLED_KB, index)
    _one_line_error(res, "no space left")
    assert _snapshot(index) == snap
    assert _answers(index) == before
    (tiny_fs / "filler").unlink()
    res = _build(FIXTURE_KB, index)
    assert res.returncode == 0, res.stderr
    assert _leftovers(index) == []


def test_read_only_index_directory(tmp_path: Path, live_copy) -> None:
    """A read-only index directory: a read-only mount when root (chmod does not stop root),
    else chmod 0o555."""
    if os.geteuid() == 0:
        index_parent = tmp_path / "mnt"
        if not _try_mount_tmpfs(index_parent, "8m"):
            pytest.skip("root but cannot mount; chmod cannot make a directory read-only for root")
        ro = lambda: subprocess.run(["mount", "-o", "remount,ro", str(index_parent)], check=True)  # noqa: E731
        undo = lambda: subprocess.run(["umount", "-l", str(index_parent)], check=False)  # noqa: E731
    else:
        index_parent = tmp_path / "ro"
        index_parent.mkdir()
        ro = lambda: [p.chmod(0o555) for p in [index_parent, *index_parent.rglob("*")] if p.is_dir()]  # noqa: E731
        undo = lambda: [p.chmod(0o755) for p in [index_parent, *index_parent.rglob("*")] if p.is_dir()]  # noqa: E731
    index = index_parent / "index"
    try:
        live_copy(index)
        before, snap = _answers(index), _snapshot(index)
        ro()
        res = _build(BUNDLED_KB, index)
        _one_line_error(res, "cannot write the index")
        assert "read-only" in res.stderr.lower() or "permission denied" in res.stderr.lower(), res.stderr
        assert _snapshot(index) == snap
        assert _answers(index) == before
    finally:
        undo()


def _limit_file_size(limit: int):
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then writes fail with EFBIG, no kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


def test_write_error_file_too_large(tmp_path: Path, live_copy) -> None:
    """RLIMIT_FSIZE in the build process: its first big write fails with EFBIG (a real
    write error from the kernel, as a quota would give), whoever runs the test."""
    index = tmp_path / "index"
    live_copy(index)
    before, snap = _answers(index), _snapshot(index)
    res = _build(BUNDLED_KB, index, preexec_fn=_limit_file_size(64 * 1024))
    _one_line_error(res, "too large")
    assert _snapshot(index) == snap
    assert _answers(index) == before
    res = _build(FIXTURE_KB, index)
    assert res.returncode == 0, res.stderr
    assert _leftovers(index) == []


# ---------------------------------------------------------------- (c) two builds at once

def test_two_builds_at_once(tmp_path: Path, reference: dict, live_copy) -> None:
    index = tmp_path / "index"
    live_copy(index)
    procs = [subprocess.Popen([*CLI, "build", "--kb", str(kb), "--index", str(index)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for kb in (BUNDLED_KB, FIXTURE_KB)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert [p.name for p in index.iterdir() if p.name == CURRENT] == [CURRENT]
    assert _leftovers(index) == []
    version = current_version(index)
    assert version.is_dir()
    s = Searcher(index)
    try:
        fp = s.info.fingerprint
    finally:
        s.close()
    kb_name = {kb_fingerprint(FIXTURE_KB): "fixture", kb_fingerprint(BUNDLED_KB): "bundled"}[fp]
    assert _answers(index) == reference[kb_name]
