"""Multilingual text analysis: the same pipeline for what we index and what users type.

    text ─ width fold ─ script runs ─┬─ Han:      Trad→Simp fold ─ jieba ─ stop words   (words)
                                     │            └─ char bigrams                        (bigrams)
                                     │            └─ pinyin syllables, pairs, initials   (pinyin)
                                     ├─ Cyrillic: lower ─ ё→е ─ Snowball ru ─ stop words (words)
                                     ├─ Latin:    lower ─ Snowball en ─ stop words       (words)
                                     │            └─ pinyin syllable split ("zhuxiao")   (pinyin, query only)
                                     └─ digits                                           (words)

Every piece is a small function; `Analyzer` composes them. Heavy resources (OpenCC, jieba,
pypinyin) load on first use, so a query without Han text never pays for them, and pypinyin
is used only when building (queries read the pinyin table the build stored in the index).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, chain, pairwise
from typing import Any, NamedTuple

# Bump when analysis changes (or how a build scores each entry's own question, selfscore.npy):
# the index fingerprint includes it, so old indexes rebuild.
ANALYSIS_VERSION = "9"

# The Han characters, defined once (indexing, spelling, language guessing, the relevance
# modules); HAN_CHARS is the inside of a character class, for the patterns that add to it.
# Ext A, the unified block, compatibility ideographs and the supplementary planes (𠮷, ext
# B-F), but not the Yijing hexagrams between the first two (U+4DC0-4DFF: symbols, not Han).
HAN_CHARS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_CYR = r"\u0400-\u04ff"
_LAT = r"A-Za-z\u00c0-\u024f"
RUN_RE = re.compile(
    rf"(?P<han>[{HAN_CHARS}]+)|(?P<cyr>[{_CYR}][{_CYR}0-9]*)|(?P<lat>[{_LAT}][{_LAT}0-9]*)|(?P<num>[0-9]+)"
)
HAN_RE = re.compile(rf"[{HAN_CHARS}]")
HAN_RUN_RE = re.compile(rf"[{HAN_CHARS}]+")  # the Han runs of RUN_RE


def is_han(text: str) -> bool:
    """True if ``text`` starts with a Han character (HAN_CHARS: any CJK block, 𠮷 included)."""
    return HAN_RE.match(text) is not None

CYR_RE = re.compile(rf"[{_CYR}]")
LAT_RE = re.compile(rf"[{_LAT}]")

READINGS_KEPT = 100_000  # PinyinTable.reading's memory of words
WORDS_KEPT = 100_000  # Analyzer's memory of Latin/Cyrillic words (their stems and stop-word test)
QUERY_HMM_MAX = 32  # Han characters in one query run above which jieba's HMM is skipped
# Han characters in a whole query (its quoted phrases included) above which no run of it gets
# the HMM: several quoted runs under QUERY_HMM_MAX each paid a Viterbi pass apiece (the
# slowest attack query, bench/adversarial.py); a reader's question has far fewer (golden: 34).
QUERY_HMM_BUDGET = 64

# Full-width ASCII (ＭＴＳ, ２０２５) → ASCII, one char for one char so offsets stay valid.
_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}

# OpenCC maps some Traditional characters to a Simplified variant that is not the one
# Simplified text uses (all configs give 帳單→帐单, not 账单). Fold those on both sides.
HAN_VARIANTS = str.maketrans({"帐": "账"})

STOP = {
    "zh": set("的 了 吗 呢 吧 啊 呀 么 和 与 及 是 在 我 我的 你 您 他 她 它 们 这 那 这个 那个 就 也 都 还 而 "
              "或 把 被 给 让 有 没 要 会 能 可 可以 怎么 怎样 如何 什么 为什么 哪 哪里 吗 嘛 请问 一下".split()),
    "ru": set("и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только "
              "ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни "
              "быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут "
              "где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под "
              "будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой "
              "тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой "
              "хоть после над больше тот через эти нас про всего них какая много разве три эту моя "
              "впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда "
              "конечно всю между это мой моей мою мои".split()),
    "en": set("a an and are as at be but by for if in into is it no not of on or such that the their "
              "then there these they this to was will with i my me do does did can how what when "
              "where which who why you your we our us am have has had so "
              # what is left of a contraction (I'm, don't, I've, it's; typed without the apostrophe too):
              # as words, 'm' of "I'm back" matched every alternative saying I'm (issue 19)
              "m s t d ll re ve don didn doesn isn aren wasn haven hasn couldn wouldn shouldn "
              "im ive dont didnt doesnt isnt cant".split()),
}


class Token(NamedTuple):
    """One analyzed word. A tuple: a build makes millions of them, and a frozen dataclass's
    __init__ (object.__setattr__ per field) was a tenth of the analysis."""

    text: str   # the indexed form (stem, folded word)
    start: int  # offsets into the original text, for highlighting
    end: int
    script: str  # han | cyr | lat | num


_token = Token._make  # Token from a tuple: a build makes millions (Analyzer.analyze)


# ---------------------------------------------------------------- small pieces

def fold_width(text: str) -> str:
    return text.translate(_WIDTH)


@lru_cache(maxsize=1)
def _tw2sp():
    import opencc

    return opencc.OpenCC("tw2sp")


def regional_pattern(regional: dict[str, str]) -> re.Pattern | None:
    """One alternation of the regional words, longest first (so 手机门号 wins over 门号)."""
    if not regional:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(regional, key=len, reverse=True)))


def to_mainland(run: str, regional: dict[str, str], pattern: re.Pattern | None) -> str:
    """A Han run in mainland vocabulary: OpenCC tw2sp for Taiwan phrases (簡訊→短信,
    網路→网络), then the reviewed words of kb/regional.yaml it lacks (門號→号码, 停話→停机).
    Lengths may change, so callers add the result's terms instead of replacing offsets."""
    out = _tw2sp().convert(run).translate(HAN_VARIANTS)
    return pattern.sub(lambda m: regional[m.group()], out) if pattern else out


