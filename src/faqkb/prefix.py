"""Prefix search for as-you-type (issue 19, item 3): the last word of a query still being
typed is read as the start of a word, as Algolia, Meilisearch or Typesense read it.

Pure functions over plain data (the kb's words and their counts, the pinyin readings of
its Chinese words): the Searcher calls `complete` with `prefix=True` (the live panel and
the API ask for it; the results page stays exact). The expansion is bounded: a binary
search in a sorted array of the kb's words, at most MAX_SCAN words of the range looked at
and at most MAX_EXPANSIONS kept, the most frequent first.

- Latin and Cyrillic: "refu" -> refund, refunds, ...; "как вернуть де" -> деньги, ...
- pinyin: "tuik" -> tuikuan (退款), run together too ("zhuxiaoelu" -> zhuxiaoeluosi);
- Chinese: a trailing single character extends to the kb words it starts (怎么注 -> 注销).
A word the kb already has is left as typed (the reader may have finished it).
"""

from __future__ import annotations

import bisect
import itertools
import marshal
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .analysis import HAN_CHARS, HAN_RE, HAN_RUN_RE, STOP, fold_han, is_han, stem_cyrillic, stem_latin

if TYPE_CHECKING:
    from .kbase.model import Entry

# completions kept for the last word (the best by frequency or by fit); 8 until content v3:
# 5 gave dev prefix s@1 0.866 -> 0.875, blind 0.708 -> 0.723, s@3 equal (the rare completions
# searched at PREFIX_OTHERS were noise)
MAX_EXPANSIONS = 5
MAX_SCAN = 512  # words of the sorted range looked at (a 2-letter prefix can start thousands)
MIN_PREFIX = 2  # letters a Latin/Cyrillic prefix needs (one letter says nothing yet)
MAX_DROPPED = 3  # letters of a last word that starts no kb word, dropped rather than searched
MIN_PINYIN_PREFIX = 3  # letters a pinyin prefix needs ("zh" starts half the dictionary)
MAX_READ_LETTERS = 40  # a pinyin word longer than this is not checked for being kb words run together
MIN_FOLLOWS = 2  # phrasings going on so that make a candidate first (one phrasing is one editor's wording)
FOLLOW_CANDIDATES = 16  # of a pinyin word's likeliest completions, those read for how the kb's phrasings go on
MAX_SPACED = 3  # one-syllable words before a half-typed pinyin word read with it (e luo s: eluosi)

# characters starting only Chinese stop words of two or more characters (怎么, 什么, 为什么, 如何,
# 哪里, 请问): the reader is typing a question word, not a topic
_STOP_STARTS = frozenset("怎什为如哪请")
# A-not-A questions (是不是, 能不能, 可不可以, 有没有; Cantonese 可唔可以, 係唔係): after one of
# these verbs a negation begins the question form, not a word (能不 is 能不能 half typed, not 不能)
_AB_VERBS, _AB_NOT = "是能会會要可有用需係使", "不唔没沒冇"
_A_NOT_A = re.compile(rf"([{_AB_VERBS}])([{_AB_NOT}])(\1.?)?$")
# the question particles' syllables (吗, 呢): typed whole after pinyin ("yue neng tui ma") they
# end a question rather than start a word (manyou, neng)
_PARTICLES = frozenset({"ma", "ne"})
# a word of letters, or of letters and then digits (tele2, теле2): "Tele" goes on to tele2 too
_BRAND = re.compile(r"[^\W\d_]+\d*")
_LAST_WORD = re.compile(rf"([A-Za-z\u0400-\u04ff]+|[{HAN_CHARS}]+)$")


@dataclass(frozen=True)
class Dictionary:
    """The kb's words as sorted arrays (made once per index version)."""

    words: list[str]        # Latin/Cyrillic surface forms, lowercase, sorted
    han: list[str]          # Chinese words of 2+ characters, sorted
    pinyin: list[str]       # joined toneless readings of the Chinese words, sorted
    counts: Mapping[str, int]  # word -> occurrences in the kb
    reading: Mapping[str, str]  # joined reading -> its most frequent Chinese word
    regional: frozenset[str] = frozenset()  # Taiwan/HK words the kb does not write (completions for Traditional only)
    # Taiwan/HK word (folded) -> the kb's word it stands for (kb/regional.yaml): how often a
    # Traditional reader means it is how often the kb's phrasings ask for that word (regional_first)
    meant: Mapping[str, str] = field(default_factory=dict)
    # word -> the entries' phrasings (questions and alternatives: how readers ask) holding it;
    # completions are ranked by it first, by ``counts`` (answers included) second
    asked: Mapping[str, int] = field(default_factory=dict)
    # word -> the entries' phrasings ending with it (Latin/Cyrillic): how the kb's questions end
    # (open_clause: a function word they hold but hardly end with leaves the clause open)
    ended: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, vocab: Mapping[str, int], han_by_pinyin: Mapping[str, str],
           regional: Mapping[str, str] | None = None, phrasings: Iterable[str] = ()) -> Dictionary:
        """``regional``: Taiwan/HK word -> the kb's word (kb/regional.yaml, folded): a
        half-typed 門 may go on to 門號, after the kb's own words (counted once: counted as
        often as the kb's word, 電 went on to 電信業者 before 電話). ``phrasings``: the
        entries' questions and alternatives (at most MAX_PHRASINGS each, the caller's bound)."""
        counts = dict(vocab)
        for word in regional or {}:
            if is_han(word) and len(word) > 1 and word not in counts:
                counts[word] = 1
        han = sorted(w for w in counts if is_han(w) and len(w) > 1)
        texts = list(phrasings)
        return cls(sorted(w for w in counts if not is_han(w) and _BRAND.fullmatch(w)), han,
                   sorted(han_by_pinyin), counts, han_by_pinyin, frozenset(counts.keys() - vocab.keys()),
                   _meant(regional), asked_counts(texts, set(han)), ended_counts(texts))

    def dump(self) -> bytes:
        """What `of` made beyond the lexicon, as the build writes it (layout.PREFIXES): the
        sorted arrays, the regional words added and the phrasing counts. Sorting ~60,000 words
        and counting every phrasing's words cost a 10k kb's first prefix query over a second."""
        return marshal.dumps({"format": DICTIONARY_FORMAT, "words": self.words, "han": self.han,
                              "pinyin": self.pinyin, "added": sorted(self.regional),
                              # (sorted: asked_counts' order follows a set's, per process; a build's files are reproducible)
                              "asked": dict(sorted(self.asked.items())), "ended": dict(sorted(self.ended.items()))})

    @classmethod
    def load(cls, data: bytes, vocab: Mapping[str, int], han_by_pinyin: Mapping[str, str],
             regional: Mapping[str, str] | None = None) -> Dictionary:
        """The Dictionary `of` makes from the same lexicon (``vocab``, ``han_by_pinyin``,
        ``regional``), read from `dump`'s bytes (ValueError for another format)."""
        raw = marshal.loads(data)
        if not isinstance(raw, dict) or raw.get("format") != DICTIONARY_FORMAT:
            raise ValueError(f"prefix dictionary format {raw.get('format') if isinstance(raw, dict) else None!r}, "
                             f"expected {DICTIONARY_FORMAT}")
        counts = dict(vocab)
        counts.update(dict.fromkeys(raw["added"], 1))  # (regional words the kb does not write: counted once)
        return cls(raw["words"], raw["han"], raw["pinyin"], counts, han_by_pinyin, frozenset(raw["added"]),
                   _meant(regional), raw["asked"], raw["ended"])


def _meant(regional: Mapping[str, str] | None) -> dict[str, str]:
    """The Taiwan/HK words of two characters or more that stand for another kb word."""
    return {w: m for w, m in (regional or {}).items() if is_han(w) and len(w) > 1 and m != w}


DICTIONARY_FORMAT = 2  # Dictionary.dump's (2: with `ended`)
STARTS_FORMAT = 1  # Starts.dump's


def phrasings(entries: Iterable[Entry]) -> Iterator[str]:
    """The entries' questions and alternatives, every language, at most MAX_PHRASINGS each:
    what Dictionary.of counts (the build writes it, a version without the file makes it)."""
    for e in entries:
        yield from itertools.islice(own_phrasings(e), MAX_PHRASINGS)


