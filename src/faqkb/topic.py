"""Is a query about this kb's subject at all? A small classifier learned at build time.

Word overlap cannot tell "cancel a Russian SIM card" from "cancel a China Unicom card" or
"delete a WeChat account": they share the informative words (cancel, card, account) and
differ in the subject (docs/engine.md, "answered"). So a build learns which analysed terms
speak for the kb's subject and which for another one, from labelled text:

- on the subject: every entry's question, alternative phrasings and lead, in each language;
- off it: kb/offtopic.yaml, questions readers ask that the kb does not answer (an optional
  file: without it there is no model, and `answered` goes by word overlap alone).

The model is multinomial naive Bayes over binary features (features()): the analysed words
a query gets (jieba words, Snowball stems, synonym and Taiwan/HK folding: the index's own
analyzer), the words of their synonyms, pairs of words, Han bigrams and pinyin terms. A feature's weight is
the log ratio of its smoothed frequency among on-topic texts to that among off-topic ones;
both classes weigh the same whatever their sizes, so a text's score is its log-odds of being
on the subject. Closed form (no iterations, no randomness): a build of the same kb gives the
same weights. Stored in the index version (topic.marshal: feature -> weight); a query's
score is one dict lookup per distinct feature, at most MAX_FEATURES of them. No numpy on the
query path (a build's from_parts uses it)."""

from __future__ import annotations

import marshal
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING

from .analysis import Analyzed

if TYPE_CHECKING:
    import numpy as np

TOPIC_FORMAT = 1
# Additive smoothing of the feature counts. 1 (Laplace) and 0.3 gave the same golden
# figures within a query; 1 lets a word seen once in one class decide less.
ALPHA = 1.0
MAX_FEATURES = 400  # distinct features read per query (a 200-character query has ~300 at most)
MIN_WEIGHT = 0.15  # weights nearer 0 are not stored (see train)
PAIR_WORDS = 12  # a text's first distinct words paired with each other (66 pairs at most)
MAX_TEXTS = 50_000  # texts per class a build learns from (a 100k-entry kb: every n-th phrasing)


def features(a: Analyzed, synonyms: dict[str, list[list[str]]], *, more: Iterable[Analyzed] = (),
             pinyin_typed: bool = False, reading: Analyzed | None = None) -> list[str]:
    """The distinct features of an analysed text, in a fixed order. ``more``: a query's quoted
    phrases. Text typed in pinyin (``pinyin_typed``; search._looks_like_pinyin) is its pinyin
    terms ("p:") and the kb words it reads as (``reading``; search._pinyin_han): its Latin
    "words" (zhuxiao) are no words of any language. Other text: its words with their
    synonyms' words, pairs of its first PAIR_WORDS words ("x:"), Han bigrams ("b:") and,
    where it has Han characters, their pinyin terms
    (so Chinese typed either way meets the same "p:" features)."""
    out: dict[str, None] = {}
    parts = [a, *more]
    if not pinyin_typed:
        for x in parts:
            for t in x.words:
                out[t.text] = None
                for alt in synonyms.get(t.text, ()):
                    out.update(dict.fromkeys(alt))
        # Word pairs ("x:"): the subject and what is asked of it together (注销 with 银行卡
        # is another subject than 注销 with 号码, though each word alone is the kb's).
        # (each pair spelled in sorted order; the words are distinct, so a comparison sorts it)
        words = list(dict.fromkeys(t.text for x in parts for t in x.words))[:PAIR_WORDS]
        out.update(dict.fromkeys(f"x:{w}|{v}" if w < v else f"x:{v}|{w}"
                                 for i, w in enumerate(words) for v in words[i + 1:]))
        for x in parts:
            out.update(dict.fromkeys("b:" + b for b in x.bigrams))
    if reading is not None:
        out.update(dict.fromkeys(t.text for t in reading.words))
    for x in parts:
        if pinyin_typed or "han" in x.scripts:
            out.update(dict.fromkeys("p:" + p for p in x.pinyin))
    return list(out)