_FIRST_CJK = "\u2e80"  # (below it, t2s changes no character: checked for every one; 帐 of HAN_VARIANTS is above)


@lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


def fold_han(run: str) -> str:
    """Traditional → Simplified, plus the variant fixes OpenCC does not make.
    Keeps one character for one character so token offsets stay valid."""
    if run.isascii() or max(run) < _FIRST_CJK:  # (Cyrillic: nothing to convert, and OpenCC costs ~3 µs a call)
        return run
    out = _opencc().convert(run)
    if len(out) != len(run):  # a phrase rule changed the length: convert char by char
        out = "".join(_opencc().convert(c) if len(_opencc().convert(c)) == 1 else c for c in run)
    return out.translate(HAN_VARIANTS)


def script_runs(text: str) -> Iterator[tuple[str, str, int]]:
    """(script, run, start offset) for each run of Han, Cyrillic, Latin or digits."""
    for m in RUN_RE.finditer(fold_width(text)):
        yield str(m.lastgroup), m.group(), m.start()


@lru_cache(maxsize=2)
def _stemmer(lang: str):
    import Stemmer  # PyStemmer: Snowball in C

    return Stemmer.Stemmer("russian" if lang == "ru" else "english")


def fold_cyrillic(word: str) -> str:
    return word.lower().replace("ё", "е")


def stem_cyrillic(word: str) -> str:
    """The Snowball stem, but a word of four letters or more that it would cut to two or fewer is
    kept whole: such words are acronyms and names typed in Cyrillic (есим → ес, имей → им, a
    stem имею and ими share), not inflections. Index and queries both stem through here."""
    folded = fold_cyrillic(word)
    stem = _stemmer("ru").stemWord(folded)
    return folded if len(stem) <= 2 < len(folded) - 1 else stem


def stem_latin(word: str) -> str:
    return _stemmer("en").stemWord(word.lower())


def han_bigrams(run: str) -> list[str]:
    """Character bigrams of a folded Han run (a lone character stands for itself):
    the recall net for words jieba splits differently in a query and a document."""
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