def own_phrasings(e: Entry) -> Iterator[str]:
    """An entry's question and alternatives, every language (what Starts compares)."""
    for t in e.translations.values():
        yield t.question
        yield from t.alternatives


MAX_HAN_WORD = 4  # characters of the longest Chinese word looked for in a phrasing (asked_counts)


def asked_counts(phrasings: Iterable[str], han: set[str]) -> dict[str, int]:
    """How many phrasings hold each word: Latin/Cyrillic words as written (lowercase, ё as е),
    Chinese words of ``han`` as substrings of two to MAX_HAN_WORD characters."""
    out: Counter[str] = Counter()
    for text in phrasings:
        text = text.lower().replace("ё", "е")
        seen = set(_BRAND.findall(text))
        for run in HAN_RUN_RE.findall(text):
            # one C-level intersection per window size (a build counts ~60k phrasings at 10k:
            # a Python test per substring was most of Dictionary.of)
            for size in range(2, min(len(run), MAX_HAN_WORD) + 1):
                seen.update(han.intersection([run[i:i + size] for i in range(len(run) - size + 1)]))
        out.update(seen)
    return dict(out)


def ended_counts(phrasings: Iterable[str]) -> dict[str, int]:
    """How many phrasings end with each Latin/Cyrillic word (lowercase, ё as е; its last word,
    whatever mark follows it): the words the kb's questions end with."""
    out: Counter[str] = Counter()
    for text in phrasings:
        if (m := _LAST_LETTERS.search(text)) is not None:
            out[m.group(1).lower().replace("ё", "е")] += 1
    return dict(out)


# a text's last Latin or Cyrillic word, then anything but letters (a mark, digits: "…, do i?")
_LAST_LETTERS = re.compile(r"([A-Za-z\u0400-\u04ff]+)[\W\d_]*$")


@dataclass(frozen=True)
class Completion:
    text: str               # the query with its last word completed (the best expansion)
    word: str               # the last word as typed
    expansions: list[str]   # every expansion kept, best first (at most MAX_EXPANSIONS)


def _range(sorted_words: list[str], start: str) -> list[str]:
    """The words beginning with ``start`` (at most MAX_SCAN of them), by a binary search."""
    i = bisect.bisect_left(sorted_words, start)
    out: list[str] = []
    while i < len(sorted_words) and len(out) < MAX_SCAN and sorted_words[i].startswith(start):
        out.append(sorted_words[i])
        i += 1
    return out


def word_ended(query: str) -> bool:
    """The raw query ends in whitespace: the reader finished its last word ("how to ", "注销 "),
    as every as-you-type search reads a trailing space (Algolia, Typesense, Meilisearch). The
    one place that decides it (Searcher.search calls it on the text as typed, before the
    bounds strip it): such a query in prefix mode is searched with its last word whole."""
    return query[-1:].isspace()


def before_last(query: str) -> str | None:
    """The query without its last word (or last Chinese character), None when nothing is left."""
    m = _LAST_WORD.search(query)
    if m is None:
        return None
    rest = query[:m.end() - 1 if is_han(m.group(1)) else m.start()].rstrip()
    return rest if rest.strip() else None


def starts_word(d: Dictionary, typed: str) -> bool:
    """Some longer Latin/Cyrillic kb word begins with ``typed`` (one binary search)."""
    word = typed.lower().replace("ё", "е")
    i = bisect.bisect_right(d.words, word)
    return i < len(d.words) and d.words[i].startswith(word)


def starts_han(d: Dictionary, typed: str) -> bool:
    """Longer Chinese kb words begin with ``typed`` (one binary search)."""
    i = bisect.bisect_right(d.han, typed)
    return i < len(d.han) and d.han[i].startswith(typed)


def short_start(d: Dictionary | None, query: str) -> bool:
    """The query ends in at most MAX_DROPPED Latin or Cyrillic letters that longer kb words
    go on from (one letter, or a kb word as short as ru): the start of a word, or a word."""
    m = _LAST_WORD.search(query)
    if m is None or d is None:
        return False
    typed = m.group(1)
    return (len(typed) <= MAX_DROPPED and not is_han(typed) and not _acronym(typed)
            and query[:m.start()].strip() != "" and starts_word(d, typed))


MAX_BEGUN_WORDS = 1  # words (a Chinese word: two characters) a query only begun narrows it by
_ENDED = re.compile(r"[?？!！.。]\s*$")


