"""Turning KB and user text into safe HTML: highlight spans wrapped in <mark> around
escaped text, and answers from the Markdown subset rendered then sanitized."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_REL = "noopener noreferrer nofollow"

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def highlight(text: str, spans) -> Markup:
    """``text`` escaped, with each [start, end) span wrapped in <mark>."""
    out, last = [], 0
    for start, end in sorted(spans or ()):
        start, end = max(start, last), min(end, len(text))
        if start >= end:
            continue
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


@lru_cache(maxsize=1024)
def answer_html(markdown: str) -> Markup:
    """The answer's Markdown subset as HTML: paragraphs, lists, bold, italics, http(s) links."""
    html = _md.render(markdown)
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https"}, link_rel=LINK_REL, strip_comments=True)
    return Markup(clean)