@lru_cache(maxsize=4096)  # a few thousand distinct readings; the table build asks for ~40k
def strip_tones(syllable: str) -> str:
    """'zhù' → 'zhu', 'lǜ' → 'lv' (the way pinyin is typed)."""
    s = unicodedata.normalize("NFD", syllable).replace("u\u0308", "v")
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


# Pinyin's tone-marked vowels as typed without them (ü as v, as strip_tones writes it): a query
# copied from a dictionary or typed with a tone keyboard ("zhùxiāo") is the toneless pinyin
# the kb's readings are.
_TONED = str.maketrans({**{c: v for v, cs in (("a", "āáǎà"), ("e", "ēéěè"), ("i", "īíǐì"), ("o", "ōóǒò"),
                                              ("u", "ūúǔù"), ("v", "ǖǘǚǜü")) for c in cs},
                        **{c: v for v, cs in (("A", "ĀÁǍÀ"), ("E", "ĒÉĚÈ"), ("I", "ĪÍǏÌ"), ("O", "ŌÓǑÒ"),
                                              ("U", "ŪÚǓÙ"), ("V", "ǕǗǙǛÜ")) for c in cs}})


def phrase_syllables(run: str, phrase: Callable[[str], list[str]]) -> list[str] | None:
    """``phrase(run)`` (a Han run's phrase-aware toneless syllables: the build's pypinyin,
    build/analyse.phrase_pinyin) when it gives each character one syllable of Latin letters;
    None when it does not (the character table reads the run then)."""
    syl = phrase(run)
    return syl if len(syl) == len(run) and all(s.isascii() and s.isalpha() for s in syl) else None


def untoned(query: str) -> str:
    """``query`` with pinyin tone marks taken off its Latin letters ("zhùxiāo" -> "zhuxiao");
    the same string when it has none (ASCII, Chinese, Cyrillic)."""
    return query if query.isascii() else query.translate(_TONED)


# ---------------------------------------------------------------- jieba

class Segmenter:
    """jieba segmentation, from the full dictionary or from a pruned one.

    jieba only ever looks up dictionary words that occur inside the sentence it cuts, so a
    dictionary holding just the words found in the KB's text (and the full dictionary's total
    frequency) cuts that text exactly as the full one does — and loads in milliseconds.
    """

    def __init__(self, freq: dict[str, int] | None = None, total: int | None = None) -> None:
        self._freq, self._total, self._tk = freq, total, None

    def tokenizer(self):  # (jieba is untyped)
        """The jieba tokenizer on this dictionary (analysis._tokenizer_class: its two
        hottest loops rewritten), made on first use."""
        if self._tk is None:
            import logging

            jieba = _import_jieba()
            jieba.setLogLevel(logging.WARNING)
            tk = _tokenizer_class(jieba)()
            if self._freq is None:
                tk.initialize()
            else:
                tk.FREQ, tk.total, tk.initialized = self._freq, self._total, True
            self._tk = tk
        return self._tk

    def record_walks(self, on: bool = True) -> dict[str, list[tuple[str, int]]]:
        """Start (or with ``on=False`` stop) keeping, per sentence jieba walks whole, the
        dictionary entries its walk met: prune_dictionary then reads them instead of
        walking the same substrings again (build time only: a query never records)."""
        tk = self.tokenizer()
        tk.walked = {} if on else None
        return tk.walked if on else {}

    def full_freq(self) -> tuple[dict[str, int], int]:
        tk = self.tokenizer()
        return tk.FREQ, tk.total

    def cut(self, run: str, hmm: bool = True) -> list[tuple[str, int, int]]:
        """Words with offsets, search mode: long words also yield their sub-words.
        ``hmm=False`` skips jieba's HMM guess at unknown words (its Viterbi pass is most of
        the cost of a long run of random characters)."""
        return self.tokenizer().search_cut(run, hmm)


