"""Chinese script for display: the kb is written in Simplified; readers who chose
Traditional (zh-Hant) read answers converted by OpenCC. Searching needs no conversion
(queries are folded to Simplified), so this is only about what a reader sees."""

from __future__ import annotations

from functools import lru_cache

SCRIPTS = ("Hans", "Hant")


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified → Traditional, one character for one character, so highlight offsets
    computed on the Simplified text stay valid on the converted one."""
    out = _s2t().convert(text)
    if len(out) != len(text):  # a phrase rule changed the length: convert char by char
        out = "".join(c2 if len(c2 := _s2t().convert(c)) == 1 else c for c in text)
    return out


def for_reader(text: str, lang: str, script: str | None) -> str:
    """``text`` (in content language ``lang``) as a reader of ``script`` should see it."""
    return to_traditional(text) if lang == "zh" and script == "Hant" else text
