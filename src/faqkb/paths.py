"""Where things live: the bundled kb and templates (checkout or installed wheel), and the
default per-user index and instance folders."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    """``kb`` or ``templates``, shipped with the code. Two known places, no guessing: a wheel
    carries them inside the package (pyproject.toml force-includes them as faqkb/<name>); a
    checkout (src layout, editable install or PYTHONPATH=src) has them at its top level,
    two folders above this file. The package is looked at first because a checkout never
    has src/faqkb/<name>."""
    for where in (_PACKAGE / name, _PACKAGE.parents[1] / name):
        if where.is_dir():
            return where
    raise FileNotFoundError(f"faqkb's {name}/ is neither in the package ({_PACKAGE / name}) nor in a "
                            f"checkout ({_PACKAGE.parents[1] / name}): reinstall faqkb")


def bundled_kb() -> Path:
    """The kb shipped with faqkb (the default for --kb and FAQKB_KB)."""
    return _bundled("kb")


def templates_dir() -> Path:
    """The site's Jinja templates."""
    return _bundled("templates")


def bundled_queries() -> Path:
    """The golden queries `faqkb eval` uses without an argument: tests/golden/queries.yaml
    (the tuning set, not a blind one), which a wheel carries as faqkb/golden/queries.yaml."""
    for where in (_PACKAGE / "golden" / "queries.yaml", _PACKAGE.parents[1] / "tests" / "golden" / "queries.yaml"):
        if where.is_file():
            return where
    raise FileNotFoundError("faqkb's bundled golden queries are missing: reinstall faqkb, or give a QUERIES file")


def _user_dir(kind: str) -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("faqkb") if kind == "cache" else platformdirs.user_data_dir("faqkb"))


def default_index(kb_dir: Path) -> Path:
    """A per-user cache folder keyed on the kb's absolute path, so two kbs never share one."""
    key = hashlib.sha1(str(kb_dir.resolve()).encode()).hexdigest()[:12]
    return _user_dir("cache") / f"index-{key}"


def instance_dir(given: Path | None = None) -> Path:
    """The folder of the feedback database and secret key: ``given``, else the per-user one
    (FAQKB_INSTANCE reaches here through the CLI option or the app's settings)."""
    return given or _user_dir("data") / "instance"


def resolve(kb_dir: str | os.PathLike | None, index_dir: str | os.PathLike | None) -> tuple[Path, Path]:
    """The kb and index folders to use: the given ones, else the bundled kb and its per-user index."""
    kb_dir = Path(kb_dir) if kb_dir else bundled_kb()
    return kb_dir, Path(index_dir) if index_dir else default_index(kb_dir)
