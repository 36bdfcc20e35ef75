"""The build reads Chinese phrases' pinyin through build/analyse.phrase_pinyin, which cuts
a text into pypinyin's phrases itself (pinyin_phrases: pypinyin's forward maximum match
without its per-character calls): every reading must be pypinyin's own lazy_pinyin, on
the kb's runs and words, on random runs of its characters and on any text."""

from __future__ import annotations

import random

from conftest import BUNDLED_KB, examples
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin
from pypinyin.core import Pinyin
from pypinyin.seg import mmseg

from faqkb.analysis import HAN_RUN_RE, Segmenter, fold_han
from faqkb.build.analyse import entry_texts, phrase_pinyin, pinyin_phrases
from faqkb.kbase.load import load_kb


def _texts() -> list[str]:
    texts = entry_texts(load_kb(BUNDLED_KB).entries.values())
    runs = [fold_han(r) for t in texts for r in HAN_RUN_RE.findall(t)]
    seg = Segmenter()
    words = sorted({w for r in runs for w, _, _ in seg.cut(r) if len(w) >= 2})
    chars = sorted({c for r in runs for c in r})
    rng = random.Random(9)  # random strings of the kb's characters: phrases met at any offset
    return runs + words + ["".join(rng.choice(chars) for _ in range(rng.randint(1, 60))) for _ in range(1000)]


def test_the_fast_cut_is_taken_and_cuts_as_pypinyin() -> None:
    cut = pinyin_phrases(Pinyin())
    assert cut is not None  # the stock segmenter: the fast path is the one a build runs
    texts = _texts()
    assert len(texts) > 2000
    for t in texts:
        assert cut(t) == list(mmseg.seg.cut(t)), t


def test_readings_equal_pypinyins_on_the_kb_and_random_runs() -> None:
    read = phrase_pinyin()
    for t in _texts():
        assert read(t) == lazy_pinyin(t, style=Style.NORMAL), t
        assert read(t) == lazy_pinyin(t, style=Style.NORMAL), t  # remembered, the same


class _OwnSegmenter(Pinyin):
    def get_seg(self, **kwargs):  # a reader with its own segmenter: pypinyin's path only
        return lambda hans: list(hans)


def test_a_reader_with_its_own_segmenter_gets_no_fast_cut() -> None:
    assert pinyin_phrases(_OwnSegmenter()) is None


@settings(max_examples=examples(1500))
@given(st.text(alphabet=st.sampled_from("注销号码余额手机卡退款运营商银行的了吗是不在中国俄罗斯长行重𠮷〇一二三ab1 ,。"), max_size=30))
def test_readings_equal_pypinyins_on_any_text(text: str) -> None:
    assert phrase_pinyin()(text) == lazy_pinyin(text, style=Style.NORMAL)