def barely_begun(query: str, key: str, d: Dictionary | None) -> bool:
    """A half-typed query that says too little to be judged yet: what is left of it once
    its filler is out (``key``: the subject's words, question words, operators) is at most
    MAX_BEGUN_WORDS word (stop words not counted), a Chinese run counting a word per two characters (俄罗, "how to
    can", "как расторг", 我嘅), a Latin or Cyrillic one the kb has or goes on from (Kcell,
    voicemail: a name the kb lacks is another subject), and it does not end a sentence (?, 。).
    Not answered, yet not "no direct answer" either: the reader is still typing (Results.typing)."""
    if d is None or _ENDED.search(query):
        return False
    han = sum((len(run) + 1) // 2 for run in HAN_RUN_RE.findall(key))
    # a stop word the filler left (is this, is there, что это) narrows nothing either
    words = [w for w in HAN_RUN_RE.sub(" ", key).split() if w.lower() not in STOP["en"] and w.lower() not in STOP["ru"]]
    if han + len(words) > MAX_BEGUN_WORDS:
        return False
    return all(w.replace("ё", "е") in d.counts or starts_word(d, w) or starts_function_word(w)
               or _range(d.pinyin, w) for w in (w.lower() for w in words))


_FUNCTION_WORDS = sorted(STOP["en"] | STOP["ru"])  # (the index leaves them out: Dictionary.words lacks them)


def starts_function_word(typed: str) -> bool:
    """``typed`` (lowercase, MIN_PREFIX letters or more) is the start of a longer Latin or
    Cyrillic function word (the analyzer's stop words: ест → есть, wha → what, поч →
    почему): a question word still being typed, which the kb's sorted words cannot show
    (the index drops stop words). One binary search."""
    word = typed.replace("ё", "е")
    if len(word) < MIN_PREFIX:
        return False
    i = bisect.bisect_right(_FUNCTION_WORDS, word)
    return i < len(_FUNCTION_WORDS) and _FUNCTION_WORDS[i].startswith(word)


# words a question cannot end with (articles, prepositions, conjunctions, possessives; no full
# question of the golden and dev sets ends with one): typed
# last, more is coming ("закрыть номер с", "refund to my"); a clause ended by a comma goes on too
_UNENDED = frozenset("a an the my your to for of from with at by into about and or "
                     "if because before after until unless whether than "
                     "в во на с со к ко по до от из за для без о об про при через и или а но мой моя мою мои "
                     "перед после между если чтобы потому".split())
_CLAUSE = re.compile(r"[,，、;；:：]\s*$")
# Chinese "how" of manner, in characters or pinyin: it opens the verb that follows (怎么注销), and
# no question of the kb, the golden or the dev sets ends with it (会怎样, "what happens", does: not here)
_HOW_HAN = ("怎么", "怎麼", "咋", "如何")
_HOW_PINYIN = frozenset({"zenme", "ruhe"})
# a Chinese copula or preposition (Cantonese 係 "is", 喺 "at"; 把, 被, 给, 跟, 与, 对, 从, 向, 往)
# needs what follows it: no question of the kb, the golden or the dev sets ends with one (卡係…,
# 号码被…), but an A-not-A question may (是不是, 係唔係: _A_NOT_A)
_OPEN_HAN = frozenset("是係喺把被给給跟与與对對从從向往")


def ends_sentence(query: str) -> bool:
    """``query`` ends a sentence (?, !, 。, .): typed whole, whatever came before."""
    return _ENDED.search(query) is not None


def space_typed_on(query: str) -> bool:
    """``query`` (as the bounds left it) was typed with a space after its last word
    (word_ended: the caller's check) and does not end a sentence (?, !, 。, .): in the live panel
    a space typed last is the reader going on to the next word ("how to spot ", "сроки
    рассмотрения ", "zai guonei zenme "), so a verdict of "no direct answer" would be on the
    words so far, as mid-word. A question typed whole ends in its last letter or a mark, not in
    a space. Fifteenth round: told on the cuts ending in a space 0.050 -> 0.001 (dev sweep)."""
    return _ENDED.search(query) is None


def still_typing(query: str, completed: Mapping[str, object] | None, d: Dictionary | None) -> bool:
    """The reader is in the middle of a Latin or Cyrillic word or of a clause, so a verdict of
    "no direct answer" would be on a guess: the last word, typed in lowercase, was completed
    to a longer kb word (``completed``: Results.signals["prefix"]; russi: russian), it is a word
    a question cannot end with (по, to, my), or the query ends in a comma. Such a query not
    answered is `typing`, not declined: "no direct answer" comes once the word is finished,
    if it still holds. Not for Chinese (an input method commits whole words: 怎么退 is
    finished although 退款 goes on from 退) unless its last two characters are no kb word and
    start one (俄罗: 俄罗斯; dev prefix told 0.015 -> 0.013, no full question of the dev sets
    moved) or it asks nothing yet (han_unasked: the context typed before the question); nor
    a capitalised or uppercase word (a name typed whole: Сбер, VK). Fifteenth round: so is a
    text whose last word, ended or not, is a function word the kb's questions never end with
    (open_clause: "…, how", "можно ли"), a Chinese "how" (怎么, zenme), copula or preposition
    (係, 被: _OPEN_HAN) typed last, or a Latin or
    Cyrillic story of the reader that asks nothing yet (tells_story)."""
    if _CLAUSE.search(query):
        return True
    words = query.split()
    if not words:
        return False
    if words[-1].lower() in _UNENDED or (d is not None and open_clause(words[-1], d)):
        return True
    if words[-1].lower() in _HOW_PINYIN or query.endswith(_HOW_HAN):
        return True  # a Chinese "how" typed last: the verb it asks of is still to come
    if query[-1] in _OPEN_HAN and not _A_NOT_A.search(query):
        return True  # a copula or preposition typed last: what it takes is still to come (张卡係…)
    if len(words) > 1 and len(words[-1]) == 1 and words[-1].isalpha() and words[-1].islower() and not is_han(words[-1]):
        return True  # one letter after words is a word begun (билайн вернуть д), whatever reading it had
    m = _LAST_WORD.search(query)
    if m is not None and is_han(m.group(1)) and han_unasked(query):
        return True
    if tells_story(query):
        return True
    if m is not None and is_han(m.group(1)) and completed and d is not None and len(m.group(1)) >= 2:
        # Chinese: two last characters that are no kb word but start one (俄罗: 俄罗斯) were cut
        # mid-word, however the input method committed them (a question ends in a word: 怎么退)
        pair = fold_han(m.group(1)[-2:])
        return pair not in d.counts and starts_han(d, pair)
    if m is None or is_han(m.group(1)) or not m.group(1).islower() or not completed:
        return False
    typed = m.group(1).replace("ё", "е")
    expansions = completed.get("expansions")
    if d is None or not isinstance(expansions, list):
        return False
    if not expansions:  # letters that start no kb word, dropped (baohao ka shi yi): a word begun,
        # unless a question particle ended it (… tui ma)
        return (len(typed) <= MAX_DROPPED and typed not in _PARTICLES
                and completed.get("searched") == query[:m.start()].rstrip())
    # the chosen completion a kb word of the same script (not pinyin run on: repair + uguo), not
    # another form of the word typed (границе: границей, slow: slower; the kb lacks that form
    # only). (Two letters count: вк is sometimes a name typed whole, far more often a word begun.)
    best = expansions[0]
    stem = stem_latin if typed.isascii() else stem_cyrillic
    return (isinstance(best, str) and best != typed and best.startswith(typed)
            and best in d.counts and best not in d.reading and stem(best) != stem(typed)
            and best[len(typed):] not in _ENDINGS)


OPEN_SHARE = 20  # a function word ending fewer than 1 in this many of the phrasings holding it leaves a clause open
MIN_OPEN = 5  # phrasings holding it, at least (fewer say nothing of how it is used)


def open_clause(word: str, d: Dictionary) -> bool:
    """``word`` (the query's last, typed whole or not) is a Latin or Cyrillic function word (the
    analyzer's stop words) that the kb's phrasings hold at least MIN_OPEN times but end fewer than
    1 in OPEN_SHARE of them: how, can, i, in, ли, можно, что, когда. Typed last it opens what
    follows (the question begun: "… still has money, how"), so more is coming; a word questions
    end with (do: "what should I do", it, there, будет) is not read so. Learned from the kb's
    own questions and alternatives (Dictionary.ended), as _UNENDED was listed by hand."""
    low = word.lower().replace("ё", "е")
    if not low.isalpha() or (low not in STOP["en"] and low not in STOP["ru"]):
        return False
    held = d.asked.get(low, 0)
    return held >= MIN_OPEN and d.ended.get(low, 0) * OPEN_SHARE < held


# what makes a Latin or Cyrillic text a question (tells_story): a question word or a request
# anywhere, or an auxiliary verb beginning a clause (is/can/do … I: the inverted question)
_ASKS = frozenset("how what why where when which who whose whom whether need needs want wants wanna like help please "
                  "как что почему зачем где когда куда откуда какой какая какое какие каком какую каких каким "
                  "сколько кто чей чья чьи ли можно нельзя надо нужно нужен нужна стоит хочу хотим подскажите "
                  "помогите".split())
_AUX = frozenset("am is are was were do does did can could will would shall should may might must have has had "
                 "isn aren wasn don doesn didn can't cant couldn won't wouldn shouldn".split())
_AFTER = frozenset("and but so or then и а но".split())  # a word after them begins a clause too
_ME = frozenset("i i'm i've i'd i'll we we're we've we'd я мы".split())  # the reader, beginning a clause
# a Russian verb in the past, singular (учился, приехала): Russian drops the "I" a clause of the
# reader's begins with (not the plural, сняли, заблокировали: "they", done to the reader).
# Not intent._CYR_PAST, which asks another thing: any past form (the plural too) after a vowel,
# in a category's key; here пришла and дал, a clause's first word, are the reader's own.
_PAST_ONE = re.compile(r"[а-я]{2,}(?:л|ла|лся|лась)")
_STORY_TOKENS = re.compile(r"[A-Za-z\u0400-\u04ff']+|[,.;:!?]")


def tells_story(query: str) -> bool:
    """A Latin or Cyrillic text in which the reader speaks of themselves (a clause begun with I,
    we, я, мы, or a Russian verb in the past singular: учился, приехала) and asks nothing yet: no question word, request or mark (_ASKS, ?), no auxiliary
    beginning a clause (_AUX: "Can I", "…, do I"). Typed into the panel it is the story before
    the question ("I studied in …, now I'm back in …, my … number", "я учился в …, вернулся
    домой"): more is coming, as for a Chinese text that asks nothing yet (han_unasked). A keyword
    phrase (close bank account abroad, return a laptop I bought) has no clause of the reader's,
    and a request does ask (I need, I want, хочу): both are judged as they stand."""
    if HAN_RE.search(query):
        return False
    return _read_clauses(query)[1]


def asks(query: str) -> bool:
    """``query`` asks something already: a question word, request, auxiliary beginning a clause
    or question mark (Latin/Cyrillic, as tells_story reads them), or, for a text with Chinese,
    a question word or particle (han_unasked)."""
    if HAN_RE.search(query):
        return not han_unasked(query)
    return _read_clauses(query)[0]


def _read_clauses(query: str) -> tuple[bool, bool]:
    """(the text asks something, the reader began a clause of their own before it asked)."""
    me, before = False, ""
    for tok in _STORY_TOKENS.findall(query.lower().replace("’", "'").replace("ё", "е")):
        starts = not before or before in ",.;:!" or before in _AFTER  # (the token begins a clause)
        if tok == "?" or tok in _ASKS or (tok in _AUX and starts):
            return True, False
        me = me or (starts and (tok in _ME or _PAST_ONE.fullmatch(tok) is not None))
        before = tok
    return False, me


class Spelling(Protocol):
    """What typo_begun asks of the speller (spelling.Speller)."""

    @property
    def plain(self) -> frozenset[str]: ...

    def known(self, word: str) -> bool: ...

    def word(self, typed: str, memo: dict | None = None, unknown: bool = False) -> str | None: ...


def typo_begun(query: str, d: Dictionary | None, speller: Spelling) -> bool:
    """The last word, still being typed (the caller's check: no space after it), is a word cut
    mid-way with a typo in it (растаргну, documan): a lowercase Latin or Cyrillic word of
    MIN_TYPO to MAX_TYPO letters that the kb neither holds (nor any form of it: cancelling) nor
    goes on from, no plain word of its language (film), whose spelling correction is itself
    what longer kb words go on from (documan: document, documents) or which is one edit from
    such a start (растаргну: расторгну, расторгнуть). No completion could be made, so a
    verdict on it is a verdict on a guess, as for a word begun (still_typing). A word one
    edit from no start (погода, timetable, a name) is a word typed whole: it stays declined."""
    m = _LAST_WORD.search(query)
    if d is None or m is None:
        return False
    low = m.group(1).replace("ё", "е")
    if (not MIN_TYPO <= len(low) <= MAX_TYPO or is_han(low) or not low.isalpha() or not low.islower()
            or low in d.counts or starts_word(d, low) or low in speller.plain or speller.known(low)):
        return False
    fixed = speller.word(low, unknown=True)
    return (fixed is not None and starts_word(d, fixed.lower())) or _one_edit_from_a_start(d, low)


MIN_TYPO, MAX_TYPO = 4, 20  # letters of a last word typo_begun reads (вкл: too short to say)
_ALPHABETS = ("abcdefghijklmnopqrstuvwxyz", "абвгдежзийклмнопрстуфхцчшщъыьэюя")


def _one_edit_from_a_start(d: Dictionary, low: str) -> bool:
    """One deletion, transposition, substitution or insertion makes ``low`` a non-word that
    longer kb words begin with. At most MAX_TYPO * (2 * 33 + 2) binary searches."""
    return next(_edited_starts(d, low), None) is not None


def _edited_starts(d: Dictionary, low: str) -> Iterator[str]:
    """The non-words one deletion, transposition, substitution or insertion from ``low`` that
    longer kb words begin with, in the order tried (at most MAX_TYPO * (2 * 33 + 2) binary
    searches)."""
    letters = _ALPHABETS[0] if low.isascii() else _ALPHABETS[1]
    for i in range(min(len(low), MAX_TYPO)):
        edits = [low[:i] + low[i + 1:], low[:i] + low[i + 1:i + 2] + low[i] + low[i + 2:]]
        edits += [low[:i] + c + low[i + 1:] for c in letters] + [low[:i] + c + low[i:] for c in letters]
        yield from (e for e in edits if e != low and len(e) >= MIN_TYPO - 1 and e not in d.counts
                    and starts_word(d, e))


MAX_MENDED = 4  # one-edit starts a typo'd last word goes on from (растарж: расторж), their words pooled


def mended(d: Dictionary, word: str) -> list[str]:
    """The kb words a last word being typed with a typo in it goes on to (растаржени:
    расторжение, вазвр: возврат, reciev: received): the words beginning with the first
    MAX_MENDED distinct starts one edit from it (each a binary search and at most MAX_SCAN
    words). Only a lowercase Latin or Cyrillic word of MIN_TYPO to MAX_TYPO letters that
    begins no kb word and is none; nothing otherwise."""
    if (not MIN_TYPO <= len(word) <= MAX_TYPO or not word.isalpha() or not word.islower()
            or is_han(word) or word in d.counts or starts_word(d, word)):
        return []
    starts = list(itertools.islice(dict.fromkeys(_edited_starts(d, word)), MAX_MENDED))
    return list(dict.fromkeys(w for s in starts for w in _range(d.words, s)))


# what makes a Chinese text a question (Simplified, Traditional folded, Cantonese): a question
# word or particle, an A-not-A form (_A_NOT_A), a question mark
_ASKS_HAN = re.compile(r"[吗吧呢嘛咩嗎麼么啥几幾哪邊乜点點?？]|怎|什么|如何|为什么|为何|為何|多[少久长冷热远大贵重高快]|是否|能否|可否|何时|幾時|"
                       rf"([{_AB_VERBS}得])[{_AB_NOT}]\1")  # (得不得 asks too; a half-typed 得不 goes on to 得不到)


def han_unasked(query: str) -> bool:
    """A text ending in Chinese that asks nothing yet: no question word, particle or mark
    anywhere. Typed into the panel such a text is the context before the question (在莫斯科读了
    四年研，现在, 刚下飞机收到), more is coming."""
    return _ASKS_HAN.search(query) is None


# English endings that make another form of a word typed whole (slow: slower), not a word begun
_ENDINGS = frozenset("s es ed d er ers est ing ly".split())


def likeliest_start(query: str, d: Dictionary) -> str | None:
    """A query only begun whose last word was left as typed (a word the kb has, a stop word:
    can, под, во) with the word read as the start of the most frequent longer kb word (can:
    cancel; под: подписка), for the likeliest entries to show while the reader types on;
    None when no longer kb word goes on from it."""
    m = _LAST_WORD.search(query)
    if m is None or is_han(m.group(1)) or _acronym(m.group(1)):
        return None
    word = m.group(1).lower().replace("ё", "е")
    longer = [w for w in _range(d.words, word) if w != word] if len(word) >= MIN_PREFIX else []
    if not longer:
        return None
    return query[:m.start()] + max(longer[:MAX_SCAN], key=lambda w: d.counts.get(w, 0))


def _acronym(typed: str) -> bool:
    """Two or more capitals (INN, VK, PIN): an acronym typed whole, not the start of a word."""
    return len(typed) >= 2 and typed.isupper()


def reads_whole(word: str, d: Dictionary) -> bool:
    """``word`` is the readings of kb words run together, every letter of it (yuetuikuan:
    yue + tuikuan; zhuxiao): typed whole, not half. A dynamic programme over the word's
    cuts, at most MAX_READ_LETTERS letters."""
    n = len(word)
    if not 2 <= n <= MAX_READ_LETTERS or not word.isascii():
        return False
    ends = [True] + [False] * n
    for i in range(n):
        if ends[i]:
            for j in range(i + 2, n + 1):
                if word[i:j] in d.reading:
                    ends[j] = True
    return ends[n]


def _pinyin_candidates(word: str, d: Dictionary, split: Callable[[str], list[str] | None],
                       shortest: int = MIN_PINYIN_PREFIX, run_together: bool = True) -> list[tuple[str, str]]:
    """Readings completing ``word`` as pinyin, as (whole syllables typed before, reading):
    the whole word the start of a reading, or (``run_together``) its longest run of whole
    syllables followed by the start of one (zhuxiaoelu -> zhuxiao + eluosi)."""
    for cut in (0, *range(len(word) - 1, 0, -1)) if run_together else (0,):
        head, tail = word[:cut], word[cut:]
        if len(tail) < (shortest if not cut else 1) or (cut and split(head) is None):
            continue
        found = [(head, r) for r in _range(d.pinyin, tail) if r != tail]
        if found:
            return found
    return []


def _spaced(rest: str, word: str, d: Dictionary, split: Callable[[str], list[str] | None],
            pinyin: bool) -> tuple[str, list[tuple[str, str, int]]] | None:
    """The last MAX_SPACED words before ``word`` joined with it when that starts a kb word's
    reading and each of them is one syllable no kb word reads as alone (zhu x: zhuxiao), or
    one word of several syllables (baohao f: baohaofei),
    as (the rest before them, the readings); the most words first; None if none does.
    Unless the searcher read the rest as pinyin (``pinyin``: no word of it a kb word), every
    word of the rest must be pinyin (e luo s; "e" and "hao" are kb words too)."""
    words = rest.split()
    if not words or not (pinyin or all(w.isascii() and w.isalpha() and split(w.lower()) for w in words)):
        return None
    for k in range(min(MAX_SPACED, len(words)), 0, -1):
        before = [w.lower() for w in words[-k:]]
        if not all(w.isascii() and w.isalpha() and (split(w) == [w] and w not in d.reading or k == 1 and len(split(w) or ()) > 1)
                   for w in before):
            continue
        joined = "".join(before) + word
        found = [(r, r, d.counts.get(d.reading[r], 0)) for r in _range(d.pinyin, joined)]
        if found:
            found.sort(key=lambda c: c[0] != joined)  # the word typed whole first (zhu xiao: zhuxiao)
            cut = rest.rstrip()
            for w in reversed(words[-k:]):  # the rest up to those words, as typed
                cut = cut[:len(cut) - len(w)].rstrip()
            return (cut + " " if cut else ""), found
    return None


ASKED_ON = 3  # a whole word typed last is begun when a longer kb word the questions use this many times more goes on
MIN_ASKED_ON = 5  # phrasings that longer word is in, at least


def _asked_on(word: str, typed: str, d: Dictionary) -> str | None:
    """The longer kb word a whole word typed last is likelier the start of (день: деньги, pass:
    passport; но: номер): the kb's questions and phrasings hold it ASKED_ON times as often, and at least
    MIN_ASKED_ON, while fewer than ASKED_ON hold the word typed; None if none (Latin/Cyrillic,
    lowercase or capitalised (Ru: russian; not an acronym), MIN_PREFIX letters at least: a stop
    word, another form of a kb word too)."""
    if (len(word) < MIN_PREFIX or not typed.isalpha() or not (typed.islower() or typed.istitle()) or word in d.reading
            or d.asked.get(word, 0) >= ASKED_ON):  # (a word the questions use is meant: russia, расторгнут)
        return None
    longer = [w for w in _range(d.words, word) if w != word]
    best = max(longer, key=lambda w: d.asked.get(w, 0), default=None)
    if best is None or d.asked.get(best, 0) < max(MIN_ASKED_ON, ASKED_ON * d.asked.get(word, 0)):
        return None
    return best


def complete(query: str, d: Dictionary, split: Callable[[str], list[str] | None],
             fit: Callable[[str, str], float] | None = None, pinyin_first: bool = False,
             known: Callable[[str], bool] | None = None, asked: bool = True, bare: bool = False,
             follows: Callable[[str, list[str]], list[int]] | None = None,
             mend: Callable[[str], bool] | None = None,
             russian: Callable[[str], list[str]] | None = None,
             after: Callable[[list[tuple[str, str, int]], str], list[tuple[str, str, int]]] | None = None,
             english: bool = False,
             fit_most: Callable[[str], float] | None = None) -> Completion | None:
    """The query with its last word read as a prefix, or None when there is nothing to
    complete (the last word is a kb word already, too short, or starts no kb word).

    ``split`` splits a Latin word into pinyin syllables (None if it is not pinyin);
    ``fit(rest, candidate)`` says how well a candidate goes with the rest of the query
    (the searcher measures it on the index); ties go to the more frequent word.
    ``pinyin_first``: the rest of the query is pinyin, so pinyin readings come first.
    ``known(word)``: the word as typed is a whole word already (another form of a kb word,
    a Chinese word the segmenter knows), so it is left alone. ``asked``: candidates ranked
    by the kb's phrasings first (Dictionary.asked), else by the kb's counts alone. ``bare``: the
    words before the last ask nothing yet (filler, the subject), so one letter goes on too.
    ``follows(before, afters)``: how often the kb's Chinese phrasings go on from the pinyin
    ``before`` to each of ``afters`` (phrasing_fit.Follows.counts); given (pinyin typed before), the candidate
    the phrasings go on to from the syllables typed before comes first among equals
    (zhuxiao yu: yue, 余额; not yunyingshang). ``mend(word)``: given, a last word that starts
    nothing and that ``mend`` says no word in general use begins with (a typo, not a word the kb
    lacks) goes on as the starts one edit from it do (mended: растарж, расторжение).
    ``russian(word)``: given, the Cyrillic kb words a Latin last word no Latin kb word goes on
    from is the start of, typed in Latin (translit_prefix: kak zakr, закрыть); found, they are
    its candidates instead of pinyin readings (vozvrat den: деньги, not 等级). ``after(cands,
    rest)``: given, a Latin/Cyrillic word's candidates with those the kb's phrasings put right
    after the words typed before first (word_follows.ordered: сколько ст, стоит). ``english``:
    the words typed before are English, no pinyin of a kb Chinese word (plan.english_before: my,
    in, are); a Latin word begun is then read as after English (my numb: number, not num+banli),
    and no pinyin reading is run together from its letters (in kaz: not ka+zhuxiao). ``fit_most(rest)``: no candidate fits
    better than this (the first that fits so is the best: the rest are not asked)."""
    m = _LAST_WORD.search(query)
    if m is None:
        return None
    typed = m.group(1)
    rest = query[:m.start()]
    word = typed.lower().replace("ё", "е")
    if english and word.isascii():
        pinyin_first = False
    # (what replaces the typed word, the expansion itself, its frequency)
    words: list[tuple[str, str, int]] = []
    readings: list[tuple[str, str, int]] = []
    whole = known is not None and known(typed)
    if (rest.strip() and asked and not is_han(typed) and (whole or word in d.counts)
            and (on := _asked_on(word, typed, d)) is not None):
        # a short kb word or a stop word the kb's questions hardly hold, typed last, is the start
        # of the word they hold far more (но: номер, до: договор, отк: отказаться; not to, за, на)
        return Completion(rest + on, typed, [on, word])
    if whole:
        return None
    if is_han(typed):
        if known is None and len(typed) > 1 and typed[-2:] in d.counts:
            return None  # the run ends in a kb word (保号, 注销): finished (``known`` asks the segmenter:
            # its cut of the run ending in one character is unfinished even where two make a kb "word", 卡欠)
        if (qform := _A_NOT_A.search(typed)) is not None:
            # the question form typed whole (能不能, 可唔可以) is finished, not 以 going on to 以后;
            # begun (能不), it is searched as the form (能不能), not as 不能 ("cannot"): A-not-A
            # questions cut after the negation or the form (golden and dev queries, 66 cuts):
            # s@3 0.742 -> 0.818, s@1 0.652 -> 0.697, told "no direct answer" 1 -> 0
            return None if qform.group(3) else Completion(query + qform.group(1), typed, [])
        if len(typed) > 1 and typed[-1] in _STOP_STARTS:
            # the start of a question word (怎 of 怎么, 什 of 什么) asks nothing yet: searched without it
            return Completion(query[:m.start() + len(typed) - 1].rstrip(), typed, [])
        # a Traditional character is looked up as the kb's Simplified one (詐騙簡 -> 简), and
        # goes on to Taiwan/HK words too (門 -> 門號); a Simplified one to the kb's words only
        last = fold_han(typed[-1])
        words = [(typed[:-1] + w, w, d.counts.get(w, 0)) for w in _range(d.han, last)
                 if last != typed[-1] or w not in d.regional]
    else:
        if word in d.counts and not (pinyin_first and word.isascii()) or not word:
            if word and asked and (on := _asked_on(word, typed, d)) is not None:
                return Completion(rest + on, typed, [on, word])  # (the word typed stays, at PREFIX_OTHERS)
            return None
        if reads_whole(word, d):  # kb words' readings run together (yuetuikuan): finished
            return None
        if pinyin_first and word in _PARTICLES:  # a question's last particle asks nothing: without it
            return Completion(rest.rstrip(), typed, [])
        # one letter after words that ask nothing yet (how to c, мтс р: filler, the subject) goes
        # on too: dropped, nothing would be searched; after words that ask, it is dropped as before
        if len(word) >= MIN_PREFIX or (bare and rest[-1:].isspace() and typed.isalpha() and typed.islower()):
            words = [(w, w, d.counts.get(w, 0)) for w in _range(d.words, word) if w != word]
        if not words and russian is not None and word.isascii() and (spelled := russian(word)):
            # Russian typed in Latin, its last word begun (kak zakr): the kb's Cyrillic words it spells the start of
            words = [(w, w, d.counts.get(w, 0)) for w in spelled]
        elif word.isascii() and (spaced := _spaced(rest, word, d, split, pinyin_first)) is not None:
            # pinyin typed syllable by syllable ("zhu x", "e luo s"): the syllables before
            # the cursor and the letters typed are one word being typed (zhuxiao, eluosi)
            rest, readings = spaced
        elif word.isascii() and len(word) >= (1 if pinyin_first else MIN_PINYIN_PREFIX) and word not in d.reading:
            # letters a Latin kb word goes on from (refu: refund; dat: data) are not read as
            # syllables run together with a reading's start (re+fuwu, da+tousu) unless the
            # rest of the query is pinyin
            readings = [(head + r, head + r, d.counts.get(d.reading[r], 0))
                        for head, r in _pinyin_candidates(word, d, split, 1 if pinyin_first else MIN_PINYIN_PREFIX,
                                                          run_together=pinyin_first or not (words or english))]
    # The most frequent first (a stable sort: ties keep the array's order); pinyin typed
    # before puts its readings first (ni hao -> no English word). After filler (how do i cl,
    # можно ли за), a Latin/Cyrillic word begun is ordered by the kb's questions as a first word
    # is (close, not the answers' claim); not a pinyin reading run together from its letters
    # (numb: number, not num+banli), a Chinese word or pinyin typed before: as they were.
    latin_begun = not pinyin_first and not is_han(typed)
    def by_count(c: tuple[str, str, int]) -> tuple[int, int]:
        # how often the kb's questions and phrasings hold it (what readers type: expire, not
        # example, for ex), then how often the kb does
        said = d.asked.get(d.reading.get(c[1], c[1]) if c[1] in d.reading else c[1], 0) if asked and (
            not rest.strip() or bare and (len(word) < MIN_PREFIX or latin_begun and c[1] not in d.reading)) else 0
        return -said, -c[2]
    if pinyin_first:
        cands = sorted(readings, key=by_count) + sorted(words, key=by_count)
    else:
        cands = sorted(words + readings, key=by_count)
    if asked and words and is_han(typed) and fold_han(typed[-1]) != typed[-1]:
        cands = regional_first(cands, d)  # (the panel's: exact search's _confirm reads it as before)
    if not cands and mend is not None and not _acronym(typed) and mend(word):
        # a word being typed with a typo in it (растарж) goes on as its one-edit starts do
        # (расторж: расторжение), the kb's phrasings' likeliest first: a page, not nothing
        cands = sorted(((w, w, d.counts.get(w, 0)) for w in mended(d, word)), key=by_count)
    if not cands:
        # A few letters that start no kb word (the start of a stop word, "hav", or of a
        # word yet to come) say nothing yet: searched without them, not as an unknown word.
        # (Capitals are an acronym typed whole, INN, VK: a word, never dropped.)
        short = len(word) <= MAX_DROPPED and not _acronym(typed)
        return Completion(rest.rstrip(), typed, []) if short and rest.strip() else None
    if follows is not None and pinyin_first and len(cands) > 1:
        cands = _as_followed(cands[:FOLLOW_CANDIDATES], follows, rest)
    followed = False  # (the kb's phrasings said which word comes next: it stays first, the fit is not asked)
    if (after is not None and not pinyin_first and len(cands) > 1 and rest.strip() and not is_han(typed)
            and cands[0][1] not in d.reading):  # (a pinyin reading first: the ru/en phrasings say nothing of it)
        # a Latin/Cyrillic word begun after words the kb's phrasings go on from (сколько ст:
        # стоит, not the kb's frequent старый): the word they put next first (word_follows.py)
        was = cands[:FOLLOW_CANDIDATES]
        cands = after(was, rest)
        followed = cands is not was
    cands = cands[:MAX_EXPANSIONS]
    if fit is not None and rest.strip() and not followed:  # then the one that goes best with the rest of the query
        best = _best_fit([c[1] for c in cands], partial(fit, rest), fit_most(rest) if fit_most else math.inf)
        cands.insert(0, cands.pop(best))
    if (rest.strip() and cands[0][1].startswith(word) and (han := d.reading.get(cands[0][1])) is not None
            and han[:1] in _STOP_STARTS):
        # letters going on to a question word's reading (zen: zenmeban, 怎么办) ask nothing yet, as a
        # trailing 怎 does: the words typed before carry the ranking, searched without them (not
        # syllables typed before joined with them: zenme ban is the question word typed whole)
        return Completion(rest.rstrip(), typed, [])
    return Completion(rest + cands[0][0], typed, [c[1] for c in cands])


def _best_fit(cands: list[str], fit: Callable[[str], float], most: float) -> int:
    """The candidate ``fit`` rates best, the earlier of equals (max by (fit, -place)), asking no
    more once one fits ``most``, which none can beat (~10 us a fit: a word analysed, its documents)."""
    best, top = 0, -math.inf
    for i, c in enumerate(cands):
        got = fit(c)
        if i == 0 or got > top:
            best, top = i, got
            if got >= most:
                break
    return best


def regional_first(cands: list[tuple[str, str, int]], d: Dictionary) -> list[tuple[str, str, int]]:
    """A Traditional character's completions with the Taiwan/HK word first (門: 門號, not the
    kb's 门户) when the kb word it stands for (号码) is asked ASKED_ON times as often as any of
    the kb's own completions, and at least MIN_ASKED_ON: a Traditional reader writes the shared
    words too (電: 電話 stays first; 電信業者, the kb's 运营商, is not asked that much more)."""
    def asked(c: tuple[str, str, int]) -> int:
        return d.asked.get(d.meant.get(c[1], c[1]), 0)
    regional = [i for i, c in enumerate(cands) if c[1] in d.meant]
    if not regional:
        return cands
    best = max(regional, key=lambda i: (asked(cands[i]), -i))
    own = max((d.asked.get(c[1], 0) for c in cands if c[1] not in d.meant), default=0)
    if asked(cands[best]) < max(MIN_ASKED_ON, ASKED_ON * own):
        return cands
    return [cands[best], *cands[:best], *cands[best + 1:]]


def _as_followed(cands: list[tuple[str, str, int]], follows: Callable[[str, list[str]], list[int]],
                 rest: str) -> list[tuple[str, str, int]]:
    """``cands`` with those the kb's Chinese phrasings go on to from the pinyin typed before
    first, the most often first (a stable sort; at least MIN_FOLLOWS phrasings): the last two
    words run together, else the last one (zhuxiao yu: 注销 … 余额, yue; tui dao g: 退到国内, guonei)."""
    words = rest.lower().split()
    for before in ("".join(words[-2:]), *words[-1:]):
        n = [k if k >= MIN_FOLLOWS else 0 for k in follows(before, [c[1] for c in cands])]
        if any(n):
            order = sorted(range(len(cands)), key=lambda i: -n[i])
            return [cands[i] for i in order]
    return cands


# -- question starts (what the entries' own questions begin with)

MIN_START = 2  # characters a typed start needs (one says nothing)
TOPIC_HEADS = 2  # categories' overviews (kb/categories.yaml's order) a query naming only the subject has in its top 3
STARTS_TELLING = 3  # a start tells an entry when at most this many begin so, or it holds this many and a 1/this share
STARTS_ADDED = 2  # entries the ranking left out that a half-typed query's starts bring in (the top 3 after the first)
MAX_PHRASINGS = 64  # an entry's phrasings looked at (question and alternatives, every language)
STARTS_KEPT = 4096  # entries whose phrasing keys Starts keeps
FOLDED_KEPT = 8192  # Han characters whose fold Starts keeps (the kb's and its readers' are far fewer)
NOT_WORD = re.compile(r"[\W_]+")  # what a question start's key drops (Starts.key; pinyin_starts too)


@dataclass
class Starts:
    """What entries' own phrasings begin with, filled as entries are shown (one per index
    version, panel_order.question_starts). The kb's alternatives are how readers ask: the
    entries with the most phrasings beginning as a half-typed query does are the likeliest
    to be what it will ask, as Algolia ranks a match at an attribute's start."""

    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)  # entry id -> its phrasings' keys, sorted
    # Han character -> the kb's Simplified one, folded once each: OpenCC costs ~30 µs a call,
    # too dear for every phrasing of a large kb; a character at a time is enough to compare starts
    folded: dict[int, str] = field(default_factory=dict)  # (by code point: a str.translate table)
    # every entry's phrasing keys as (key, the entry's place in the kb, entry id), sorted: made
    # by the first `starting` (a half-typed query's recall), bounded as `keys`
    index: list[tuple[str, int, str]] | None = None
    made: int = 0  # times `index` or `insides` was made here rather than read as built (Starts.read)
    # the keys of the phrasings' insides, from each word's start (each character's in Chinese),
    # at most INSIDE_CHARS long, sorted, and each one's entry id (two lists: read ~5x faster
    # than as many tuples): written by the build, at most INSIDE_KEPT of them
    insides: tuple[list[str], list[str]] | None = None
    # the last text keyed and its key: `count` keys one query once per hit of its page
    last: tuple[str, str] = field(default=("", ""), repr=False, compare=False)

    def key(self, text: str) -> str:
        """``text`` as starts compare it: lowercase, ё as е, Traditional characters as the kb's
        Simplified (號碼 as 号码), no spaces or punctuation (a cut mid-word matches)."""
        last = self.last
        if last[0] == text:
            return last[1]
        key = self._key(text)
        self.last = (text, key)
        return key

    def _key(self, text: str) -> str:
        key = NOT_WORD.sub("", text.lower().replace("ё", "е"))
        if key.isascii():
            return key
        table = self.folded
        new = {ord(c) for c in HAN_RE.findall(key)}.difference(table)
        if new:  # (a character at a time, folded once each; str.translate then does the rest in C)
            if len(table) + len(new) > FOLDED_KEPT:  # (queries come from the network: bounded)
                table = dict(table)
            for o in new:
                table[o] = fold_han(chr(o))
        return key.translate(table)

    def sorted_keys(self, entries: Iterable[tuple[str, Iterable[str]]]) -> list[tuple[str, int, str]]:
        """`index` of ``entries`` ((id, phrasings), in the kb's order): at most STARTS_KEPT
        entries, MAX_PHRASINGS phrasings each."""
        return sorted((k, n, eid) for n, (eid, phr) in enumerate(itertools.islice(entries, STARTS_KEPT))
                      for k in map(self.key, itertools.islice(phr, MAX_PHRASINGS)) if k)

    def make(self, entries: Callable[[], Iterable[tuple[str, Iterable[str]]]]) -> None:
        """`index` and `insides` as the build writes them, for a version built without them
        (``entries`` gives (id, phrasings), called once per array); counted in `made`."""
        if self.index is None:
            self.index = self.sorted_keys(entries())
        if self.insides is None:
            self.insides = self.sorted_insides(entries())
        self.made += 1

    def sorted_insides(self, entries: Iterable[tuple[str, Iterable[str]]]) -> tuple[list[str], list[str]]:
        """`insides` of ``entries`` ((id, phrasings)): at most STARTS_KEPT entries,
        MAX_PHRASINGS phrasings each, INSIDE_KEPT insides."""
        pairs = sorted(itertools.islice(
            ((k, eid) for eid, phr in itertools.islice(entries, STARTS_KEPT)
             for text in itertools.islice(phr, MAX_PHRASINGS) for k in inside_keys(text, self.key)), INSIDE_KEPT))
        return [k for k, _ in pairs], [eid for _, eid in pairs]

    @classmethod
    def read(cls, path: Path) -> Starts:
        """Starts with `index` as the build wrote it (layout.STARTS: marshal of
        `sorted_keys`, made once per version rather than by every searcher's first prefix
        query: ~0.4 s CPU at 10k entries); without it when the file is missing or unreadable."""
        try:
            raw = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return cls()
        if not isinstance(raw, dict) or raw.get("format") != STARTS_FORMAT or not isinstance(raw.get("index"), list):
            return cls()
        insides = raw.get("insides")  # (a version built before them has none: made by a query)
        return cls(index=raw["index"], insides=(insides[0], insides[1]) if isinstance(insides, list) and len(insides) == 2
                   else None)

    @staticmethod
    def dump(index: list[tuple[str, int, str]], insides: tuple[list[str], list[str]] | None = None) -> bytes:
        return marshal.dumps({"format": STARTS_FORMAT, "index": index,
                              **({"insides": list(insides)} if insides is not None else {})})

    def starting(self, query: str, entries: Callable[[], Iterable[tuple[str, Iterable[str]]]],
                 shortest: int = MIN_START) -> dict[str, int]:
        """Every entry with phrasings beginning as ``query`` does -> how many, in the kb's
        order: the entries a half-typed query may go on to although its words rank them low
        (what is a ba: what is a baohao card). A binary search in a sorted array of every
        entry's phrasing keys (``entries`` gives (id, phrasings) the first time: at most
        STARTS_KEPT entries, MAX_PHRASINGS phrasings each), at most MAX_SCAN keys looked at.
        ``shortest``: characters the typed start needs (one letter, when nothing else is found)."""
        typed = self.key(query)
        if len(typed) < max(1, shortest):
            return {}
        if self.index is None:  # (a version built before layout.STARTS: made by its first query)
            self.make(entries)
        assert self.index is not None
        found: dict[str, tuple[int, int]] = {}  # entry -> (its place in the kb, phrasings starting so)
        i = bisect.bisect_left(self.index, (typed,))
        for k, n, eid in self.index[i:i + MAX_SCAN]:
            if not k.startswith(typed):
                break
            found[eid] = (n, found.get(eid, (n, 0))[1] + 1)
        return {eid: c for eid, (_, c) in sorted(found.items(), key=lambda f: f[1][0])}

    def inside(self, query: str, entries: Callable[[], Iterable[tuple[str, Iterable[str]]]]) -> dict[str, int]:
        """The entries whose phrasings hold the phrase a half-typed query ends with, its last
        word going on there, -> how many times: its last words from a word's start ("do i pa":
        "do i pay a monthly fee"), or its last Chinese characters (号码被: 号码被收回), the
        longest phrase found deciding (inside_tails); none when it is in more than
        INSIDE_ENTRIES entries (it tells none of them). A binary search in a sorted array of
        the phrasings' insides (``entries`` gives (id, phrasings) the first time: at most
        INSIDE_KEPT insides), at most MAX_SCAN looked at per phrase."""
        tails = inside_tails(query, self.key)
        if not tails:
            return {}
        if self.insides is None:  # (a version built before the build wrote them: made by its first query)
            self.make(entries)
        assert self.insides is not None
        keys, owners = self.insides
        for tail in tails:
            found: dict[str, int] = {}
            i = bisect.bisect_left(keys, tail)
            for k, eid in zip(keys[i:i + MAX_SCAN], owners[i:i + MAX_SCAN], strict=True):
                if not k.startswith(tail):
                    break
                if len(k) > len(tail) and k[len(tail)] != " ":  # the last word goes on: it was begun
                    found[eid] = found.get(eid, 0) + 1
            if found:  # the longest phrase found decides; one in too many entries tells none
                return found if len(found) <= INSIDE_ENTRIES else {}
        return {}

    def count(self, entry: str, phrasings: Callable[[], Iterable[str]], query: str) -> int:
        """How many of ``entry``'s phrasings (at most MAX_PHRASINGS; ``phrasings`` gives them
        the first time) begin as ``query`` does; 0 under MIN_START characters."""
        typed = self.key(query)
        if len(typed) < MIN_START:
            return 0
        keys = self.keys.get(entry)
        if keys is None:  # (sorted: those beginning so are one range, two binary searches)
            keys = tuple(sorted(k for k in map(self.key, itertools.islice(phrasings(), MAX_PHRASINGS)) if k))
            if len(self.keys) < STARTS_KEPT:
                self.keys[entry] = keys
        return bisect.bisect_left(keys, typed + _AFTER_ALL) - bisect.bisect_left(keys, typed)


