"""Writing rules `faqkb check` can check (docs/content.md, "Style rules `check` applies"):
one form of address per language, full-width quotes in Chinese, the glossary
(kb/glossary.yaml: preferred terms, glosses at first use), at most one hedge per paragraph,
cross-references as `entry:` links, and a lead that gives the actionable answer first.

Each rule reads what readers read — question, lead and answer; never the alternatives, which
are written as readers type (你, 门店, straight quotes). A rule that a person may rightly
overrule reports a warning (``StyleWarning``: printed, never a failing exit code); the
others are errors like every other `check` problem."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..analysis import HAN_CHARS
from ..errors import KBError
from .model import Entry, KnowledgeBase

GLOSSARY_FILE = "glossary.yaml"


class StyleWarning(KBError):
    """A problem `check` prints but does not fail on: a person may rightly keep the text."""

    warning = True

    def __str__(self) -> str:
        where, _, rest = super().__str__().partition(": ")
        return f"{where}: warning: {rest}"


# -- the rules' word lists (code: they define the rules; the glossary is the editors')

# Informal address: zh 你 (您 is the site's voice), ru ты in any case form (вы is).
_INFORMAL = {"zh": re.compile(r"你"),
             "ru": re.compile(r"(?<![а-яё])(ты|тебя|тебе|тобой|твой|твоя|твоё|твое|твои|твоего|твоей|твоему|"
                              r"твоих|твоим|твоими)(?![а-яё])", re.I)}
_FORMAL = {"zh": "您", "ru": "вы (вас, вам, ваш)"}
# A straight quote pair around Chinese text.
_ASCII_QUOTED = re.compile(rf"([\"'])([^\"'\n]*[{HAN_CHARS}][^\"'\n]*)\1")
# Words that weaken a claim. More than one in a paragraph reads as "we don't know";
# one, placed where the source is weak, is enough (docs/content.md).
HEDGES = {
    "zh": ("可能", "也许", "或许", "大概", "一般来说", "一般", "通常", "往往", "似乎", "据报道", "不一定", "多半"),
    "ru": ("может", "могут", "возможно", "как правило", "обычно", "вероятно", "скорее всего", "по-видимому",
           "как будто", "по сообщениям", "иногда"),
    "en": ("may", "might", "usually", "generally", "typically", "probably", "likely", "possibly", "perhaps",
           "reportedly", "often", "sometimes"),
}
_HEDGE_RE = {
    "zh": re.compile("|".join(sorted(HEDGES["zh"], key=len, reverse=True))),
    "ru": re.compile(r"(?<![а-яё-])(" + "|".join(HEDGES["ru"]) + r")(?![а-яё-])", re.I),
    "en": re.compile(r"\b(" + "|".join(HEDGES["en"]) + r")\b", re.I),
}
# A lead that opens with what was not found instead of what to do.
_NOTHING_FIRST = {
    "zh": re.compile(r"^\W*(我们|目前|暂时)?(没有|未能|没能|并未|未)(找到|查到|发现|核实到)|^\W*没有(官方|公开)(来源|资料|说明|信息)"),
    "ru": re.compile(r"^\W*(мы\s+)?(не\s+нашли|не\s+смогли\s+найти|нам\s+не\s+удалось)|"
                     r"^\W*(официальн\w+\s+)?(данных|источник\w*|информаци\w+)\s+(об?\s+\w+\s+)?нет", re.I),
    "en": re.compile(r"^\W*(we\s+(found\s+no|found\s+nothing|could\s*n[o']t\s+find|did\s*n[o']t\s+find|have\s*n[o']t"
                     r"\s+found|have\s+not\s+found)|no\s+(official\s+)?(source|information)|there\s+is\s+no\s+"
                     r"(official\s+)?(source|information|rule))", re.I),
}
_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|«[^»]*»|\"[^\"]*\"")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


# -- the glossary (kb/glossary.yaml), owned by the editors


def read_glossary(root: Path) -> tuple[dict, list[KBError]]:
    """{"prefer": {lang: {preferred: [variants]}}, "gloss": {lang: [{"gloss": ..., "terms": [...]}]}}
    from kb/glossary.yaml (empty when the file is absent), and the file's problems."""
    import yaml

    path, shown = root / GLOSSARY_FILE, f"{root.name}/{GLOSSARY_FILE}"
    empty: dict = {"prefer": {}, "gloss": {}}
    if not path.exists():
        return empty, []
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        return empty, [KBError(shown, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1,
                               "glossary.yaml is not valid YAML", "see the example in docs/content.md")]
    prefer, gloss = (data.get("prefer", {}), data.get("gloss", {})) if isinstance(data, dict) else (None, None)
    ok = (isinstance(prefer, dict) and all(isinstance(v, dict) and all(
              isinstance(k, str) and isinstance(w, list) and all(isinstance(x, str) and x for x in w)
              for k, w in v.items()) for v in prefer.values())
          and isinstance(gloss, dict) and all(isinstance(v, list) and all(
              isinstance(g, dict) and isinstance(g.get("gloss"), str) and isinstance(g.get("terms"), list)
              and all(isinstance(t, str) and t for t in g["terms"]) for g in v) for v in gloss.values()))
    if not ok:
        return empty, [KBError(shown, 1, 1, "glossary.yaml must be 'prefer: {LANG: {TERM: [VARIANT, ...]}}' and "
                               "'gloss: {LANG: [{gloss: ..., terms: [...]}]}'", "see the example in docs/content.md")]
    return {"prefer": prefer, "gloss": gloss}, []


