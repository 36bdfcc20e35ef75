"""What a query asks, read with the kb's lexicon alone (no index): its words, synonyms,
bigrams and pinyin as scored terms with their boosts, its quoted phrases, pinyin typed
as words read as one syllable sequence and as the kb's Chinese words, the topic model's
features and what to mark in a hit. Pure: the same lexicon and text give the same plan,
at build (each entry's own question) and at query time. The ranking knobs (PLAN) are
one object: ``ranking="bm25f"`` is BM25F_PLAN, whoosh's BM25F exactly."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from .analysis import CYR_RE, QUERY_HMM_MAX, STOP, Analyzed, Analyzer, Token, fold_han, query_hmm, script_runs
from .diversity import WEIGHT as DIVERSE
from .engine.fields import WEIGHTS
from .layout import BIGRAM_FIELDS, PINYIN_FIELD, WORD_FIELDS
from .lexicon import Lexicon
from .specificity import WEIGHT as SPECIFIC

Term = tuple[str, str, float]  # (field, term, boost)

# Ranking v2's knobs on top of BM25F; each one's reason and figures are in docs/engine.md
# ("Ranking v2"), kept because `faqkb eval` improved whole kinds of queries with it.
PLAN = {
    "cov_base": 1.0, "cov_pow": 1.0,  # score × (cov_base + coverage) ** cov_pow: entries holding more of the words
    "typo": 0.8,  # a corrected Latin/Cyrillic typo searched as its correction, at this share of a word
    "own": 1.0,  # score × (1 + own × min(1, BM25F / the entry's own question's)): how much of the entry it asks
    "pinyin_han": 0.5,  # pinyin read as the kb's Chinese words (pinyin_han), searched at this share
    "han_typo": 1,  # Chinese homophone typos (住销) read by did-you-mean's sound map, at the "typo" share
    "stems": 0.5,  # other Snowball stems of a word the kb has (отказа ~ отказ), at this share
    "brand": 0.7,  # a name spelled in Latin and Cyrillic (MTS/МТС) next to other words, at this share
    "number": 0.0,  # × (1 + number) for an answer holding a number when the query asks for one (off for the FAQ)
    "specific": SPECIFIC,  # a one- or two-word query's best candidates × (1 + specific × how much of their question it covers)
    "general": 1.0,  # on or off: a close general entry before the first when that one adds a condition the query does not state
    "question": 1.0,  # on or off: a close entry whose own question names more of the query's rare words goes first
    "condition": 1.0,  # on or off: a query stating a condition (abroad, someone acting for the reader) gets the entry answering the first under it (categories.yaml)
    "intent": 1.0,  # a query only naming a category (kb/categories.yaml) recalls its entries, its overview first
    "diverse": DIVERSE,  # two questions in one: each one's best entry moved into the top 3 (diversity.py)
    # On or off: the coverage factor above, and pinyin typed as words read as one syllable sequence.
    "coverage": 1.0, "pinyin_pairs": 1.0,
}
# whoosh's BM25F exactly (ranking="bm25f": tests/test_impact.py): every knob off.
BM25F_PLAN = {**dict.fromkeys(PLAN, 0.0), "brand": 1.0, "cov_base": 1.0, "cov_pow": 1.0}

# an operator named beside one other word (yota документы, mts debt): the other word is what is
# asked; the operator's terms at this share of "brand", its idf in coverage and `answered` too
# (engine/coverage.py `operators`; a service such as Gosuslugi is a subject, not an operator)
HEAD_BRAND = 0.43
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
    # read as typed so far (the panel, prefix=true; set by the searcher): the query may go on, so
    # nothing is named alone yet (categories.yaml ``alone``: 回国 may go on to 回国注销)
    typing: bool = False

    @classmethod
    def make(cls, query: str, lex: Lexicon, weights: dict[str, float] = WEIGHTS,
             plan: dict[str, float] = PLAN, more: list[Term] | None = None, typing: bool = False) -> QueryPlan:
        """``more``: terms searched after the query's own and before its phrases' (a
        half-typed word's other completions, prefix.py); ``typing``: read as the panel does
        (pinyin by typed_as_pinyin)."""
        plain, analyzed, phrases = analyze_query(lex.analyzer, query)
        terms = query_terms(analyzed, lex.synonyms, weights, plan)
        if more:
            terms = list(dict.fromkeys(terms + more))
        must = phrase_queries(phrases[:MAX_PHRASES])
        if must:  # a quoted phrase's words count like any other word; the phrase itself filters
            terms = list(dict.fromkeys(terms + [t for p in phrases for t in query_terms(p, lex.synonyms, weights, plan)]))
        read = typed_as_pinyin if typing else looks_like_pinyin
        pairs = pinyin_sequence(query, lex, read) if plan["pinyin_pairs"] and terms else []
        reading = pinyin_reading(plain, lex, read) if plan["pinyin_han"] and terms else None
        boost = plan["pinyin_han"]
        reading_terms = ([(f, t, b * boost) for f, t, b in query_terms(reading, lex.synonyms, weights, plan)]
                         if reading is not None else [])
        return cls(query, plain, analyzed, phrases, terms, must, pairs, reading, reading_terms, lex, typing=typing)

    @cached_property
    def meant(self) -> Analyzed | None:
        """The query with its Taiwan/HK words read only as the kb's mainland words (mainland),
        or None when it has none."""
        return mainland(self.lexicon, self.plain)

    @cached_property
    def topic_features(self) -> list[str]:
        """The topic model's features of the query (topic.features)."""
        return topic_features(self.lexicon, self.plain, self.meant or self.analyzed, self.phrases, self.reading,
                              typed_as_pinyin if self.typing else looks_like_pinyin)

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
    return topic_features(lex, plain, mainland(lex, plain) or analyzed, phrases, pinyin_reading(plain, lex))


def mainland(lex: Lexicon, plain: str) -> Analyzed | None:
    """The analysis of ``plain`` as the reader meant it where it has Taiwan/HK words
    (Lexicon.mainland: 攜號轉台 is 携号转网), or None when it has none: the query's own
    analysis keeps the typed words beside the mainland ones (the ranking searches both);
    the topic model and `answered` read a typed word the conversion replaced only if the kb
    has it (停用, which tw2sp makes 禁用), and a word the conversion brought only if the kb has
    it (转网, not 禁用). The typed forms that go (转台) occur in the kb only in offtopic.yaml's
    lines about Taiwan's and Hong Kong's own operators, so the model had learned them as
    another subject. Blind sets: no total moved; visible sets: 4 real questions no longer
    declined (攜號轉台, 預付卡餘額退費), none off-topic answered."""
    text = lex.mainland(plain)
    if text is None:
        return None
    analyzer, vocab, hmm = lex.analyzer, lex.vocab, query_hmm(plain)
    read = analyzer.analyze(text, query=True, hmm=hmm)
    # the Chinese words as typed (their cut as the query's analysis made it, same HMM bounds);
    # Latin and Cyrillic words are the same in both readings
    typed = [Token(w, start, start + len(run), "han") for script, run, start in script_runs(plain) if script == "han"
             for w, _, _ in analyzer.segmenter.cut(fold_han(run), hmm=hmm and len(run) <= QUERY_HMM_MAX)
             if w not in STOP["zh"]]
    both = {t.text for t in typed} | {t.text for t in read.words if t.script != "han"}
    words: dict[str, Token] = {}
    for t in [*read.words, *typed]:
        if t.text not in words and (t.text in both and t.text in {r.text for r in read.words} or t.text in vocab):
            words[t.text] = t
    return Analyzed(list(words.values()), read.bigrams, read.pinyin, read.scripts)


def analyze_query(analyzer: Analyzer, query: str) -> tuple[str, Analyzed, list[Analyzed]]:
    """A query as searching and marking both read it: the text outside quotes, its analysis,
    and each quoted phrase's, with one HMM budget for all of them (analysis.query_hmm)."""
    plain = _QUOTED.sub(" ", query)
    hmm = query_hmm(query)
    phrases = [analyzer.analyze(next(g for g in m.groups() if g is not None), query=True, hmm=hmm)
               for m in _QUOTED.finditer(query)]
    return plain, analyzer.analyze(plain, query=True, hmm=hmm), phrases


def topic_features(lex: Lexicon, plain: str, analyzed: Analyzed, phrases: list[Analyzed],
                    reading: Analyzed | None, read: Callable[[str, Lexicon], bool] | None = None) -> list[str]:
    """topic.features of a query: ``reading`` is its pinyin read as the kb's words (or None)."""
    from .topic import features

    typed = reading is not None or (read or looks_like_pinyin)(plain, lex)
    return features(analyzed, lex.synonyms, more=phrases, pinyin_typed=typed, reading=reading)



def pinyin_sequence(query: str, lex: Lexicon,
                    read: Callable[[str, Lexicon], bool] | None = None) -> list[tuple[str, str, float]]:
    """Pinyin typed as separate words ("zhuxiao yao qian ma") read as one sequence: the
    syllable pairs across word boundaries (yaoqian) are terms too, so adjacent syllables
    outrank the same syllables scattered over an entry."""
    words = re.findall(r"[A-Za-z]+", query)
    if len(words) < 2 or not (read or looks_like_pinyin)(query, lex):
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
    if not phrases:  # most queries: whoosh is not imported (a fresh process's start-up)
        return []
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


def pinyin_reading(query: str, lex: Lexicon, read: Callable[[str, Lexicon], bool] | None = None) -> Analyzed | None:
    """pinyin_han's Chinese words analysed as a query's (None when the query does not read
    as pinyin): what ranking searches and what the topic model reads, at build and query."""
    han = pinyin_han(query, lex, read)
    return lex.analyzer.analyze(han, query=True, pinyin=False) if han else None


def pinyin_han(query: str, lex: Lexicon, read: Callable[[str, Lexicon], bool] | None = None) -> str:
    """Pinyin typed for Chinese ("zhuxiaoeluosihaoma", "eluosi haoma zenme zhuxiao") as the
    kb's own Chinese words with that reading, as an input method would offer them: the
    syllables of the whole query, longest match first (2-4 syllables). "" if the query does
    not read as pinyin."""
    if not (read or looks_like_pinyin)(query, lex):
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
    a word of the kb itself. (A search asks it of its text three or four times: the query's
    language, the pinyin pairs and reading, the topic features; the lexicon remembers.)"""
    return lex.remember("pinyin", query, lambda q: _looks_like_pinyin(q, lex))


def typed_as_pinyin(query: str, lex: Lexicon) -> bool:
    """looks_like_pinyin for a query being typed (the panel, prefix=true), where a name the
    kb's Chinese questions write in Latin letters (MTS, eSIM: Lexicon.han_latin) among
    pinyin words is pinyin's neighbour, not English: "mts yingyet" is pinyin being typed.
    The name alone is not, nor a name beside words whose syllables make none of the kb's Chinese
    words (whatsapp a, mts refu, samozapret ban on: English being typed, its letters splitting
    into syllables); exact search reads as before. A panel search asks it of the same text up
    to five times (its language, the completion, the plan's pairs, reading and topic): kept as
    looks_like_pinyin's answers are (Lexicon.remember)."""
    return lex.remember("typed pinyin", query, lambda q: _typed_as_pinyin(q, lex))


def english_before(rest: str, lex: Lexicon) -> bool:
    """The words typed before a begun word are English: every Latin word of them an English
    function word (my, are, can, no: most split into syllables or read as initials) or a kb
    word, none a name the kb's Chinese questions write in Latin (mts: pinyin's neighbour), and
    their syllables make none of the kb's Chinese words (wo de, zhuxiao: pinyin). The panel's
    completion then reads the begun word as English, not as syllables run together."""
    words = rest.lower().split()  # (whole words: t2's t is no English word)
    return (bool(words) and len(words) <= MAX_UNITS
            and all(w.isascii() and w.isalpha() and (w in STOP["en"] or w in lex.vocab) and w not in lex.han_latin
                    for w in words)
            and not pinyin_han(rest, lex, lambda q, _lex: True))


def _typed_as_pinyin(query: str, lex: Lexicon) -> bool:
    typed = re.findall(r"[A-Za-z]+", query)
    if looks_like_pinyin(query, lex):
        # English function words before a last word that is no pinyin of a kb Chinese word
        # (can my bala, no refu): English being typed, as the completion reads it (english_before)
        rest = query.rsplit(None, 1)[0] if len(query.split()) > 1 else ""
        return not (rest and english_before(rest, lex) and not pinyin_han(typed[-1], lex, lambda q, _lex: True))
    words = [w for w in typed if w.lower() not in lex.han_latin]
    return len(words) < len(typed) and bool(pinyin_han(" ".join(words), lex)) or spaced_syllables(words, lex)


def spaced_syllables(words: list[str], lex: Lexicon) -> bool:
    """Pinyin typed a syllable at a time ("e luo si dian", "zhu xiao yu e"), as input methods
    let readers space syllables: the words before the last are pinyin, and one-syllable words
    side by side run together into a kb Chinese word's reading (e luo si: eluosi, 俄罗斯; yu e:
    yue, 余额). looks_like_pinyin reads such a query as English when a syllable is also a
    Latin kb word (e, si, hua, yu: bits of e-mail, names), and the panel's Chinese steps (the
    phrasing fit, question starts) never saw it. The last word may be a syllable begun."""
    words = [w.lower() for w in words[:MAX_UNITS]]
    if len(words) < 2:
        return False
    split = lex.table.split
    syls: list[list[str]] = []
    for w in words[:-1]:
        s = split(w)
        if not s:
            return False
        syls.append(s)
    last = split(words[-1])
    if last is not None:
        syls.append(last)
    run: list[str] = []
    for s in syls:
        if len(s) == 1:
            run.append(s[0])
            if len(run) > 1 and any("".join(run[i:]) in lex.han_by_pinyin for i in range(len(run) - 1)):
                return True
        else:
            run = []
    return False


def _looks_like_pinyin(query: str, lex: Lexicon) -> bool:
    words = re.findall(r"[A-Za-z]+", query)
    if not words:
        return False
    table, vocab, han = lex.table, lex.vocab, lex.han_by_pinyin
    for w in (w.lower() for w in words):
        # a kb word that is itself the pinyin of one of the kb's Chinese words (weixin: 微信, an
        # entry's alternative) is still pinyin among pinyin words (5 letters at least: like, duma)
        if w in vocab and not (len(w) >= 5 and len(table.split(w) or ()) > 1 and w in han):
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
