"""Categories as intent (issue 19, items 1-2): a query that only names a category ("退款",
"scam", "расторжение", "zhuxiao", "cancel my sim") asks for the whole subject. Its entries
are recalled (all of them reach the results, not only those sharing the typed word) and
the category's overview entry, the one that answers the general question, comes first.

kb/categories.yaml (editor-owned) gives each category its names in every language, the
overview entry, and the filler words that may surround a name without changing what is
asked (俄罗斯, 手机卡, my, russian sim, как, номер). Read and checked at build
(`read_categories`, errors to file:line), stored in the index version (CATEGORIES_FILE),
compiled once per version (`Intents`); `Intents.category` is a few set lookups per query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .analysis import CYR_RE, HAN_CHARS, HAN_RE
from .errors import KBError, KBErrors
from .scope import fold, read_located

if TYPE_CHECKING:
    from .condition_begun import ConditionStarts

CATEGORIES_YAML = "categories.yaml"
CATEGORIES_FILE = "categories.json"  # in an index version
_WORD = re.compile(rf"[{HAN_CHARS}]+|[^\W\d_{HAN_CHARS}]+\d*|\d+")  # Han runs apart from letters (sim卡)
_GLUED = re.compile(r"(\D+)(\d+)$")  # letters glued to digits (tele2): one word if filler, else two
# (ASCII words no longer than a pinyin syllable (zhuang), at least two: read glued as well)
_SPACED_PINYIN = re.compile(r"[a-z]{1,6}(?: [a-z]{1,6})+$")
# a Russian verb in the past (отключили, закрыл, расторгли): a thing done to the reader's number,
# not the action a name in the infinitive asks for (отключить, закрыть): not matched to it by stems
# (prefix._PAST_ONE differs: the singular only, the reader's own clause)
_CYR_PAST = re.compile(r"[\u0400-\u04ff]{2,}[аеиоуыя](?:л|ла|ло|ли|лся|лась|лось|лись)(?: |$)")
_CYR_INFINITIVE = re.compile(r"[\u0400-\u04ff](?:ть|ться|ти)(?: |$)")
_CYR_ENDING = re.compile(r"[аеёиоуыэюяйь]*(?:ться|ть)?[аеёиоуыэюяйь]*$")
_NO_FILLER: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
# Intents' (Chinese, other) pairs of filler-like tuples, as Intents.state writes them
_PAIRS = ("_filler", "_long", "_subject_words", "_process", "_asking", "_stayed")
# states() calls of a condition answered by a loop over its names before its two alternations
# are compiled (_sayer: ~1.2 us a call saved, ~0.2 ms to compile each; the ~40 compiles were
# ~8 ms of a fresh process's one search, which asks ~17 calls in all)
SAYER_AFTER = 64
KEYS_KEPT = 64  # query texts whose keys an Intents remembers (Intents._key)
NAME_LISTS = ("zh", "en", "ru", "pinyin")
CONDITIONS = ("abroad", "on_behalf", "leaving", "forgot", "asks_how", "refund_to", "cancelled", "planned", "restore", "timing", "cancel_wait", "in_store", "documents",
              "passport_replaced", "debt_consequences", "gosuslugi")  # conditions a reader states (categories.yaml), in the order they are applied


def _spoken(said: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Folded names as (Chinese ones, matched anywhere; the others, spaced for whole-word or
    word-start matching: Latin as whole words, Cyrillic at a word start)."""
    return (tuple(n for n in said if HAN_RE.search(n)),
            tuple(" " + " ".join(_WORD.findall(n)) + (" " if n.isascii() else "") for n in said if not HAN_RE.search(n)))


def _sayer(names: tuple[tuple[str, ...], tuple[str, ...]]) -> Callable[[str, str], bool]:
    """``_says`` of fixed names as two compiled alternations (``states``, ~17 calls a query over
    a condition's 10-70 names: ~2.6 -> ~1.4 us a call; a name found as a substring either way)."""
    han, words = ((re.compile("|".join(map(re.escape, ns))).search if ns else None) for ns in names)

    def says(text: str, spaced: str) -> bool:
        return (han is not None and han(text) is not None) or (words is not None and words(spaced) is not None)
    return says


def _says(names: tuple[tuple[str, ...], tuple[str, ...]], text: str, spaced: str) -> bool:
    """Whether folded ``text`` (and ``spaced``, its words between spaces) holds one of ``names``."""
    han, words = names
    # (a loop and map, not any() over generators: asked ~40 times a query, most lists missed whole)
    for n in han:
        if n in text:
            return True
    return any(map(spaced.__contains__, words))


