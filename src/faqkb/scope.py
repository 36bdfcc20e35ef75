"""A scope for `answered` (issue 19, item 4): kb/scope.yaml says what the kb covers and
which neighbouring subjects it does not (other countries' operators, banking, app accounts
themselves, Russian-SIM services not covered, other paperwork). A question naming a
neighbour's entity, and nothing that brings it back to our subject, is not answered: its
hits are shown as related only, and the results page records it for `faqkb gaps`.

The topic model (topic.py) learns "another subject" from offtopic.yaml's lines, and learns
those lines rather than the neighbourhood; these names are the neighbourhood, written once
by editors in every language. Read at build (`read_scope`: errors located to file:line),
stored in the index version as plain JSON (`SCOPE_FILE`), compiled once per version
(`Scope`), and checked per query by `Scope.neighbour`: every name the query holds found at
once (`_Finder`: set lookups of the query's slices, bounded by its length times the distinct
name lengths, not by the thousands of names; `Scope.work` counts them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .analysis import HAN_CHARS, HAN_RE, fold_han, fold_width
from .errors import KBError, KBErrors
from .spelling import edits

if TYPE_CHECKING:
    from .engine.answered import Signals

SCOPE_YAML = "scope.yaml"
SCOPE_FILE = "scope.json"  # in an index version
LISTS = ("zh", "en", "ru", "pinyin")
MAX_EXPANDED = 20000  # names the file's {set} references may expand to (checked per query as substrings/one regex)
_SET = re.compile(r"\{([a-z_]+)\}")


TOPIC_FLOOR = 3.0  # the topic's log-odds a query made only of the first hit's question words can be vetoed with


def ours(signals: Signals, term: bool = False) -> Signals:
    """`answered`'s signals with the topic model's veto bounded (at -TOPIC_FLOOR) when every
    word of the query is asked by the first hit's question or alternatives and none is
    unknown: the topic model also learns offtopic.yaml's words (手续费 from bank transfers),
    but a query of nothing but our own question's words is our subject. The signals shown
    (Results.signals) keep the model's own value. Blind real questions declined: head 0.027
    -> 0.018, prefix 0.029 -> 0.022, frozen 0.053 -> 0.048; no off-topic or near-topic set
    lower (floors from 0.01 to 3 alike).

    ``term``: the query's action applies to a two-word term the first hit's question or
    alternatives use, and the first hit asks every other word (engine.relevance `own_term`:
    取消 + 增值业务): the action counts as asked too, so the same bound holds (the topic model
    reads 增值 as Hong Kong's top-up, offtopic.yaml's)."""
    if term:
        signals = signals.copy()
        signals["asked"] = 1.0
    if "topic" in signals and signals["asked"] >= 0.999 and not signals["unknown"] and signals["topic"] < -TOPIC_FLOOR:
        bounded = signals.copy()
        bounded["topic"] = -TOPIC_FLOOR
        return bounded
    return signals


def located(shown: str, node: Any) -> Callable[..., KBError]:
    """``at(*keys, message=, hint=, key=False)``: a KBError at the line of the YAML value at
    ``keys`` in ``node`` (with ``key=True``, of its key), for kb/scope.yaml and
    kb/categories.yaml read through the kb's strict reader (kbase.load)."""
    from .kbase.yamlsafe import error_at, node_at

    def at(*keys: str, message: str, hint: str, key: bool = False) -> KBError:
        found = node_at(node, keys)
        if key and keys:
            parent = node_at(node, keys[:-1])
            found = next((k for k, _ in getattr(parent, "value", ()) if getattr(k, "value", None) == keys[-1]), found)
        return error_at(shown, found, message, hint)

    return at


def read_located(root: Path, name: str) -> tuple[str, Any, Callable[..., KBError]] | None:
    """kb/``name`` through the kb's strict reader (size, encoding, safe YAML) as (its path as
    shown, its data, ``located``'s ``at`` for it), or None when absent; a read error as KBErrors."""
    from .kbase.load import read_optional

    try:
        got = read_optional(Path(root), name)
    except KBError as e:
        raise KBErrors([e]) from None
    if got is None:
        return None
    shown, data, node = got
    return shown, data, located(shown, node)