# -- locating a problem in the entry's file


class _File:
    def __init__(self, root: Path, entry: Entry) -> None:
        self.shown = entry.path
        path = root.parent / entry.path
        self.lines = path.read_text("utf-8").splitlines() if path.exists() else []

    def at(self, lang: str, needle: str, field: str = "") -> tuple[int, int]:
        """Line and column of ``needle`` in the ``lang:`` block, looked for from its ``field:``
        on (the block's first line if not found)."""
        start = next((i for i, line in enumerate(self.lines) if line.startswith(f"{lang}:")), 0)
        end = next((i for i in range(start + 1, len(self.lines)) if re.match(r"[a-z_]+:", self.lines[i])),
                   len(self.lines))
        begin = next((i for i in range(start, end) if self.lines[i].strip().startswith(f"{field}:")), start) \
            if field else start
        for i in [*range(begin, end), *range(start, begin)]:
            col = self.lines[i].find(needle) if needle else -1
            if col >= 0:
                return i + 1, col + 1
        return (begin + 1, 1) if self.lines else (1, 1)

    def problem(self, lang: str, needle: str, message: str, hint: str, warning: bool = False,
                field: str = "") -> KBError:
        line, col = self.at(lang, needle, field)
        return (StyleWarning if warning else KBError)(self.shown, line, col, message, hint)


def _texts(entry: Entry, lang: str) -> Iterator[tuple[str, str]]:
    """(field, text) a reader reads, in reading order."""
    tr = entry.translations[lang]
    yield "question", tr.question
    if tr.lead:
        yield "lead", tr.lead
    yield "answer", tr.answer


def _paragraphs(markdown: str) -> list[str]:
    """Paragraphs and list items: each is read as one unit."""
    out = []
    for block in re.split(r"\n\s*\n", markdown):
        out += [p for p in re.split(r"\n(?=\s*(?:[-*+]|\d+[.)])\s)", block) if p.strip()]
    return out


# -- the rules


def address_problems(entry: Entry, at: _File) -> list[KBError]:
    out = []
    for lang, informal in _INFORMAL.items():
        if lang not in entry.translations:
            continue
        for field, text in _texts(entry, lang):
            m = informal.search(text)
            if m:
                out.append(at.problem(lang, m.group(), f"{field} ({lang}) addresses the reader informally "
                                      f"(“{m.group()}”)", f"use {_FORMAL[lang]} throughout: one form of address "
                                      "per language (alternatives may keep readers' 你)", field=field))
    return out


def quote_problems(entry: Entry, at: _File) -> list[KBError]:
    if "zh" not in entry.translations:
        return []
    out = []
    for field, text in _texts(entry, "zh"):
        for m in _ASCII_QUOTED.finditer(_LINK.sub(r"\1", text)):
            out.append(at.problem("zh", m.group(2)[:12], f"{field} (zh) has straight quotes around Chinese text: "
                                  f"{m.group()}", f"use full-width quotes: “{m.group(2)}”", field=field))
    return out


