"""Human output for the terminal (the CLI's --json output needs none of this)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

from ..errors import REBUILD
from ..kbase.model import Entry, Fact
from ..script import for_reader
from ..search import Results
from ..snippets import Span
from ..sources import SOURCE_MAX_AGE_DAYS, reader_sources, terminal_lines, translator

_B, _R, _DIM = "\033[1m", "\033[0m", "\033[2m"
# Control characters from kb text or a query never reach the terminal raw (an ESC sequence
# can retitle or rewrite it; `faqkb check` refuses them in kb/): C0 ones are shown as their
# control pictures (ESC as ␛), others as U+FFFD. One character for one, so spans still fit.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """``text`` with every control character made visible and harmless (see _CONTROL)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())) if ord(m.group()) < 0x20 else
                        "\u2421" if m.group() == "\x7f" else "\ufffd", text)


def marked(text: str, spans: list[Span], color: bool) -> str:
    text = plain(text)
    if not spans:
        return text
    on, off = (_B, _R) if color else ("[", "]")
    out, last = [], 0
    for s, e in spans:
        out += [text[last:s], on, text[s:e], off]
        last = e
    return "".join(out + [text[last:]])


def use_color(stream=None) -> bool:
    """Colour on a terminal, unless NO_COLOR is set to anything non-empty (no-color.org)."""
    import os
    import sys

    stream = stream or sys.stdout
    return stream.isatty() and not os.environ.get("NO_COLOR")


def terminal_width(tty: bool) -> int:
    """The terminal's width (at most 100) on a terminal, 88 columns when piped."""
    import shutil

    return min(shutil.get_terminal_size((88, 24)).columns, 100) if tty else 88


def terminal_results(res: Results, color: bool = False, lead: str = "", width: int = 88) -> str:
    """Results for a terminal: the short answer (``lead``, when the engine answered), then
    each hit, wrapped by display width (a Chinese character takes two cells) and indented."""
    lines = []
    query = plain(res.query)
    if res.corrected:  # a confident correction applied
        lines.append(f"Showing results for: {plain(res.corrected)} (search instead for: {query}, with --no-correct)")
    elif res.suggestion:
        lines.append(f"Did you mean: {plain(res.suggestion)}")
    if not res.hits:
        lines.append(f"No results for “{query}”. Try fewer or other words, or another language.")
        return "\n".join(lines)
    first = (res.page - 1) * res.limit + 1
    lines.append(f"{res.total} result(s) for “{query}”, showing {first}-{first + len(res.hits) - 1}:")
    if lead:
        lines.append("")
        lines += wrap(_B + plain(lead) + _R if color else plain(lead), width, "Short answer: ", "   ")
    for n, h in enumerate(res.hits, first):
        note = f" (only in {h.lang})" if h.fallback else ""
        lines.append("")
        num = f"{n}. "
        lines += wrap(f"{marked(h.question, h.question_highlights, color)}{note}", width, num, " " * len(num))
        lines.append(f"   {h.category} · {h.id}")
        for para in marked(h.snippet, h.snippet_highlights, color).split("\n"):
            lines += wrap(para, width, "   ", "   ")
    return "\n".join(lines)