def read_categories(root: Path, entry_ids: set[str] | None = None) -> dict | None:
    """kb/categories.yaml as plain data ({"categories": {name: {"overview": id|None,
    "names": [...]}}, "filler": [...]}), or None when absent. ``entry_ids``: the kb's entry
    ids, to check each overview names one."""
    from .kbase.model import CATEGORIES

    got = read_located(root, CATEGORIES_YAML)
    if got is None:
        return None
    shown, data, at = got
    if not isinstance(data, dict) or not isinstance(data.get("categories"), dict):
        raise KBErrors([KBError(shown, 1, 1, "must have 'categories:' (one mapping per category) and 'filler:'",
                                "e.g. categories: {refunds: {overview: refund-remaining-balance, en: [refund]}}")])
    errors: list[KBError] = []

    def names(where: dict, *keys: str) -> list[str]:
        out: list[str] = []
        for k in NAME_LISTS:
            got = where.get(k, [])
            if not isinstance(got, list) or not all(isinstance(x, str | int) and str(x).strip() for x in got):
                errors.append(at(*keys, k, message=f"{'.'.join(keys)}.{k} must be a list of names",
                                 hint="write [name, other name, ...]"))
                continue
            out += [str(x) for x in got]
        return out

    filler = data.get("filler") or {}
    out: dict = {"categories": {}, "filler": names(filler, "filler") if isinstance(filler, dict) else []}
    for name, spec in data["categories"].items():
        if name not in CATEGORIES:
            errors.append(at("categories", str(name), key=True, message=f"unknown category {name!r}",
                             hint=f"use one of {', '.join(CATEGORIES)}"))
            continue
        if not isinstance(spec, dict):
            errors.append(at("categories", name, key=True, message=f"category {name!r} must be a mapping",
                             hint="give it 'overview:' and lists of names per language"))
            continue
        overview = spec.get("overview")
        if overview is not None and entry_ids is not None and overview not in entry_ids:
            errors.append(at("categories", name, "overview", message=f"overview {overview!r} is no entry of this kb",
                             hint="give an entry id, or leave it out"))
        with_subject = spec.get("with_subject")
        if with_subject is not None and entry_ids is not None and with_subject not in entry_ids:
            errors.append(at("categories", name, "with_subject", message=f"with_subject {with_subject!r} is no entry of "
                             "this kb", hint="give an entry id, or leave it out"))
        # words stating the situation the category answers (money left on the number: the refunds)
        stated = spec.get("stated")
        if stated is not None and (not isinstance(stated, dict) or overview is None):
            errors.append(at("categories", name, "stated", message=f"{name}.stated must list words per language "
                             "and the category needs an overview", hint="e.g. stated: {en: [money left], ru: [осталось]}"))
            stated = None
        out["categories"][name] = {"overview": overview, "names": names(spec, "categories", name),
                                   **({"with_subject": with_subject} if with_subject else {}),
                                   **({"stated": names(stated, "categories", name, "stated")} if stated else {})}
    def entry_names(section: str, example: str) -> dict[str, list[str]]:
        """A section mapping entry ids to their names per language (concepts, beside_process)."""
        given = data.get(section) or {}
        if not isinstance(given, dict):
            errors.append(at(section, key=True, message=f"{section} must map an entry id to its names per language",
                             hint=f"e.g. {section}: {example}"))
            return {}
        got = {}
        for entry, spec in given.items():
            if entry_ids is not None and entry not in entry_ids:
                errors.append(at(section, str(entry), key=True, message=f"{section} entry {entry!r} is no entry of "
                                 "this kb", hint="give an entry id"))
            elif not isinstance(spec, dict):
                errors.append(at(section, str(entry), key=True, message=f"{section} {entry!r} must be a mapping",
                                 hint="give lists of names per language (zh, en, ru, pinyin)"))
            else:
                got[str(entry)] = names(spec, section, str(entry))
        return got

    # conditions read only once their words are typed whole, never while being typed (condition_begun)
    whole = data.get("typed_whole") or []
    if not isinstance(whole, list) or not all(isinstance(c, str) and c in CONDITIONS for c in whole):
        errors.append(at("typed_whole", key=True, message="typed_whole must list conditions",
                         hint=f"e.g. typed_whole: [cancelled] (one of {', '.join(CONDITIONS)})"))
    else:
        out["typed_whole"] = list(whole)
    out["concepts"] = entry_names("concepts", "{power-of-attorney-from-china: {zh: [委托书], en: [power of attorney]}}")
    for cond in CONDITIONS:  # abroad, on_behalf, cancelled, restore, ...: a condition the reader states, and the entries for it
        spec = data.get(cond)
        if spec is None:
            continue
        entries = spec.get("entries") if isinstance(spec, dict) else None
        if not isinstance(entries, dict) or not all(isinstance(v, str) for v in entries.values()):
            errors.append(at(cond, key=True, message=f"{cond} must map entries to the entry answering them when the "
                             "reader states the condition ('entries:') and list the words saying so",
                             hint=f"e.g. {cond}: {{entries: {{how-to-cancel-russian-sim: cancel-from-abroad}}, en: [...]}}"))
            continue
        bad = [str(x) for k, v in entries.items() for x in (k, v) if entry_ids is not None and x not in entry_ids]
        if bad:
            errors.append(at(cond, "entries", key=True, message=f"{cond}.entries names no entry of this kb: "
                             f"{', '.join(bad)}", hint="give entry ids"))
        out[cond] = {"entries": {str(k): str(v) for k, v in entries.items()}, "names": names(spec, cond)}
        also = spec.get("also")  # words saying it only beside others (with) and none of some (without)
        if also is not None:
            if not isinstance(also, dict) or not all(isinstance(also.get(k), dict) for k in ("said", "with", "without")):
                errors.append(at(cond, "also", key=True, message=f"{cond}.also must give 'said:', 'with:' and "
                                 "'without:', each with lists of names per language",
                                 hint="e.g. also: {said: {ru: [вернуть]}, with: {ru: [номер]}, without: {ru: [деньг]}}"))
            else:
                out[cond]["also"] = {k: names(also[k], cond, "also", k) for k in ("said", "with", "without")}
    # concepts named only beside the process: 欠费 + 注销
    out["beside_process"] = entry_names("beside_process", "{debt-before-cancelling: {zh: [欠费]}}")
    # concepts named only alone: 回国 (going home), never 回国 + 注销 (cancelling from abroad)
    out["alone"] = entry_names("alone", "{keep-or-cancel: {zh: [回国]}}")
    for section, example in (
            ("asking", "{zh: [需要, 得], en: [take, does], ru: [занима]}"),  # words that only ask, read out beside the process and a concept
            ("stayed", "{en: [studied], ru: [учился], zh: [留学时]}")):  # a story's words saying the reader's stay is over (the story rule's abroad)
        spec = data.get(section)
        if spec is None:
            continue
        if isinstance(spec, dict):
            out[section] = names(spec, section)
        else:
            errors.append(at(section, key=True, message=f"{section} must list words per language",
                             hint=f"e.g. {section}: {example}"))
    subject = data.get("subject")
    if subject is not None:
        if not isinstance(subject, dict) or subject.get("category") not in out["categories"]:
            errors.append(at("subject", key=True, message="subject must name one of the categories above "
                             "('category:') and list the words naming the kb's subject",
                             hint="e.g. subject: {category: process, zh: [手机卡], en: [sim], ru: [сим], pinyin: [shoujika]}"))
        else:
            out["subject"] = {"category": subject["category"], "names": names(subject, "subject")}
    if errors:
        raise KBErrors(errors)
    return out


