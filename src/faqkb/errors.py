"""Errors a user can cause. The CLI turns them into one line and an exit code;
the web turns them into a 4xx page or JSON error. No stack traces for user mistakes."""

from __future__ import annotations

# What to do about a missing, stale or damaged index: the end of every such message.
REBUILD = "run `faqkb build`"


class FaqkbError(Exception):
    """Base class: anything that should reach the user as one clear line."""


class KBError(FaqkbError):
    """A problem in one knowledge-base file, located to file:line:column."""

    warning = False  # True: reported, but `check` does not fail on it (style.StyleWarning)

    def __init__(self, path: str, line: int, col: int, message: str, hint: str = "") -> None:
        self.path, self.line, self.col = path, line, col
        self.message, self.hint = message, hint
        super().__init__(str(self))

    def __str__(self) -> str:
        # A file name may hold a newline or control characters: keep the message one line.
        path = self.path if self.path.isprintable() else self.path.encode("unicode_escape").decode()
        where = f"{path}:{self.line}:{self.col}" if self.line else path
        return f"{where}: {self.message}" + (f" — {self.hint}" if self.hint else "")


class KBErrors(FaqkbError):
    """Several KBError at once: a check reports every problem, not just the first."""

    def __init__(self, errors: list[KBError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class QueryError(FaqkbError):
    """A query or parameter the user gave that we refuse (too long, bad page ...)."""

    def __init__(self, message: str, param: str = "q") -> None:
        self.param = param
        super().__init__(message)


class IndexNotReady(FaqkbError):
    """No index, or a stale one where the caller asked us not to rebuild."""


class ConfigError(FaqkbError):
    """A setting (an FAQKB_* variable or a create_app key) with a value faqkb cannot use."""