def _cell_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells (Chinese characters take two
    and may break anywhere; other words break at spaces). ANSI codes take no room."""
    units = re.findall(r"\033\[[0-9;]*m|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef](?:[，。；：、！？）」』”]+)?|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s+", text)
    lines: list[str] = []
    line, used = first, _visible(first)
    for u in units:
        if u.startswith("\033"):
            line += u
            continue
        if u.isspace():
            if used > _visible(rest if lines else first):
                line, used = line + " ", used + 1
            continue
        w = sum(_cell_width(c) for c in u)
        if used + w > width and used > _visible(rest if lines else first):
            lines.append(line.rstrip())
            line, used = rest, _visible(rest)
        line, used = line + u, used + w
    lines.append(line.rstrip())
    return lines


def _visible(s: str) -> int:
    return sum(_cell_width(c) for c in re.sub(r"\033\[[0-9;]*m", "", s))


def markdown_for_terminal(md: str, width: int = 88, color: bool = False,
                          entry_title: Callable[[str], str | None] | None = None) -> str:
    """The answers' Markdown subset for a terminal: paragraphs and list items wrapped with
    hanging indents, bold as bold (or plain when piped), links as footnotes [n] listed
    under the text; a link to another entry names it and the command that shows it."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(md)
    out: list[str] = []
    notes: list[str] = []
    stack: list[list] = []  # open lists: [ordered, next number]
    prefix = ""
    for tok in tokens:
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            stack.append([tok.type == "ordered_list_open", int(tok.attrGet("start") or 1)])
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            stack.pop()
            if not stack:
                out.append("")
        elif tok.type == "list_item_open":
            ordered, n = stack[-1]
            prefix = f"{n}. " if ordered else "• "
            stack[-1][1] += 1
        elif tok.type == "inline":
            text = _inline(tok.children or [], color, notes, entry_title)
            indent = "  " * (len(stack) - 1)
            if stack:
                first, rest = indent + prefix, indent + " " * len(prefix)
                prefix = ""
            else:
                first = rest = ""
            out += wrap(text, width, first, rest)
            if not stack:
                out.append("")
    while out and not out[-1]:
        out.pop()
    if notes:
        out += [""] + [f"[{n}] {note}" for n, note in enumerate(notes, 1)]
    return "\n".join(out)


def _inline(children, color: bool, notes: list[str], entry_title) -> str:
    parts = []
    href = None
    for c in children:
        if c.type == "text" or c.type == "code_inline":
            parts.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif c.type == "strong_open" and color:
            parts.append(_B)
        elif c.type == "strong_close" and color:
            parts.append(_R)
        elif c.type == "link_open":
            href = c.attrGet("href") or ""
        elif c.type == "link_close" and href is not None:
            if href.startswith("entry:"):
                target = href[len("entry:"):]
                title = entry_title(target) if entry_title else None
                notes.append(f"{title} — faqkb show {target}" if title else f"faqkb show {target}")
            else:
                notes.append(href)
            parts.append(f"[{len(notes)}]")
            href = None
    return "".join(parts)


def terminal_entry(entry: Entry, lang: str | None, *, entries: dict[str, Entry] | None = None,
                   facts: dict[str, Fact] | None = None, script: str | None = None, color: bool = False,
                   width: int = 88, today: dt.date | str | None = None,
                   max_age_days: int = SOURCE_MAX_AGE_DAYS) -> str:
    """One entry for reading in a terminal: question, the direct answer, the answer as
    formatted text, related entries by title, and sources with their URLs (sources.py: in
    the reader's language, with a note on any read more than ``max_age_days`` before ``today``)."""
    entries, facts = entries or {}, facts or {}
    shown = entry.best_lang(lang)
    tr = entry.translations[shown]

    def reader(text: str) -> str:
        return plain(for_reader(text, shown, script))

    def title_of(entry_id: str) -> str | None:
        other = entries.get(entry_id)
        return reader(other.translations[other.best_lang(shown)].question) if other else None

    bold = (lambda t: _B + t + _R) if color else (lambda t: t)
    dim = (lambda t: _DIM + t + _R) if color else (lambda t: t)
    head = [bold(reader(tr.question)), dim(f"{entry.category} · {entry.id} · checked {entry.updated}")]
    if lang and shown != lang:
        head.append(f"(not available in {lang}; showing {shown})")
    parts = ["\n".join(head)]
    if tr.lead:
        parts.append("\n".join(wrap(bold(reader(tr.lead)), width)))
    parts.append(markdown_for_terminal(reader(tr.answer), width, color, title_of))
    related = [(r, title_of(r)) for r in entry.related if r in entries]
    if related:
        parts.append("\n".join([bold("Related:")] + [line for r, t in related
                                                       for line in wrap(f"{t} ({r})", width, "  • ", "    ")]))
    sources = []
    for text, url in terminal_lines(reader_sources(entry, facts, shown, script, today=today,
                                                   max_age_days=max_age_days), shown, script, max_age_days):
        sources += wrap(plain(text), width, "  • ", "    ")
        if url:
            sources.append("    " + plain(url))
    if sources:
        colon = "：" if shown == "zh" else ":"
        parts.append("\n".join([bold(translator(shown, script)("Sources") + colon)] + sources))
    return "\n\n".join(parts)