def write_categories(root: str | Path, version_dir: Path, entry_ids: set[str]) -> None:
    """At build: kb/categories.yaml into the index version (nothing when the kb has none)."""
    from .kbase.load import read_home

    data = read_categories(Path(root), entry_ids)
    if data is not None:
        # what readers ask most, most first (kb/home.yaml's starter): the prior a query only
        # begun is filled by (asked.py); a broken file is `faqkb check`'s to report, as the
        # home page keeps going without it
        try:
            asked = read_home(Path(root))
        except KBErrors:
            asked = []
        data["asked"] = [eid for eid in asked if eid in entry_ids]
        # the names' keys go with it: working them out (filler taken out of ~600 names) was
        # ~20 ms of every fresh process's first query
        compiled = Intents(data)
        data["keys"] = {"names": compiled.names, "concepts": compiled.concepts, "typed": compiled.typed,
                        "state": compiled.state()}
        (version_dir / CATEGORIES_FILE).write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def _spaced(folded: str) -> str:
    """A folded text's words between single spaces: how a query is read (Intents._said) and a
    name as written (_written)."""
    return " ".join(_WORD.findall(folded))


def _written(name: str) -> str:
    """A name as written: folded, its words between single spaces (as Intents._said reads a query)."""
    return _spaced(fold(name))


STEM_MIN = 5  # a shorter Russian stem is no name's by itself (долго and долга are both долг)


def _stems(key: str) -> str:
    """``key`` with its Russian words stemmed; "" when one's stem is shorter than STEM_MIN."""
    from .analysis import stem_cyrillic

    out = []
    for w in key.split(" "):
        if CYR_RE.search(w):
            w = stem_cyrillic(w)
            if len(w) < STEM_MIN:
                return ""
        out.append(w)
    return " ".join(out)


def _sorted_words(key: str) -> str:
    """A key's words in sorted order (Intents._unordered)."""
    return " ".join(sorted(key.split(" ")))


def _key(text: str, filler: tuple[tuple[str, ...], tuple[str, ...]], folded: str | None = None) -> str:
    """What is left of ``text`` once its filler is taken out: Chinese filler anywhere in a
    run of characters, Latin filler as whole words, Cyrillic filler as word starts (российск).
    ``folded``: fold(text), when the caller has it."""
    han_filler, word_filler = filler
    left: list[str] = []
    for m in _WORD.finditer(fold(text) if folded is None else folded):
        w = m.group()
        if HAN_RE.match(w):
            for f in han_filler:  # longest first (手机卡 before 手机)
                w = w.replace(f, "")
            if w:
                left.append(w)
        elif w in word_filler:
            continue
        elif glued := _GLUED.match(w):
            left += [p for p in glued.groups() if not _is_filler(p, word_filler)]
        elif not _is_filler(w, word_filler):
            left.append(w)
    return " ".join(left)


