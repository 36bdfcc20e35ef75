"""Did-you-mean, built at index time and bounded at query time.

Latin and Cyrillic words: a symmetric-delete map (SymSpell's idea): every kb word and each
of its one-character deletions point to the word, so a query word and its own deletions
find candidates within two edits (substitution, insertion, deletion, transposition) in
at most len+1 dictionary lookups, never a walk over the vocabulary. Han: windows of 2-4
characters that are not kb words but sound exactly like one (注消 → 注销, the IME typo).

Rules (each tested by name in tests/test_spelling.py):
- a word the kb knows (or another form of it: same stem) is never corrected;
- a plain word of the language the kb lacks is never corrected either (visa is not a typo of
  via, weather not of whether, 天气 not of 天起): at build time the general word lists
  (jieba's dictionary for Chinese, wordfreq's "small" lists for Russian and English) are run
  through the speller once, and only the words it WOULD correct are stored (`plain`, a
  small set); at query time that is one set lookup per word. Such a word is also what
  `answered` counts as unknown (engine/coverage.py), instead of a typo of a kb word;
- a function word (吗, ли, the) is never corrected, nor a Han window holding one, nor one
  that would cut a kb or plain word in two (可以辦理 is not 可一般理);
- Russian typed in Latin letters (translit: vozvrat balansa, rastorzhenie dogovora) is read
  as the kb's Russian word spelled alike (`translit_key`: one key per spelling, the usual
  informal and GOST variants, soft signs and doubled letters left out), when no Latin kb word
  is one edit away (balanse is balance; balansa is баланса); a plain English word never is;
- words with digits are kept as typed (Tele2, 4G);
- a query typed in pinyin is not "corrected" into English (gei is not a typo of get);
- a correction keeps the typed case (Tele → Tele2-like brands stay capitalised);
- at most MAX_FIXES words are corrected (translit readings aside) and MAX_CHECKED examined per query, words longer
  than MAX_WORD are left alone, and each word costs at most len+1 lookups and
  MAX_CANDIDATES edit distances: the work per query is bounded by these constants.
"""

from __future__ import annotations

import marshal
import re
from collections.abc import Callable

from .analysis import (
    CYR_RE,
    HAN_RUN_RE,
    HAN_VARIANTS,
    STOP,
    PinyinTable,
    fold_cyrillic,
    fold_han,
    is_han,
    stem_cyrillic,
    stem_latin,
)

MAX_FIXES = 3          # corrections per query
MAX_CHECKED = 8        # unknown words examined per query
MAX_WORD = 24          # longer "words" are not typos of kb words
MAX_CANDIDATES = 24    # words verified per query word (by frequency)
MAX_HAN = 64           # Han characters examined per query
PER_KEY = 16           # words kept per deletion key at build time (most frequent first)

# Plain words (build time only). wordfreq's "small" lists hold the words seen at least once
# per million words (en ~29k, ru ~61k forms); typos that common are words of their own.
# jieba's dictionary counts are corpus counts: IME typos it lists (注消 3, 冻洁 3, 主销 2) sit
# far below everyday words (天气 2657, 签证 444), so Han words need at least HAN_PLAIN_MIN.
PLAIN_LANGS = ("en", "ru")
HAN_PLAIN_MIN = 20
SPELLING_FORMAT = 2

_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\u0400-\u04ff][A-Za-z0-9\u00c0-\u024f\u0400-\u04ff]*|[0-9]+[A-Za-z]\w*")
_PINYIN_WORD = re.compile(r"[A-Za-z]+")
_STOP_HAN_CHARS = {w for w in STOP["zh"] if len(w) == 1}


# translit: a Latin spelling and a Cyrillic word share a key when the first is one of the
# usual ways of typing the second (informal, GOST, ISO 9 without diacritics; я/ю with or
# without their y: otklyuchenie, otkluchenie); longest units first
_LATIN_PAIRS = (("shch", "sh"), ("sch", "sh"), ("ch", "\x01"), ("kh", "h"), ("tz", "ts"), ("ya", "a"), ("ja", "a"),
                ("yu", "u"), ("ju", "u"), ("yo", "e"), ("jo", "e"), ("ye", "e"), ("je", "e"))  # in this order