def read_scope(root: Path) -> dict | None:
    """kb/scope.yaml as plain data ({"covers": [...], "neighbours": {name: {"names": [...],
    "unless": [...]}}}), or None when the kb has none. KBErrors name the file and line."""
    got = read_located(root, SCOPE_YAML)
    if got is None:
        return None
    shown, data, at = got
    if not isinstance(data, dict) or not isinstance(data.get("neighbours"), dict):
        raise KBErrors([KBError(shown, 1, 1, "scope must have 'covers:' (lists per language) and 'neighbours:' "
                                "(one mapping per neighbour class)",
                                "e.g. neighbours: {banking: {about: ..., en: [credit card], unless: [number]}}")])
    errors: list[KBError] = []

    def names(where: dict, *keys: str) -> list[str]:
        out: list[str] = []
        for k in (*LISTS, "unless") if keys[-1] != "covers" else LISTS:
            got = where.get(k, [])
            if not isinstance(got, list) or not all(isinstance(x, str | int) and str(x).strip() for x in got):
                errors.append(at(*keys, k, message=f"{'.'.join(keys)}.{k} must be a list of names",
                                 hint="write [name, other name, ...]; 'A + B' for two words that must both occur"))
                continue
            if k not in ("unless", "pinyin"):
                out += [n for x in got for n in expand(str(x).strip().lower(), k, *keys)]
        return out

    # sets: word lists a name refers to as {set} ("{places}{sim}": 乌克兰手机卡, 日本的号码...),
    # expanded here per language, so an editor lists a new country once, not once per SIM word
    sets = data.get("sets") or {}
    if not isinstance(sets, dict) or not all(isinstance(v, dict) and all(
            isinstance(v.get(k, []), list) for k in LISTS) for v in sets.values()):
        errors.append(at("sets", key=True, message="sets must be named word lists per language",
                         hint="e.g. sets: {places: {zh: [日本, 乌克兰], en: [japanese], ru: [японск]}}"))
        sets = {}
    made = [0]

    def expand(name: str, lang: str, *keys: str) -> list[str]:
        refs = _SET.findall(name)
        if not refs:
            return [name]
        missing = [r for r in refs if r not in sets]
        if missing:
            errors.append(at(*keys, lang, message=f"{'.'.join(keys)}.{lang}: no set named {missing[0]!r}",
                             hint=f"define it under 'sets:' (sets: {', '.join(sets) or 'none'})"))
            return []
        out = [name]
        for r in dict.fromkeys(refs):
            words = [str(w).strip().lower() for w in sets[r].get(lang, [])]
            out = [n.replace("{" + r + "}", w) for n in out for w in words]
        made[0] += len(out)
        if made[0] > MAX_EXPANDED:
            errors.append(at(*keys, lang, message=f"the sets expand to over {MAX_EXPANDED} names",
                             hint="use fewer words per set or fewer {set} names"))
            return []
        return out

    def pinyin(where: dict) -> list[str]:
        got = where.get("pinyin") or []
        return [re.sub("[^a-z]", "", str(x).lower()) for x in got] if isinstance(got, list) else []

    covers = data.get("covers") or {}
    if not isinstance(covers, dict):
        errors.append(at("covers", message="covers must be lists per language",
                         hint="e.g. covers: {en: [russian sim], ru: [мтс]}"))
        covers = {}
    out: dict = {"covers": names(covers, "covers"), "covers_pinyin": pinyin(covers), "neighbours": {}}
    strict = data.get("strict") or []
    if not isinstance(strict, list) or not set(map(str, strict)) <= set(map(str, data["neighbours"])):
        errors.append(at("strict", message="strict must list neighbour classes",
                         hint=f"use some of {', '.join(map(str, data['neighbours']))}"))
        strict = []
    for name, spec in data["neighbours"].items():
        if not isinstance(spec, dict):
            errors.append(at("neighbours", str(name), key=True, message=f"neighbour {name!r} must be a mapping",
                             hint="give it 'about:', lists per language and 'unless:'"))
            continue
        unknown = set(spec) - {*LISTS, "unless", "about"}
        if unknown:
            errors.append(at("neighbours", str(name), key=True,
                             message=f"neighbour {name!r} has unknown keys {sorted(unknown)}",
                             hint=f"use {', '.join((*LISTS, 'unless', 'about'))}"))
        listed = names(spec, "neighbours", str(name))
        unless = spec.get("unless") or []
        out["neighbours"][str(name)] = {"names": listed, "pinyin": pinyin(spec), "strict": str(name) in strict,
                                        "unless": [str(x).strip().lower() for x in unless] if isinstance(unless, list) else []}
    located = data.get("located") or {}
    if not isinstance(located, dict) or not all(isinstance(located.get(k, []), list) for k in ("zh", "en")):
        errors.append(at("located", key=True, message="located must list words per language (zh, en)",
                         hint="e.g. located: {zh: [在, 回], en: [in, from]}"))
        located = {}
    toward = data.get("toward") or {}
    if not isinstance(toward, dict) or not all(isinstance(toward.get(k, []), list) for k in ("zh", "en")):
        errors.append(at("toward", key=True, message="toward must list words per language (zh, en)",
                         hint="e.g. toward: {zh: [拨了, 换成], en: [called, switch to]}"))
        toward = {}
    if (located or toward) and not {"places", "sim"} <= set(sets):
        errors.append(at("located", key=True, message="located needs the sets 'places' and 'sim'",
                         hint="define them under 'sets:'"))
        located, toward = {}, {}
    alone = data.get("alone") or {}
    if not isinstance(alone, dict) or not all(isinstance(alone.get(k, []), list) for k in LISTS):
        errors.append(at("alone", key=True, message="alone must list words per language",
                         hint="e.g. alone: {zh: [你好, 谢谢], en: [hello, thanks]}"))
        alone = {}
    for k in LISTS:
        if not all(isinstance(w, str) for w in alone.get(k, [])):  # YAML reads yes/no as true/false
            errors.append(at("alone", k, message=f"alone.{k} must list words as text",
                             hint='quote words YAML reads otherwise: "yes", "no", "1"'))
            alone = {**alone, k: [w for w in alone[k] if isinstance(w, str)]}
    # what a query said alone is: its letters and characters folded, spaces and punctuation left out
    out["alone"] = sorted({bare(str(w)) for k in LISTS for w in alone.get(k, []) if bare(str(w))})
    setting = data.get("setting") or {}
    if not isinstance(setting, dict) or not all(isinstance(setting.get(k, []), list) and all(
            isinstance(w, str) and w.strip() for w in setting.get(k, [])) for k in LISTS):
        errors.append(at("setting", key=True, message="setting must list words per language",
                         hint="e.g. setting: {zh: [俄罗斯], en: [russia], ru: [росси]}"))
        setting = {}
    # the place every question is set in: Chinese as substrings, others as word starts
    out["setting"] = sorted({fold(w.strip()) for k in LISTS for w in setting.get(k, [])})
    out["located"] = {lang: {"at": _folded_list(located.get(lang, [])),
                             "to": _folded_list(toward.get(lang, [])),
                             "places": _folded_list(sets["places"].get(lang, [])),
                             "sim": _folded_list(sets["sim"].get(lang, []))}
                      for lang in ("zh", "en") if located.get(lang) or toward.get(lang)}
    heads = data.get("heads") or {}
    if not isinstance(heads, dict) or not all(isinstance(heads.get(k, []), list) and all(
            isinstance(w, str) and len(w.strip()) >= 3 and not HAN_RE.search(w) for w in heads.get(k, [])) for k in LISTS):
        errors.append(at("heads", key=True, message="heads must list Latin or Cyrillic word endings (3+ letters) per language",
                         hint="e.g. heads: {en: [bank], ru: [банк]}"))
        heads = {}
    # what a compound name ends with says what it is (промсвязьбанк: a bank): read as a word of its own too
    out["heads"] = sorted({fold(w.strip()) for k in LISTS for w in heads.get(k, [])})
    out["objects"] = _read_objects(data.get("objects"), at, errors)
    if errors:
        raise KBErrors(errors)
    return out


def _read_objects(spec: Any, at: Callable[..., KBError], errors: list[KBError]) -> dict | None:
    """scope.yaml's `objects` ({actions: {zh, en, ru}, ours: {zh, en, ru}}) folded: Chinese
    words as whole words ("han"), Latin/Cyrillic as word starts ("words")."""
    if spec is None:
        return None
    if not isinstance(spec, dict) or not all(isinstance(spec.get(k), dict) for k in ("actions", "ours")):
        errors.append(at("objects", key=True, message="objects must have 'actions:' and 'ours:' lists per language",
                         hint="e.g. objects: {actions: {en: [cancel]}, ours: {en: [sim, number]}}"))
        return None
    out: dict = {}
    for part in ("actions", "ours", "shared", "branded", "provided"):  # all but `actions` and `ours` are optional
        words = [fold(str(w).strip()) for k in ("zh", "en", "ru") for w in ((spec.get(part) or {}).get(k) or [])
                 if isinstance(w, str | int) and str(w).strip()]
        out[part] = {"han": sorted({w for w in words if HAN_RE.search(w)}),
                     "words": sorted({w for w in words if not HAN_RE.search(w)})}
    return out


# Characters of Chinese function words, question words (咋整, 干啥), Cantonese particles and place words (几耐, 交了, 注销前,
# 唔該): a word the kb never holds that has one is not read as a named object (a noun), but as
# the way the question is put.
_NOT_OBJECT_HAN = frozenset("了着过的地得吗呢吧啊呀么几先就才都也还又再很太更最会能要该前后时里上下中内外多少点"
                            "嘅咗唔喺哋咁乜嘢啲冇俾佢嚟咩嘛喇噉啦咋啥哪谁")