def put_fixes(text: str, fixed: dict[str, str]) -> str:
    """``text`` with each typed word of ``fixed`` replaced by its fix, as one regex alternation
    of the words, longest first, would (leftmost match, the first word of that order at a
    place, no overlaps), without compiling one per query (a query's corrections are new:
    re.compile was ~1 % of a search)."""
    words = sorted(fixed, key=len, reverse=True)
    if not all(words):  # (an empty word matches everywhere: the regex says how)
        return re.compile("|".join(map(re.escape, words))).sub(lambda m: fixed[m.group()], text)
    out: list[str] = []
    pos = 0
    while True:
        at, word = -1, ""
        for w in words:
            i = text.find(w, pos)
            if i >= 0 and (at < 0 or i < at):
                at, word = i, w
        if at < 0:
            return "".join([*out, text[pos:]])
        out += [text[pos:at], fixed[word]]
        pos = at + len(word)


SHORT_FILLER = 3  # a Cyrillic filler word this short matches a word start only with an ending after it
ENDING = 2  # ... of at most this many letters (как: какой, какие; ли: not лимит; про: not проблема)


def _stem(word: str) -> str:
    """A Russian word's start, its ending (and a verb's -ть/-ться) cut off, as a word start
    matches it in any case and form (расторжение: расторжен-; закрыть: закр-); the word
    itself when that would leave fewer than four letters."""
    stem = _CYR_ENDING.sub("", word)
    return stem if len(stem) >= 4 else word


def _latin_stem(word: str) -> str:
    from .analysis import stem_latin

    return stem_latin(word)


def _is_filler(w: str, word_filler: tuple[str, ...]) -> bool:
    if w in word_filler:
        return True
    if w.isascii() or w.isdigit() or not w.startswith(word_filler):  # (one C call for most words)
        return False
    return any(w.startswith(f) and (len(f) > SHORT_FILLER or len(w) - len(f) <= ENDING) for f in word_filler)