_LATIN_KEY = str.maketrans({"y": "i", "j": "i", "x": "ks", "w": "v", "q": "k", "c": "ts", "'": "", "\x01": "ch"})
_CYR_KEY = str.maketrans({"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
                          "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
                          "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts",
                          "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "u",
                          "я": "a"})
_LATIN_WORD = re.compile(r"[a-z']+")
_CYR_WORD = re.compile(r"[а-яё]+")
MIN_TRANSLIT = 3  # letters a Latin word needs to be read as a Russian kb word (two: a function word, za, ot)
MIN_TRANSLIT_STEM = 4  # letters left when an ending is cut (otkluchen-ie: отключен-ия)
TRANSLIT_ENDING = 2  # letters of an ending (of the kb's word, of the typed one) that may differ


_DOUBLED = re.compile(r"(.)\1+")


def _undouble(key: str) -> str:
    return _DOUBLED.sub(r"\1", key)


def translit_key(word: str) -> str | None:
    """The key of a Latin spelling of a Russian word (vozvrat, rastorzheniye, den'gi) or
    of a Cyrillic word (возврат, расторжение, деньги): equal when one is a usual way of
    typing the other. None for anything else (digits, mixed scripts)."""
    low = word.lower()
    if _CYR_WORD.fullmatch(low):
        return cyrillic_keys([low])[0]
    return latin_keys([low])[0] if _LATIN_WORD.fullmatch(low) else None


def cyrillic_keys(words: list[str]) -> list[str]:
    """translit_key of lowercase Cyrillic words, all at once (translit_map keys every kb
    word: one pass over them joined, as latin_keys)."""
    return _undouble("\n".join(words).replace("сч", "щ").translate(_CYR_KEY)).split("\n")  # счёт is typed schet


def latin_keys(words: list[str]) -> list[str]:
    """translit_key of lowercase Latin words, all at once (a build checks every plain
    English word: one pass of C-level replaces over them joined, not one per word)."""
    text = "\n".join(words)
    for pair, key in _LATIN_PAIRS:
        text = text.replace(pair, key)
    return _undouble(text.translate(_LATIN_KEY)).split("\n")


def translit_map(vocab: dict[str, int]) -> dict[str, str]:
    """Each key of the kb's Russian words (and Russian function words) -> its most frequent
    word, and each key less its last one or two letters, marked "~" -> the most frequent word
    ending so (another form: otkluchenie finds отключения by otkluchen~): what a Latin spelling
    is looked up in (Speller.russian). Made at a process's first Latin word no kb word is one
    edit from, so its cost is one pass of C-level replaces over the words joined (no stemming)."""
    words = sorted((w for w in vocab if len(w) >= MIN_TRANSLIT and _CYR_WORD.fullmatch(w)),
                   key=lambda w: (-vocab[w], w))
    keys = cyrillic_keys(words) if words else []
    out: dict[str, str] = {}
    for word, key in zip(words, keys, strict=True):
        out.setdefault(key, word)
        for cut in range(1, TRANSLIT_ENDING + 1):
            if len(key) - cut >= MIN_TRANSLIT_STEM:
                out.setdefault("~" + key[:-cut], word)
    for stop in sorted(STOP["ru"]):
        if (spelled := translit_key(stop)):
            out.setdefault(spelled, stop)
    return out


def _deletes(word: str) -> list[str]:
    return [word[:i] + word[i + 1:] for i in range(len(word))]


def build_deletes(vocab: dict[str, int]) -> dict[str, list[str]]:
    """The symmetric-delete map of the kb's Latin/Cyrillic words (built once per index)."""
    out: dict[str, list[str]] = {}
    for word, _count in sorted(vocab.items(), key=lambda kv: (-kv[1], kv[0])):
        if is_han(word) or not (3 <= len(word) <= MAX_WORD):
            continue
        for key in (word, *_deletes(word)):
            bucket = out.setdefault(key, [])
            if len(bucket) < PER_KEY and word not in bucket:
                bucket.append(word)
    return out