TERM_WORDS = 3  # words after an action (and before it, in Chinese) read as the term it may apply to (Objects.terms)
BEGUN = 5  # a party named last, shorter than this and with no space after it, may be a word only begun
OBJECT_WINDOW = 2  # words looked at after an action (and, in Chinese, before it: 沙发怎么退)
_CLAUSE = re.compile(r"[,，.。;；!?？！、\n]")
# Between an action and its object in English and Russian: "for/of/on/за/от" link them ("refund for
# X"); a preposition of place, time, way or destination ends the object ("cancel before departure",
# "вернуть на юмани", "close it while in Beijing"); in Chinese, a destination (退到X).
_LINK = re.compile(r"(?<![^\W\d_])(?:for|of|on|за|от|про)(?![^\W\d_])", re.I)
_NOT_OBJECT = re.compile(r"(?<![^\W\d_])(?:to|into|onto|in|at|from|before|after|while|during|when|via|through|by|with|"
                         r"without|within|until|since|на|в|во|к|ко|из|с|со|по|при|перед|после|через|до|без|для|у|"
                         r"пока|когда)(?![^\W\d_])", re.I)
_WITH = re.compile(r"(?:with|at|from|с|со|у)", re.I)  # a shared object's party after it: "contract with X", "договор с X"
_DESTINATION = re.compile(r"[到回至往]")
_ADVERB = re.compile(r"(?:ly|но)$")  # remotely, дистанционно: how, not what
_BRAND = re.compile(r"[a-z0-9][a-z0-9&.+-]*[a-z][a-z0-9&.+-]*|[a-z][a-z0-9&.+-]*")  # a name in Latin letters (3hk, t-mobile)
# English word endings no brand is made of: a hijacked, working, usable, different SIM is what state it is in
_BETWEEN = re.compile(r"['’]s\b|[\s'’-]|的")  # what may stand between a brand and its SIM ("etisalat's sim", "AIS的卡")
# Russian endings of a word that says what kind of number it is (рабочий, второго, запасную) or whose (мамин)
_DESCRIBES_RU = re.compile(r"(?:[ыио]й|[ая]я|[оеиы]е|[ое]го|[ое]му|[ыи]м|[ыи]х|[ую]ю|ин|ина|ов|ова|ев|ей|ть|ти|ся|сь)$")
_DESCRIBES = re.compile(r"(?:ed|ing|able|ible|ful|less|ous|ive|al|ic|ary|ory|ent|ant|ish|est|er|ly|[^aeiou]y)$")