_AFTER_ALL = "\U0010ffff"  # (after every string beginning so: the end of a prefix's range in sorted keys)


# -- phrases inside the entries' phrasings (twelfth round)

MIN_INSIDE_WORDS = 3  # Latin/Cyrillic words (the last one begun) a phrase needs ("do i pa", "код из с")
MAX_INSIDE_WORDS = 6  # words looked at before the cursor
MIN_INSIDE_HAN = 2  # Chinese characters (the last one typed) a phrase needs (号码被, 备份)
MAX_INSIDE_HAN = 8
INSIDE_PLACE = 2  # where the entry best holding it goes in the hits (third: the first two stay)
INSIDE_ENTRIES = 8  # a phrase found in more entries' phrasings than this tells none of them
INSIDE_CHARS = 48  # characters of a phrasing's inside kept from its start
INSIDE_KEPT = 1 << 18  # insides kept (a large kb's beyond them are not looked in)
# a run of Chinese characters, or a word of other letters and digits (an inside begins at a
# word or at any Chinese character)
_LETTERS = re.compile(r"[^\W_]+")  # (between two Han runs: a word of other letters and digits)


def _runs(text: str) -> Iterator[str]:
    """The runs of ``text``, in order: each Han run (analysis.HAN_RUN_RE) and each word of other
    letters and digits between them; what `[{HAN_CHARS}]+|[^\\W_{HAN_CHARS}]+` finds, without
    compiling a second Han class (one was ~3-7 ms of a fresh process's first panel query)."""
    at = 0
    for m in HAN_RUN_RE.finditer(text):
        yield from _LETTERS.findall(text, at, m.start())
        yield m.group()
        at = m.end()
    yield from _LETTERS.findall(text, at)