def glossary_problems(entry: Entry, at: _File, glossary: dict) -> list[KBError]:
    out = []
    for lang, terms in glossary["prefer"].items():
        if lang not in entry.translations:
            continue
        for field, text in _texts(entry, lang):
            unquoted = _QUOTED.sub("", text)  # a quoted variant names a label (“两步验证” in an app's menu)
            for preferred, variants in terms.items():
                for v in variants:
                    if v in unquoted:
                        out.append(at.problem(lang, v, f"{field} ({lang}) says “{v}”", f"write “{preferred}”: one "
                                              "term per concept (kb/glossary.yaml)", field=field))
    for lang, glosses in glossary["gloss"].items():
        if lang not in entry.translations:
            continue
        whole = "\n".join(t for _f, t in _texts(entry, lang))
        for g in glosses:
            found = re.search("|".join(map(re.escape, sorted(g["terms"], key=len, reverse=True))), whole)
            if not found:
                continue
            spans = [(m.start(), m.end()) for m in re.finditer(re.escape(g["gloss"]), whole)]
            if not any(s <= found.start() < e for s, e in spans):
                out.append(at.problem(lang, found.group(), f"{lang} text uses “{found.group()}” before (or "
                                      f"without) its gloss “{g['gloss']}”", f"write “{g['gloss']}” at the "
                                      "first mention (question, lead or answer, whichever comes first); "
                                      "the short form after that"))
    return out


def hedge_problems(entry: Entry, at: _File) -> list[KBError]:
    out = []
    for lang, tr in entry.translations.items():
        for para in [tr.lead, *_paragraphs(tr.answer)] if tr.lead else _paragraphs(tr.answer):
            found = [m.group() for m in _HEDGE_RE[lang].finditer(para)]
            if len(found) > 1:
                out.append(at.problem(lang, para.strip()[:15], f"a paragraph ({lang}) hedges {len(found)} times "
                                      f"({', '.join(found)})", "keep one hedge where the source is weak and state "
                                      "the rest plainly, or send the reader to the operator once", warning=True,
                                      field="answer"))
    return out


def crossref_problems(entry: Entry, at: _File, kb: KnowledgeBase) -> list[KBError]:
    out = []
    for lang, tr in entry.translations.items():
        plain = _LINK.sub(" ", tr.answer)  # link text is a proper cross-reference
        squashed = re.sub(r"\s+", " ", plain).casefold()
        for other in kb.entries.values():
            if other.id == entry.id or lang not in other.translations:
                continue
            q = re.sub(r"\s+", " ", other.translations[lang].question.strip().rstrip("?？")).casefold()
            if len(q) >= 8 and q in squashed:
                out.append(at.problem(lang, other.translations[lang].question[:15], f"answer ({lang}) names "
                                      f"another entry's question in plain text: “{other.translations[lang].question}”",
                                      f"link it: [{other.translations[lang].question}](entry:{other.id})",
                                      field="answer"))
    return out


def lead_first_problems(entry: Entry, at: _File) -> list[KBError]:
    out = []
    for lang, tr in entry.translations.items():
        m = _NOTHING_FIRST[lang].search(tr.lead) if tr.lead else None
        if m:
            out.append(at.problem(lang, tr.lead[:15], f"lead ({lang}) opens with what was not found: "
                                  f"“{m.group().strip()}”", "open with what the reader can do (whom to ask, where "
                                  "to look), then say what is not known", field="lead"))
    return out


def style_problems(kb: KnowledgeBase, root: str | Path) -> list[KBError]:
    """Every style problem in the kb (errors and StyleWarning), located."""
    root = Path(root)
    glossary, problems = read_glossary(root)
    for entry in kb.entries.values():
        at = _File(root, entry)
        problems += address_problems(entry, at)
        problems += quote_problems(entry, at)
        problems += glossary_problems(entry, at, glossary)
        problems += hedge_problems(entry, at)
        problems += crossref_problems(entry, at, kb)
        problems += lead_first_problems(entry, at)
    return problems