def terminal_stats(data: dict) -> str:
    lines = [f"kb:    {data['kb']}", f"index: {data['index']} "
             f"({data['index_entries'] or 0} entries, {data['index_version'] or 'not built'})"]
    if not data.get("kb_matches_index", True):
        lines.append("the kb changed since this index was built"
                     + (f"; {len(data['kb_problems'])} problem(s) keep it from being rebuilt:"
                        if data.get("kb_problems") else f"; {REBUILD}"))
        lines += [f"  {p}" for p in data.get("kb_problems", [])[:20]]
    if "zero_result_queries" in data:
        lines.append("\nTop queries with no results:")
        lines += [f"  {r['count']:>5}  [{r['lang'] or '?'}] {r['query']}" for r in data["zero_result_queries"]] \
            or ["  (none)"]
        lines.append("\nWas this helpful? (yes / no per entry):")
        lines += [f"  {r['entry_id']:<40} {r['yes']:>4} / {r['no']:<4}"
                  + "".join(f"  {k}: {n}" for k, n in sorted(r.get("reasons", {}).items()))
                  for r in data["helpfulness"]] \
            or ["  (no votes yet)"]
    return "\n".join(lines)





def _reasons(reasons: dict) -> str:
    return ", ".join(f"{k} {n}" for k, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))


def terminal_gaps(report: dict) -> str:
    """`faqkb gaps` for people: groups most asked first, entries found not helpful, then
    answered queries readers disagreed with."""
    lines = ["Asked, not answered (most asked first):"]
    if not report["groups"]:
        lines.append("  (nothing yet: no query found nothing or only a weak answer)")
    for n, g in enumerate(report["groups"], 1):
        first, *others = g["queries"]
        head = f"{n:>3}. {g['count']}× [{g['lang'] or '?'}] “{first['query']}”"
        if others:
            head += f" and {len(others)} similar"
        lines.append(head)
        detail = f"nothing found {g['found_nothing']}×, weak answer {g['weak_answer']}×"
        if g["words"]:
            detail += f"; shared words: {', '.join(g['words'])}"
        lines.append(f"       {detail}")
        for q in others[:5]:
            lines.append(f"       {q['count']:>4}× “{q['query']}”")
        if len(others) > 5:
            lines.append(f"       … {len(others) - 5} more")
        for r in g["reached"][:5]:
            extra = f", {r['no']} not helpful ({_reasons(r['reasons'])})" if r["no"] else ""
            lines.append(f"       opened instead: {r['entry_id']} ({r['count']}×{extra})"
                         + (f" — {r['question']}" if r.get("question") else ""))
    lines.append("\nEntries readers found not helpful:")
    if not report["not_helpful"]:
        lines.append("  (no \"not helpful\" votes yet)")
    for r in report["not_helpful"]:
        why = f"  {_reasons(r['reasons'])}" if r["reasons"] else ""
        lines.append(f"  {r['entry_id']:<40} {r['no']:>4} no / {r['yes']:<4} yes{why}")
    lines.append("\nAnswered, readers disagreed (most disagreed first):")
    if not report.get("disagreed"):
        lines.append("  (nobody opened another entry or voted No after a short answer)")
    for n, r in enumerate(report.get("disagreed", []), 1):
        lines.append(f"{n:>3}. {r['disagreed']}× [{r['lang'] or '?'}] “{r['query']}” → answered {r['answer_id']}"
                     + (f" — {r['answer_question']}" if r.get("answer_question") else ""))
        lines.append(f"       shown {r['shown']}×: opened the answer {r['clicked_answer']}×, another entry "
                     f"{r['clicked_other']}×, no click {r['no_click']}×; voted No {r['voted_no']}×")
        for o in r["opened_instead"][:5]:
            lines.append(f"       opened instead: {o['entry_id']} ({o['count']}×)"
                         + (f" — {o['question']}" if o.get("question") else ""))
    return "\n".join(lines)