def inside_key(text: str, key: Callable[[str], str]) -> tuple[str, list[int]]:
    """``text`` as insides compare it (`key`ed run by run, one space between two Latin or
    Cyrillic words, none next to a Chinese character), and where each piece (a word, a
    Chinese character) begins in it."""
    out, at = "", list[int]()
    last_han = True
    for run in _runs(text.lower().replace("ё", "е")):
        han = is_han(run[0])
        if out and not han and not last_han:
            out += " "
        keyed = key(run) if han else run  # (a word of letters and digits is its own key)
        at.extend(range(len(out), len(out) + len(keyed)) if han else (len(out),))
        out += keyed
        last_han = han
    return out, at


def inside_keys(text: str, key: Callable[[str], str]) -> Iterator[str]:
    """``text``'s insides as `Starts.inside` compares them: from each Latin/Cyrillic word's
    start, at most INSIDE_CHARS + 1 characters, and from each Chinese character, MAX_INSIDE_HAN
    + 1 (a Chinese tail is no longer; the one more says whether the phrasing goes on)."""
    whole, at = inside_key(text[:MAX_INSIDE_TEXT], key)
    for i in at:
        yield whole[i:i + (MAX_INSIDE_HAN if is_han(whole[i]) else INSIDE_CHARS) + 1]


