"""kb/regional.yaml: Taiwan/HK words folded to mainland words at query analysis time."""

from __future__ import annotations

import pytest

from faqkb.errors import KBError
from faqkb.kbase.load import read_regional


def test_taiwan_words_reach_mainland_terms(bundled):
    an = bundled.analyzer()
    words = {t.text for t in an.analyze("註銷門號", query=True).words}
    assert "号码" in words  # 門號 (reviewed list)
    assert "短信" in {t.text for t in an.analyze("收不到簡訊", query=True).words}  # OpenCC tw2sp
    assert "停机" in {t.text for t in an.analyze("停話了", query=True).words}


def test_the_topic_and_answered_read_what_a_taiwan_reader_meant(bundled):
    """The analysis keeps the typed words beside the mainland ones (for the ranking); the
    topic model and `answered` read only the mainland words: the typed forms occur in the kb
    only in offtopic.yaml's lines about Taiwan's own operators."""
    feats = bundled.topic_features("我的俄羅斯號碼能攜號轉台嗎")
    assert "转网" in feats and "转台" not in feats and "b:转台" not in feats
    r = bundled.search("俄羅斯儲值卡退費", suggest=False)
    assert r.signals["topic"] > 0 and r.answered
    # a typed word the kb has stays (tw2sp makes 停用 禁用, a word no entry holds)
    typed = bundled.search("俄羅斯號碼停用了", suggest=False)
    assert typed.answered and typed.signals["unknown"] == 0.0
    assert typed.signals == bundled.search("俄罗斯号码停用了", suggest=False).signals


def test_documents_are_not_rewritten(bundled):
    """Only queries are folded: indexed text is mainland Chinese already."""
    an = bundled.analyzer()
    assert "号码" not in {t.text for t in an.analyze("門號").words}


def test_bundled_file_loads(bundled):
    from pathlib import Path

    words = read_regional(Path(__file__).parents[1] / "kb")
    assert words["門號"] == "号码" and len(words) >= 10


@pytest.mark.parametrize("body,line", [("words: [a, b]\n", 1), ("words:\n  門號: 门号\n  停話: stop\n", 3)])
def test_bad_file_is_one_clear_line(tmp_path, body, line):
    (tmp_path / "regional.yaml").write_text(body, "utf-8")
    with pytest.raises(KBError) as e:
        read_regional(tmp_path)
    assert e.value.line == line and "regional.yaml" in str(e.value)


@pytest.mark.parametrize("q,entry", [
    ("張俄羅斯卡註銷要幾耐", "cancellation-how-long"),   # 幾耐: how long (Cantonese)
    ("俄罗斯手机卡怎么取消", "how-to-cancel-russian-sim"),  # 取消: cancel, said of the number too
    ("門號的儲值金能不能退", "refund-remaining-balance"),  # TW 儲值金: the stored credit, not a top-up
])
def test_cantonese_how_long_and_cancel_said_as_qu_xiao(bundled, q, entry):
    # (made-up queries)
    res = bundled.search(q)
    assert res.hits[0].id == entry and res.answered


@pytest.mark.parametrize("q,entry", [
    ("門號被盜辦", "sim-swap-warning-signs"),        # TW 盜辦: taken out in someone else's name
    ("俄羅斯門號復號", "restore-cancelled-number"),   # TW/HK 復號: a number restored
])
def test_taiwan_words_for_fraud_and_restoring_a_number(bundled, q, entry):
    # (made-up queries; twelfth round)
    res = bundled.search(q)
    assert res.hits[0].id == entry and res.answered