def build_plain(vocab: dict[str, int], stems: frozenset[str], deletes: dict[str, list[str]],
                han_by_pinyin: dict[str, str], table: PinyinTable, han_freq: dict[str, int]) -> list[str]:
    """The general-language words the speller would "correct" into a kb word (see the
    module's rules): what the index stores so that they are left alone at query time.
    ``han_freq`` is jieba's full dictionary (word -> count), already loaded by the build."""
    from wordfreq import get_frequency_dict  # build time only: never imported by a query

    speller = Speller(vocab, stems, deletes, han_by_pinyin, table)
    keys = deletes.keys()
    out: set[str] = set()
    # ~90k general words, most sharing no deletion key with any kb word: one C-level set test
    # each (deletion keys built inline: this loop is most of the cost), the speller itself
    # only for the rest (~10k).
    typos = Speller(vocab, stems, deletes, han_by_pinyin, table, translit={})  # the edits alone: translit below
    for lang in PLAIN_LANGS:
        words = [w for w in get_frequency_dict(lang, wordlist="small") if 3 <= len(w) <= MAX_WORD and w.isalpha()]
        for word in words:
            cands = [word[:i] + word[i + 1:] for i in range(len(word))]
            cands.append(word)
            if not keys.isdisjoint(cands) and typos.word(word) is not None:
                out.add(fold_cyrillic(word))
        # an English word spelled like a kb Russian word (tam, salon) is no Russian typed in Latin
        latin = [w for w in words if w.isascii()]
        spelled = speller.translit
        out.update(w for w, k in zip(latin, latin_keys(latin), strict=True)
                   if (k in spelled or "~" + k[:-1] in spelled or "~" + k[:-2] in spelled)
                   and speller.russian_key(k) is not None and not speller.known(w))
    # jieba's words in a few hundred thousand: the pinyin key first (one lookup misses for
    # almost all), the finer checks only for the few that sound like a kb word.
    chars = table.chars
    for word, count in han_freq.items():
        if count < HAN_PLAIN_MIN or not 2 <= len(word) <= 4:
            continue
        cand = han_by_pinyin.get("".join([chars.get(c, "") for c in word]))
        if (cand and cand != word and len(cand) == len(word) and is_han(word)
                and word.translate(HAN_VARIANTS) not in vocab  # as fold_han() reads it at query time
                and not any(c in _STOP_HAN_CHARS for c in word)):  # never corrected anyway
            out.add(word)
    return sorted(out)


def dump_spelling(deletes: dict[str, list[str]], plain: list[str]) -> bytes:
    """The version folder's did-you-mean file (layout.SPELLING)."""
    return marshal.dumps({"format": SPELLING_FORMAT, "deletes": deletes, "plain": plain})


def load_spelling(data: bytes) -> tuple[dict[str, list[str]], frozenset[str]]:
    """(deletion map, plain words); a version built before plain words has only the map."""
    raw = marshal.loads(data)
    if raw.get("format") == SPELLING_FORMAT and "deletes" in raw:
        return raw["deletes"], frozenset(raw["plain"])
    return raw, frozenset()


