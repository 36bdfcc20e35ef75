"""Did-you-mean, built at index time and bounded at query time.

Latin and Cyrillic words: a symmetric-delete map (SymSpell's idea): every kb word and each
of its one-character deletions point to the word, so a query word and its own deletions
find candidates within two edits (substitution, insertion, deletion, transposition) in
at most len+1 dictionary lookups, never a walk over the vocabulary. Han: windows of 2-4
characters that are not kb words but sound exactly like one (注消 → 注销, the IME typo).

Rules (each tested by name in tests/test_spelling.py):
- a word the kb knows (or another form of it: same stem) is never corrected;
- a function word (吗, ли, the) is never corrected, nor a Han window holding one;
- words with digits are kept as typed (Tele2, 4G);
- a correction keeps the typed case (Tele → Tele2-like brands stay capitalised);
- at most MAX_FIXES words are corrected and MAX_CHECKED examined per query, words longer
  than MAX_WORD are left alone, and each word costs at most len+1 lookups and
  MAX_CANDIDATES edit distances: the work per query is bounded by these constants.
"""

from __future__ import annotations

import re

from .analysis import CYR_RE, STOP, PinyinTable, fold_cyrillic, is_han, stem_cyrillic, stem_latin

MAX_FIXES = 3          # corrections per query
MAX_CHECKED = 8        # unknown words examined per query
MAX_WORD = 24          # longer "words" are not typos of kb words
MAX_CANDIDATES = 24    # words verified per query word (by frequency)
MAX_HAN = 64           # Han characters examined per query
PER_KEY = 16           # words kept per deletion key at build time (most frequent first)

_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\u0400-\u04ff][A-Za-z0-9\u00c0-\u024f\u0400-\u04ff]*|[0-9]+[A-Za-z]\w*")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
_STOP_HAN_CHARS = {w for w in STOP["zh"] if len(w) == 1}


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

    def __init__(self, vocab: dict[str, int], stems: frozenset[str], deletes: dict[str, list[str]],
                 han_by_pinyin: dict[str, str], table: PinyinTable) -> None:
        self.vocab, self.stems, self.deletes = vocab, stems, deletes
        self.han_by_pinyin, self.table = han_by_pinyin, table
        self.lookups = 0  # dictionary lookups of the last correct() call (tests bound the work)

    def known(self, word: str) -> bool:
        low = fold_cyrillic(word)
        if low in self.vocab or low in STOP["en"] or low in STOP["ru"]:
            return True
        stem = stem_cyrillic(low) if CYR_RE.match(low) else stem_latin(low)
        return stem in self.stems  # another form of a word the kb has (cancelling → cancel)

    def word(self, typed: str) -> str | None:
        """The nearest kb word to ``typed``, or None (known, too short/long, digits, no candidate)."""
        low = fold_cyrillic(typed)
        if len(low) < 3 or len(low) > MAX_WORD or any(c.isdigit() for c in low) or self.known(low):
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
        return _with_case(typed, best[1]) if best else None

    def han(self, run: str, budget: int) -> tuple[str, int]:
        """Replace windows of 2-4 characters that are not kb words but sound like one;
        never a window holding a function word (号吗 is not 号码). Returns (run, fixes)."""
        out, i, fixes = [], 0, 0
        while i < len(run):
            step, piece = 1, run[i]
            for size in (4, 3, 2):
                window = run[i:i + size]
                if len(window) < size:
                    continue
                self.lookups += 1
                if window in self.vocab:
                    step, piece = size, window
                    break
                if fixes < budget and not any(c in _STOP_HAN_CHARS for c in window):
                    cand = self.han_by_pinyin.get("".join(self.table.of(window)))
                    if cand and len(cand) == size:
                        step, piece = size, cand
                        fixes += 1
                        break
            out.append(piece)
            i += step
        return "".join(out), fixes

    def correct(self, query: str) -> str | None:
        """``query`` with typos replaced, or None when nothing was corrected."""
        self.lookups = 0
        fixes, checked, han_left = 0, 0, MAX_HAN
        pieces: list[tuple[int, int, str]] = []
        for m in sorted([*_WORD.finditer(query), *_HAN_RUN.finditer(query)], key=lambda m: m.start()):
            if fixes >= MAX_FIXES:
                break
            text = m.group()
            if is_han(text):
                if han_left <= 0:
                    continue
                run = text[:han_left]
                han_left -= len(run)
                fixed, n = self.han(run, MAX_FIXES - fixes)
                if n:
                    fixes += n
                    pieces.append((m.start(), m.start() + len(run), fixed))
                continue
            if checked >= MAX_CHECKED:
                continue
            if not self.known(text):
                checked += 1
                word = self.word(text)
                if word and word != text:
                    fixes += 1
                    pieces.append((m.start(), m.end(), word))
        if not pieces:
            return None
        out, last = [], 0
        for start, end, fixed in pieces:
            out += [query[last:start], fixed]
            last = end
        out.append(query[last:])
        return "".join(out)