class Intents:
    """kb/categories.yaml compiled for queries."""

    names: dict[str, str]  # a name's key (filler out: _name_key) -> its category
    # a concept a reader names in a word or two that several entries hold (biometrics,
    # power of attorney, scam SMS): the entry answering it (categories.yaml ``concepts``)
    concepts: dict[str, str]
    # a concept's names as written (folded, words between single spaces): a query typed as one
    # is that concept before any key is read (诈骗电话 is a scam call, though 电话 is filler)
    typed: dict[str, str]

    def __init__(self, data: dict) -> None:
        # The subject's own words (俄罗斯手机卡, "russian sim", симка): filler around a name,
        # but a query of nothing else asks about the whole subject (``subject``'s category).
        subject = data.get("subject") or {}
        self.subject: str | None = subject.get("category")
        # _key of the last few texts: a query's is asked for its category, its concept, and
        # once more while typing (relevance.complete); cleared whole past KEYS_KEPT
        self._keys: dict[tuple[str, int], str] = {}
        # the last few texts folded, with their words between spaces (_said)
        self._said_kept: dict[str, tuple[str, str]] = {}
        # per condition, its names' and its ``also`` lists' _sayer (made at a condition's
        # SAYER_AFTER-th states(); the calls before it count here and loop over the names)
        self._sayers: dict[str, tuple[Callable[[str, str], bool], ...]] = {}
        self._unsaid: dict[str, int] = {}
        # every condition's names and ``also`` ``said`` words in one list (stated()'s first test),
        # made by its first call; its _sayer made as a condition's is, at its SAYER_AFTER-th call
        self._any_names: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        self._any_sayer: Callable[[str, str], bool] | None = None
        self._any_unsaid = 0
        # the conditions' names arranged for a query's end (condition_begun; made by the first begun())
        self._condition_starts: ConditionStarts | None = None
        # _by_stem's, per names dict (by id): the names by stems, and the stems of those holding an infinitive
        self._stemmed: dict[int, tuple[dict[str, str], set[str]]] = {}
        # _unordered's, per names dict (by id): the names of two or more words by their words sorted
        self._ordered_not: dict[int, dict[str, str]] = {}
        self.overview: dict[str, str | None] = {
            cat: spec.get("overview") for cat, spec in data.get("categories", {}).items()}
        # the entry answering a category asked of the subject's process (销号 + 多少钱: what
        # cancelling costs), where it differs from the category's overview or it has none
        self.with_subject: dict[str, str] = {
            cat: spec["with_subject"] for cat, spec in data.get("categories", {}).items() if spec.get("with_subject")}
        # the entries readers ask most, most first (kb/home.yaml's starter, written at build:
        # write_categories); empty for a version built before it
        self.asked: tuple[str, ...] = tuple(data.get("asked", ()))
        keys = data.get("keys") or {}
        if (state := keys.get("state")) is not None:  # worked out at build (write_categories)
            self._restore(state)
            self.names, self.concepts = dict(keys["names"]), dict(keys["concepts"])
            self.typed = dict(keys.get("typed", {}))
            return
        fill = [fold(f) for f in data.get("filler", [])]
        self._filler = (tuple(sorted((f for f in fill if HAN_RE.search(f)), key=len, reverse=True)),
                        tuple(f for f in fill if not HAN_RE.search(f)))
        # (dicts, not sets: the yaml's order, so equal-length names are taken out in the same order
        # in every process and categories.json's state is the same bytes at every build)
        own = dict.fromkeys(fold(w) for w in subject.get("names", ()))
        # the filler taken out of a name or query that the rest would leave as one character:
        # not one a name holds (号 of 退号: 退 may as well be 退款), but a particle or a
        # question word no name holds (销号啊 is 销号)
        named = [fold(n) for spec in data.get("categories", {}).values() for n in spec.get("names", ())]
        named += [fold(n) for names in data.get("concepts", {}).values() for n in names]
        self._long = (tuple(f for f in self._filler[0] if len(f) > 1 or not any(f in n for n in named)), self._filler[1])
        # the subject's words alone, as filler: taking them out changes a query that names one
        self._subject_words = (tuple(sorted((f for f in own if HAN_RE.search(f)), key=len, reverse=True)),
                               tuple(f for f in own if not HAN_RE.search(f)))
        # the subject category's own names (cancel, 注销, расторжение): "注销要几天" names the
        # concept how long with the subject's process, so it asks the concept (``concept``)
        # (as a query's key holds them: 销号 is 销 once the filler 号 is out)
        process = dict.fromkeys(k for n in data.get("categories", {}).get(self.subject or "", {}).get("names", ())
                                if " " not in (k := _key(n, self._filler) or fold(n)))
        # (a Russian name by its stem, any ending: сроки расторжения, цена закрытия)
        self._process = (tuple(sorted((n for n in process if HAN_RE.search(n)), key=len, reverse=True)),
                         tuple(dict.fromkeys(_stem(n) if CYR_RE.match(n) else n for n in process if not HAN_RE.search(n))))
        # (an English name in another form too: cancelled, closed, terminated)
        self._process_stems = frozenset(_latin_stem(n) for n in process if n.isascii() and n.isalpha())
        # words that only ask (a modal verb, "take", занимает, 生效): read out of what is left
        # beside the process, so a concept named there is still the question (注销通常需要几天,
        # how long does cancelling take); never in a name or a category's key
        # a story's words saying the reader's stay in Russia is over (categories.yaml ``stayed``:
        # studied, учился, 留学时): the story rule reads them as ``abroad`` (``left``), nothing else
        self._stayed = _spoken([fold(n) for n in data.get("stayed", ())])
        # per category, the words stating the situation it answers (categories.yaml ``stated``:
        # money left on the number -> refunds); read by the panel only (panel_order.stated_head)
        self._stated = {cat: _spoken([fold(n) for n in spec["stated"]])
                        for cat, spec in data.get("categories", {}).items() if spec.get("stated")}
        ask = [fold(f) for f in data.get("asking", ())]
        self._asking = (tuple(sorted((f for f in ask if HAN_RE.search(f)), key=len, reverse=True)),
                        tuple(f for f in ask if not HAN_RE.search(f)))
        # concepts read only beside the process (categories.yaml ``beside_process``): 欠费 alone may
        # be a debt left behind, beside 注销 it asks whether a debt stops cancelling
        self._beside = {self._name_key(n): entry for entry, names in data.get("beside_process", {}).items()
                        for n in names}
        # concepts read only alone (categories.yaml ``alone``): the reader's situation named by itself
        # (回国, 留学生) asks what to do with the number; beside the process it is the process's condition
        self._alone = {self._name_key(n): entry for entry, names in data.get("alone", {}).items() for n in names}
        # a condition the reader states (categories.yaml ``abroad``: outside Russia; ``on_behalf``:
        # someone else acting for them): an entry -> the one answering it under the condition,
        # and the words stating it (Latin names as whole words, Cyrillic at a word start)
        self.conditions: dict[str, tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]] = {}
        # (a condition's ``also``: words saying it only beside the ``with`` words and none of the
        # ``without`` ones: вернуть beside номер and no деньги is the number back, not a refund)
        self._also: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {}
        # (conditions read only typed whole: their words begin as the plain question does, 注销 of
        # 注销了的, "расторг д" of расторг договор, so begun they say nothing; condition_begun skips them)
        self._whole: frozenset[str] = frozenset(data.get("typed_whole", ()))
        for cond in CONDITIONS:
            spec = data.get(cond) or {}
            said = [fold(n) for n in spec.get("names", ())]
            if spec.get("entries") and said:
                self.conditions[cond] = (dict(spec["entries"]), *_spoken(said))
                also = spec.get("also") or {}
                if all(also.get(k) for k in ("said", "with")):
                    self._also[cond] = tuple(_spoken([fold(n) for n in also.get(k, ())])
                                             for k in ("said", "with", "without"))
        self.names = {}
        self.concepts = {}
        if keys:  # worked out at build (a version written before ``state``)
            self.names, self.concepts = dict(keys["names"]), dict(keys["concepts"])
            self.typed = dict(keys.get("typed", {}))
            return
        for cat, spec in data.get("categories", {}).items():
            for n in spec.get("names", ()):
                # a name is matched on what is left of it too ("cancel my sim" -> "cancel")
                self.names.setdefault(self._name_key(n), cat)
        concepts = data.get("concepts", {})
        self.typed = {}
        for entry, names in concepts.items():
            for n in names:
                self.typed.setdefault(_written(n), entry)
        # a word that is a name as written (a category's, or another concept's) is not claimed
        # by a concept's name that only comes to it once filler is out: 诈骗 is the scams'
        # category, not the scam call of 诈骗电话 (电话 is filler)
        as_written = {_written(n) for spec in data.get("categories", {}).values() for n in spec.get("names", ())}
        as_written |= self.typed.keys()
        for entry, names in concepts.items():
            for n in names:
                key = self._name_key(n)
                if key == _written(n) or key not in as_written:
                    self.concepts.setdefault(key, entry)

    def state(self) -> dict:
        """What the constructor works out beyond the names' keys (the filler, the process, the
        asking words, the conditions, all folded), as JSON data: written at build beside the
        keys (write_categories), so a fresh process restores it instead of folding ~1,200
        names again (~6 ms of every cold search's first query)."""
        return {**{k: [list(getattr(self, k)[0]), list(getattr(self, k)[1])] for k in _PAIRS},
                "_process_stems": sorted(self._process_stems), "_beside": self._beside, "_alone": self._alone,
                "conditions": {c: [e, list(a), list(b)] for c, (e, a, b) in self.conditions.items()},
                "_also": {c: [[list(a), list(b)] for a, b in v] for c, v in self._also.items()},
                "_whole": sorted(self._whole),
                "_stated": {c: [list(a), list(b)] for c, (a, b) in self._stated.items()}}

    def _restore(self, state: dict) -> None:
        for k in _PAIRS:
            got = state.get(k, ((), ()))  # (_stayed: absent from a version built before it)
            setattr(self, k, (tuple(got[0]), tuple(got[1])))
        self._process_stems = frozenset(state["_process_stems"])
        self._beside = dict(state["_beside"])
        self._alone = dict(state.get("_alone", {}))
        self.conditions = {c: (dict(e), tuple(a), tuple(b)) for c, (e, a, b) in state["conditions"].items()}
        self._also = {c: tuple((tuple(a), tuple(b)) for a, b in v) for c, v in state["_also"].items()}
        self._whole = frozenset(state.get("_whole", ()))
        self._stated = {c: (tuple(a), tuple(b)) for c, (a, b) in state.get("_stated", {}).items()}

    def _name_key(self, name: str) -> str:
        """A name as a query naming it is matched: what is left of it once its filler is
        taken out; a name left as one Chinese character (退 of 退号: it may as well be 退款)
        is matched with only the filler of two or more characters taken out."""
        key = _key(name, self._filler) or fold(name)
        return _key(name, self._long) if len(key) == 1 and HAN_RE.match(key) else key

    def _key(self, text: str, filler: tuple[tuple[str, ...], tuple[str, ...]]) -> str:
        """_key(text, filler), remembered for the last few texts (KEYS_KEPT): a search asks
        for the same query's key two to four times (category, concept, the completion's
        check), and taking the filler out was ~10 % of a search on the bundled kb."""
        k = (text, id(filler))  # (the fillers are this object's own, or _NO_FILLER)
        got = self._keys.get(k)
        if got is None:
            if len(self._keys) >= KEYS_KEPT:
                self._keys.clear()
            got = self._keys[k] = _key(text, filler, self._said(text)[0])
        return got

    def _said(self, text: str) -> tuple[str, str]:
        """``text`` folded, and its words between spaces (as ``_says`` matches names), remembered
        for the last few texts (KEYS_KEPT): a search asks them of one query for every condition
        (``states``, four, twice with its mainland reading) and each of its keys (``_key``):
        folding it (OpenCC) and splitting it each time were ~5 % of a search on the bundled kb."""
        got = self._said_kept.get(text)
        if got is None:
            if len(self._said_kept) >= KEYS_KEPT:
                self._said_kept.clear()
            folded = fold(text)
            got = self._said_kept[text] = (folded, " " + _spaced(folded) + " ")
        return got

    def key(self, query: str) -> str:
        """What is left of ``query`` once its filler (the subject's words, question words,
        operators) is taken out: the words that narrow what is asked."""
        return self._key(query, self._filler)

    @classmethod
    def read(cls, version_dir: Path) -> Intents | None:
        path = version_dir / CATEGORIES_FILE
        return cls(json.loads(path.read_text("utf-8"))) if path.exists() else None

    def category(self, query: str, fixed: dict[str, str] | None = None) -> str | None:
        """The category a query only names (filler aside), or None. ``fixed``: typed word ->
        its correction (did-you-mean's), tried when the query as typed names none."""
        key = self._key(query, self._filler)
        if not key:  # nothing but filler: the subject itself if it names it, else nothing asked
            # (looked for on its own: 手机 and 号 are filler inside 手机号)
            named = self._key(query, self._subject_words) != self._key(query, _NO_FILLER)
            return self.subject if self.subject and named else None
        return self._named(self.names, key, query, fixed)

    def is_filler(self, word: str) -> bool:
        """``word`` (one analyzed word) is filler (categories.yaml ``filler``: a particle, a
        hedge, a question word): it asks nothing, so it is no object of an action either
        (scope.Objects: "注销大概要多久" cancels nothing called 大概)."""
        w = fold(word)
        return w in self._filler[0] if HAN_RE.search(w) else _is_filler(w, self._filler[1])

    def han_filler_in(self, query: str) -> list[str]:
        """The Chinese filler words of two or more characters ``query`` holds (俄罗斯 and 号码 in
        我的俄罗斯号码), longest first: the words and bigrams inside them (罗斯, 俄罗) are theirs too."""
        q = fold(query)
        return [f for f in self._filler[0] if len(f) > 1 and f in q]

    def away(self, query: str) -> bool:
        """Whether the query says the reader is outside Russia (categories.yaml ``abroad``)."""
        return self.states("abroad", query)

    def stayed(self, query: str) -> bool:
        """Whether ``query`` holds a word of categories.yaml ``stayed`` (a stay in Russia told as over)."""
        text, spaced = self._said(query)
        return _says(self._stayed, text, spaced)

    def stated_category(self, query: str) -> str | None:
        """The first category (categories.yaml's order) whose ``stated`` words ``query`` holds:
        the reader states the situation it answers ("на номере осталось 300 рублей", "still has
        money on it": refunds), or None."""
        if not self._stated:
            return None
        text, spaced = self._said(query)
        return next((cat for cat, said in self._stated.items() if _says(said, text, spaced)), None)

    def left(self, query: str) -> bool:
        """Whether the reader's story says they are outside Russia: ``away``, or a word of
        categories.yaml ``stayed`` (a stay told as over: "I studied in …", "я учился в …") and
        no word saying the leaving is still ahead (``leaving``, ``planned``). Read by the story
        rule only (panel_order.story_heads): a condition_first reading would move exact search."""
        if self.away(query):
            return True
        return self.stayed(query) and not self.states("leaving", query) and not self.states("planned", query)

    def states(self, cond: str, query: str) -> bool:
        """Whether the query states ``cond`` (one of CONDITIONS) in one of its words
        (Chinese anywhere, Latin as whole words, Cyrillic at word starts)."""
        got = self.conditions.get(cond)
        if got is None:
            return False
        text, spaced = self._said(query)
        sayers = self._sayers.get(cond)
        if sayers is None:
            if (n := self._unsaid.get(cond, 0)) < SAYER_AFTER:  # (a one-shot process compiles none)
                self._unsaid[cond] = n + 1
                if _says(got[1:], text, spaced):
                    return True
                also = self._also.get(cond)
                return also is not None and _says(also[0], text, spaced) and _says(also[1], text, spaced) \
                    and not _says(also[2], text, spaced)
            sayers = self._sayers[cond] = tuple(map(_sayer, (got[1:], *self._also.get(cond, ()))))
        if sayers[0](text, spaced):
            return True
        return len(sayers) == 4 and sayers[1](text, spaced) and sayers[2](text, spaced) \
            and not sayers[3](text, spaced)

    def stated(self, query: str) -> list[str]:
        """The conditions ``query`` states (`states`), in CONDITIONS' order: first one test for
        a name of any of them (or an ``also``'s first words, without which it says nothing), so
        a query stating none, most, costs that test rather than one per condition (16)."""
        text, spaced = self._said(query)
        if self._any_sayer is None:
            if self._any_names is None:
                lists = [n for c, got in self.conditions.items() for n in (got[1:], *self._also.get(c, ())[:1])]
                self._any_names = (tuple(dict.fromkeys(h for han, _ in lists for h in han)),
                                   tuple(dict.fromkeys(w for _, words in lists for w in words)))
            if self._any_unsaid < SAYER_AFTER:  # (a one-shot process compiles none, as states())
                self._any_unsaid += 1
                if not _says(self._any_names, text, spaced):
                    return []
            else:
                self._any_sayer = _sayer(self._any_names)
        if self._any_sayer is not None and not self._any_sayer(text, spaced):
            return []
        return [c for c in CONDITIONS if self.states(c, query)]

    def begun(self, query: str, ended: bool) -> list[str]:
        """The conditions the query's last words begin stating and do not state yet (the
        reader still typing "from abr"; condition_begun.py). ``ended``: a space ended the
        last word."""
        from .condition_begun import ConditionStarts

        if self._condition_starts is None:
            self._condition_starts = ConditionStarts({c: v for c, v in self.conditions.items() if c not in self._whole})
        text, spaced = self._said(query)
        return [c for c in self._condition_starts.begun(text, spaced, ended) if not self.states(c, query)]

    def concept(self, query: str, fixed: dict[str, str] | None = None, alone: bool = True) -> str | None:
        """The entry answering the concept a query only names (filler aside), or None.
        ``alone``: the query is finished, so a concept read only alone (``alone``) counts too."""
        key = self._key(query, self._filler)
        if not key:
            return None
        got = self.typed.get(typed) if (typed := self._said(query)[1].strip()) != key else None
        if got is None:
            got = self._named(self.concepts, key, query, fixed)
        if got is None and alone and self._alone:
            got = self._named(self._alone, key, query, fixed)
        if got is None:
            got = self._beside_process(key)
        if got is None and fixed and (typed := _key(put_fixes(query, fixed), self._filler)) != key:
            # a typo in a concept read only beside the process, fixed (negative ballance + cancel);
            # not every concept: "power of atorney cancel" still asks whether someone may cancel
            got = self._beside_process(typed, self._beside)
        return got

    def _beside_process(self, key: str, names: dict[str, str] | None = None) -> str | None:
        """The concept asked of the subject's process (注销 + 多久), or a category (销号 + 多少钱),
        also once the words that only ask are out (注销 + 需要 + 几天 + 能办好); ``names``: only
        these (else every concept, category and concept read beside the process)."""
        of = self._of_process if names is None else names.get
        got = None
        if (rest := self._unprocessed(key)) and rest != key:
            got = of(rest)
            if got is None and (asked := _key(rest, self._asking)) and asked != rest:
                got = of(asked)
        return got

    def _of_process(self, rest: str) -> str | None:
        return self.concepts.get(rest) or self._beside.get(rest) or self.with_subject.get(self.names.get(rest, ""))

    def _unprocessed(self, key: str) -> str:
        """``key`` without the subject's process names (in any form)."""
        rest = _key(key, self._process)
        if self._process_stems and rest:
            rest = " ".join(w for w in rest.split(" ")
                            if not (w.isascii() and w.isalpha() and _latin_stem(w) in self._process_stems))
        return rest

    def _by_stem(self, names: dict[str, str]) -> tuple[dict[str, str], set[str]]:
        """``names``' Russian keys by their words' stems (the first name of a stem keeps it),
        and the stems of the names holding a verb in the infinitive; made on the first Russian
        query that names none as typed."""
        got = self._stemmed.get(id(names))
        if got is None:
            by, verbs = got = self._stemmed[id(names)] = ({}, set())
            for k, v in names.items():
                if CYR_RE.search(k) and (stems := _stems(k)):
                    by.setdefault(stems, v)
                    if _CYR_INFINITIVE.search(k):
                        verbs.add(stems)
        return got

    def _named(self, names: dict[str, str], key: str, query: str, fixed: dict[str, str] | None) -> str | None:
        if len(key) == 1 and HAN_RE.match(key):  # one character left: matched as _name_key keeps such names
            key = self._key(query, self._long)
        got = names.get(key)
        if got is None and " " in key and _SPACED_PINYIN.match(key):
            got = names.get(key.replace(" ", ""))  # pinyin typed syllable by syllable: yu e, tui kuan
        if got is None and CYR_RE.search(key):  # a Russian name in another case or number (возврата, мошенничества)
            stems = _stems(key) or "\0"
            by, verbs = self._by_stem(names)
            got = by.get(stems)
            if got is not None and _CYR_PAST.search(key) and stems in verbs:
                got = None  # отключили is no отключить: done to the number, not asked for
        if got is None and " " in key and not HAN_RE.search(key):  # the same words in another order
            got = self._unordered(names).get(_sorted_words(key))
        if got is None and fixed:
            key = _key(put_fixes(query, fixed), self._filler)
            got = names.get(key) if key else None
        return got

    def _unordered(self, names: dict[str, str]) -> dict[str, str]:
        """``names``' Latin and Cyrillic keys of two or more words by their words sorted: Russian
        word order is free and English head queries drop it ("мошенники смс" is "смс мошенники",
        "sms scam" is "scam sms"); a sorted key two names of different answers share is left out.
        Made on the first query that names none as typed."""
        got = self._ordered_not.get(id(names))
        if got is None:
            got, clash = {}, set()
            for k, v in names.items():
                if " " in k and not HAN_RE.search(k):
                    s = _sorted_words(k)
                    if got.setdefault(s, v) != v:
                        clash.add(s)
            for s in clash:
                del got[s]
            self._ordered_not[id(names)] = got
        return got
