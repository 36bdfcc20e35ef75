"""What every `faqkb` command shares: how a user error ends (one line on stderr, exit 2; problems
`check` finds exit 1; nothing a user can cause prints a traceback) and the option decorators,
one definition each (like sqlite-utils' output_options), so every command spells an option the
same way and an option that sets a setting reads its FAQKB_* variable (faqkb/settings.py,
docs/settings.md), and the notice a slow step shows on a terminal (here, not in render.py:
`faqkb search --json` needs no terminal output)."""

from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path
from typing import NoReturn

import click

from .. import paths
from ..errors import FaqkbError, KBErrors
from ..kbase.model import CATEGORIES, LANGS
from ..script import SCRIPTS
from ..settings import BY_NAME, env

EXIT_PROBLEMS, EXIT_USAGE, EXIT_STALE = 1, 2, 3


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"faqkb: error: {message}", err=True)
    sys.exit(code)


def user_errors(fn):
    """Turn our own errors into one line and an exit code."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except KBErrors as e:
            for err in e.errors:
                click.echo(str(err), err=True)
            fail(f"{len(e.errors)} problem(s) in the knowledge base; the live index is unchanged",
                  EXIT_PROBLEMS)
        except FaqkbError as e:
            fail(str(e))
        except KeyboardInterrupt:
            fail("interrupted", 130)
    return wrapper


FOLDER = click.Path(file_okay=False, path_type=Path)


def setting(name: str) -> dict:
    """click arguments that tie an option to setting ``name``: its variable and help."""
    s = BY_NAME[name]
    default = f" [default: {s.computed}]" if s.computed else ""
    return {"envvar": env(name), "show_envvar": True, "help": s.meaning[:1].upper() + s.meaning[1:] + "." + default}


def kb_option(fn):
    return click.option("--kb", "kb_dir", type=FOLDER, **setting("KB"))(fn)


def kb_options(fn):
    """--kb and --index."""
    fn = click.option("--index", "index_dir", type=FOLDER, **setting("INDEX"))(fn)
    return kb_option(fn)


def instance_option(fn):
    return click.option("--instance", type=FOLDER, **setting("INSTANCE"))(fn)


def feedback_options(fn):
    """--instance and --db: where the site's feedback database is."""
    fn = click.option("--db", "db_url", metavar="URL", **setting("FEEDBACK_DB"))(fn)
    return instance_option(fn)


def feedback_store(instance: Path | None, db_url: str | None):
    from ..feedback import FeedbackStore, default_url

    return FeedbackStore(db_url or default_url(paths.instance_dir(instance)))


def lang_option(help: str, **kw):
    return click.option("--lang", type=click.Choice(LANGS), help=help, **kw)


def category_option(**kw):
    return click.option("--category", type=click.Choice(CATEGORIES), **kw)


def json_option(help: str = "Stable JSON for scripts."):
    return click.option("--json", "as_json", is_flag=True, help=help)


no_build_option = click.option("--no-build", is_flag=True,
                               help="Fail instead of (re)building a missing or stale index.")
script_option = click.option("--script", type=click.Choice(SCRIPTS),
                             help="Chinese script to show: Hans (Simplified, as written) or Hant "
                                  "(Traditional, Taiwan phrasing).")


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


class SlowNotice:
    """A context that says ``message`` on a terminal once the work inside has taken more
    than ``after`` seconds (a build, an eval), and clears the line when it ends; silent
    when ``stream`` is not a terminal (pipes, scripts, CI logs stay clean)."""

    def __init__(self, message: str, after: float = 2.0, stream=None) -> None:
        import sys
        import threading

        self.message, self.after = message, after
        self.stream = stream or sys.stderr
        self.shown = False
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._wait, daemon=True)

    def _wait(self) -> None:
        if self._done.wait(self.after):
            return
        with self._lock:
            if not self._done.is_set():
                self.stream.write(f"faqkb: {self.message}…")
                self.stream.flush()
                self.shown = True

    def __enter__(self) -> SlowNotice:
        if self.stream.isatty():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._done.set()
            if self.shown:  # the line is replaced by what the command prints next
                self.stream.write("\r\033[K")
                self.stream.flush()
