"""How well a half-typed Chinese query (Han or pinyin) fits an entry's own Chinese phrasings,
every typed character counted in order: the words a reader types before the subject is done
say the intent (几个 / 多久: how long, 提交…后: after applying, 被: done to me, 了: already
done) though the ranking reads them as filler or stop words. The fit is a weighted longest
common subsequence of the query's tokens with a phrasing's (question and alternatives, folded
to Simplified), each token weighted by how few entries' phrasings hold it, the last token a
prefix when it is Latin (a pinyin syllable or a word being typed); an entry's fit is its best
phrasing's. The live panel's hits after the first are re-ordered by the ranking's order and the
fit together (`panel_order.fit`; fifteenth round, docs/relevance.md).

Per request the work is bounded: at most MAX_FIT_HITS hits, MAX_PHRASINGS of each one's
phrasings, MAX_QUERY_TOKENS tokens of the query (its end) against MAX_PHRASING_TOKENS of a
phrasing, and a phrasing's tokens that match none of the query's are dropped before the
table is filled (a phrasing sharing no whole token with the query: a set look-up). The
weights (entries holding each token) and Follows are made at build (layout.FIT: `dump`, `load`),
or once by a version's first query when it was built before the file. At build a phrasing's Han
is read as pypinyin reads it phrase by phrase (银行 yin hang, 重新 chong xin: as readers type it),
and the phrasings whose reading differs from the character table's first readings keep theirs
(Weights.read), so a query never reads them from the table nor imports pypinyin."""

from __future__ import annotations

import itertools
import marshal
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from .analysis import HAN_RE, fold_han, phrase_syllables
from .kbase.model import Entry

MAX_FIT_HITS = 10  # hits re-ordered (the panel's page)
MAX_PHRASINGS = 64  # of an entry's Chinese phrasings looked at (as prefix.MAX_PHRASINGS)
MAX_QUERY_TOKENS = 24  # the query's last tokens compared
MAX_PHRASING_TOKENS = 48  # a phrasing's first tokens compared
FIT_SHARE = 0.5  # the fit's share of a hit's place beside the ranking's order
TOKENS_KEPT = 4096  # entries whose phrasings' tokens a version keeps
RANK_SPAN = 10  # the ranking's order as 1 - i / RANK_SPAN

# (Not yet analysis.HAN_CHARS: fold_han turns 嗰 into 𠮶, U+20BB6, which this class drops and
# HAN_CHARS keeps; a token more moves the MAX_QUERY_TOKENS cut: one dev query's fit signal.)
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[0-9a-z\u0400-\u04ff]+")

_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9a-z\u0400-\u04ff]+")  # _TOKEN's, Han as runs
Token = str | tuple[str]  # a whole token, or (start,): the last one, being typed
FORMAT = 2  # of dump (layout.FIT); a file of another is not read (2: Weights.read, phrase-aware readings)


def zh_phrasings(e: Entry) -> Iterator[str]:
    """An entry's Chinese question and alternatives (what the fit compares)."""
    t = e.translations.get("zh")
    if t is not None:
        yield t.question
        yield from t.alternatives


def dump(weights: Weights, follows: Follows) -> bytes:
    """The version's token weights and Follows, as the build writes them (layout.FIT): read
    back by `load` at a version's first half-typed Chinese query rather than made again."""
    return marshal.dumps({"format": FORMAT, "han": weights.han, "pinyin": weights.pinyin, "read": weights.read,
                          "texts": follows.texts, "holding": follows.holding})


def load(data: bytes) -> tuple[Weights, Follows]:
    """`dump`'s Weights and Follows (ValueError for a file of another format)."""
    raw = marshal.loads(data)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ValueError("not a phrasing fit of this format")
    follows = Follows((), {})
    follows.texts, follows.holding = raw["texts"], raw["holding"]
    return Weights(raw["han"], raw["pinyin"], read=raw["read"]), follows


def han_tokens(text: str) -> list[str]:
    """Each Han character (Simplified) and each Latin, Cyrillic or digit run (lowercase)."""
    return _TOKEN.findall(fold_han(text.lower()))