@dataclass
class TopicModel:
    weights: dict[str, float]  # feature -> log ratio (on the subject : off it)

    def score(self, feats: Iterable[str]) -> float:
        """A text's log-odds of being about the kb's subject (0: no evidence either way)."""
        get = self.weights.get
        z = 0.0
        for i, f in enumerate(feats):
            if i >= MAX_FEATURES:
                break
            z += get(f, 0.0)
        return z

    def dump(self) -> bytes:
        return marshal.dumps({"format": TOPIC_FORMAT, "weights": self.weights})

    @classmethod
    def load(cls, data: bytes) -> TopicModel:
        raw = marshal.loads(data)
        if not isinstance(raw, dict) or raw.get("format") != TOPIC_FORMAT or not isinstance(raw.get("weights"), dict):
            raise ValueError(f"not a topic model of format {TOPIC_FORMAT}")
        return cls(raw["weights"])

    @classmethod
    def read(cls, path: Path) -> TopicModel:
        return cls.load(path.read_bytes())


def spread(texts: list, most: int = MAX_TEXTS) -> list:
    """At most ``most`` of ``texts``, evenly spread (deterministic): what a build learns from."""
    if len(texts) <= most:
        return texts
    step = len(texts) / most
    return [texts[int(i * step)] for i in range(most)]


def train(positives: list[list[str]], negatives: list[list[str]], alpha: float = ALPHA) -> TopicModel:
    """Naive Bayes weights from each text's distinct features (features()). No texts on
    either side: an empty model (every score 0)."""
    positives, negatives = spread(positives), spread(negatives)
    if not positives or not negatives:
        return TopicModel({})
    return from_counts(Counter(f for x in positives for f in x), Counter(f for x in negatives for f in x), alpha)


def from_counts(on: Counter, off: Counter, alpha: float = ALPHA) -> TopicModel:
    """The model ``train`` gives, from the texts' feature counts per class."""
    return from_parts([on], [off], alpha)


def from_parts(on_parts: Sequence[Mapping[str, int]], off_parts: Sequence[Mapping[str, int]],
               alpha: float = ALPHA) -> TopicModel:
    """``from_counts`` of the per-class counts added up from parts (a build counts them in
    its workers, by ranges of texts: build/stages.write_topic). Built without Python work per
    feature (numpy over the vocabulary: a 10k-entry kb has ~600k features): a weight depends
    only on the feature's two counts, so it is computed once per distinct pair of counts, with
    exactly from_counts' float expression and round(), and spread over the vocabulary."""
    import numpy as np  # builds only: the query path stays without numpy

    vocab = sorted(set().union(*on_parts, *off_parts))
    n = len(vocab)
    if not n:
        return TopicModel({})

    at = dict(zip(vocab, range(n), strict=True))

    def added(parts: Sequence[Mapping[str, int]]) -> np.ndarray:
        c = np.zeros(n, dtype=np.int64)
        for part in parts:  # a part's keys are distinct: one fancy-indexed add per part
            c[np.fromiter(map(at.__getitem__, part), dtype=np.int64, count=len(part))] += \
                np.fromiter(part.values(), dtype=np.int64, count=len(part))
        return c

    return from_arrays(vocab, added(on_parts), added(off_parts), alpha)


def from_arrays(vocab: list[str], on: np.ndarray, off: np.ndarray, alpha: float = ALPHA) -> TopicModel:
    """``from_parts`` from the sorted, distinct vocabulary and each class's counts for it
    (int64 arrays in the vocabulary's order): build/stages.py adds its workers' sorted
    counts up itself, without a set and a dict over every feature."""
    import numpy as np  # builds only: the query path stays without numpy

    n = len(vocab)
    if not n:
        return TopicModel({})
    on_total = int(on.sum()) + alpha * n
    off_total = int(off.sum()) + alpha * n
    m = int(off.max()) + 1
    pairs, inverse = np.unique(on * m + off, return_inverse=True)
    per_pair = np.array([round(math.log((k // m + alpha) / on_total) - math.log((k % m + alpha) / off_total), 4)
                         for k in pairs.tolist()])
    w = per_pair[inverse.reshape(-1)]
    keep = np.abs(w) >= MIN_WEIGHT
    return TopicModel(dict(zip(compress(vocab, keep.tolist()), w[keep].tolist(), strict=False)))
