"""The setting is no subject, and cancelling an entry's own term is ours (docs/relevance.md,
"Near-topic, tenth round"). Queries made up for these tests, none from an evaluation set."""

from __future__ import annotations

from pathlib import Path

import pytest

from faqkb.errors import KBErrors
from faqkb.scope import Scope, read_scope


@pytest.mark.parametrize("q", ["俄罗斯滑雪场", "俄罗斯的外卖软件", "俄罗斯冬天多冷"])
def test_the_country_alone_is_no_evidence_of_our_subject(bundled, q):
    # no neighbour name: the topic model reads the country as ours (a positive log-odds, shown
    # as the model gave it), but the question names nothing of ours beside it
    res = bundled.search(q)
    assert not res.answered and "scope" not in res.signals


@pytest.mark.parametrize("q", ["俄罗斯保号要多久", "what to do before leaving russia", "离开俄罗斯之前要不要处理",
                               "нужно ли быть в России лично"])
def test_our_questions_set_in_russia_stay_answered(bundled, q):
    res = bundled.search(q)
    assert res.answered and "scope" not in res.signals, q


@pytest.mark.parametrize(("q", "entry"), [
    ("怎么取消增值业务", "extras-without-consent"),          # 增值 is Hong Kong's top-up in offtopic.yaml
    ("хочу закрыть лицевой счёт", "refund-remaining-balance"),  # the operator's account, not a bank's
    ("how to cancel automatic top-up before flying home", "top-up-from-abroad"),
])
def test_cancelling_an_entrys_own_term_is_answered(bundled, q, entry):
    res = bundled.search(q)
    assert res.answered and "scope" not in res.signals, res.signals
    assert res.hits[0].id == entry


@pytest.mark.parametrize("q", ["离开俄罗斯注销咋整"])
def test_a_question_word_is_no_object(bundled, q):
    # 咋整 (how to do it), 干啥 (what for): words no entry holds next to the action, but the way the
    # question is put, not what is cancelled (scope.Objects)
    res = bundled.search(q)
    assert res.answered and "scope" not in res.signals, res.signals


def test_a_bank_account_closed_is_still_banking(bundled):
    res = bundled.search("закрыть счёт в банке перед отъездом")
    assert not res.answered and res.signals["scope"] == "banking"


def _objects() -> Scope:
    return Scope({"covers": [], "neighbours": {},
                  "objects": {"actions": {"han": ["取消"], "words": ["cancel"]}, "ours": {"han": [], "words": ["sim"]}}})


def _words(text: str) -> list[tuple[str, int, int, str]]:
    import re

    from faqkb.analysis import STOP

    # as the analyzer gives them: stop words left out
    return [(m.group().lower(), m.start(), m.end(), "lat" if m.group().isascii() else "han")
            for m in re.finditer(r"[a-z]+|增值|业务|怎么|取消", text, re.I) if m.group().lower() not in STOP["en"]]


def test_the_terms_an_action_may_apply_to():
    s = _objects()
    assert s.objects is not None
    terms = s.objects.terms
    assert terms("cancel auto top up", _words("cancel auto top up")) == [("auto", "top"), ("top", "up")]
    assert terms("cancel sims before top up", _words("cancel sims before top up")) == []  # a time word ends it
    assert terms("cancel it, top up", _words("cancel it, top up")) == []  # another clause
    assert terms("增值业务怎么取消", _words("增值业务怎么取消")) == [("增值", "业务"), ("业务", "怎么")]  # before it, in Chinese
    assert terms("top up prices", _words("top up prices")) == []  # no action


def test_a_broken_setting_is_located(tmp_path: Path):
    (tmp_path / "scope.yaml").write_text("covers:\n  en: [russian sim]\nneighbours: {}\nsetting:\n  en: russia\n", "utf-8")
    with pytest.raises(KBErrors) as e:
        read_scope(tmp_path)
    assert "scope.yaml:4" in str(e.value) and "setting must list words per language" in str(e.value)