def pinyin_tokens(text: str, chars: Mapping[str, str], phrase: Callable[[str], list[str]] | None = None) -> list[str]:
    """han_tokens with each Han character read as its toneless syllable: the table's first reading,
    or at build time (``phrase``: build/analyse.phrase_pinyin) a Han run's phrase-aware ones."""
    if phrase is None:
        return [chars.get(t, t) if HAN_RE.match(t) else t for t in han_tokens(text)]
    out: list[str] = []
    for run in _RUN.findall(fold_han(text.lower())):
        if not HAN_RE.match(run):
            out.append(run)
            continue
        syl = phrase_syllables(run, phrase)
        out += [chars.get(c, c) for c in run] if syl is None else syl
    return out


def query_tokens(query: str, split: Callable[[str], list[str] | None]) -> tuple[list[Token], bool]:
    """The query's tokens and whether they are pinyin (no Han in it). A Han query's trailing
    Latin word and a pinyin query's last syllable (or the letters after the syllables that
    read whole: zhuxiaoy -> zhu, xiao, (y,)) are prefixes; pinyin words run together are split."""
    if HAN_RE.search(query):
        toks: list[Token] = list(han_tokens(query))
        if toks and not HAN_RE.match(str(toks[-1])) and query[-1:].isalnum():
            toks[-1] = (str(toks[-1]),)
        return toks, False
    words = query.lower().split()
    out: list[Token] = []
    for i, w in enumerate(words):
        last = i == len(words) - 1
        syl = split(w) if w.isalpha() and w.isascii() else None
        if syl and not last:
            out += syl
        elif syl:
            out += syl[:-1]
            out.append((syl[-1],))
        elif last:
            head = next((k for k in range(len(w) - 1, 0, -1) if split(w[:k])), 0)
            out += (split(w[:head]) or []) if head else []
            out.append((w[head:],))
        else:
            out.append(w)
    return out, True


@dataclass
class Weights:
    """Per token, the entries whose Chinese phrasings hold it, as an idf; counted once per
    version over every entry (han: characters and words; pinyin: their syllables)."""

    han: dict[str, float]
    pinyin: dict[str, float]
    # (entry id, pinyin?) -> its phrasings' tokens, for at most TOKENS_KEPT entries (cleared whole when full)
    held: dict[tuple[str, bool], list[list[str]]] = field(default_factory=dict)
    latin: dict[str, frozenset[str]] = field(default_factory=dict)  # entry id -> Weights.words, as bounded
    top: float | None = None  # the highest Han idf (Weights.rarest), found once
    # phrasing -> its pinyin tokens as the build read them (phrase-aware), where the character
    # table's first readings read it otherwise (重新 chong xin, not zhong xin)
    read: dict[str, list[str]] = field(default_factory=dict)

    def rarest(self) -> float:
        """The highest idf of a Han query's tokens (what a word only other languages hold counts)."""
        if self.top is None:
            self.top = max(self.han.values(), default=1.0)
        return self.top

    def words(self, key: str, own: Iterable[str]) -> frozenset[str]:
        """The Latin and Cyrillic words of an entry's phrasings in every language (``own``, the
        first MAX_PHRASINGS), lowercase, kept as tokens are."""
        got = self.latin.get(key)
        if got is None:
            if len(self.latin) >= TOKENS_KEPT:
                self.latin.clear()
            got = self.latin[key] = frozenset(t for p in itertools.islice(own, MAX_PHRASINGS)
                                              for t in _TOKEN.findall(p.lower()) if t.isalpha() and not HAN_RE.match(t))
        return got

    def tokens(self, key: str, pinyin: bool, own: Iterable[str], chars: Mapping[str, str]) -> list[list[str]]:
        """The tokens of an entry's first MAX_PHRASINGS Chinese phrasings (``own``), kept: the
        same entries are shown keystroke after keystroke."""
        got = self.held.get((key, pinyin))
        if got is None:
            if len(self.held) >= TOKENS_KEPT:
                self.held.clear()
            read = self.read
            got = self.held[(key, pinyin)] = [(read.get(p) or pinyin_tokens(p, chars)) if pinyin else han_tokens(p)
                                              for p in itertools.islice(own, MAX_PHRASINGS)]
        return got

    @classmethod
    def of(cls, phrasings: Iterable[Iterable[str]], chars: Mapping[str, str],
           phrase: Callable[[str], list[str]] | None = None) -> Weights:
        """``phrase``: a Han run's phrase-aware syllables (the build's); without, the table's."""
        han: Counter[str] = Counter()
        py: Counter[str] = Counter()
        read: dict[str, list[str]] = {}
        n = 0
        for own in phrasings:
            n += 1
            texts = list(itertools.islice(own, MAX_PHRASINGS))
            han.update({t for p in texts for t in han_tokens(p)})
            syllables: set[str] = set()
            for p in texts:
                toks = pinyin_tokens(p, chars, phrase)
                if phrase is not None and toks != pinyin_tokens(p, chars):
                    read[p] = toks
                syllables.update(toks)
            py.update(syllables)
        # (sorted: the Counters' order is the sets' above, PYTHONHASHSEED's; `dump` writes it)
        return cls({t: math.log((n + 1) / (k + 0.5)) for t, k in sorted(han.items())},
                   {t: math.log((n + 1) / (k + 0.5)) for t, k in sorted(py.items())}, read=read)


