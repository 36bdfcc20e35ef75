"""Content rules beyond the schema, run by `faqkb check`.

Readers act on these answers with their money and personal data, and scammers advertise
"help" with phone numbers, messenger handles and look-alike links. So no phone number,
no handle, no messenger link and no link outside the allowlist in kb/ (kb/allowed_domains.yaml);
every entry cites real facts (kb/facts.yaml), is complete in zh, ru and en, and is findable
by at least three alternative phrasings per language.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Sequence
from pathlib import Path

import yaml

from ..errors import KBError, KBErrors
from .load import FACTS_FILE, HOME_FILE, OFFTOPIC_FILE, load_kb, read_yaml
from .model import LANG_NAMES, LANGS, KnowledgeBase
from .publishers import PUBLISHERS_FILE
from .style import StyleWarning, style_problems
from .yamlsafe import error_at, node_at

MIN_ALTERNATIVES = 3
DOMAINS_FILE = "allowed_domains.yaml"
# A lead is what a reader sees first (and in snippets): one short sentence.
LEAD_MAX = {"zh": 120, "ru": 200, "en": 200}

# Names a lead may only use if the answer uses one of the same group's spellings too: the
# brands and services of kb/synonyms.yaml (names:), and these agencies, which are not search
# synonyms (a group there would change what "rospotrebnadzor" finds: a relevance decision).
AGENCIES = [["Rospotrebnadzor", "Роспотребнадзор"], ["MVD", "МВД", "内务部"]]
# Words that make a clause negative, per language (a cheap signal, not a parser).
_NEG = {"en": re.compile(r"\b(no|not|none|never|cannot|can't|don't|doesn't|won't|isn't|aren't|nothing)\b|n't\b", re.I),
        "ru": re.compile(r"(?<![а-яё])(нет|не|ни|нельзя|невозможно)(?![а-яё])", re.I),
        "zh": re.compile(r"[不没無无否別别未]")}
_VERDICT_NO = {"en": re.compile(r"^\W*(no|not)\b", re.I), "ru": re.compile(r"^\W*(нет|не)(?![а-яё])", re.I),
               "zh": re.compile(r"^\W*(不|没有|不能|不会|不行|否)")}
_CLAUSE_END = re.compile(r"[:：,，;；—–(（]")
_SENTENCE_END = re.compile(r"[.!?。！？](?=\s+\S)|[。！？](?=\S)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# Months and small numbers written as words, so "1 September" / "1 сентября" / "9月1日" and
# "six months" / "шести месяцев" / "6个月" compare equal across languages.
_MONTHS = {"en": ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                  "october", "november", "december"],
           "ru": ["январ", "феврал", "март", "апрел", "ма[йя]", "июн", "июл", "август", "сентябр", "октябр",
                  "ноябр", "декабр"]}
_NUMBER_WORDS = {"en": ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                        "twelve"],
                 "ru": ["од(?:ин|на|ного|ной|ну)", "дв(?:а|е|ух|ум)", "тр(?:и|ех|ём|ем)", "четыр(?:е|ех|ёх)",
                        "пят(?:ь|и)", "шест(?:ь|и)", "сем(?:ь|и)", "вос(?:емь|ьми)", "девят(?:ь|и)", "десят(?:ь|и)",
                        "одиннадцат(?:ь|и)", "двенадцат(?:ь|и)"],
                 "zh": ["一", "两|二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]}

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
    broken: list[KBError] = []
    try:
        kb = load_kb(root)
    except KBErrors as e:
        # One pass: lint what did load when only entry files failed (the facts and word
        # lists loaded, so the content rules stand); a reference to an entry that failed to
        # load is not reported until it loads.
        partial = e.partial
        if not isinstance(partial, KnowledgeBase) or not partial.entries or not partial.facts or any(
                Path(err.path).parent.name in ("", root.name) for err in e.errors):
            return e.errors, 0
        kb = partial
        broken = e.errors
    problems: list[KBError] = []
    domains, errs = _read_lists(root, DOMAINS_FILE, "domains", optional=("named_not_linked",))
    problems += errs
    if not kb.facts:
        problems.append(KBError(f"{root.name}/{FACTS_FILE}", 0, 0, f"{FACTS_FILE} is missing or empty",
                                "add the source register: facts: {F1: {claim: ..., title: ..., ...}}"))
    problems += lint_facts(kb, root, domains["domains"])
    problems += lint_publishers(kb, root)
    problems += lint_reader_titles(kb, root)
    problems += lint_entries(kb, root, set(kb.facts), domains["domains"], domains["named_not_linked"])
    problems += lint_leads(kb, root)
    problems += lint_shared_phrasings(kb, root)
    problems += lint_offtopic(kb, root, domains["domains"], domains["named_not_linked"])
    problems += lint_home(kb, root)
    problems += lint_links(kb, root)
    problems += lint_control_chars(kb, root)
    problems += lint_languages_agree(kb, root)
    problems += lint_updated(kb, root)
    problems += style_problems(kb, root)  # writing rules (style.py), warnings among them
    from .channels import lint_channels  # kb/channels.yaml: the way out's links

    problems += lint_channels(root)
    if broken:
        gone = {Path(err.path).stem for err in broken}
        problems = [p for p in problems if not any(f"'{i}'" in p.message or f"entry:{i}" in p.message for i in gone)]
    return sorted(broken + problems, key=lambda p: (p.path, p.line, p.col)), len(kb)


def lint_facts(kb: KnowledgeBase, root: Path, allowed: list[str]) -> list[KBError]:
    """The source register links only to operators' and government sites (the `domains`
    allowlist), like answers: a link in kb/ is shown to readers, and scammers advertise through
    look-alike "help" pages. A named outlet is cited by title, publisher and date, unlinked."""
    problems = []
    at = _Locator(root, f"{root.name}/{FACTS_FILE}")
    for f in kb.facts.values():
        for url in [f.url, *(s.url for s in f.also)]:
            if not url:
                continue
            m = _URL.match(url)
            domain = (m.group(1) or "").lower() if m else ""
            if not domain or not _domain_ok(domain, allowed) or domain in _MESSENGER:
                problems.append(at.error(url[:40], f"{f.id}: source link {domain or url} is not an operator's or "
                                         "a government's site", "cite a page of an outlet by its title, publisher "
                                         "and date and remove the url", near=f"{f.id}:"))
    return problems


def lint_publishers(kb: KnowledgeBase, root: Path) -> list[KBError]:
    """Every publisher the register credits has a row in kb/publishers.yaml with a reader-facing
    name in each language (pages show the register's English otherwise); a row no fact uses is
    a warning (usually a spelling that differs from the register's). Nothing when the file is
    absent (the rule is off) or broken (load_kb reports it)."""
    from .load import read_optional

    try:
        got = read_optional(root, PUBLISHERS_FILE)
    except KBError:
        return []
    if got is None or not isinstance(got[1], dict) or not isinstance(got[1].get("publishers"), dict):
        return []
    shown, rows = got[0], node_at(got[2], ["publishers"])
    if not isinstance(rows, yaml.MappingNode):
        return []
    given = {str(k.value).strip(): (k, v) for k, v in rows.value}
    used: dict[str, list[str]] = {}
    for f in kb.facts.values():
        for publisher in dict.fromkeys([f.publisher, *(s.publisher for s in f.also)]):
            if publisher:
                used.setdefault(publisher, []).append(f.id)
    problems = []
    at = _Locator(root, f"{root.name}/{FACTS_FILE}")
    for publisher, fids in used.items():
        if publisher not in given:
            more = f" (also cited by {', '.join(fids[1:])})" if fids[1:] else ""
            problems.append(at.error(publisher, f"{fids[0]}: publisher {publisher!r} has no reader-facing names{more}",
                                     f"add it to kb/{PUBLISHERS_FILE} with zh:, ru: and en: names, each as a reader "
                                     "of that language knows the publisher (docs/content.md)", near=f"{fids[0]}:"))
    for publisher, (key, names) in given.items():
        if not isinstance(names, yaml.MappingNode):
            continue  # reported by the loader
        by_lang = {k.value: v for k, v in names.value}
        row = got[1]["publishers"].get(key.value) or {}
        for lang in LANGS:
            if lang not in by_lang:
                problems.append(error_at(shown, key, f"publisher {publisher!r} has no {lang} name",
                                         f"add {lang}: with the name a {LANG_NAMES[lang]} reader knows it by"))
            elif not (isinstance(row.get(lang), str) and row[lang].strip()):
                problems.append(error_at(shown, by_lang[lang], f"publisher {publisher!r}: the {lang} name is empty",
                                         f"write the name a {LANG_NAMES[lang]} reader knows it by"))
        if publisher not in used:
            line = error_at(shown, key, "", "")
            problems.append(StyleWarning(shown, line.line, line.col, f"publisher {publisher!r} is not the publisher "
                                         f"of any fact in kb/{FACTS_FILE}", "write it exactly as the register's "
                                         "publisher: line does, or remove the row"))
    return problems


def lint_reader_titles(kb: KnowledgeBase, root: Path) -> list[KBError]:
    """Every source a reader sees, a fact's own and each further source under ``also:``, has a
    ``reader_title`` in zh, ru and en: without one, pages show the published title, often in
    another language than the reader's (docs/content.md). One rule for both kinds of source.
    On once the register gives any source a reader_title (an older register shows published
    titles throughout); a point with no source may have none (pages show a translated "not
    confirmed" line), but a reader_title it has needs every language. Nothing when the
    register is absent or broken (load_kb reports it)."""
    from .load import read_optional

    if not any(f.reader_title or any(s.reader_title for s in f.also) for f in kb.facts.values()):
        return []
    try:
        got = read_optional(root, FACTS_FILE)
    except KBError:
        return []
    if got is None:
        return []
    shown, node = got[0], got[2]
    problems = []
    for f in kb.facts.values():
        fact = node_at(node, ["facts", f.id])
        problems += _reader_title_problems(shown, _key_at(node_at(node, ["facts"]), f.id), _key_at(fact, "reader_title"),
                                           f.reader_title, f.id, required=bool(f.title))
        for i, src in enumerate(f.also):
            item = node_at(fact, ["also", i])
            title = src.title if len(src.title) <= 40 else src.title[:39] + "…"
            problems += _reader_title_problems(shown, item, _key_at(item, "reader_title"), src.reader_title,
                                               f"{f.id}: further source “{title}” ({src.publisher})", required=True)
    return problems


def _key_at(mapping: yaml.Node | None, name: str) -> yaml.Node | None:
    """The key node ``name`` of a YAML mapping (where a message about that key points)."""
    return next((k for k, _ in getattr(mapping, "value", ()) if getattr(k, "value", None) == name), None)


def _reader_title_problems(shown: str, at: yaml.Node | None, titles_at: yaml.Node | None, titles: dict[str, str],
                           what: str, required: bool) -> list[KBError]:
    """``what`` (a fact, or one of its further sources, starting at ``at``) with no
    reader_title while ``required``, or one (at ``titles_at``) missing a language."""
    if not titles:
        return [error_at(shown, at, f"{what} has no reader_title",
                         "add reader_title: {zh: ..., ru: ..., en: ...}, a short title in each reader's language with "
                         "the publisher first, as the facts' own (docs/content.md)")] if required else []
    return [error_at(shown, titles_at, f"{what}: reader_title has no {lang} ({LANG_NAMES[lang]})",
                     f"add {lang}: a short title in {LANG_NAMES[lang]}, the publisher first")
            for lang in LANGS if lang not in titles]


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
            for field, text in (("question", tr.question), ("lead", tr.lead), ("answer", tr.answer),
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


def _numbers(text: str) -> set[str]:
    return {n.replace(",", ".") for n in _NUMBER.findall(text)}


def _first_clause(text: str) -> str:
    return _CLAUSE_END.split(text, 1)[0]


def _name_re(name: str) -> re.Pattern[str]:
    """A name at the start of a word, in any case; a Russian name also inflected (Госуслуги:
    на Госуслугах)."""
    stem = name[:-1] if len(name) > 4 and name[-1] in "аяиыуюеоё" else name
    return re.compile(rf"(?<!\w){re.escape(stem)}", re.I)


def lead_problems(lang: str, lead: str, answer: str,
                  names: Sequence[Sequence[str]] = ()) -> list[tuple[str, str, str]]:
    """(offending text, what is wrong, how to fix) for one lead against its answer.

    Cheap, honest checks rather than understanding: the lead is one short sentence; every
    number and every name in it (``names``: groups of one name's spellings) also appears in
    the answer; a lead whose
    first clause is negative needs a negation in the answer's first paragraph, and a lead
    that does not open negatively may not sit on an answer that opens with "No"."""
    found = []
    if len(lead) > LEAD_MAX[lang]:
        found.append((lead[:20], f"is {len(lead)} characters, over {LEAD_MAX[lang]}",
                      "one short sentence that answers directly; details belong in the answer"))
    if _SENTENCE_END.search(lead.rstrip(".!?。！？ ")):
        found.append((lead[:20], "is more than one sentence", "join the clauses with ; or : or keep only the first"))
    missing = sorted(_numbers(lead) - _numbers(answer))
    if missing:
        found.append((missing[0], f"has number(s) {', '.join(missing)} that the answer does not",
                      "a lead may only say what the answer says; fix the number or add it to the answer"))
    for group in names:
        in_lead = [n for n in group if _name_re(n).search(lead)]
        if in_lead and not any(_name_re(n).search(answer) for n in group):
            found.append((in_lead[0], f"names {in_lead[0]}, which the answer does not mention",
                          "a lead may only say what the answer says"))
    first_para = answer.strip().split("\n\n", 1)[0]
    lead_neg = bool(_NEG[lang].search(_first_clause(lead)))
    if lead_neg and not _NEG[lang].search(first_para):
        found.append((lead[:20], "opens negatively but the answer's first paragraph has no negation",
                      "make the lead and the answer's opening agree"))
    if not lead_neg and _VERDICT_NO[lang].search(first_para) and _VERDICT_NO[lang].search(answer.strip()):
        found.append((lead[:20], "does not open negatively but the answer opens with \"no\"",
                      "make the lead and the answer's opening agree"))
    return found


def lint_leads(kb: KnowledgeBase, root: Path) -> list[KBError]:
    problems = []
    for e in kb.entries.values():
        at = _Locator(root, e.path)
        for lang, tr in e.translations.items():
            if not tr.lead:
                continue  # the schema asks for it; nothing to compare
            for bad, what, hint in lead_problems(lang, tr.lead, tr.answer, [*kb.names, *AGENCIES]):
                problems.append(at.error(bad, f"lead ({lang}) {what}", hint, near=f"{lang}:"))
    return problems


def _phrase_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def lint_shared_phrasings(kb: KnowledgeBase, root: Path) -> list[KBError]:
    """An alternative that belongs to two entries (or repeats another entry's question) sends
    that phrasing to two answers at equal weight: the reader lands on either by chance."""
    owners: dict[tuple[str, str], list[str]] = {}
    for e in kb.entries.values():
        for lang, tr in e.translations.items():
            for text in (tr.question, *tr.alternatives):
                ids = owners.setdefault((lang, _phrase_key(text)), [])
                if e.id not in ids:
                    ids.append(e.id)
    problems = []
    for e in kb.entries.values():
        at = _Locator(root, e.path)
        for lang, tr in e.translations.items():
            for alt in tr.alternatives:
                others = [i for i in owners.get((lang, _phrase_key(alt)), ()) if i != e.id]
                if others:
                    problems.append(at.error(alt, f"alternative ({lang}) “{alt}” is also a phrasing of {', '.join(others)}",
                                             "keep each phrasing in the one entry that answers it; reword or remove this one",
                                             near=f"{lang}:"))
    return problems


def lint_home(kb: KnowledgeBase, root: Path) -> list[KBError]:
    """kb/home.yaml names entries that exist, each once: the home page would silently skip others."""
    at = _Locator(root, f"{root.name}/{HOME_FILE}")
    problems, seen = [], set()
    for entry_id in kb.starter:
        if entry_id not in kb.entries:
            problems.append(at.error(entry_id, f"starter '{entry_id}' is not an entry's id",
                                     "use the id of an entry (its file name without .yaml) or remove the line"))
        elif entry_id in seen:
            problems.append(at.error(entry_id, f"starter '{entry_id}' is listed twice", "keep one"))
        seen.add(entry_id)
    return problems


def lint_offtopic(kb: KnowledgeBase, root: Path, allowed: list[str], named_only: list[str]) -> list[KBError]:
    """A line of kb/offtopic.yaml that is an entry's question or alternative teaches the
    topic model (topic.py) to refuse the very question that entry answers. The file is kb/
    like the entries, so the same rules on contacts and links hold (an off-topic question
    copied from a reader can carry a scammer's number or handle)."""
    phrasings = {(lang, _phrase_key(t)): e.id for e in kb.entries.values() for lang, tr in e.translations.items()
                 for t in (tr.question, *tr.alternatives)}
    at = _Locator(root, f"{root.name}/{OFFTOPIC_FILE}")
    problems = []
    for lang, questions in kb.offtopic.items():
        for q in questions:
            owner = phrasings.get((lang, _phrase_key(q)))
            if owner:
                problems.append(at.error(q, f"off-topic question “{q}” is a phrasing of {owner}",
                                         "remove it here: the kb answers it"))
            for bad, what, hint in text_problems(q, allowed, named_only):
                problems.append(at.error(bad, f"off-topic question ({lang}) {what}: “{bad}”", hint))
    return problems


_UNITS = {"en": r"\s+(?:days?|weeks?|months?|hours?|years?)\b",
          "ru": r"\s+(?:дн|день|недел|месяц|час|год|лет|сут)",
          "zh": r"(?:个|個)?(?:月|天|周|小时|小時|年)"}


def answer_numbers(lang: str, text: str) -> set[str]:
    """Numbers an answer states: digits, month names, and small numbers written as words
    before a unit of time ("six months", "шести месяцев", "两个月")."""
    found = _numbers(text)
    low = text.casefold()
    for i, stem in enumerate(_MONTHS.get(lang, ()), 1):
        if re.search(rf"(?<!\w){stem}", low) and re.search(rf"(?<!\w){stem}\w*\s+\d{{4}}|\d\s+{stem}", low):
            found.add(str(i))  # a date: "1 September", "November 2025", "1 сентября"
    before = r"(?<![一二三四五六七八九十两])" if lang == "zh" else r"(?<!\w)"
    for i, word in enumerate(_NUMBER_WORDS.get(lang, ()), 1):
        if re.search(rf"{before}(?:{word}){_UNITS[lang]}", low):
            found.add(str(i))
    return found


def lint_languages_agree(kb: KnowledgeBase, root: Path) -> list[KBError]:
    """The three answers of an entry state the same numbers (days, roubles, dates, limits): a
    number only one language has is usually a translation that drifted."""
    problems = []
    for e in kb.entries.values():
        if len(e.translations) < 2:
            continue
        sets = {lang: answer_numbers(lang, tr.answer) for lang, tr in e.translations.items()}
        every = set.intersection(*sets.values())
        at = _Locator(root, e.path)
        for lang, nums in sets.items():
            extra = sorted(nums - every, key=lambda n: float(n))
            if extra:
                others = ", ".join(lg for lg in sets if lg != lang and not set(extra) <= sets[lg])
                problems.append(at.error(f"{lang}:", f"answer ({lang}) states {', '.join(extra)}, which the "
                                         f"{others} answer does not", "make the languages say the same; write "
                                         "months and small numbers so they can be compared", near=f"{lang}:"))
    return problems


def lint_updated(kb: KnowledgeBase, root: Path, today: str | None = None) -> list[KBError]:
    """`updated:` says when a person checked the entry against its sources, so it cannot be
    in the future, nor later than the last time any of those sources was read (kb/facts.yaml
    `checked`)."""
    import datetime as dt

    today = today or dt.date.today().isoformat()
    problems = []
    for e in kb.entries.values():
        at = _Locator(root, e.path)
        if e.updated > today:
            problems.append(at.error("updated:", f"updated {e.updated} is in the future", "set the day you checked it"))
            continue
        read = [kb.facts[s].checked for s in e.sources if s in kb.facts]
        if read and e.updated > max(read):
            problems.append(at.error("updated:", f"updated {e.updated} is later than any of its sources was read "
                                     f"({max(read)})", "re-read a source (and set its checked day) or set updated "
                                     "to the day you last checked"))
    return problems


# -- links and control characters (issue 23): what reaches a reader's browser or terminal

# C0 and C1 control characters (a newline and a tab are text) and the bidirectional
# overrides and isolates, which reorder what a reader sees (a link or an amount).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINK_TARGET = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]*)")
_YAML_ESCAPES = {"\x00": "\\0", "\x07": "\\a", "\x08": "\\b", "\x0b": "\\v", "\x0c": "\\f", "\r": "\\r",
                 "\x1b": "\\e", "\x85": "\\N"}


def link_problems(markdown: str) -> list[tuple[str, str, str]]:
    """(where the link is written, what is wrong, how to fix) for every link in an answer's
    Markdown that is not ``https://`` written plainly, nor ``entry:ID``. The links are the
    ones the site renders (the same Markdown parser, entities decoded), so a link disguised
    from the text rules (``//host``, ``https&#58;//host``) is caught too. The first item
    is ``[label](``, which locates the link in the file."""
    from urllib.parse import urlsplit

    from markdown_it import MarkdownIt

    found = []
    for tok in MarkdownIt("commonmark").parse(markdown):
        children = tok.children or []
        for i, child in enumerate(children):
            if child.type != "link_open":
                continue
            href = str(child.attrGet("href") or "")
            if href.startswith("entry:"):
                continue  # checked against the entry ids by lint_entries
            label = children[i + 1].content if i + 1 < len(children) and children[i + 1].type == "text" else ""
            where, shown = f"[{label}](", href[:60]
            parts = urlsplit(href)
            if parts.scheme != "https" or not parts.hostname:
                found.append((where, f"links “{shown}”, which is not an https:// link",
                              "link only https:// pages of sites in kb/allowed_domains.yaml, or [text](entry:ID)"))
            elif f"https://{parts.netloc}" not in markdown:
                found.append((where, f"links “{shown}” in a disguised form (escapes or entities)",
                              f"write the link plainly: https://{parts.netloc}/…"))
            # a plain https:// link off the allowlist: text_problems reports it
    # What the parser refuses to link (javascript:, vbscript:, data:…) shows as literal
    # "[label](target)": harmless on the page, but never what an editor meant.
    reported = {w for w, _, _ in found}
    for m in _LINK_TARGET.finditer(markdown):
        target = htmllib.unescape(m.group(2)).strip()
        where = f"[{m.group(1)}]("
        if where in reported or target.startswith("entry:") or target.lower().startswith("https://"):
            continue
        found.append((where, f"links “{target[:60]}”, which is not an https:// link",
                      "link only https:// pages of sites in kb/allowed_domains.yaml, or [text](entry:ID)"))
    return found


def lint_links(kb: KnowledgeBase, root: Path) -> list[KBError]:
    """Every answer's links are https:// or entry:ID, written plainly (link_problems); the
    allowlist itself is text_problems' rule."""
    problems = []
    for e in kb.entries.values():
        at = _Locator(root, e.path)
        for lang, tr in e.translations.items():
            for where, what, hint in link_problems(tr.answer):
                problems.append(at.error(where, f"answer ({lang}) {what}", hint, near=f"{lang}:"))
    return problems


def _control_needles(ch: str) -> list[str]:
    code = ord(ch)
    return [ch, _YAML_ESCAPES.get(ch, ""), f"\\x{code:02x}", f"\\x{code:02X}", f"\\u{code:04x}", f"\\u{code:04X}"]


def lint_control_chars(kb: KnowledgeBase, root: Path) -> list[KBError]:
    """Control characters in entries' text (an ESC sequence can retitle or rewrite a
    terminal that prints it; a bidi override reorders what a reader sees)."""
    problems = []
    for e in kb.entries.values():
        at = _Locator(root, e.path)
        for lang, tr in e.translations.items():
            for field, text in (("question", tr.question), ("lead", tr.lead), ("answer", tr.answer),
                                *(("alternatives", a) for a in tr.alternatives)):
                m = CONTROL.search(text or "")
                if not m:
                    continue
                ch = m.group()
                line, col = 1, 1
                for needle in filter(None, _control_needles(ch)):
                    line, col = at.find(needle, near=f"{lang}:")
                    if (line, col) != (1, 1):
                        break
                problems.append(KBError(at.shown, line, col,
                                        f"{field} ({lang}) contains the control character U+{ord(ch):04X}",
                                        "remove it: kb text is plain text; control characters can rewrite a "
                                        "reader's terminal or reorder what is shown"))
    return problems
