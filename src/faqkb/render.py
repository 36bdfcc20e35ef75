"""Human output for the terminal (the CLI's --json output needs none of this)."""

from __future__ import annotations

import textwrap

from .model import Entry
from .search import Results
from .snippets import Span

_B, _R, _DIM = "\033[1m", "\033[0m", "\033[2m"


def marked(text: str, spans: list[Span], color: bool) -> str:
    if not spans:
        return text
    on, off = (_B, _R) if color else ("[", "]")
    out, last = [], 0
    for s, e in spans:
        out += [text[last:s], on, text[s:e], off]
        last = e
    return "".join(out + [text[last:]])


def terminal_results(res: Results, color: bool = False) -> str:
    lines = []
    if res.suggestion:
        lines.append(f"Did you mean: {res.suggestion}")
    if not res.hits:
        lines.append(f"No results for “{res.query}”. Try fewer or other words, or another language.")
        return "\n".join(lines)
    first = (res.page - 1) * res.limit + 1
    lines.append(f"{res.total} result(s) for “{res.query}”, showing {first}-{first + len(res.hits) - 1}:")
    for n, h in enumerate(res.hits, first):
        note = f" (only in {h.lang})" if h.fallback else ""
        lines.append("")
        lines.append(f"{n}. {marked(h.question, h.question_highlights, color)}{note}")
        lines.append(f"   {h.category} · {h.id}")
        lines.append("   " + marked(h.snippet, h.snippet_highlights, color))
    return "\n".join(lines)


def terminal_entry(entry: Entry, lang: str | None) -> str:
    shown = entry.best_lang(lang)
    tr = entry.translations[shown]
    head = f"{tr.question}\n{entry.category} · {entry.id} · checked {entry.updated}"
    if lang and shown != lang:
        head += f"\n(not available in {lang}; showing {shown})"
    body = "\n".join(textwrap.fill(line, 88, subsequent_indent="  ") if line.strip() else ""
                     for line in tr.answer.splitlines())
    if tr.lead:
        body = textwrap.fill(tr.lead, 88) + "\n\n" + body
    tail = []
    if entry.related:
        tail.append("Related: " + ", ".join(entry.related))
    if entry.sources:
        tail.append("Sources: " + ", ".join(entry.sources))
    return "\n\n".join([head, body, "\n".join(tail)]).rstrip()


def terminal_stats(data: dict) -> str:
    lines = [f"kb:    {data['kb']}", f"index: {data['index']} "
             f"({data['index_entries'] or 0} entries, {data['index_version'] or 'not built'})"]
    if not data.get("kb_matches_index", True):
        lines.append("the kb changed since this index was built"
                     + (f"; {len(data['kb_problems'])} problem(s) keep it from being rebuilt:"
                        if data.get("kb_problems") else "; `faqkb build` rebuilds it"))
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
    """`faqkb gaps` for people: groups most asked first, then entries found not helpful."""
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
    return "\n".join(lines)