def fit(query: list[Token], phrasing: list[str], idf: Mapping[str, float], floor: float = 0.0) -> tuple[float, int]:
    """The weighted longest common subsequence of ``query`` with ``phrasing`` (a token's weight
    its idf, 1 for one unknown), and the table cells filled (the work, bounded by
    MAX_QUERY_TOKENS x MAX_PHRASING_TOKENS); 0 when the phrasing's matching tokens together
    weigh no more than ``floor`` (a better phrasing's fit already)."""
    query = query[-MAX_QUERY_TOKENS:]
    return _fit(query, *_typed(query), phrasing, idf, floor)


def _typed(query: list[Token]) -> tuple[set[str], tuple[str, ...]]:
    """The query's whole tokens, and the starts of those being typed."""
    return {q for q in query if isinstance(q, str)}, tuple(q[0] for q in query if isinstance(q, tuple))


def _fit(query: list[Token], whole: set[str], begun: tuple[str, ...], phrasing: list[str], idf: Mapping[str, float],
         floor: float) -> tuple[float, int]:
    """fit, of a query cut to its last MAX_QUERY_TOKENS (``whole`` and ``begun``: _typed's)."""
    if not begun and whole.isdisjoint(phrasing):  # (no token kept: a set's look-ups, not a list built)
        return 0.0, 0
    read = phrasing if len(phrasing) <= MAX_PHRASING_TOKENS else phrasing[:MAX_PHRASING_TOKENS]
    kept = [t for t in read if t in whole or (begun and t.startswith(begun))]
    if not kept:
        return 0.0, 0
    gain = [idf.get(t, 1.0) for t in kept]
    if sum(gain) <= floor:  # (it cannot beat another phrasing's: the table is not filled)
        return 0.0, 0
    prev = [0.0] * (len(kept) + 1)
    for q in query:
        if isinstance(q, tuple):
            hit = [t.startswith(q[0]) for t in kept]
            if not any(hit):
                continue  # (the row is the one before)
        elif q in kept:  # (a whole token's row: only when the phrasing keeps it)
            hit = [t == q for t in kept]
        else:
            continue
        cur = [0.0]
        for j, ok in enumerate(hit):
            best = prev[j + 1] if prev[j + 1] > cur[j] else cur[j]
            if ok and prev[j] + gain[j] > best:
                best = prev[j] + gain[j]
            cur.append(best)
        prev = cur
    return prev[-1], len(query) * len(kept)


def entry_fit(query: list[Token], pinyin: bool, phrasings: list[list[str]], weights: Weights,
              words: frozenset[str] = frozenset()) -> tuple[float, int]:
    """An entry's fit (its best phrasing's: Weights.tokens) and the cells filled. A Han query's
    Latin or Cyrillic word no Chinese phrasing holds (SIM swap) counts as the rarest token for an
    entry whose phrasings in another language hold it (``words``: Weights.words)."""
    idf = weights.pinyin if pinyin else weights.han
    best, work = 0.0, 0
    cut = query[-MAX_QUERY_TOKENS:]
    whole, begun = _typed(cut)
    for toks in phrasings:
        got, cells = _fit(cut, whole, begun, toks, idf, best)
        best, work = max(best, got), work + cells
    if not pinyin and words:
        unknown = [t for t in query if isinstance(t, str) and t not in idf and t in words]
        if unknown:
            best += sum(weights.rarest() for _ in unknown)
    return best, work