class Objects:
    """What a cancel, close or refund question is about (issue 19, item 4): the words next to
    its action word (after it in Latin/Cyrillic, "cancel my X", "вернуть деньги за X"; on
    either side in Chinese, "X怎么退", "注销X"). A question whose action applies to a word no
    entry holds (a sofa, a library card, курсы) and that names none of our own objects (the
    SIM, the number, the operator, the contract, the balance...) asks about something else,
    however Russian it is: the topic model reads Russia with a cancel or refund word as our
    subject whatever the object (docs/relevance.md, "Near-topic, ninth round")."""

    def __init__(self, data: dict, setting: re.Pattern | None = None, places: frozenset[str] = frozenset()) -> None:
        self.setting = setting  # the country every question is asked in: no party (`_party`)
        self.places = places  # other countries (scope.yaml sets.places): no brand
        self.actions_han = tuple(data["actions"]["han"])
        self.actions_words = tuple(data["actions"]["words"])
        self.ours_han = frozenset(data["ours"]["han"])
        self.ours_words = tuple(data["ours"]["words"])
        shared = data.get("shared") or {"han": [], "words": []}
        self.shared_han = frozenset(shared["han"])
        self.shared_words = tuple(shared["words"])
        provided = data.get("provided") or {"han": [], "words": []}
        self.provided_words = tuple(provided["words"])
        branded = data.get("branded") or {"han": [], "words": []}
        self.branded_han = frozenset(branded["han"])
        self.branded_words = tuple(branded["words"])

    def _is(self, surface: str, han: Iterable[str], words: tuple[str, ...], *, whole: bool) -> bool:
        if HAN_RE.search(surface):
            return surface in han if whole else any(a in surface for a in han)
        return surface.startswith(words)

    def foreign(self, text: str, words: Iterable[tuple[str, int, int, str]], unknown: Callable[[str], bool]) -> str | None:
        """The word an action in ``text`` applies to that is not ours, or None. ``words``:
        the query's analyzed words (text, start, end, script) in order; ``unknown(word)``:
        no entry holds it and it is no typo of a kb word."""
        toks = _toks(text, words)
        if self._ours(toks):
            return self._party(text, toks, unknown)
        if who := self._provider(text, toks, unknown):
            return who
        for i, t in enumerate(toks):
            if not self._is(t[1], self.actions_han, self.actions_words, whole=False):
                continue
            if t[2] == "han":  # Chinese: the words on either side ("X怎么退", "注销X")
                around = [j for j in range(max(0, i - OBJECT_WINDOW), min(len(toks), i + OBJECT_WINDOW + 1)) if j != i]
            elif i + 1 < len(toks) and toks[i + 1][3] == t[3]:
                # the word after it ("cancel my X"), and the next after "for/of/за/от" ("вернуть деньги за X")
                around = [i + 1, i + 2] if i + 2 < len(toks) and _LINK.search(text, toks[i + 1][5], toks[i + 2][4]) else [i + 1]
            elif i and not text[toks[i - 1][5]:t[4]].strip() and (i == 1 or toks[i - 2][3] != t[3]):
                # a clause of two words, the action last: what it applies to is named before it ("X
                # расторжение", a head query's order); not a modifier ("paid quick cancellation, ...")
                around = [i - 1]
            else:
                continue
            for j in around:
                if not 0 <= j < len(toks):
                    break
                w, f, script, clause, start, _ = toks[j]
                lo, hi = (t[5], start) if j > i else (toks[j][5], t[4])
                if clause != t[3] or (t[2] != "han" and _NOT_OBJECT.search(text, lo, hi)):
                    break  # another clause, or a place, time or destination: "cancel before departure"
                if not unknown(w) or self._is(f, self.actions_han, self.actions_words, whole=False):
                    continue
                if script == "han" and (len(f) < 2 or _NOT_OBJECT_HAN.intersection(f) or _DESTINATION.search(text, lo, hi)):
                    continue
                if script in ("lat", "cyr") and (len(f) < 3 or _ADVERB.search(f) or self._near_ours(f)):
                    continue
                if script in ("lat", "cyr", "han"):
                    return f
        return None

    def _party(self, text: str, toks: list, unknown: Callable[[str], bool]) -> str | None:
        """When the only objects of ours named are `shared` ones (a contract, a card: everyone
        has them), the party they belong to, when no entry holds it: the word right before
        ("verizon contract", 健身房合同, X卡) or, in English and Russian, after with/с/у/at
        ("договор с фитнес-клубом"). The contract of a company the kb never names is not ours."""
        at = [k for k, t in enumerate(toks) if self._is(t[1], self.ours_han, self.ours_words, whole=True)]
        # one of ours not shared named too (a SIM, a number, an operator): only a brand's name in
        # Latin letters beside one of `branded` is a party ("etisalat number", "AIS sim卡", "номер
        # vivacell"); a Cyrillic or Chinese word next to a number is mostly what kind of number it
        # is (рабочий номер, 新号码), not whose
        brand = not all(self._is(toks[k][1], self.shared_han, self.shared_words, whole=True) for k in at)
        for k in at:
            if brand and not self._is(toks[k][1], self.branded_han, self.branded_words, whole=True):
                continue
            before = k - 1
            while before >= 0 and self._set(toks[before][1]):
                before -= 1  # the setting is no party: "X russia esim", "X的俄罗斯esim"
            near = [before]
            if toks[k][2] != "han" and k + 1 < len(toks) and (
                    not text[toks[k][5]:toks[k + 1][4]].strip() or _WITH.fullmatch(text[toks[k][5]:toks[k + 1][4]].strip())):
                near.append(k + 1)  # "договор с X", "есим X": the word right after (or after "с")
            for j in near:
                if j < 0 or j >= len(toks) or toks[j][3] != toks[k][3]:
                    continue
                w, f, script = toks[j][0], toks[j][1], toks[j][2]
                if not unknown(w) or self._is(f, self.actions_han, self.actions_words, whole=False):
                    continue
                if j < k and (_CLAUSE.search(text, toks[j][5], toks[k][4]) or script != "han" and (not all(
                        self._set(toks[m][1]) for m in range(j + 1, k)) or _NOT_OBJECT.search(
                        text, toks[j - 1][5] if j else 0, toks[j][4]))):
                    continue  # not right before it, the setting aside ("cancel, verizon? contract"), nor a place
                              # ("удалил есим из айфона, договор ...")
                if script == "han" and (len(f) < 2 or _NOT_OBJECT_HAN.intersection(f)):
                    continue
                if script in ("lat", "cyr") and (len(f) < 3 and not (brand and j < k and self._short_brand(text, toks[j])) or
                                                  _ADVERB.search(f) or self._near_ours(f)):
                    continue
                if j > k and j == len(toks) - 1 and len(f) < BEGUN and toks[j][5] == len(text):
                    continue  # the query's last word, short and not ended: maybe only begun ("договор пла")
                if brand and (script == "han" or j < k and _BETWEEN.sub("", text[toks[j][5]:toks[k][4]]).strip()
                              or script == "cyr" and j > k or script in ("lat", "cyr") and not self._name_like(f, script)
                              or j > k and toks[k][2] == "lat" and not text[toks[k][5]:toks[j][4]].strip()):
                    continue  # after an English object, only with "with/from/at": "number asap" is no party
                if script in ("lat", "cyr", "han"):
                    return f
        return None

    @staticmethod
    def _short_brand(text: str, tok: tuple) -> bool:
        """A two-letter name is a brand's when it has a digit or is typed in capitals (o2, EE)."""
        typed = text[tok[4]:tok[5]]
        return len(typed) == 2 and tok[2] == "lat" and (any(c.isdigit() for c in typed) or typed.isupper())

    def _provider(self, text: str, toks: list, unknown: Callable[[str], bool]) -> str | None:
        """A name no entry holds right before a service someone provides (`provided`: internet,
        TV): "X internet", "X интернет" is that provider's, when the question names none of ours
        (mobile internet is: мобильн, roaming). A name in Latin letters or a Cyrillic one whose
        ending is no adjective's (домашний, безлимитный say what kind)."""
        if not self.provided_words:
            return None
        for k, t in enumerate(toks):
            if not k or t[2] == "han" or not t[1].startswith(self.provided_words):
                continue
            w, f, script = toks[k - 1][0], toks[k - 1][1], toks[k - 1][2]
            if toks[k - 1][3] != t[3] or text[toks[k - 1][5]:t[4]].strip() or not unknown(w) or self._set(f):
                continue
            if self._is(f, self.actions_han, self.actions_words, whole=False) or len(f) < 3 or self._near_ours(f):
                continue
            if self._name_like(f, script) and not (script == "cyr" and _ADVERB.search(f)):
                return f
        return None

    def _name_like(self, f: str, script: str) -> bool:
        """Folded word ``f`` is shaped like a name (a brand, a provider): Latin letters (digits
        and &.+- among them) with no ending of a describing word and no other country's name,
        or a Cyrillic word whose ending is no adjective's, possessive's or verb's."""
        if script == "lat":
            return bool(_BRAND.fullmatch(f)) and not _DESCRIBES.search(f) and f not in self.places
        return script == "cyr" and not _DESCRIBES_RU.search(f)

    def _set(self, f: str) -> bool:
        return self.setting is not None and self.setting.fullmatch(f) is not None

    def terms(self, text: str, words: Iterable[tuple[str, int, int, str]]) -> list[tuple[str, str]]:
        """The two-word terms an action in ``text`` may apply to: each pair of adjacent words
        (analyzed) in the words after it ("cancel auto top-up", "закрыть лицевой счёт", up to
        TERM_WORDS, to a place, time or way word or the clause's end) and, in Chinese, before
        it too ("增值业务怎么取消"). Whether one is an entry's own term is the caller's question."""
        toks = _toks(text, words)
        out: list[tuple[str, str]] = []
        for i, t in enumerate(toks):
            if not self._is(t[1], self.actions_han, self.actions_words, whole=False):
                continue
            runs = [range(i + 1, min(len(toks), i + 1 + TERM_WORDS))]
            if t[2] == "han":
                runs.append(range(max(0, i - TERM_WORDS), i))
            for run in runs:
                kept: list[str] = []
                for j in run:
                    lo, hi = (t[5], toks[j][5]) if j > i else (toks[j][5], t[4])  # (a place or time word itself ends it)
                    if toks[j][3] != t[3] or (t[2] != "han" and _NOT_OBJECT.search(text, lo, hi)):
                        if j > i:
                            break
                        kept = []  # before the action, only the words of its own clause
                        continue
                    kept.append(toks[j][0])
                out += [(a, b) for a, b in zip(kept, kept[1:], strict=False) if a != b]
        return out

    def is_action(self, word: str) -> bool:
        """``word`` (an analyzed word) is one of the action words (cancel, 注销, закр...)."""
        return self._is(fold(word), self.actions_han, self.actions_words, whole=False)

    def named(self, text: str, words: Iterable[tuple[str, int, int, str]]) -> bool:
        """``text`` names one of our objects (the SIM, the number, the operator...)."""
        return self._ours(_toks(text, words))

    def _ours(self, toks: list) -> bool:
        return any(self._is(t[1], self.ours_han, self.ours_words, whole=True) for t in toks)

    def _near_ours(self, f: str) -> bool:
        """A typo of one of our objects (simm, numbr) is ours, and so is one only begun (опе)."""
        return not HAN_RE.search(f) and (any(o.startswith(f) for o in self.ours_words) or len(f) >= 4 and any(
            edits(f[:len(o) + 1], o, 1) <= 1 for o in self.ours_words if len(o) >= 3))