@lru_cache(maxsize=1)
def _tokenizer_class(jieba: Any) -> Any:  # jieba: the module (untyped)
    """jieba's Tokenizer with its two hottest loops (get_DAG, calc: most of a build's
    segmentation time) written tighter, computing exactly what jieba's own do: the same
    dictionary walk, the same floats (log of the same counts, added in the same order) and
    the same tie-break (max over (score, end) tuples). tests/test_analysis_jieba.py
    compares the cuts with jieba's on the bundled kb and a synthetic corpus."""
    from math import log

    from jieba import finalseg

    class Tokenizer(jieba.Tokenizer):
        walked: dict[str, list[tuple[str, int]]] | None = None  # see Segmenter.record_walks
        initialized: bool  # (jieba's)

        def initialize(self, dictionary=None):
            # jieba reads its dictionary cache with marshal.load(file), ~0.63 s of CPU; the
            # file's bytes through marshal.loads give the same dict in ~0.25 s, and every
            # build (the full dictionary) pays it serially before its workers fork. Only
            # jieba's default case (its own dictionary, its cache in the temp folder, which
            # jieba trusts without a date check); anything else, or a cache that does not
            # read, takes jieba's own path.
            if (dictionary is None and not self.initialized and self.dictionary == jieba.DEFAULT_DICT
                    and not self.cache_file and not self.tmp_dir):
                import marshal
                import tempfile
                from pathlib import Path

                with self.lock:
                    try:
                        self.FREQ, self.total = marshal.loads((Path(tempfile.gettempdir()) / "jieba.cache").read_bytes())
                    except Exception:  # (as jieba: any failure to read the cache rebuilds it)
                        pass
                    else:
                        self.initialized = True
                        return
            super().initialize(dictionary)

        def get_DAG(self, sentence):
            self.check_initialized()
            if self.walked is not None:
                return self._recording_dag(sentence, self.walked)
            get = self.FREQ.get
            n = len(sentence)
            dag = {}
            for k in range(n):
                ends = []
                i = k
                f = get(sentence[k])
                while f is not None:  # the fragment is in the dictionary (counts are ints)
                    if f:
                        ends.append(i)
                    i += 1
                    if i >= n:
                        break
                    f = get(sentence[k:i + 1])
                dag[k] = ends or [k]
            return dag

        def _recording_dag(self, sentence, walked):
            """get_DAG, also keeping every dictionary entry the walk met (words and the
            zero-count prefixes) with its count: what prune_dictionary walks for again."""
            get = self.FREQ.get
            n = len(sentence)
            dag = {}
            met = []
            for k in range(n):
                ends = []
                i = k
                piece = sentence[k]
                f = get(piece)
                while f is not None:
                    met.append((piece, f))
                    if f:
                        ends.append(i)
                    i += 1
                    if i >= n:
                        break
                    piece = sentence[k:i + 1]
                    f = get(piece)
                dag[k] = ends or [k]
            walked[sentence] = met
            return dag

        def search_cut(self, sentence, hmm=True):
            """``list(self.tokenize(sentence, mode="search", HMM=hmm))``, for a run of Han
            characters, in one function: the dictionary walk and the best route are made
            in one right-to-left pass (a position's best path needs only the ones after
            it), keeping the counts the walk found instead of looking them up again, and
            jieba's generators (cut, __cut_DAG, tokenize: a fifth of its time) become
            loops over lists. The same words, offsets and floats as jieba's: a route's
            score is summed in jieba's order, and of equal scores the later end wins, as
            max() over (score, end) tuples picks it. Text jieba would split into blocks
            (characters outside its Han range) goes the stock way."""
            if not _JIEBA_HAN.fullmatch(sentence):
                return list(self.tokenize(sentence, mode="search", HMM=hmm))
            self.check_initialized()
            get = self.FREQ.get
            n = len(sentence)
            end = self._route(sentence) if self.walked is None else self._recording_route(sentence, self.walked)
            words = []
            x = 0
            if hmm:
                buf = ""
                while x < n:
                    y = end[x] + 1
                    if y - x == 1:
                        # A slice, as jieba's: a one-character run's word is then the run
                        # itself, and marshal's bytes depend on which strings are one object.
                        buf += sentence[x:y]
                    else:
                        if buf:
                            words += _unknown(buf, get)
                            buf = ""
                        words.append(sentence[x:y])
                    x = y
                if buf:
                    words += _unknown(buf, get)
            else:
                while x < n:
                    y = end[x] + 1
                    words.append(sentence[x:y])
                    x = y
            out = []
            start = 0
            for w in words:
                width = len(w)
                if width > 2:
                    for i in range(width - 1):
                        gram = w[i:i + 2]
                        if get(gram):
                            out.append((gram, start + i, start + i + 2))
                    if width > 3:
                        for i in range(width - 2):
                            gram = w[i:i + 3]
                            if get(gram):
                                out.append((gram, start + i, start + i + 3))
                out.append((w, start, start + width))
                start += width
            return out

        def _route(self, sentence):
            """Where the best path from each position goes next (its word's last character)."""
            get = self.FREQ.get
            n = len(sentence)
            logtotal = log(self.total)
            score = [0.0] * (n + 1)
            end = [0] * n
            for k in range(n - 1, -1, -1):
                i = k
                f = get(sentence[k])
                best = None
                best_end = k
                while f is not None:  # the fragment is in the dictionary (counts are ints)
                    if f:
                        cand = log(f) - logtotal + score[i + 1]
                        if best is None or cand >= best:  # later ends come later: ties go to them
                            best, best_end = cand, i
                    i += 1
                    if i >= n:
                        break
                    f = get(sentence[k:i + 1])
                if best is None:  # no word starts here: the character alone, counted as 1
                    best = log(1) - logtotal + score[k + 1]
                score[k], end[k] = best, best_end
            return end

        def _recording_route(self, sentence, walked):
            """_route, also keeping every dictionary entry the walk met (words and the
            zero-count prefixes) with its count, in jieba's walk order (positions left to
            right): what prune_dictionary walks for again."""
            get = self.FREQ.get
            n = len(sentence)
            logtotal = log(self.total)
            score = [0.0] * (n + 1)
            end = [0] * n
            mets = []
            for k in range(n - 1, -1, -1):
                i = k
                piece = sentence[k]
                f = get(piece)
                best = None
                best_end = k
                met = []
                while f is not None:
                    met.append((piece, f))
                    if f:
                        cand = log(f) - logtotal + score[i + 1]
                        if best is None or cand >= best:
                            best, best_end = cand, i
                    i += 1
                    if i >= n:
                        break
                    piece = sentence[k:i + 1]
                    f = get(piece)
                if best is None:
                    best = log(1) - logtotal + score[k + 1]
                score[k], end[k] = best, best_end
                mets.append(met)
            walked[sentence] = list(chain.from_iterable(reversed(mets)))
            return end

        def calc(self, sentence, DAG, route):
            n = len(sentence)
            route[n] = (0, 0)
            logtotal = log(self.total)
            get = self.FREQ.get
            for idx in range(n - 1, -1, -1):
                best = None
                for x in DAG[idx]:
                    cand = (log(get(sentence[idx:x + 1]) or 1) - logtotal + route[x + 1][0], x)
                    if best is None or cand > best:  # max(): the first of equal maxima
                        best = cand
                route[idx] = best

    def _unknown(buf, get):
        """__cut_DAG's handling of a run of single characters: one alone as it is, a
        dictionary word as its characters, anything else through jieba's HMM (finalseg:
        its Viterbi pass, remembered per run, as it depends on the run alone)."""
        if len(buf) == 1:
            return [buf]
        if get(buf):
            return list(buf)
        ends = _HMM_CUTS.get(buf)
        if ends is None:
            got = list(finalseg.cut(buf))
            if len(_HMM_CUTS) < HMM_CUTS_KEPT:
                _HMM_CUTS[buf] = tuple(accumulate(map(len, got)))
            return got
        # New strings cut from this run, as finalseg's are: never the remembered ones (marshal
        # writes a string met twice in a document's marks as a reference: other bytes).
        return [buf[i:j] for i, j in pairwise((0, *ends))]

    return Tokenizer


