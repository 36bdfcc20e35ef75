"""What a query asks, read with the kb's lexicon alone (no index): its words, synonyms,
bigrams and pinyin as scored terms with their boosts, its quoted phrases, pinyin typed
as words read as one syllable sequence and as the kb's Chinese words, the topic model's
features and what to mark in a hit. Pure: the same lexicon and text give the same plan,
at build (each entry's own question) and at query time. The ranking knobs (PLAN) are
one object: ``ranking="bm25f"`` is BM25F_PLAN, whoosh's BM25F exactly."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from ..analysis import CYR_RE, Analyzed, Analyzer, query_hmm
from ..layout import BIGRAM_FIELDS, PINYIN_FIELD, WORD_FIELDS
from ..lexicon import Lexicon
from .fields import WEIGHTS

Term = tuple[str, str, float]  # (field, term, boost)

# Ranking v2 on top of BM25F (issue 9, item 2); kept because `faqkb eval` improved whole
# kinds of queries with it. Pinyin typed as words is also read as one syllable sequence.
PLAN = {
    # Entries holding more of the query's informative words (each weighted by its idf) win:
    # score × (cov_base + coverage) ** cov_pow. On the golden set (447 real queries) S@1
    # 0.840 -> 0.855, MRR 0.897 -> 0.906; brand, en, ru up, zh-Hant down 0.92 -> 0.88.
    # Tried and dropped (no gain on whole kinds): a floored Robertson idf instead of whoosh's,
    # skipping stop-word bigrams, a best-single-phrasing score, other field weights.
    "cov_base": 1.0, "cov_pow": 1.0,
    # A Latin/Cyrillic word no entry holds that did-you-mean corrects (cancle, растаргнуть) is
    # searched as its correction too, at this share of a word's boost, and counts as the
    # correction in the coverage (the check `answered` already made: no extra lookups).
    # golden typo S@1 0.786 -> 0.857, S@1 0.879 -> 0.884, S@3 0.947 -> 0.950; off-topic
    # rejected 0.667 -> 0.686; held-out S@1 0.794 = 0.794, S@3 0.916 -> 0.925 (0.5 and 1.0:
    # the same golden gain, held-out S@3 0.916).
    "typo": 0.8,
    # The query's score over the score the entry's own question gets (precomputed at build,
    # SELF_SCORES; at most 1): how much of what the entry asks the query says, the reverse
    # of the coverage above. An entry whose question the query nearly repeats beats one that
    # merely holds the query's words among many others (a generic "how to cancel" finds the
    # general entry, not the one about cancelling in a store). score × (1 + own × ratio).
    # golden S@1 0.884 -> 0.895, S@3 0.950 -> 0.958, MRR 0.923 -> 0.930, every kind up or
    # equal but brand (0.853 -> 0.824, 1 query); held-out S@1 0.794 -> 0.804, S@3 0.925 ->
    # 0.935, MRR 0.868 -> 0.878. 0.3: golden S@1 0.890; 2 and 3: held-out higher, golden
    # zh/ru/mixed lower. xquad-sentences (bench/quality.py --quick) nDCG -0.002..-0.007:
    # a sentence "question" is as long as its answer, so the ratio says little there.
    "own": 1.0,
    # Pinyin read as the kb's Chinese words, as an input method would (zhuxiaoeluosihaoma ->
    # 注销 俄罗斯 号码; pinyin_han): those words are searched at this share of a word's boost
    # and the coverage is the mean of the pinyin's and the words'. golden pinyin S@1 0.924 ->
    # 0.981, S@1 0.895 -> 0.901; held-out S@1 0.804 -> 0.822 (pinyin 0.846 -> 1.0). 0.3 and
    # 1.0: pinyin 0.943.
    "pinyin_han": 0.5,
    # Homophone typos in Chinese (住销, 话废, 验正码) read by did-you-mean's sound map where
    # the query holds a character pair no entry has; the kb words it puts in are searched at
    # the "typo" share. golden typo S@1 0.905 -> 0.952, S@1 0.901 -> 0.904; held-out =.
    "han_typo": 1,
    # Other Snowball stems of a Russian/English query word that the kb has (one a prefix of
    # the other, >= MIN_STEM letters, <= MAX_STEM_DIFF apart: отказа ~ отказ, закр ~ закрыт,
    # not российск ~ росс, which put "Russia" above "cancel"), searched at this
    # share of a word's boost (_stem_variants). golden S@1 0.903 -> 0.907, S@3 0.957 ->
    # 0.961, ru 0.865 -> 0.876, en 0.875 -> 0.885, other kinds equal; held-out S@1 0.822 ->
    # 0.841, S@3 0.935 -> 0.944 (ru 0.615 -> 0.692, brand 0.667 -> 0.750). 0.3 and 0.8: the
    # same golden S@1 or lower S@3. A shared 4-5-letter prefix alone (вернут ~ вернул) was
    # tried: held-out up, golden brand down two queries. Stems up to 1 or 2 letters apart:
    # golden S@1 0.903 / 0.905, held-out 0.832.
    "stems": 0.5,
    # A name the synonyms spell in Latin and Cyrillic letters (MTS/МТС, T2/Т2, Gosuslugi/
    # Госуслуги: is_name) next to other words weighs this share of a word, with its
    # synonyms: "т2 перенос номера" asks about moving a number, and an entry naming the
    # brand in four spellings (the operators list) should not outrank it. The issue's
    # "generic words (mts) outrank the word that carries the intent". golden brand S@1
    # 0.824 -> 0.912, S@1 0.907 -> 0.912, other kinds equal; held-out S@1 and S@3 equal,
    # MRR 0.901 -> 0.899. 0.5: golden mixed down; 0.85: brand 0.853. Alone (a query "MTS")
    # a name keeps its weight.
    "brand": 0.7,
    # A question asking for a quantity or a time (how many/much/long, when, what year;
    # сколько, когда, в каком году; 多少, 几天, 什么时候, 哪一年: asks_number) ranks an entry
    # whose answer states a number (holds digits) × (1 + number): "how many points did the
    # defence give up" is answered by the sentence with "308 points", not by its neighbour
    # that only shares the words. A corpus of sentences (bench/quality.py tunes it, with the
    # other knobs, on xquad-sentences dev; all 586 queries, dev-tuned weights): nDCG@10
    # 0.5 / 1.0: zh 0.830 -> 0.833 / 0.835, ru 0.818 -> 0.820 / 0.820, en 0.847 -> 0.849 /
    # 0.851. Off for the FAQ: nearly every entry's answer holds a number, so on the golden
    # set (27 such queries) 0.5 changes only ranks 3-5 (every figure equal), and held-out
    # nDCG fell 0.903 -> 0.902 (a second relevant entry; MRR, S@1, S@3 equal).
    "number": 0.0,
}

# The knobs that make ranking v2 what it is beyond BM25F: "coverage" (the score times
# cov_base + coverage) and "pinyin_pairs" (pinyin typed as words also read as one syllable
# sequence) are on or off; the others are boosts and factors, 0 for off ("brand" 1.0).
PLAN.update({"coverage": 1.0, "pinyin_pairs": 1.0})
BM25F_PLAN = {**dict.fromkeys(PLAN, 0.0), "brand": 1.0, "cov_base": 1.0, "cov_pow": 1.0}

MAX_TERMS = 320  # terms scored per query (the golden queries need at most 166)
MAX_PHRASES = 4  # quoted phrases checked per query (the rest are searched as plain words)
MAX_UNITS = 40  # query words weighed for coverage (a 200-character query has at most ~100)

_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」')


def query_terms(a: Analyzed, syn: dict[str, list[list[str]]], weights: dict[str, float] = WEIGHTS,
                plan: dict[str, float] = PLAN) -> list[Term]:
    """The scored terms of an analyzed query: (field, term, boost), in the order whoosh's
    union would add them, duplicates removed as whoosh's Or.normalize() removes them."""
    out = []
    w = weights
    brand = plan["brand"] if len(a.words) > 1 else 1.0
    for tok in dict.fromkeys(t.text for t in a.words):
        alts = syn.get(tok, ())
        k = brand if brand != 1.0 and alts and is_name(tok, alts) else 1.0
        out += [(f, tok, w[f] * k) for f in ("q_words", "a_words")]
        for alt in alts:
            boost = w["synonym"] / len(alt) * k
            out += [(f, t, w[f] * boost) for t in alt for f in ("q_words", "a_words")]
    for bg in dict.fromkeys(a.bigrams):
        out += [(f, bg, w[f]) for f in ("q_bigrams", "a_bigrams")]
    for py in dict.fromkeys(a.pinyin):
        out.append((PINYIN_FIELD, py, w[PINYIN_FIELD]))
    return list(dict.fromkeys(out))