_ASKED = re.compile(r"[吗嗎呢吧咩嘛?？!！。]\s*$")


def asked_whole(query: str) -> bool:
    """A question ended (a final particle or mark): every word is typed, and the ranking has them
    all (門號不用了可以直接退租嗎: the fit, blind to 退租 as cancelling, read 退 as a refund)."""
    return bool(_ASKED.search(query))


def reorder(ids: list[str], fits: Mapping[str, float]) -> list[str]:
    """``ids`` (the ranking's order) with the first kept and the rest by the ranking's order and
    the fit (relative to the best fit among them) together, FIT_SHARE the fit's."""
    top = max((fits.get(e, 0.0) for e in ids), default=0.0)
    if top <= 0 or len(ids) < 3:
        return ids
    place = {e: (1 - FIT_SHARE) * (1 - i / RANK_SPAN) + FIT_SHARE * fits.get(e, 0.0) / top
             for i, e in enumerate(ids)}
    return ids[:1] + sorted(ids[1:], key=lambda e: -place[e])


# -- the word a pinyin query goes on with (its completion), as the kb's phrasings go on

FOLLOW_GAP = 2  # syllables a candidate may begin after the words before it (zhuxiao hou yue: 注销后余额)
FOLLOW_KEPT = 256  # phrasings kept per syllable (the ones a lookup reads)


class Follows:
    """The kb's Chinese phrasings read as toneless syllables, and per syllable the phrasings
    holding it (at most FOLLOW_KEPT each): made once per version, read by a half-typed pinyin
    query's completion (prefix.complete's ``follows``)."""

    def __init__(self, phrasings: Iterable[str], chars: Mapping[str, str],
                 phrase: Callable[[str], list[str]] | None = None) -> None:
        # per phrasing: its syllables joined, and where each syllable begins (and the end)
        self.texts: list[tuple[str, list[int]]] = []
        self.holding: dict[str, list[int]] = {}
        for p in phrasings:
            syl = [t for t in pinyin_tokens(p, chars, phrase) if t.isascii() and t.isalpha()][:MAX_PHRASING_TOKENS]
            i = len(self.texts)
            self.texts.append(("".join(syl), list(itertools.accumulate((len(t) for t in syl), initial=0))))
            for t in sorted(set(syl)):  # (sorted: ``holding``'s key order is written by `dump`)
                held = self.holding.setdefault(t, [])
                if len(held) < FOLLOW_KEPT:
                    held.append(i)

    def counts(self, before: str, afters: list[str]) -> list[int]:
        """Per text of ``afters``, the phrasings in which the syllables reading it (joined: yue,
        余额) begin at most FOLLOW_GAP syllables after those reading ``before`` (zhuxiao) end: how
        often the kb's questions go on so. At most FOLLOW_KEPT phrasings read (MAX_PHRASING_TOKENS
        syllables of each), a string search for ``before`` in each."""
        n = [0] * len(afters)
        if not before:
            return n
        for i in self.holding.get(_first_syllable(before, self.holding), ()):
            text, bounds = self.texts[i]
            at, starts = text.find(before), set()
            while at >= 0:
                end = at + len(before)
                if at in bounds and end in bounds:
                    k = bounds.index(end)
                    starts.update(bounds[k:k + FOLLOW_GAP + 1])
                at = text.find(before, at + 1)
            if not starts:  # (``before`` not read at syllable bounds here: no candidate follows it)
                continue
            ends = set(bounds)
            for k, after in enumerate(afters):
                if after and any(text.startswith(after, e) and e + len(after) in ends for e in starts):
                    n[k] += 1
        return n


def _first_syllable(text: str, holding: Mapping[str, list[int]]) -> str:
    """The longest syllable the phrasings hold that ``text`` begins with (the key to look up)."""
    return next((text[:k] for k in range(min(6, len(text)), 0, -1) if text[:k] in holding), "")