def _toks(text: str, words: Iterable[tuple[str, int, int, str]]) -> list[tuple[str, str, str, int, int, int]]:
    """The query's analyzed words as (word, its text folded, script, clause, start, end); a
    Chinese word's parts found inside it (罗斯 in 俄罗斯) are no words of their own."""
    spans = list(words)
    return [(w, fold(text[a:b]), script, len(_CLAUSE.findall(text, 0, a)), a, b) for w, a, b, script in spans
            if not any(a2 <= a and b <= b2 and (a2, b2) != (a, b) for _, a2, b2, _ in spans)]


OTHER_OBJECT = "other-object"  # Results.signals["scope"] when a cancel or refund question is about something else (Objects)
ALONE = "chit-chat"  # what `neighbour` calls a query that is only one of scope.yaml's `alone` words


def _setting(words: Iterable[str]) -> re.Pattern | None:
    """One pattern of scope.yaml's `setting` words: Chinese anywhere, others at a word's start
    with any ending (russia, russian; росси, российский)."""
    han = sorted((w for w in words if HAN_RE.search(w)), key=len, reverse=True)
    other = sorted((w for w in words if not HAN_RE.search(w)), key=len, reverse=True)
    parts = [*(re.escape(w) for w in han), *(_AT_START + re.escape(w) + r"\w*" for w in other)]
    return re.compile("|".join(parts)) if parts else None


def bare(text: str) -> str:
    """``text`` folded without spaces and punctuation: a query said alone (`alone`) as compared."""
    return re.sub(r"[\W_]+", "", fold(text))


def _folded_list(words: list) -> list[str]:
    """An editor's list of words, folded, blanks left out."""
    return [fold(str(w).strip()) for w in words if str(w).strip()]


class _Lazy:
    """A pattern compiled the first time a text holds one of ``needed`` (a text without any
    cannot match it): `located`'s ~4 ms compile is not paid by a query naming no 在, in, from..."""

    def __init__(self, needed: tuple[str, ...], make: Callable[[], re.Pattern]) -> None:
        self.needed, self.make = needed, make
        self.rx: re.Pattern | None = None

    def sub(self, repl: str, text: str) -> str:
        rx = self.rx
        if rx is None:
            if not any(w in text for w in self.needed):
                return text
            rx = self.rx = self.make()
        return rx.sub(repl, text)


def _lazy_located(spec: dict) -> _Lazy | None:
    """`_located`, compiled when a text holds one of its words saying where the reader is."""
    if not any(_complete(got) for got in spec.values()):
        return None
    return _Lazy(tuple({w for got in spec.values() for k in ("at", "to") for w in got.get(k, ())}), lambda: _located(spec) or re.compile("(?!)"))


def _complete(got: dict) -> bool:
    """A language's `located` spec can match: it has words for where, places and SIMs."""
    return bool((got.get("at") or got.get("to")) and got.get("places") and got.get("sim"))


def _located(spec: dict) -> re.Pattern | None:
    """One pattern of a place right after a word saying the reader is there (在中国, in china)
    and before a SIM word: the place is where the reader is, not the SIM's country. After a
    word of a call or a change (`toward`: 拨了, 换成; called, switch to) the place may be
    followed by 的 or come after an article ("拨了中国的号码", "called a chinese number"): the
    number at home is the other side of a call from ours, or what a linked account moves to."""
    parts = []
    for lang, got in spec.items():
        if not _complete(got):
            continue
        alt = {k: "|".join(re.escape(w) for w in sorted(got.get(k, ()), key=len, reverse=True))
               for k in ("at", "to", "places", "sim")}
        if lang == "zh":
            if alt["at"]:
                parts.append(f"(?:{alt['at']})(?:{alt['places']})(?=(?:{alt['sim']}))")
            if alt["to"]:
                parts.append(f"(?:{alt['to']})(?:{alt['places']})(?=的?(?:{alt['sim']}))")
        else:
            if alt["at"]:
                parts.append(_AT_START + f"(?:{alt['at']})\\s+(?:{alt['places']})(?=[\\W_]+(?:{alt['sim']}))")
            if alt["to"]:
                parts.append(_AT_START + f"(?:{alt['to']})\\s+(?:(?:a|an|the|my)\\s+)?(?:{alt['places']})"
                             f"(?=[\\W_]+(?:{alt['sim']}))")
    return re.compile("|".join(parts)) if parts else None


def write_scope(root: str | Path, version_dir: Path) -> None:
    """At build: kb/scope.yaml into the index version (nothing when the kb has none)."""
    data = read_scope(Path(root))
    if data is not None:
        data["folded"] = Scope(data).folded()
        (version_dir / SCOPE_FILE).write_text(json.dumps(data, ensure_ascii=False), "utf-8")


# Texts up to this long have their fold kept (most are one word: intent's filler test, the
# scope's action words and a query's words are folded by one test after another, search after
# search; a panel search folded ~30 texts, most of them seen before). Bounded: FOLDED texts of
# at most FOLD_KEPT_CHARS characters (about 1.5 MB).
FOLDED = 4096
FOLD_KEPT_CHARS = 64


def fold(text: str) -> str:
    """``text`` as names are compared: full-width forms, Traditional characters, case and ё folded."""
    return _fold_kept(text) if len(text) <= FOLD_KEPT_CHARS else _fold(text)


def _fold(text: str) -> str:
    return fold_han(fold_width(text)).lower().replace("ё", "е")


_fold_kept = lru_cache(maxsize=FOLDED)(_fold)


# A word name matches at a word's start: after no letter or digit (a Chinese character before
# it is a start: 俄罗斯卡apn).
_AT_START = rf"(?<![^\W{HAN_CHARS}])"
_STARTS = re.compile(_AT_START + r"(?=\S)")


# What a name found is replaced by: a word character between spaces, so the words around it
# stay apart for the names matched next ("A B" allows only non-word characters between them).
_GAP = " 0 "

_PICKED = 48  # candidates tried name by name (`_Words.sub`); more take the whole list as one pattern


@lru_cache(maxsize=64)  # the same text is asked of every neighbour's lists in turn
def _starts(text: str) -> tuple[tuple[int, ...], frozenset[str]]:
    """Where words start in ``text``, and the one- and two-character keys found there."""
    at = tuple(m.start() for m in _STARTS.finditer(text))
    return at, frozenset(text[p:p + n] for p in at for n in (1, 2))