@dataclass
class QueryPlan:
    """A query read with the lexicon (``QueryPlan.make``): what ranking searches before
    the index has its say (other stems and typo fixes are looked up in the index and
    added by the searcher: ``Explanation.plan`` shows them)."""

    query: str
    plain: str                # the text outside quotes
    analyzed: Analyzed        # its analysis
    phrases: list[Analyzed]   # each quoted phrase's
    terms: list[Term]         # words, synonyms, bigrams, pinyin (and the phrases' words)
    must: list                # phrase checks (phrase_queries), at most MAX_PHRASES
    pinyin_pairs: list[Term]  # pinyin typed as words, read as one syllable sequence
    reading: Analyzed | None  # pinyin read as the kb's Chinese words (pinyin_han)
    reading_terms: list[Term]  # its terms at the "pinyin_han" share
    lexicon: Lexicon = field(repr=False)
    stems: list[Term] | None = None  # other stems of its words (set by the searcher)
    fixes: list[Analyzed] | None = None  # typo fixes (set by the searcher)

    @classmethod
    def make(cls, query: str, lex: Lexicon, weights: dict[str, float] = WEIGHTS,
             plan: dict[str, float] = PLAN) -> QueryPlan:
        plain, analyzed, phrases = analyze_query(lex.analyzer, query)
        terms = query_terms(analyzed, lex.synonyms, weights, plan)
        must = phrase_queries(phrases[:MAX_PHRASES])
        if must:  # a quoted phrase's words count like any other word; the phrase itself filters
            terms = list(dict.fromkeys(terms + [t for p in phrases for t in query_terms(p, lex.synonyms, weights, plan)]))
        pairs = pinyin_sequence(query, lex) if plan["pinyin_pairs"] and terms else []
        reading = pinyin_reading(plain, lex) if plan["pinyin_han"] and terms else None
        boost = plan["pinyin_han"]
        reading_terms = ([(f, t, b * boost) for f, t, b in query_terms(reading, lex.synonyms, weights, plan)]
                         if reading is not None else [])
        return cls(query, plain, analyzed, phrases, terms, must, pairs, reading, reading_terms, lex)

    @cached_property
    def topic_features(self) -> list[str]:
        """The topic model's features of the query (topic.features)."""
        return topic_features(self.lexicon, self.plain, self.analyzed, self.phrases, self.reading)

    @cached_property
    def highlight(self) -> dict:
        """What to mark in a hit (highlight_terms)."""
        return highlight_terms([self.analyzed, *self.phrases], self.lexicon.synonyms)


