"""analysis.py rewrites jieba's two hottest loops (get_DAG, calc) for speed:
its cuts must be jieba's own, word for word, with and without the HMM, in search mode as
the analyzer asks for them, with the full dictionary and with a pruned one."""

from __future__ import annotations

import random

import jieba
from conftest import BUNDLED_KB, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from faqkb.analysis import HAN_RUN_RE, Segmenter, fold_han, prune_dictionary
from faqkb.index import entry_texts
from faqkb.kbase.load import load_kb

_SEG = Segmenter()
FAST = _SEG.tokenizer()
STOCK = jieba.Tokenizer()
STOCK.FREQ, STOCK.total, STOCK.initialized = FAST.FREQ, FAST.total, True


def _runs() -> list[str]:
    texts = entry_texts(load_kb(BUNDLED_KB).entries.values())
    runs = [fold_han(r) for t in texts for r in HAN_RUN_RE.findall(t)]
    chars = sorted({c for r in runs for c in r})
    rng = random.Random(5)  # random strings of the kb's characters: unknown words, long runs
    return runs + ["".join(rng.choice(chars) for _ in range(rng.randint(1, 80))) for _ in range(1500)]


def test_the_fast_tokenizer_is_jiebas_subclass() -> None:
    assert isinstance(FAST, jieba.Tokenizer) and type(FAST) is not jieba.Tokenizer


def test_cuts_equal_jiebas_on_the_kb_and_random_runs() -> None:
    runs = _runs()
    assert len(runs) > 2000
    for hmm in (True, False):
        for r in runs:
            assert list(FAST.tokenize(r, mode="search", HMM=hmm)) == list(STOCK.tokenize(r, mode="search", HMM=hmm)), r


def test_cuts_equal_jiebas_with_a_pruned_dictionary() -> None:
    runs = _runs()
    freq = prune_dictionary(FAST.FREQ, runs[:300])
    fast = Segmenter(freq, FAST.total).tokenizer()
    stock = jieba.Tokenizer()
    stock.FREQ, stock.total, stock.initialized = freq, FAST.total, True
    for r in runs:
        assert list(fast.tokenize(r, mode="search")) == list(stock.tokenize(r, mode="search")), r


@settings(max_examples=examples(2000))
@given(st.text(alphabet=st.sampled_from("注销号码余额手机卡退款运营商银行的了吗是不在中国俄罗斯𠮷〇一二三ab1 "), max_size=40))
def test_cuts_equal_jiebas_on_any_text(text: str) -> None:
    assert list(FAST.tokenize(text, mode="search")) == list(STOCK.tokenize(text, mode="search"))
    assert list(FAST.cut(text, HMM=False)) == list(STOCK.cut(text, HMM=False))


def test_the_segmenters_one_pass_cut_equals_jiebas() -> None:
    """Segmenter.cut (Tokenizer.search_cut: walk and route in one pass, jieba's generators
    as loops) against stock jieba, with the build's walk recording on and off, HMM or not."""
    runs = _runs()
    seg = Segmenter(FAST.FREQ, FAST.total)
    for hmm in (True, False):
        for recording in (False, True):
            seg.record_walks(recording)
            for r in runs:
                assert seg.cut(r, hmm=hmm) == list(STOCK.tokenize(r, mode="search", HMM=hmm)), r
    seg.record_walks(False)


def test_recorded_walks_prune_as_a_fresh_walk_does() -> None:
    """What the one-pass cut records (Segmenter.record_walks) gives prune_dictionary the
    same entries in the same order (the lexicon's bytes depend on it) as its own walk."""
    runs = _runs()[:800]
    seg = Segmenter(FAST.FREQ, FAST.total)
    walked = seg.record_walks()
    for r in runs:
        seg.cut(r)
    seg.record_walks(False)
    assert len(walked) > 500
    assert list(prune_dictionary(FAST.FREQ, runs, walked).items()) == list(prune_dictionary(FAST.FREQ, runs).items())