MAX_INSIDE_TEXT = 1024  # characters of a phrasing looked at


def ends_begun(query: str, d: Dictionary) -> bool:
    """The query's last word may be begun rather than typed whole: a Latin or Cyrillic word
    of one letter or not a kb word, a Chinese run not ending in a kb word (号码被, not 备份:
    an input method commits whole words, and a question typed whole ends in one)."""
    m = _LAST_WORD.search(query)
    if m is None:
        return False
    typed = m.group(1)
    if is_han(typed):
        return len(typed) < 2 or fold_han(typed[-2:]) not in d.counts
    word = typed.lower().replace("ё", "е")
    return len(word) == 1 or word not in d.counts


def inside_tails(query: str, key: Callable[[str], str]) -> list[str]:
    """The phrases a half-typed query ends with, longest first (inside_key): its last
    MAX_INSIDE_HAN to MIN_INSIDE_HAN Chinese characters, or its last MAX_INSIDE_WORDS to
    MIN_INSIDE_WORDS Latin/Cyrillic words; none when a space ended the last word."""
    if query[-1:].isspace():
        return []
    whole, at = inside_key(query[-MAX_INSIDE_TEXT:], key)
    if not at:
        return []
    han = is_han(whole[-1])
    most, least = (MAX_INSIDE_HAN, MIN_INSIDE_HAN) if han else (MAX_INSIDE_WORDS, MIN_INSIDE_WORDS)
    out = []
    for n in range(min(len(at), most), least - 1, -1):
        tail = whole[at[-n]:]
        if len(tail) <= INSIDE_CHARS and all(is_han(c) == han for c in tail if c != " "):
            out.append(tail)
    return out