def own_question_terms(question: str, lex: Lexicon, weights: dict[str, float] = WEIGHTS,
                       plan: dict[str, float] = PLAN) -> list[Term]:
    """The terms an entry's own question is scored with at build (SELF_SCORES; `answered`
    measures a query's first hit against that score), capped as a query's are."""
    terms = query_terms(lex.analyzer.analyze(question, query=True), lex.synonyms, weights, plan)
    if plan["pinyin_pairs"]:
        terms = terms + pinyin_sequence(question, lex)
    return terms[:MAX_TERMS]


def text_topic_features(text: str, lex: Lexicon) -> list[str]:
    """The topic model's features of ``text`` read as a query (what a build learns from)."""
    plain, analyzed, phrases = analyze_query(lex.analyzer, text)
    return topic_features(lex, plain, analyzed, phrases, pinyin_reading(plain, lex))


def analyze_query(analyzer: Analyzer, query: str) -> tuple[str, Analyzed, list[Analyzed]]:
    """A query as searching and marking both read it: the text outside quotes, its analysis,
    and each quoted phrase's, with one HMM budget for all of them (analysis.query_hmm)."""
    plain = _QUOTED.sub(" ", query)
    hmm = query_hmm(query)
    phrases = [analyzer.analyze(next(g for g in m.groups() if g is not None), query=True, hmm=hmm)
               for m in _QUOTED.finditer(query)]
    return plain, analyzer.analyze(plain, query=True, hmm=hmm), phrases


def topic_features(lex: Lexicon, plain: str, analyzed: Analyzed, phrases: list[Analyzed],
                    reading: Analyzed | None) -> list[str]:
    """topic.features of a query: ``reading`` is its pinyin read as the kb's words (or None)."""
    from ..topic import features

    typed = reading is not None or looks_like_pinyin(plain, lex)
    return features(analyzed, lex.synonyms, more=phrases, pinyin_typed=typed, reading=reading)



def pinyin_sequence(query: str, lex: Lexicon) -> list[tuple[str, str, float]]:
    """Pinyin typed as separate words ("zhuxiao yao qian ma") read as one sequence: the
    syllable pairs across word boundaries (yaoqian) are terms too, so adjacent syllables
    outrank the same syllables scattered over an entry."""
    words = re.findall(r"[A-Za-z]+", query)
    if len(words) < 2 or not looks_like_pinyin(query, lex):
        return []
    syl: list[str] = []
    for w in words:
        syl += lex.table.split(w.lower()) or []
    pairs = dict.fromkeys(a + b for a, b in zip(syl, syl[1:], strict=False))
    return [(PINYIN_FIELD, p, WEIGHTS[PINYIN_FIELD]) for p in pairs]