def edits(a: str, b: str, bound: int) -> int:
    """Damerau-Levenshtein distance, giving up above ``bound``."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > bound:
            return bound + 1
        prev2, prev = prev, cur
    return prev[-1]


def _with_case(typed: str, fixed: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return fixed.upper()
    if typed[:1].isupper():
        return fixed[:1].upper() + fixed[1:]
    return fixed


class Speller:
    """Corrections for one index version (its vocabulary, deletion map and pinyin table)."""

    def __init__(self, vocab: dict[str, int], stems: frozenset[str],
                 deletes: dict[str, list[str]] | Callable[[], tuple[dict[str, list[str]], frozenset[str]]],
                 han_by_pinyin: dict[str, str], table: PinyinTable, plain: frozenset[str] = frozenset(),
                 translit: dict[str, str] | None = None) -> None:
        """``deletes``: the deletion map, or a function returning (deletion map, plain words),
        called the first time either is needed (a query of kb words needs neither: a cold
        search does not read the version's spelling file for it). ``translit``: the map of
        Latin spellings to use (default: translit_map of ``vocab``, made on first need; an
        empty one reads no Latin word as Russian)."""
        self.vocab, self.stems = vocab, stems
        self._spelling = (deletes, plain) if isinstance(deletes, dict) else None
        self._load = None if isinstance(deletes, dict) else deletes
        self.han_by_pinyin, self.table = han_by_pinyin, table
        self.lookups = 0  # dictionary lookups of the last correct() call (tests bound the work)
        self._translit = translit

    def _loaded(self) -> tuple[dict[str, list[str]], frozenset[str]]:
        if self._spelling is None:
            assert self._load is not None
            self._spelling = self._load()
        return self._spelling

    @property
    def deletes(self) -> dict[str, list[str]]:
        """The deletion map: a deletion of a kb word -> the kb words it is one of."""
        return self._loaded()[0]

    @property
    def plain(self) -> frozenset[str]:
        """Plain words of the languages (never corrected into a kb word)."""
        return self._loaded()[1]

    @property
    def translit(self) -> dict[str, str]:
        """translit_map of the kb's words (made at the first Latin word it is asked about)."""
        if self._translit is None:
            self._translit = translit_map(self.vocab)
        return self._translit

    def known(self, word: str) -> bool:
        low = fold_cyrillic(word)
        if low in self.vocab or low in STOP["en"] or low in STOP["ru"]:
            return True
        stem = stem_cyrillic(low) if CYR_RE.match(low) else stem_latin(low)
        return stem in self.stems  # another form of a word the kb has (cancelling → cancel)

    def word(self, typed: str, memo: dict | None = None, unknown: bool = False) -> str | None:
        """The nearest kb word to ``typed``, or None (known, a plain word of the language,
        too short/long, digits, no candidate). ``memo``: one query's answers so far (see
        correct). ``unknown``: the caller has just seen `known` say no (the answer is the
        same; the word is not stemmed twice)."""
        if memo is not None:
            asked = ("word", typed)
            if asked not in memo:
                memo[asked] = self.word(typed, unknown=unknown)
            return memo[asked]
        low = fold_cyrillic(typed)
        if len(low) == 2 and low.isalpha() and low.isascii() and low not in STOP["en"]:
            russian = self.translit.get(translit_key(low) or "")  # za, ot: Russian function words
            return russian if russian in STOP["ru"] else None
        if (len(low) < 3 or len(low) > MAX_WORD or any(c.isdigit() for c in low) or (not unknown and self.known(low))
                or low in self.plain):  # the plain words (the spelling file) only for an unknown word
            return None
        cands: dict[str, None] = {}
        for key in (low, *_deletes(low)):
            self.lookups += 1
            for w in self.deletes.get(key, ()):
                cands[w] = None
            if len(cands) >= MAX_CANDIDATES:
                break
        bound = 1 if len(low) <= 5 else 2
        best = None
        for cand in list(cands)[:MAX_CANDIDATES]:
            d = edits(low, cand, bound)
            if d <= bound and (best is None or (d, -self.vocab.get(cand, 0)) < best[0]):
                best = ((d, -self.vocab.get(cand, 0)), cand)
        if (best is None or best[0][0] > 1) and low.isascii() and (russian := self.russian(low)):
            return russian
        return _with_case(typed, best[1]) if best else None

    def russian(self, low: str) -> str | None:
        """The kb's Russian word a lowercase Latin word spells (vozvrat: возврат), or a kb
        form of its stem (otkluchenie: отключения), or None."""
        key = translit_key(low) if len(low) >= MIN_TRANSLIT and self.translit else None
        return self.russian_key(key) if key else None

    def russian_key(self, key: str) -> str | None:
        """`russian` of a word by its translit_key: at most TRANSLIT_ENDING + 1 lookups."""
        self.lookups += 1
        if (word := self.translit.get(key)) is not None:
            return word
        for cut in range(1, TRANSLIT_ENDING + 1):
            if len(key) - cut >= MIN_TRANSLIT_STEM:
                self.lookups += 1
                if (word := self.translit.get("~" + key[:len(key) - cut])) is not None:
                    return word
        return None

    def han(self, run: str, budget: int, memo: dict | None = None) -> tuple[str, int]:
        """Replace windows of 2-4 characters that are not kb words but sound like one;
        never a window holding a function word (号吗 is not 号码) nor a plain word (天气 is not
        天起). Windows are looked up Simplified, as the kb's words are. Returns (run, fixes).
        ``memo``: one query's answers so far (see correct)."""
        if memo is not None:
            asked = ("han", run, budget)
            if asked not in memo:
                memo[asked] = self.han(run, budget)
            return memo[asked]
        out, i, fixes = [], 0, 0
        folded = fold_han(run)
        vocab, by_pinyin = self.vocab, self.han_by_pinyin
        plain: frozenset[str] | None = None  # the spelling file, read at the first window the kb lacks
        sounds: list[str] | None = None  # each character's reading, looked up once per run (not per window)
        while i < len(run):
            step, piece = 1, run[i]
            for size in (4, 3, 2):
                window = folded[i:i + size]
                if len(window) < size:
                    continue
                self.lookups += 1
                if window in vocab:
                    step, piece = size, run[i:i + size]
                    break
                if plain is None:
                    plain = self.plain
                if window in plain:
                    step, piece = size, run[i:i + size]
                    break
                if fixes < budget and _STOP_HAN_CHARS.isdisjoint(window):
                    if sounds is None:
                        sounds = self.table.of(folded)
                    cand = by_pinyin.get("".join(sounds[i:i + size]))
                    if cand and len(cand) == size and not self._splits_word(folded, i, size):
                        step, piece = size, cand
                        fixes += 1
                        break
            out.append(piece)
            i += step
        return "".join(out), fixes

    def _splits_word(self, folded: str, i: int, size: int) -> bool:
        """True if the window folded[i:i+size] cuts a word in two: its first character ends,
        or its last one starts, a kb or plain word (可以辦理: 以辦 sounds like 一般, but 辦理 is
        a word; 加值服務: 值服 sounds like 支付, but 服务 is a word). At most 2 lookups."""
        for pair in (folded[i - 1:i + 1] if i else "", folded[i + size - 1:i + size + 1]):
            if len(pair) == 2:
                self.lookups += 1
                if pair in self.vocab or pair in self.plain:
                    return True
        return False

    def _pinyin_query(self, query: str) -> bool:
        """Two or more Latin words, all of them pinyin syllables (eluosi haoma hui fenpei gei
        bieren ma): Chinese typed without characters, whose words are not English typos."""
        words = _PINYIN_WORD.findall(query)
        return len(words) >= 2 and all(self.table.split(w.lower()) is not None for w in words)

    def correct(self, query: str, memo: dict | None = None) -> str | None:
        """``query`` with typos replaced, or None when nothing was corrected. ``memo``: a
        dict the search of the same query passed to word() and han() (the ranking asks them
        about the same words and runs first), so no word or run is looked up twice."""
        self.lookups = 0
        fixes, checked, han_left = 0, 0, MAX_HAN
        pinyin: bool | None = None  # worked out once, only when a Latin word would be corrected
        pieces: list[tuple[int, int, str]] = []
        for m in sorted([*_WORD.finditer(query), *HAN_RUN_RE.finditer(query)], key=lambda m: m.start()):
            if fixes >= MAX_FIXES:
                break
            text = m.group()
            if is_han(text):
                if han_left <= 0:
                    continue
                run = text[:han_left]
                han_left -= len(run)
                fixed, n = self.han(run, MAX_FIXES - fixes, memo)
                if n:
                    fixes += n
                    pieces.append((m.start(), m.start() + len(run), fixed))
                continue
            if checked >= MAX_CHECKED:
                continue
            if not self.known(text):
                checked += 1
                word = self.word(text, memo, unknown=True)
                if word and word != text and pinyin is None:
                    pinyin = self._pinyin_query(query)
                if word and word != text and not pinyin:
                    # a Latin word read as Russian is one lookup, no edit: only MAX_CHECKED bounds those
                    fixes += not (text.isascii() and not word.isascii())
                    pieces.append((m.start(), m.end(), word))
        if not pieces:
            return None
        out, last = [], 0
        for start, end, fixed in pieces:
            out += [query[last:start], fixed]
            last = end
        out.append(query[last:])
        return "".join(out)
