"""An index folder's bookkeeping, apart from what a version holds: the marker and its
records (the versions and temp dirs this index made), the one-build-at-a-time lock, the
temp dir a version is written in, the atomic switch of CURRENT, and the removal of what
the records list and no longer need. The layout itself is in layout.py.

    with Store(index_dir) as store:   # refuses a foreign folder; locks; cleans leftovers
        tmp = store.stage()           # recorded before it exists
        ...                           # write the version into tmp
        final = store.publish(tmp, name)

A version not published is removed when the store closes; the live one is never touched
until ``publish`` replaces CURRENT (os.replace), and only versions older than the previous
one are removed after it (a reader still on the previous one finishes its query).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from pathlib import Path

from ..errors import FaqkbError, IndexNotReady
from ..layout import CURRENT, MARKER, META, current_version

RECORDS_FORMAT = 1
LOCK = "build.lock"  # flock held by the one build allowed at a time


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_files(folder: Path) -> None:
    """Every file of a finished version on disk before it can become live."""
    for p in folder.iterdir():
        with open(p, "rb") as f:
            os.fsync(f.fileno())


class BuildLock:
    """One build at a time per index directory; a second waits for the first. Entering
    creates the directory; FaqkbError if it cannot be written (nothing live is touched)."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.path = index_dir / LOCK

    def __enter__(self) -> BuildLock:
        import fcntl

        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        except OSError as e:
            raise FaqkbError(f"cannot write the index at {self.index_dir}: {e.strerror}; "
                             "any live index is unchanged") from None
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)  # closing releases the flock


