"""Where things live: the bundled kb and templates (checkout or installed wheel), and the
default per-user index and instance folders."""

from __future__ import annotations

import hashlib
import os
from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


def _bundled(name: str) -> Path:
    """``name`` from the checkout when running from one, else from inside the wheel."""
    local = _CHECKOUT / name
    if (_CHECKOUT / "pyproject.toml").exists() and local.is_dir():
        return local
    return Path(str(resources.files("faqkb") / "_data" / name))


def bundled_kb() -> Path:
    return _bundled("kb")


def templates_dir() -> Path:
    return _bundled("templates")


def _user_dir(kind: str) -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("faqkb") if kind == "cache" else platformdirs.user_data_dir("faqkb"))


def default_index(kb_dir: Path) -> Path:
    """A per-user cache folder keyed on the kb's absolute path, so two kbs never share one."""
    key = hashlib.sha1(str(kb_dir.resolve()).encode()).hexdigest()[:12]
    return _user_dir("cache") / f"index-{key}"


def instance_dir(given: Path | None = None) -> Path:
    return given or Path(os.environ.get("FAQKB_INSTANCE") or _user_dir("data") / "instance")


def resolve(kb_dir: Path | None, index_dir: Path | None) -> tuple[Path, Path]:
    kb_dir = Path(kb_dir) if kb_dir else bundled_kb()
    return kb_dir, Path(index_dir) if index_dir else default_index(kb_dir)