# -- a last word cut mid-way that the kb lacks (Latin and Cyrillic)

GENERAL_FORMAT = 2  # dump_general's (1: a list; 7.5 MB of str objects per process)
GENERAL_LANGS = ("en", "ru")  # wordfreq's lists read (its "small" ones: ~86,000 words)
MIN_CUT = 3  # letters a last word needs to be read as cut mid-way
MAX_GENERAL_WORD = 24  # letters of the longest general word kept
_CYRILLIC = re.compile(r"[\u0400-\u04ff]+")


@dataclass(frozen=True)
class General:
    """Words in general use, sorted, one string per script, each word between newlines
    ("\\nword\\n"), and where the words of each two first letters lie in it: a word and the
    words it begins are one bounded `str.find` away (a few hundred characters), and the
    strings take ~1.3 MB rather than the 7.5 MB of as many str objects."""

    latin: str = "\n"
    cyrillic: str = "\n"
    spans: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # two first letters -> (start, end)

    def after(self, low: str) -> str | None:
        """What follows the first word beginning with ``low`` ("\\n": ``low`` is a word; a
        letter: only longer words begin so), None when no word does."""
        span = self.spans.get(low[:2])
        if span is None:
            return None
        text = self.latin if low.isascii() else self.cyrillic
        i = text.find("\n" + low, span[0], span[1])
        return None if i < 0 else text[i + 1 + len(low)]


