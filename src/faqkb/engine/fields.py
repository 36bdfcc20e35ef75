"""The scored fields and their weights: one place for the names (layout.py, shared with
the build), the BM25F boosts and whoosh's B and K1 the impact arrays are computed with."""

from __future__ import annotations

from ..layout import BIGRAM_FIELDS, PINYIN_FIELD, SCORED_FIELDS, WORD_FIELDS

# Field weights (BM25F boosts). Tuned on tests/golden/queries.yaml; see bench/quality.py.
WEIGHTS = {"q_words": 3.0, "a_words": 1.0, "q_bigrams": 1.2, "a_bigrams": 0.4, PINYIN_FIELD: 0.8,
           "synonym": 0.7}

B, K1 = 0.75, 1.2  # whoosh.scoring.BM25F(B=0.75, K1=1.2): the impact arrays' and the reference searcher's

__all__ = ["B", "BIGRAM_FIELDS", "K1", "PINYIN_FIELD", "SCORED_FIELDS", "WEIGHTS", "WORD_FIELDS"]