class _Words:
    """Latin/Cyrillic names, each word matched at a word's start with any ending.

    One alternation of every name (thousands once {places}{sim} is spread) cost a fresh
    process about a quarter of a second to compile, on every cold `faqkb search`. Here a name
    is only tried when the text holds its first word at a word's start and its later words
    anywhere: the same matches (the candidates keep the file's order, so `sub` picks what the
    whole alternation would), a one-word name with no pattern, a longer one with its own small
    pattern (`_name_rx`), shared by every list."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.whole: re.Pattern | None = None  # every name as one alternation, for a text naming over _PICKED

    @cached_property
    def firsts(self) -> list[str]:  # indexed when first asked: `sub` is for the few lists a query names
        return [n.split()[0] for n in self.names]

    @cached_property
    def rests(self) -> list[tuple[str, ...]]:  # each name's words after its first
        return [tuple(n.split()[1:]) for n in self.names]

    @cached_property
    def by_key(self) -> dict[str, list[int]]:
        by_key: dict[str, list[int]] = {}
        for i, w in enumerate(self.firsts):
            by_key.setdefault(w[:2], []).append(i)
        return by_key

    @staticmethod
    def _piece(name: str) -> str:  # escaped when compiled: a cold search compiles a few names, not all
        return r"[\W_]+".join(re.escape(w) + r"\w*" for w in name.split())

    def _compile(self, key: tuple[int, ...]) -> re.Pattern:
        return re.compile(_AT_START + "(?:" + "|".join(self._piece(self.names[i]) for i in key) + ")")

    def candidates(self, text: str) -> list[int]:
        """The names (indices, in the file's order) ``text`` may hold: their first word at a
        word's start, and each later word somewhere (a literal of the name's pattern)."""
        if self.by_key.keys().isdisjoint(_starts(text)[1]):  # most lists, most texts: one set operation
            return []
        # 'russian' starts hundreds of {places} {sim} names, a text holds one or two of them whole
        return sorted({i for p in _starts(text)[0] for key in {text[p:p + 1], text[p:p + 2]} for i in self.by_key.get(key, ())
                       if text.startswith(self.firsts[i], p) and all(w in text for w in self.rests[i])})

    def sub(self, text: str, work: dict[str, int] | None = None) -> str:
        """``text`` with every name replaced by `_GAP`, as one alternation of the names in the
        file's order would (the leftmost match, the first name matching there, then on from its
        end); ``work`` counts the names tried (`Scope.work`'s "blanked")."""
        found = self.candidates(text)
        if not found:
            return text
        if len(found) > _PICKED:
            # a text naming many first words (a hostile one) gets the whole list, compiled once
            if self.whole is None:
                self.whole = self._compile(tuple(range(len(self.names))))
            return self.whole.sub(_GAP, text)
        # otherwise name by name at each word start (where the alternation's lookbehind holds):
        # the same replacements without compiling a pattern per set of candidates (~2-20 ms each)
        out: list[str] = []
        end = tried = 0
        for p in _starts(text)[0]:
            if p < end:
                continue
            for i in found:
                first = self.firsts[i]
                if not text.startswith(first, p):
                    continue
                tried += 1
                if self.rests[i]:
                    m = _name_rx(self.names[i]).match(text, p)
                    if m is None:
                        continue
                    stop = m.end()
                else:  # one word: its ending is the longest run of word characters
                    stop = _WORD_RUN.match(text, p + len(first)).end()  # type: ignore[union-attr]
                out += (text[end:p], _GAP)
                end = stop
                break
        if work is not None:
            work["blanked"] += tried
        return "".join(out) + text[end:] if out else text


@lru_cache(maxsize=1024)  # shared by every version's lists and finder: a fresh searcher reuses them
def _name_rx(name: str) -> re.Pattern:
    """A multi-word name's pattern (`_Words._piece`), matched where its first word starts."""
    return re.compile(_Words._piece(name))


_WORD_RUN = re.compile(r"\w*")


class _Finder:
    """Every name of a scope's lists (and of their "A + B" parts) found in one text at once:
    a Chinese name is a substring, looked up in one set by the text's slices that start with a
    name's first character and have one of its lengths; a Latin/Cyrillic name's first word is
    looked up the same way at each word's start, and only a name whose first word is there is
    matched as a pattern (a one-word name needs none). The work per text is bounded by the
    text's length times the distinct lengths of names, not by the number of names: checking
    ~6,700 names one by one with `in` was a quarter of a fresh search's CPU. Built with one
    pass over the names (a cold search builds it): lengths are kept per kind, not per first
    character, and the slices at a position stop at one no longer name starts with (the
    names' beginnings are kept per kind: ~10k strings for the bundled scope)."""

    def __init__(self, han: Iterable[str], words: Iterable[str], starts: dict[str, list[str]] | None = None) -> None:
        """``starts``: `starts()` of the same names, as the build wrote it (SCOPE_FILE's
        "folded"): a cold search reads the beginnings instead of slicing every name (~5 ms)."""
        self.han = frozenset(han)
        self.han_firsts = frozenset(map(itemgetter(0), self.han))
        self.han_lengths = tuple(sorted(set(map(len, self.han))))
        self.by_first: dict[str, list[str]] = {}
        multi = []
        for n in words:
            ws = n.split(None, 1)
            self.by_first.setdefault(ws[0], []).append(n)
            if len(ws) > 1:
                multi.append(n)
        self.multi = frozenset(multi)
        self.rest = {n: tuple(n.split()[1:]) for n in multi}  # a multi-word name's later words, each a literal of its pattern
        self.word_firsts = frozenset(map(itemgetter(0), self.by_first))
        self.word_lengths = tuple(sorted(set(map(len, self.by_first))))
        # what a longer name starts with: at a text's position the lengths stop at the first
        # slice no name goes on from (most stop at one or two, of up to ~15 lengths)
        if starts is not None:
            self.han_starts, self.word_starts = frozenset(starts["han"]), frozenset(starts["words"])
        else:
            self.han_starts = frozenset(n[:i] for n in self.han for i in range(1, len(n)))
            self.word_starts = frozenset(w[:i] for w in self.by_first for i in range(1, len(w)))

    def starts(self) -> dict[str, list[str]]:
        """The names' proper beginnings (Chinese names; word names' first words), sorted, for
        SCOPE_FILE: what `__init__` would otherwise slice out of every name at load."""
        return {"han": sorted(self.han_starts), "words": sorted(self.word_starts)}

    def find(self, text: str, work: dict[str, int]) -> tuple[frozenset[str], frozenset[str]]:
        """The Chinese names and the word names ``text`` holds; ``work`` counts the set lookups
        and patterns matched (`Scope.work`)."""
        han, lookups, end = set(), 0, len(text)
        for p, c in enumerate(text):
            if c not in self.han_firsts:
                continue
            for n in self.han_lengths:
                if p + n > end:
                    break
                piece = text[p:p + n]
                lookups += 2
                if piece in self.han:
                    han.add(piece)
                if piece not in self.han_starts:
                    break
        words: set[str] = set()
        for p in _starts(text)[0]:
            if text[p] not in self.word_firsts:
                continue
            for n in self.word_lengths:
                if p + n > end:
                    break
                piece = text[p:p + n]
                lookups += 2
                for name in self.by_first.get(piece, ()):
                    if name in words:
                        continue
                    if name in self.multi:
                        if not all(w in text for w in self.rest[name]):
                            continue  # a later word the text lacks: no pattern to compile or match
                        work["patterns"] += 1
                        if _name_rx(name).match(text, p) is None:
                            continue
                    words.add(name)
                if piece not in self.word_starts:
                    break
        work["lookups"] += lookups
        work["texts"] += 1
        return frozenset(han), frozenset(words)


class _Seen:
    """The names one query's texts hold, each text looked up once (`_Finder.find`)."""

    def __init__(self, finder: _Finder) -> None:
        self.finder = finder
        self.texts: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self.work = {"texts": 0, "lookups": 0, "patterns": 0, "pairs": 0, "blanked": 0}

    def __call__(self, text: str) -> tuple[frozenset[str], frozenset[str]]:
        got = self.texts.get(text)
        if got is None:
            got = self.texts[text] = self.finder.find(text, self.work)
        return got


@dataclass(frozen=True)
class _Names:
    """One list of names compiled: Chinese names as substrings, Latin/Cyrillic names each word
    matched at a word's start, "A + B" names part by part. Found through the scope's `_Finder`
    (`found`): a set intersection per list, and only the "A + B" names whose first part the
    text holds are checked part by part."""

    han: tuple[str, ...]
    words: _Words | None
    both: tuple[tuple[_Names, ...], ...]
    pinyin: tuple[str, ...] = ()

    # derived when first asked (a cold search asks few lists): the names as sets, "A + B" names
    # by their first part's names, the Chinese names' places in the file's order
    @cached_property
    def han_set(self) -> frozenset[str]:
        return frozenset(self.han)

    @cached_property
    def word_set(self) -> frozenset[str]:
        return frozenset(self.words.names) if self.words is not None else frozenset()

    @cached_property
    def by_part(self) -> dict[str, tuple[int, ...]]:
        by_part: dict[str, list[int]] = {}
        for i, parts in enumerate(self.both):
            # a first part with parts or pinyin of its own (none written so far) is checked for every text
            # (its names read from the tuples: `han_set`/`word_set` on every part cost a cold
            # search ~1.7 ms a list in cached_property's lookups)
            first = parts[0]
            keys = ({*first.han, *(first.words.names if first.words is not None else ())}
                    if not (first.both or first.pinyin) else {""})
            for k in keys:
                by_part.setdefault(k, []).append(i)
        return {k: tuple(v) for k, v in by_part.items()}

    @cached_property
    def order(self) -> dict[str, tuple[int, ...]]:
        order: dict[str, list[int]] = {}
        for i, h in enumerate(self.han):
            order.setdefault(h, []).append(i)
        return {h: tuple(v) for h, v in order.items()}

    @cached_property
    def gaps(self) -> tuple[int, ...]:
        """The Chinese names holding the blank's characters: a replacement may make one."""
        return tuple(i for i, h in enumerate(self.han) if not set(_GAP).isdisjoint(h))

    @classmethod
    def of(cls, names: list[str], pinyin: list[str] | tuple[str, ...] = ()) -> _Names:
        han, words, both = [], [], []
        for n in dict.fromkeys(fold(x) for x in names):
            parts = [p.strip() for p in n.split(" + ") if p.strip()]
            if len(parts) > 1:
                both.append(tuple(cls.of([p]) for p in parts))
            elif HAN_RE.search(n):
                han.append(n)
            elif n.split():
                words.append(n)
        return cls(tuple(han), _Words(words) if words else None, tuple(both), tuple(fold(p) for p in pinyin))

    def plain(self) -> dict:
        """This list as `of` folded and sorted it, as JSON (the build's SCOPE_FILE "folded")."""
        return {"han": list(self.han), "words": self.words.names if self.words is not None else [],
                "both": [[p.plain() for p in parts] for parts in self.both], "pinyin": list(self.pinyin)}

    @classmethod
    def of_plain(cls, d: dict) -> _Names:
        """`plain`'s list back, folded at build: a cold search folds none of the file's thousands of names."""
        return cls(tuple(d["han"]), _Words(d["words"]) if d["words"] else None,
                   tuple(tuple(cls.of_plain(p) for p in parts) for parts in d["both"]), tuple(d["pinyin"]))

    def without(self, text: str, seen: _Seen) -> str:
        """``text`` with the names found in it blanked out (白俄罗斯手机卡 holds no 俄罗斯手机 then).
        The blank is a word of its own (`_GAP`): the words either side of a name do not become
        one name ("russian tax number" names no Russian number)."""
        held = seen(text)[0]  # in the file's order, the names the text holds (and `gaps`)
        at = sorted({i for h in held if h in self.order for i in self.order[h]}.union(self.gaps))
        for i in at:
            text = text.replace(self.han[i], _GAP)
        return self.words.sub(text, seen.work) if self.words is not None else text

    def found(self, text: str, joined: str, seen: _Seen) -> bool:
        han, words = seen(text)
        return (not self.han_set.isdisjoint(han) or not self.word_set.isdisjoint(words)
                or (bool(self.both) and self._both(text, joined, seen, han, words))
                or (bool(joined) and any(p in joined for p in self.pinyin)))

    def held(self, text: str, seen: _Seen) -> set[str]:
        """The names of this list that ``text`` holds, each as the text writes it: a Chinese
        or word name itself, an "A + B" name whose every part it holds as the span of the text
        from its first part to its last (支付宝账号 for 支付宝 + 账号). Pinyin names are left out
        (the kb's own phrasings are written in characters)."""
        han, words = seen(text)
        out = set(self.han_set & han) | set(self.word_set & words)
        if self.both and not (self.part_keys.isdisjoint(han) and self.part_keys.isdisjoint(words)):
            for i in {i for k in (*han, *words, "") for i in self.by_part.get(k, ())}:
                spans = []
                for part in self.both[i]:
                    got = [(at, at + len(n)) for n in part.held(text, seen) if (at := text.find(n)) >= 0]
                    if not got:
                        break
                    spans.append(min(got))
                else:
                    out.add(text[min(a for a, _ in spans):max(b for _, b in spans)])
        return out

    @cached_property
    def part_keys(self) -> frozenset[str]:
        """`by_part`'s keys: most texts hold none of them, one set test per list."""
        return frozenset(self.by_part)

    def _both(self, text: str, joined: str, seen: _Seen, han: frozenset[str], words: frozenset[str]) -> bool:
        """An "A + B" name whose every part the text holds, of those whose first part it holds."""
        keys = self.part_keys
        if "" not in keys and keys.isdisjoint(han) and keys.isdisjoint(words):
            return False  # no first part held: nothing picked (below), at C speed
        picked = {i for k in (*han, *words, "") for i in self.by_part.get(k, ())}
        seen.work["pairs"] += len(picked)
        return any(all(p.found(text, joined, seen) for p in self.both[i]) for i in sorted(picked))


class Scope:
    """kb/scope.yaml compiled for queries."""

    def __init__(self, data: dict) -> None:
        folded = data.get("folded")  # written by the build (`folded`), absent from older versions
        if folded is not None:
            self.covers = _Names.of_plain(folded["covers"])
            self.neighbours = [(name, _Names.of_plain(names), _Names.of_plain(unless), strict)
                               for name, names, unless, strict in folded["neighbours"]]
        else:
            self.covers = _Names.of(data.get("covers", []), data.get("covers_pinyin", []))
            self.neighbours = [(name, _Names.of(spec["names"], spec.get("pinyin", [])), _Names.of(spec.get("unless", [])),
                                bool(spec.get("strict")))
                               for name, spec in data.get("neighbours", {}).items()]
        self.located = _lazy_located(data.get("located") or {})
        self.alone = frozenset(data.get("alone") or ())
        self.setting = _setting(data.get("setting") or ())
        heads = sorted(data.get("heads") or (), key=len, reverse=True)
        self.head_words = tuple(heads)
        # a name's last part said as a word of its own ("sovcom bank"): at most one split per word
        self.heads = re.compile(r"(?<=[^\W\d_]{3})(" + "|".join(map(re.escape, heads)) + r")(?=[^\W\d_]*(?![^\W\d_]))") if heads else None
        # another country's name is no brand (another country's number is `other-operators`, and `toward` may make it ours)
        places = frozenset(w for spec in (data.get("located") or {}).values() for p in spec.get("places", ()) for w in p.split())
        self.objects = Objects(data["objects"], self.setting, places) if data.get("objects") else None
        lists = [self.covers, *(n for _, names, unless, _ in self.neighbours for n in (names, unless))]
        for n in lists:  # and every "A + B" name's parts (appended while iterated)
            lists.extend(p for parts in n.both for p in parts)
        self.finder = _Finder(chain.from_iterable(n.han for n in lists),
                              set(chain.from_iterable(n.words.names for n in lists if n.words is not None)),
                              folded.get("starts") if folded is not None else None)

    def folded(self) -> dict:
        """The names as this scope folded them, and their beginnings (`_Finder.starts`), for
        SCOPE_FILE: the build folds and slices, a query's process reads."""
        return {"covers": self.covers.plain(),
                "neighbours": [(name, names.plain(), unless.plain(), strict) for name, names, unless, strict in self.neighbours],
                "starts": self.finder.starts()}

    @classmethod
    def read(cls, version_dir: Path) -> Scope | None:
        path = version_dir / SCOPE_FILE
        return cls(json.loads(path.read_text("utf-8"))) if path.exists() else None

    def neighbour(self, query: str) -> str | None:
        """The neighbour class a query names (and nothing brings back to our subject), or None."""
        return self._neighbour(query)[0]

    def unset(self, query: str) -> str | None:
        """``query`` (folded) with the kb's setting (scope.yaml `setting`: the country every
        question is asked in) blanked out, or None when it names none."""
        if self.setting is None:
            return None
        text = fold(query)
        out = self.setting.sub(" ", text)
        return out if out != text else None

    def held(self, name: str, query: str, before: str, texts: Iterable[str]) -> bool:
        """``query`` names neighbour class ``name`` by the same names as ``before`` (the text
        before its last word: the reader went on after naming it, the last word is no part of a
        name), and every one of them is held by one of ``texts`` too (the class's `unless` words
        aside): an entry's own phrasings holding that very name ask about the thing from our side
        (漫游包 每天扣钱, 支付宝账号换绑), as the query writes it (an "A + B" name: the span from
        its first part to its last). Bounded by the texts' lengths (`_Finder.find`, one
        substring test per name held)."""
        got = next((names for n, names, _, _ in self.neighbours if n == name), None)
        if got is None:
            return False
        seen = _Seen(self.finder)
        wanted = got.held(fold(query), seen)
        if not wanted or wanted != got.held(fold(before), seen):
            return False
        for text in map(fold, texts):
            wanted = {n for n in wanted if n not in text}
            if not wanted:
                return True
        return False

    def strict(self, name: str) -> bool:
        """Whether neighbour class ``name`` is one of scope.yaml's `strict` ones."""
        return any(strict for n, _, _, strict in self.neighbours if n == name)

    def names_ours(self, query: str) -> bool:
        """The query names a Russian SIM or number explicitly (`covers`)."""
        text = fold(query)
        return self.covers.found(text, re.sub(r"[^a-z]+", "", text) if re.search("[a-z]", text) else "", _Seen(self.finder))

    def work(self, query: str) -> dict[str, int]:
        """What `neighbour` does for ``query``: texts looked up, set lookups, name patterns
        matched, "A + B" names checked part by part. Bounded by the query's length, not by the
        number of names (tests/test_scope_work.py)."""
        return self._neighbour(query)[1].work

    @cached_property
    def _lists_of(self) -> tuple[dict[str, tuple[int, ...]], tuple[tuple[str, int], ...], tuple[int, ...]]:
        """The neighbour lists (their places in `neighbours`) by each of their Chinese and word
        names and "A + B" first parts (`_Names.part_keys`); their pinyin names with their place;
        the lists checked for every text (a first part of parts or pinyin: `_Names.by_part`'s "")."""
        by: dict[str, set[int]] = {}
        pinyin: list[tuple[str, int]] = []
        always: list[int] = []
        for i, (_, names, _, _) in enumerate(self.neighbours):
            for k in names.han_set | names.word_set | names.part_keys:
                by.setdefault(k, set()).add(i)
            pinyin += [(p, i) for p in names.pinyin]
            if "" in names.part_keys:
                always.append(i)
        return {k: tuple(sorted(v)) for k, v in by.items()}, tuple(pinyin), tuple(always)

    def _asked(self, texts: Iterable[str], joined: str, seen: _Seen) -> list[int]:
        """The neighbour lists (places, in order) that may find one of ``texts``: those holding a
        name the text holds or a pinyin name ``joined`` holds (any other list's `_Names.found`
        is False for it). One set test for all lists, where each asked in turn took ~1.8 µs."""
        by, pinyin, always = self._lists_of
        picked = set(always)
        for text in texts:
            han, words = seen(text)
            for k in (by.keys() & han) | (by.keys() & words):
                picked.update(by[k])
        if joined:
            picked.update(i for p, i in pinyin if p in joined)
        return sorted(picked)

    def _neighbour(self, query: str) -> tuple[str | None, _Seen]:
        text = fold(query)
        if self.alone and bare(text) in self.alone:  # a greeting or thanks said alone asks nothing
            return ALONE, _Seen(self.finder)
        joined = re.sub(r"[^a-z]+", "", text) if re.search("[a-z]", text) else ""
        seen = _Seen(self.finder)
        # where the reader is is no SIM's country: 人在中国号码还能用吗 asks about our number
        named = self.located.sub(" ", text) if self.located is not None else text
        # a compound name read by its last part too (промсвязьбанка: "промсвязь банка"), when it has one
        split = self.heads.sub(r" \1", named) if self.heads is not None and any(h in named for h in self.head_words) else named
        for i in self._asked((named, split) if split != named else (named,), joined, seen):
            name, names, unless, strict = self.neighbours[i]
            # covers is looked for outside the neighbour's own names (白俄罗斯 holds 俄罗斯)
            if (names.found(named, joined, seen) or split != named and names.found(split, joined, seen)) and not unless.found(
                    text, joined, seen) and (strict or not self.covers.found(names.without(text, seen), joined, seen)):
                return name, seen
        return None, seen