def general_words() -> list[str]:
    """English and Russian words in general use (wordfreq's lists), lowercase, ё as е, sorted:
    what the build writes (layout.GENERAL). Build time only (wordfreq is never imported by a query)."""
    from wordfreq import get_frequency_dict

    return sorted({w.replace("ё", "е") for lang in GENERAL_LANGS for w in get_frequency_dict(lang, wordlist="small")
                   if w.isalpha() and MIN_CUT <= len(w) <= MAX_GENERAL_WORD})


def dump_general(words: list[str]) -> bytes:
    """``words`` (sorted, MIN_CUT letters at least) as `load_general` reads them."""
    texts: dict[bool, str] = {}
    spans: dict[str, tuple[int, int]] = {}
    for latin in (True, False):
        text = "\n"
        for w in (w for w in words if (w.isascii() if latin else _CYRILLIC.fullmatch(w))):  # (not café: no
            # query word is matched in it, and its two letters are an ASCII word's)
            if w[:2] not in spans:
                spans[w[:2]] = (len(text) - 1, len(text) - 1)
            text += w + "\n"
            spans[w[:2]] = (spans[w[:2]][0], len(text))
        texts[latin] = text
    return marshal.dumps({"format": GENERAL_FORMAT, "latin": texts[True], "cyrillic": texts[False],
                          "spans": {k: list(v) for k, v in spans.items()}})


def load_general(data: bytes) -> General:
    """`dump_general`'s words (ValueError for another format)."""
    raw = marshal.loads(data)
    if (not isinstance(raw, dict) or raw.get("format") != GENERAL_FORMAT or not isinstance(raw.get("latin"), str)
            or not isinstance(raw.get("cyrillic"), str) or not isinstance(raw.get("spans"), dict)):
        raise ValueError("general words: another format")
    return General(raw["latin"], raw["cyrillic"], {k: (v[0], v[1]) for k, v in raw["spans"].items()})


def cut_mid_word(query: str, d: Dictionary | None, general: General) -> bool:
    """The last word, still being typed (the caller's check: no space after it), is a Latin or
    Cyrillic word cut mid-way that the kb lacks (узбекиста, paperwo; претенз, which kb words
    go on from but is no word itself): at least MIN_CUT letters, neither a kb word nor a word
    in general use (``general``), while a longer word in general use or in the kb begins with
    it. "No direct answer" on it would be a verdict on a guess: the reader is typing (as
    still_typing). A word typed whole stays declined, known to the kb or not (погода,
    vietnam), and so does a name no word begins with (Kcell) or an acronym (VK). One find
    and one binary search."""
    m = _LAST_WORD.search(query)
    if d is None or m is None or is_han(m.group(1)) or _acronym(m.group(1)):
        return False
    low = m.group(1).lower().replace("ё", "е")
    if len(low) < MIN_CUT or low in d.counts:
        return False
    after = general.after(low)
    if after == "\n":  # a word in general use, typed whole
        return False
    return after is not None or starts_word(d, low)