# jieba's block of Han characters (its re_han_default, letters aside): a run wholly inside it
# is one block to jieba, the case Tokenizer.search_cut computes itself.
_JIEBA_HAN = re.compile("[\u4E00-\u9FD5]+")
HMM_CUTS_KEPT = 50_000  # runs of unknown characters whose HMM cut is remembered (its word ends)
_HMM_CUTS: dict[str, tuple[int, ...]] = {}


def _import_jieba():
    """Import jieba without pkg_resources: jieba's _compat imports it (~60 ms) only to find
    its bundled files, and falls back to a plain open() when it is missing. Nor with its
    HMM's tables (jieba.finalseg: its import and regex ~20 ms, a tenth of a cold `faqkb
    search`): jieba's module takes a stand-in (_HMM) that imports them when first asked, i.e.
    by the first cut that guesses at an unknown word; a query of known words never does."""
    import sys

    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
        return jieba
    hmm = _HMM()
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` raise ImportError
    sys.modules["jieba.finalseg"] = hmm  # type: ignore[assignment]  # jieba's `from . import finalseg` takes it
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
        if sys.modules.get("jieba.finalseg") is hmm:
            del sys.modules["jieba.finalseg"]  # the real module imports normally from now on
    return jieba


class _HMM:
    """jieba.finalseg, imported on first use (thread-safe: a server's threads may cut at once)."""

    __spec__ = None  # what the import system asks of a module in sys.modules: no import for it

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._module: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if self._module is None:
            with self._lock:
                if self._module is None:
                    from importlib import import_module

                    self._module = import_module("jieba.finalseg")
        return getattr(self._module, name)


def prune_dictionary(full: dict[str, int], texts: Iterable[str],
                     walked: dict[str, list[tuple[str, int]]] | None = None) -> dict[str, int]:
    """The entries of ``full`` that occur as substrings of the Han runs of ``texts``.

    jieba's dictionary holds every prefix of every word (with frequency 0 if it is not a
    word itself), so extending a substring can stop at the first one it does not hold —
    the same walk jieba's own get_DAG makes. A run seen before adds nothing (skipped);
    the Han runs are script_runs' (width folding never touches Han characters).
    ``walked``: what jieba's walks over whole runs met (Segmenter.record_walks, with
    ``full`` as its dictionary): a run found there is not walked again."""
    kept: dict[str, int] = {}
    seen: set[str] = set()
    get = full.get
    walked = walked or {}
    for text in texts:
        for run in HAN_RUN_RE.findall(text):
            if run in seen:
                continue
            seen.add(run)
            run = fold_han(run)
            met = walked.get(run)
            if met is not None:
                kept.update(met)
                continue
            n = len(run)
            for i in range(n):
                for j in range(i + 1, n + 1):
                    piece = run[i:j]
                    f = get(piece)
                    if f is None:
                        break
                    kept[piece] = f
    return kept


# ---------------------------------------------------------------- pinyin

@dataclass
class PinyinTable:
    """Character → toneless pinyin (first reading), and the set of valid syllables.
    Built from pypinyin at index time and stored in the index, so queries never import it."""

    chars: Mapping[str, str]  # a dict, or lexicon.Readings as an index version stores it
    syllables: frozenset[str]
    # word -> joined reading, for word_marks: words repeat (Zipf); bounded, as queries use it too
    _readings: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    # word -> split(word): a Latin query word is split up to five times per query (analysis,
    # query language, pinyin sequence, pinyin read as characters, did-you-mean); bounded
    _splits: dict[str, tuple[str, ...] | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_pypinyin(cls) -> PinyinTable:
        from pypinyin.pinyin_dict import pinyin_dict

        chars = {}
        for code, readings in pinyin_dict.items():
            if is_han(chr(code)):
                chars[chr(code)] = strip_tones(readings.split(",")[0])
        syllables = {strip_tones(r) for rs in pinyin_dict.values() for r in rs.split(",")}
        return cls(chars, frozenset(s for s in syllables if s.isalpha() and s.isascii()))

    def of(self, run: str) -> list[str]:
        return [self.chars.get(c, "") for c in run]

    def reading(self, word: str) -> str:
        """``"".join(self.of(word))``, remembered for up to READINGS_KEPT words."""
        got = self._readings.get(word)
        if got is None:
            got = "".join([self.chars.get(c, "") for c in word])
            if len(self._readings) < READINGS_KEPT:
                self._readings[word] = got
        return got

    def split(self, word: str) -> list[str] | None:
        """'zhuxiaoyue' → ['zhu', 'xiao', 'yue']: fewest syllables; None if not pinyin.
        Remembered for up to READINGS_KEPT words."""
        if word in self._splits:
            kept = self._splits[word]
            return None if kept is None else list(kept)
        syl = self._split(word)
        if len(self._splits) < READINGS_KEPT:
            self._splits[word] = None if syl is None else tuple(syl)
        return syl

    def _split(self, word: str) -> list[str] | None:
        n = len(word)
        best: list[list[str] | None] = [None] * (n + 1)
        best[0] = []
        for i in range(n):
            here = best[i]
            if here is None:
                continue
            for j in range(i + 1, min(n, i + 6) + 1):
                there = best[j]
                if word[i:j] in self.syllables and (there is None or len(here) + 1 < len(there)):
                    best[j] = [*here, word[i:j]]
        return best[n]


def pinyin_terms(syllables: list[str]) -> list[str]:
    """Syllables and adjacent pairs joined: 注销 → zhu, xiao, zhuxiao. Pairs make a typed
    'zhuxiao' or a homophone typo 注消 meet the right word without exact characters."""
    syl = [s for s in syllables if s]
    return syl + [a + b for a, b in pairwise(syl)]


# ---------------------------------------------------------------- the analyzer

@dataclass
class Analyzed:
    words: list[Token]
    bigrams: list[str]
    pinyin: list[str]
    scripts: set[str]


class Analyzer:
    """Composes the pieces above. One instance per index: it holds the segmenter and the
    pinyin source (pypinyin when building, the stored table when querying)."""

    def __init__(self, segmenter: Segmenter, pinyin: PinyinTable | None = None,
                 word_pinyin: Callable[[str], list[str]] | None = None,
                 regional: dict[str, str] | None = None) -> None:
        self.segmenter = segmenter
        self.regional = regional or {}
        self._regional_re = regional_pattern(self.regional)
        self.table = pinyin
        self.word_pinyin = word_pinyin  # phrase-aware pinyin (pypinyin) at build time
        # Latin/Cyrillic run -> (stem, stop word?): words repeat (Zipf), and folding plus a
        # Snowball call per occurrence was a tenth of a build's analysis. Bounded (queries
        # use it too): past WORDS_KEPT words it stops remembering.
        self._words: dict[str, tuple[str, bool]] = {}

    def analyze(self, text: str, *, query: bool = False, pinyin: bool = True, hmm: bool = True) -> Analyzed:
        """Words (with offsets), Han bigrams and pinyin terms of ``text``. ``pinyin=False``
        skips the pinyin work for text whose pinyin is not indexed (answers); ``hmm=False``
        jieba's HMM (a query past QUERY_HMM_BUDGET: see query_hmm)."""
        allow_hmm = hmm
        want_pinyin = pinyin
        words: list[Token] = []
        bigrams: list[str] = []
        readings: list[str] = []
        scripts: set[str] = set()
        stop_zh, cut_run, known = STOP["zh"], self.segmenter.cut, self._words  # looked up once per text
        token = _token  # Token._make(tuple): half the cost of the NamedTuple's generated __new__ (timeit)
        for m in RUN_RE.finditer(text.translate(_WIDTH)):  # script_runs, without a generator per text
            script, run, start = str(m.lastgroup), m.group(), m.start()
            scripts.add(script)
            if script == "han":
                folded = fold_han(run)
                bigrams += han_bigrams(folded)
                # A query run longer than any question is no reader's phrasing: no HMM for it.
                hmm = allow_hmm and (not query or len(folded) <= QUERY_HMM_MAX)
                cut = cut_run(folded, hmm=hmm)
                words += [token((w, start + s, start + e, "han")) for w, s, e in cut if w not in stop_zh]
                if query and not run.isascii():
                    # Taiwan/HK vocabulary: the kb is written in mainland words, so a query's
                    # 門號 also asks for 号码 (the whole run's span: lengths may differ).
                    mainland = to_mainland(run, self.regional, self._regional_re)
                    if mainland != folded:
                        have = {w for w, _, _ in cut}
                        words += [Token(w, start, start + len(run), "han") for w, _, _ in self.segmenter.cut(mainland, hmm=hmm)
                                  if w not in have and w not in STOP["zh"]]
                        seen = set(bigrams)
                        bigrams += [b for b in han_bigrams(mainland) if b not in seen]
                if want_pinyin:
                    readings += self._han_pinyin(folded, query, cut)
            elif script == "cyr":
                got = known.get(run) or self._word(run, script)
                if not got[1]:
                    words.append(token((got[0], start, start + len(run), "cyr")))
            elif script == "lat":
                got = known.get(run) or self._word(run, script)
                if not got[1]:
                    words.append(token((got[0], start, start + len(run), "lat")))
                if query and want_pinyin and self.table is not None:
                    readings += self._latin_pinyin(run.lower())
            else:
                words.append(token((run, start, start + len(run), "num")))
        return Analyzed(words, bigrams, readings, scripts)

    def _word(self, run: str, script: str) -> tuple[str, bool]:
        """(stem, is a stop word) of a Latin or Cyrillic run, remembered (see __init__)."""
        if script == "cyr":
            got = (stem_cyrillic(run), fold_cyrillic(run) in STOP["ru"])
        else:
            got = (stem_latin(run), run.lower() in STOP["en"])
        if len(self._words) < WORDS_KEPT:
            self._words[run] = got
        return got

    def _han_pinyin(self, run: str, query: bool, cut: list[tuple[str, int, int]] | None = None) -> list[str]:
        table = self.table.of(run) if self.table else []
        if query or self.word_pinyin is None:
            # Pairs rescue homophone typos (注消 → zhuxiao); lone syllables cost ~10% of the
            # query time and add 0.009 MRR on the golden queries: keep both.
            return pinyin_terms(table)
        # Index: phrase-aware readings (银行 yinhang), the table's first readings too (so a
        # query read from the table still meets them), and each word's initials (zx).
        phrase = self.word_pinyin(run)
        terms = pinyin_terms(phrase)
        if table and table != phrase:
            terms += pinyin_terms(table)
        # ``cut``: the run's words as analyze() just cut them (the same cut: not a query,
        # so with HMM); cutting again was a fifth of a build's jieba time.
        for w, _, _ in cut if cut is not None else self.segmenter.cut(run):
            if len(w) >= 2:
                syl = self.word_pinyin(w)
                terms.append("".join(syl))
                terms.append("".join(s[0] for s in syl if s))
        return terms

    def _latin_pinyin(self, word: str) -> list[str]:
        syl = self.table.split(word) if word.isascii() and self.table is not None else None
        if not syl:
            return [word]  # initials like 'zx' or a joined word are matched as typed
        return list(dict.fromkeys([word, *pinyin_terms(syl)]))


def query_hmm(query: str) -> bool:
    """Whether a query's runs (quoted ones included) may use jieba's HMM at all."""
    return len(HAN_RE.findall(query)) <= QUERY_HMM_BUDGET


def guess_lang(text: str) -> str | None:
    """The language a query is written in, by its letters: Han → zh, Cyrillic → ru,
    Latin → en (pinyin is Latin too; the caller decides with the pinyin table)."""
    han, cyr, lat = len(HAN_RE.findall(text)), len(CYR_RE.findall(text)), len(LAT_RE.findall(text))
    if not (han or cyr or lat):
        return None
    # A Han character carries about as much as a short word: weigh it up.
    scores = {"zh": han * 3, "ru": cyr, "en": lat}
    return max(scores, key=scores.__getitem__)
