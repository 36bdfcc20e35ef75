"""Turning KB and user text into safe HTML: highlight spans wrapped in <mark> around
escaped text, and answers from the Markdown subset rendered then sanitized."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_REL = "noopener noreferrer nofollow"
# A reference to another entry inside an answer: [text](entry:ID) in the kb (see
# docs/content.md); rendered as a link to that entry's page on this site.
ENTRY_LINK = re.compile(r"\]\(entry:([a-z0-9][a-z0-9-]*)\)")

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_TAG = re.compile(r"(<[^>]*>)")


def highlight(text: str, spans: Iterable[tuple[int, int]] | None) -> Markup:
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
def answer_html(markdown: str, entry_url: str = "/entry/ID") -> Markup:
    """The answer's Markdown subset as HTML: paragraphs, lists, bold, italics, http(s) links,
    and links to other entries (``entry_url`` with ID replaced by the entry's id)."""
    markdown = ENTRY_LINK.sub(lambda m: "](" + entry_url.replace("ID", m.group(1)) + ")", markdown)
    html = _md.render(markdown)
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https"}, link_rel=LINK_REL, strip_comments=True)
    # Our own pages are not "nofollow" and need no opener protection. Only a path on this
    # site: "//host/…" (and "/\\host", which browsers read the same) is another site.
    clean = re.sub(r'<a href="(/(?![/\\])[^"]*)" rel="[^"]*">', r'<a href="\1" class="xref">', clean)
    return Markup(clean)


def highlight_html(html: Markup, spans_of: Callable[[str], list]) -> Markup:
    """Sanitized answer HTML with the words ``spans_of`` finds in each text node marked."""
    out = []
    for part in _TAG.split(str(html)):
        if not part or part.startswith("<"):
            out.append(part)
        else:
            text = htmllib.unescape(part)
            out.append(str(highlight(text, spans_of(text))))
    return Markup("".join(out))
