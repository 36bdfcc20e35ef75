"""Content rules beyond the schema, run by `faqkb check`.

Readers act on these answers with their money and personal data, and scammers advertise
"help" with phone numbers, messenger handles and look-alike links. So no phone number,
no handle, no messenger link and no link outside the allowlist in kb/ (kb/allowed_domains.yaml);
every entry cites real facts (kb/facts.yaml), is complete in zh, ru and en, and is findable
by at least three alternative phrasings per language.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import KBError, KBErrors
from .kbfiles import FACTS_FILE, load_kb, read_yaml
from .model import LANG_NAMES, LANGS, KnowledgeBase

MIN_ALTERNATIVES = 3
DOMAINS_FILE = "allowed_domains.yaml"

# Digits with phone-like separators: +7 (495) 123-45-67, 8 800 ..., 0890.
_PHONE = re.compile(r"\+?\d[\d\s\-–()./]{4,}\d")
_SHORT_CODE = re.compile(r"(?<![*\w])[*#]\d{2,}[\d*]*#")  # *100#, #102#
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_]{3,}")
# A link to another entry in an answer: [text](entry:ID) (rendered as a link to that page).
ENTRY_LINK = re.compile(r"\]\(entry:([^)\s]*)\)")
_URL = re.compile(r"(?:https?|ftp)://([^/\s)\]>\"']+)[^\s)\]>\"']*|\b(?:mailto|tg|viber|whatsapp):\S+", re.I)
_BARE_DOMAIN = re.compile(r"(?<![\w@/.-])((?:[a-z0-9-]+\.)+(?:ru|su|рф|com|net|org|me|by|am|kz|ua|io|cn|info|biz|app|link|ly))\b",
                          re.I)
_MESSENGER = {"t.me", "telegram.me", "telegram.org", "wa.me", "whatsapp.com", "viber.com", "vk.com", "vk.me",
              "ok.ru", "max.ru", "icq.im", "wechat.com", "weixin.qq.com", "line.me"}


def _is_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if len(digits) < 7:
        return False
    groups = re.findall(r"\d+", candidate)
    # Year ranges and dates (2024–2025, 01.09.2024) are not phone numbers.
    if all(len(g) == 4 and 1900 <= int(g) <= 2100 for g in groups):
        return False
    return not re.fullmatch(r"\d{1,2}[./]\d{1,2}[./]\d{4}", candidate.strip())


def _domain_ok(domain: str, allowed: list[str]) -> bool:
    domain = domain.lower().rstrip(".").split(":")[0]
    return any(domain == d or domain.endswith("." + d) for d in allowed)


class _Locator:
    """Line and column of a piece of text in a file, for messages that point at it."""

    def __init__(self, root: Path, shown: str) -> None:
        path = root.parent / shown
        self.shown = shown
        self.lines = path.read_text("utf-8").splitlines() if path.exists() else []

    def find(self, needle: str, near: str | None = None) -> tuple[int, int]:
        start = 0
        if near:
            for i, line in enumerate(self.lines):
                if line.strip().startswith(near):
                    start = i
                    break
        for i in list(range(start, len(self.lines))) + list(range(0, start)):
            col = self.lines[i].find(needle)
            if col >= 0:
                return i + 1, col + 1
        return 1, 1

    def error(self, needle: str, message: str, hint: str, near: str | None = None) -> KBError:
        line, col = self.find(needle, near)
        return KBError(self.shown, line, col, message, hint)


def _read_lists(root: Path, name: str, key: str, optional: tuple[str, ...] = ()) -> \
        tuple[dict[str, list[str]], list[KBError]]:
    """The lists of text under ``key`` (required) and ``optional`` keys of kb/<name>,
    read once; empty lists and a located error if the file or a list is malformed."""
    path, shown = root / name, f"{root.name}/{name}"
    empty: dict[str, list[str]] = {k: [] for k in (key, *optional)}
    if not path.exists():
        return empty, [KBError(shown, 0, 0, f"{name} is missing",
                               f"add it with '{key}:' and a list (see the bundled kb)")]
    try:
        data, _ = read_yaml(path, shown)
    except KBError as e:
        return empty, [e]
    data = data if isinstance(data, dict) else {}
    out = {}
    for k in (key, *optional):
        values = data.get(k, [] if k in optional else None)
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return empty, [KBError(shown, 1, 1, f"'{k}' must be a list of text", "")]
        out[k] = values
    return out, []


def text_problems(text: str, allowed: list[str], named_only: list[str]) -> list[tuple[str, str, str]]:
    """(offending text, what is wrong, how to fix) for unsafe contacts and links in ``text``."""
    found = []
    for m in _PHONE.finditer(text):
        if _is_phone(m.group()):
            found.append((m.group().strip(), "looks like a phone number",
                          "never put phone numbers in kb/; send readers to the operator's official site or app"))
    for m in _SHORT_CODE.finditer(text):
        found.append((m.group(), "looks like a USSD/short code",
                      "codes differ by operator and get spoofed; point to the official site or app"))
    for m in _HANDLE.finditer(text):
        found.append((m.group(), "looks like a messenger handle",
                      "no handles in kb/: scammers advertise that way"))
    linked = set()
    for m in _URL.finditer(text):
        domain = (m.group(1) or "").lower()
        linked.add(domain)
        if not m.group(1):
            found.append((m.group(), "links to a messenger or app scheme", "link only to official sites"))
        elif domain in _MESSENGER or any(domain.endswith("." + d) for d in _MESSENGER):
            found.append((m.group(), f"links to a messenger ({domain})", "no messenger links in kb/"))
        elif not _domain_ok(domain, allowed):
            found.append((m.group(), f"links to {domain}, which is not on the allowlist",
                          "link only to operators' and government sites listed in kb/allowed_domains.yaml"))
    for m in _BARE_DOMAIN.finditer(text):
        domain = m.group(1).lower()
        if domain in linked or _domain_ok(domain, allowed) or _domain_ok(domain, named_only):
            continue
        why = f"names the messenger link {domain}" if domain in _MESSENGER else f"names {domain}, not on the allowlist"
        found.append((m.group(1), why, "name only official sites listed in kb/allowed_domains.yaml"))
    return found


def lint_kb(root: str | Path) -> tuple[list[KBError], int]:
    """Every problem in the kb (schema and content), and the number of entries loaded."""
    root = Path(root)
    try:
        kb = load_kb(root)
    except KBErrors as e:
        return e.errors, 0
    problems: list[KBError] = []
    domains, errs = _read_lists(root, DOMAINS_FILE, "domains", optional=("named_not_linked", "source_domains"))
    problems += errs
    if not kb.facts:
        problems.append(KBError(f"{root.name}/{FACTS_FILE}", 0, 0, f"{FACTS_FILE} is missing or empty",
                                "add the source register: facts: {F1: {claim: ..., url: ..., ...}}"))
    problems += lint_facts(kb, root, domains["domains"] + domains["source_domains"])
    problems += lint_entries(kb, root, set(kb.facts), domains["domains"], domains["named_not_linked"])
    return sorted(problems, key=lambda p: (p.path, p.line, p.col)), len(kb)


def lint_facts(kb: KnowledgeBase, root: Path, allowed: list[str]) -> list[KBError]:
    """The source register: every source link goes to an allowlisted site (operators, government,
    and the named outlets under source_domains); a fact with no link must be marked uncertain
    (the schema asks for it too; this says which fact)."""
    problems = []
    at = _Locator(root, f"{root.name}/{FACTS_FILE}")
    for f in kb.facts.values():
        for url in [f.url, *(s.url for s in f.also)]:
            if not url:
                continue
            m = _URL.match(url)
            domain = (m.group(1) or "").lower() if m else ""
            if not domain or not _domain_ok(domain, allowed) or domain in _MESSENGER:
                problems.append(at.error(url[:40], f"{f.id}: source {domain or url} is not on the allowlist",
                                         "cite the operator's or a government page, or add a reviewed named "
                                         "outlet to source_domains in kb/allowed_domains.yaml", near=f"{f.id}:"))
        if not f.url and f.confidence != "uncertain":
            problems.append(at.error(f"{f.id}:", f"{f.id} has no url but is marked {f.confidence}",
                                     "add the source's url, or mark it confidence: uncertain"))
    return problems


def lint_entries(kb: KnowledgeBase, root: Path, facts: set[str], allowed: list[str],
                 named_only: list[str]) -> list[KBError]:
    problems = []
    seen_questions: dict[str, str] = {}
    for e in kb.entries.values():
        at = _Locator(root, e.path)
        for lang in LANGS:
            if lang not in e.translations:
                problems.append(at.error("id:", f"entry has no {lang} ({LANG_NAMES[lang]})",
                                         f"add {lang}: with question, alternatives and answer"))
                continue
            tr = e.translations[lang]
            if len(tr.alternatives) < MIN_ALTERNATIVES:
                problems.append(at.error("alternatives", f"alternatives ({lang}) has {len(tr.alternatives)}, "
                                         f"needs at least {MIN_ALTERNATIVES}",
                                         "add phrasings the way readers type them", near=f"{lang}:"))
            key = re.sub(r"[\W_]+", "", tr.question.casefold())
            if key in seen_questions:
                problems.append(at.error(tr.question[:20], f"question ({lang}) repeats {seen_questions[key]}",
                                         "each entry needs its own question; merge or reword"))
            seen_questions[key] = e.path
            for field, text in (("question", tr.question), ("answer", tr.answer),
                                *(("alternatives", a) for a in tr.alternatives)):
                for bad, what, hint in text_problems(text, allowed, named_only):
                    problems.append(at.error(bad, f"{field} ({lang}) {what}: “{bad}”", hint, near=f"{lang}:"))
        for lang, tr in e.translations.items():
            for ref in ENTRY_LINK.findall(tr.answer):
                if ref == e.id or ref not in kb.entries:
                    problems.append(at.error(f"entry:{ref}", f"answer ({lang}) links entry:{ref}, which is not "
                                             "another entry's id", "link an existing entry: [text](entry:ID)",
                                             near=f"{lang}:"))
        for rel in e.related:
            if rel == e.id or rel not in kb.entries:
                problems.append(at.error(rel, f"related '{rel}' is not another entry's id",
                                         "use the id of an existing entry (its file name)"))
        if not e.sources:
            problems.append(at.error("id:", "no sources", "cite the fact ids the answer relies on: sources: [F3]"))
        for src in e.sources:
            if facts and src not in facts:
                problems.append(at.error(src, f"source {src} is not a known fact id",
                                         "use ids listed in kb/facts.yaml"))
    return problems