def read_records(index_dir: Path) -> dict | None:
    """The index's own records (see the module docstring), or None if it has no marker."""
    try:
        rec = json.loads((index_dir / MARKER).read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise FaqkbError(f"{index_dir / MARKER} is unreadable ({e}); move the folder aside and build "
                         "into a new one") from None
    if not isinstance(rec, dict) or not isinstance(rec.get("versions"), list):
        raise FaqkbError(f"{index_dir / MARKER} is not a faqkb index record; move the folder aside "
                         "and build into a new one")
    rec.setdefault("building", [])
    return rec


def write_records(index_dir: Path, rec: dict) -> None:
    tmp = index_dir / f".{MARKER}.{os.getpid()}"
    tmp.write_text(json.dumps(rec, indent=1) + "\n", "utf-8")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    tmp.replace(index_dir / MARKER)


def _legacy_records(index_dir: Path) -> dict | None:
    """Records for an index built before the marker existed: a CURRENT pointer naming a
    version folder with our meta.json. Adopts only version folders holding our meta.json."""
    try:
        version = current_version(index_dir)
    except IndexNotReady:
        return None
    if version is None or not (version / META).is_file():
        return None
    ours = []
    for p in index_dir.iterdir():
        if p.name.startswith("v-") and p.is_dir() and not p.is_symlink():
            try:
                if "fingerprint" in json.loads((p / META).read_text("utf-8")):
                    ours.append(p.name)
            except (OSError, ValueError):
                continue
    return {"format": RECORDS_FORMAT, "versions": sorted(ours), "building": []}


def claim_index_dir(index_dir: Path) -> dict | None:
    """Refuse to build into a folder that is not ours: a non-empty folder without the
    marker (nor an index from before the marker). Reads only; returns the records, or
    None for an empty or new folder."""
    rec = read_records(index_dir)
    if rec is not None:
        return rec
    try:
        # What a first build makes before its records exist (its lock, its records being
        # written) is ours: a second first build into the same new folder waits for the
        # lock and then finds the records, instead of taking the folder for a foreign one.
        empty = all(p.name == LOCK or p.name.startswith(f".{MARKER}.") for p in index_dir.iterdir())
    except FileNotFoundError:
        return None
    except OSError as e:
        raise FaqkbError(f"cannot read the index folder {index_dir}: {e.strerror}") from None
    if empty:
        return None
    legacy = _legacy_records(index_dir)
    if legacy is not None:
        return legacy
    raise FaqkbError(f"{index_dir} is not empty and is not a faqkb index (no {MARKER}); nothing was changed "
                     "— pass --index with a new or empty folder")


def _own_name(name: str, prefix: str) -> bool:
    """A records entry names a direct child of the index folder, never a path elsewhere."""
    return isinstance(name, str) and name.startswith(prefix) and "/" not in name and name not in (".", "..")


def clean_leftovers(index_dir: Path, rec: dict, keep: set[str]) -> None:
    """Remove what this index's records list and no longer needs: temp dirs of killed
    builds and versions older than the previous one. Nothing the records don't list is
    touched. Called under the build lock, so no other build owns any of them."""
    for name in list(rec["building"]):
        if _own_name(name, ".tmp-"):
            shutil.rmtree(index_dir / name, ignore_errors=True)
        rec["building"].remove(name)
    for name in list(rec["versions"]):
        if name not in keep:
            if _own_name(name, "v-"):
                shutil.rmtree(index_dir / name, ignore_errors=True)
            rec["versions"].remove(name)
    for p in index_dir.iterdir():  # pointers of builds killed just before their switch
        if p.name.startswith((".CURRENT.", f".{MARKER}.")) and p.is_file():
            p.unlink(missing_ok=True)
    write_records(index_dir, rec)


class Store:
    """One index folder, held for one build (see the module docstring). Entering claims
    the folder (FaqkbError for a foreign one, before even a lock file is written), takes
    the lock, re-reads the records under it and removes the leftovers they list."""

    def __init__(self, index_dir: str | os.PathLike) -> None:
        self.index_dir = Path(index_dir)
        self.rec: dict = {}
        self.previous: str | None = None
        self.staged: Path | None = None

    def __enter__(self) -> Store:
        claimed = claim_index_dir(self.index_dir)
        self.lock = BuildLock(self.index_dir).__enter__()
        try:
            # Re-read under the lock (another build may have written them since); a folder
            # that was empty or new gets fresh records.
            self.rec = (read_records(self.index_dir) or claimed
                        or {"format": RECORDS_FORMAT, "versions": [], "building": []})
            live = current_version(self.index_dir) if (self.index_dir / CURRENT).exists() else None
            self.previous = live.name if live else None
            clean_leftovers(self.index_dir, self.rec, keep=self._kept())
        except BaseException:
            self.lock.__exit__()
            raise
        return self

    def _kept(self, *names: str) -> set[str]:
        return {*names, *([self.previous] if self.previous else [])}

    def stage(self) -> Path:
        """A new temp dir for a version, listed in the records before it exists: a kill
        leaves nothing unlisted (the next build removes it)."""
        tmp = self.index_dir / f".tmp-{secrets.token_hex(6)}"
        self.rec["building"].append(tmp.name)
        self.staged = tmp
        write_records(self.index_dir, self.rec)
        tmp.mkdir()
        return tmp

    def publish(self, tmp: Path, name: str) -> Path:
        """Make the complete version in ``tmp`` live as ``name``: renamed, recorded, then
        CURRENT replaced atomically; versions older than the previous one are removed."""
        final = self.index_dir / name
        tmp.rename(final)
        self.rec["versions"].append(name)
        self.rec["building"].remove(tmp.name)
        write_records(self.index_dir, self.rec)
        self.staged = None
        pointer = self.index_dir / f".CURRENT.{os.getpid()}"
        pointer.write_text(name + "\n", "utf-8")
        with open(pointer, "rb") as f:
            os.fsync(f.fileno())
        pointer.replace(self.index_dir / CURRENT)  # the atomic switch
        fsync_dir(self.index_dir)
        clean_leftovers(self.index_dir, self.rec, keep=self._kept(name))
        return final

    def discard(self) -> None:
        """Remove the version being built, if any (a failed build); its records entry
        too when they can be written (else the next build removes it)."""
        tmp, self.staged = self.staged, None
        if tmp is None:
            return
        shutil.rmtree(tmp, ignore_errors=True)
        if tmp.name in self.rec.get("building", ()):
            self.rec["building"].remove(tmp.name)
            with contextlib.suppress(OSError):
                write_records(self.index_dir, self.rec)

    def __exit__(self, *exc: object) -> None:
        try:
            self.discard()
        finally:
            self.lock.__exit__()