def phrase_queries(phrases: list[Analyzed]) -> list:
    """(whoosh query, terms it needs, (fields, terms, slop)) for each quoted phrase. The
    impact arrays check the phrase (fields, terms, slop), matching exactly what the whoosh
    query would on an index with postings for those fields (tests/test_impact.py); the
    needed terms ((fields, term) pairs) let a phrase no entry can match skip the check."""
    from whoosh import query as wq

    must = []
    for p in phrases:
        if p.words and all(t.script != "han" for t in p.words):
            words = [t.text for t in p.words]
            must.append((wq.Or([wq.Phrase(f, words, slop=2) if len(words) > 1 else wq.Term(f, words[0])
                                for f in WORD_FIELDS]),
                         [(WORD_FIELDS, w) for w in words], (WORD_FIELDS, words, 2)))
        elif p.bigrams:
            must.append((wq.Or([wq.Phrase(f, p.bigrams) if len(p.bigrams) > 1 else wq.Term(f, p.bigrams[0])
                                for f in BIGRAM_FIELDS]),
                         [(BIGRAM_FIELDS, b) for b in p.bigrams], (BIGRAM_FIELDS, list(p.bigrams), 1)))
    return must


def pinyin_reading(query: str, lex: Lexicon) -> Analyzed | None:
    """pinyin_han's Chinese words analysed as a query's (None when the query does not read
    as pinyin): what ranking searches and what the topic model reads, at build and query."""
    han = pinyin_han(query, lex)
    return lex.analyzer.analyze(han, query=True, pinyin=False) if han else None


def pinyin_han(query: str, lex: Lexicon) -> str:
    """Pinyin typed for Chinese ("zhuxiaoeluosihaoma", "eluosi haoma zenme zhuxiao") as the
    kb's own Chinese words with that reading, as an input method would offer them: the
    syllables of the whole query, longest match first (2-4 syllables). "" if the query does
    not read as pinyin."""
    if not looks_like_pinyin(query, lex):
        return ""
    syl: list[str] = []
    for w in re.findall(r"[A-Za-z]+", query)[:MAX_UNITS]:
        syl += lex.table.split(w.lower()) or []
    out, i = [], 0
    while i < len(syl):
        for j in range(min(len(syl), i + 4), i + 1, -1):
            word = lex.han_by_pinyin.get("".join(syl[i:j]))
            if word and len(word) == j - i:
                out.append(word)
                i = j
                break
        else:
            i += 1
    return " ".join(out)


# Questions asking for a quantity or a time (PLAN "number"). "when"/"когда" only where they
# ask (at the start, or "when did/was..."), not as a conjunction ("what happens when I ...").
_ASKS_NUMBER = re.compile(
    r"\bhow (?:many|much|long|old|far|often|soon|big|large|tall|high|fast)\b"
    r"|^\W*when\b|\bwhen (?:did|was|were|is|are|do|does|will|can|could|should|would|has|have|had)\b"
    r"|\b(?:what|which) (?:year|years|date|day|month|time|age|percentage|percent|number|amount|price)\b"
    r"|\bсколько\b|^\W*когда\b|\bкак долго\b|\bв как\w* (?:году|год|числе|месяце|день|возрасте)\b|\bкакого числа\b"
    r"|多少|几[个次年天月日号岁点位名种分秒周倍层张条项台家本小]|什么时候|何时|哪一?年|多久|多长时间|多大|多高|多远|多长|多重",
    re.IGNORECASE)


def asks_number(query: str) -> bool:
    return _ASKS_NUMBER.search(query) is not None


def is_name(word: str, alts: list[list[str]]) -> bool:
    """A name written in both Latin and Cyrillic letters among its synonyms (MTS/МТС,
    Beeline/Билайн, T2/Т2, Gosuslugi/Госуслуги): a brand or service, not an intent word."""
    words = [word, *(t for alt in alts for t in alt)]
    return any(CYR_RE.match(t) for t in words) and any(t[:1].isascii() and t[:1].isalpha() for t in words)



def looks_like_pinyin(query: str, lex: Lexicon) -> bool:
    """Every Latin word splits into pinyin syllables (or is initials like zx) and none is
    a word of the kb itself."""
    words = re.findall(r"[A-Za-z]+", query)
    if not words:
        return False
    table, vocab = lex.table, lex.vocab
    for w in (w.lower() for w in words):
        if w in vocab:
            return False
        if table.split(w) is None and not (len(w) <= 4 and not re.search("[aeiouv]", w)):
            return False
    return True


def highlight_terms(analyzed: list[Analyzed], syn: dict) -> dict:
    """What to mark in a hit: the query's words (phrases included) with their synonyms,
    and the pinyin pairs that rescued a homophone typo."""
    words = {t.text for a in analyzed for t in a.words}
    for w in list(words):
        for alt in syn.get(w, ()):
            words |= set(alt)
    return {"words": words, "pinyin": {p for p in analyzed[0].pinyin if len(p) > 4}}
