"""Traditional Chinese as readers see it: every zh text of every bundled entry (question, lead,
answer, alternatives), every source's reader title and every publisher's name, converted
through the same calls the pages, the API and `faqkb show` make, must be free of the known-bad
conversions (faqkb.script.KNOWN_BAD, the one list to grow when a reader finds another;
docs/zh-hant.md)."""

from __future__ import annotations

import re

import opencc
import pytest

from faqkb.cli.render import terminal_entry
from faqkb.kbase.load import load_kb
from faqkb.paths import bundled_kb
from faqkb.present import card, entry_dict, lead
from faqkb.script import KNOWN_BAD, PHRASES, to_traditional
from faqkb.sources import reader_sources


def _bad(text: str) -> list[str]:
    return [f"{m.group()!r} ({why}) in …{text[max(0, m.start() - 8):m.end() + 8]}…"
            for pattern, why in KNOWN_BAD for m in re.finditer(pattern, text)]


def test_every_entry_and_reader_title_reads_right_in_traditional():
    kb = load_kb(bundled_kb())
    found = []
    for entry in kb.entries.values():
        shown = entry_dict(entry, "zh", "Hant", facts=kb.facts)
        assert shown["lang"] == "zh"
        texts = [shown["question"], shown["lead"], shown["answer"], *shown["alternatives"],
                 card(entry, "zh", "Hant")["question"], lead(entry, "zh", "Hant"),
                 *(s.title for s in reader_sources(entry, kb.facts, "zh", "Hant") if s.title_lang == "zh"),
                 *(s.publisher for s in reader_sources(entry, kb.facts, "zh", "Hant") if s.publisher_lang == "zh"),
                 terminal_entry(entry, "zh", entries=kb.entries, facts=kb.facts, script="Hant", width=10_000)]
        found += [f"{entry.id}: {b}" for t in texts for b in _bad(t)]
    titles = [to_traditional(s.reader_title["zh"]) for f in kb.facts.values() for s in (f, *f.also)
              if "zh" in s.reader_title]
    assert any(s.reader_title for f in kb.facts.values() for s in f.also)  # further sources' titles too
    found += [f"reader_title: {b}" for t in titles for b in _bad(t)]
    publishers = [to_traditional(s.reader_publisher["zh"]) for f in kb.facts.values() for s in (f, *f.also)
                  if "zh" in s.reader_publisher]
    assert publishers  # kb/publishers.yaml names them
    found += [f"publisher: {b}" for t in publishers for b in _bad(t)]
    assert not found, "\n".join(found)


# The errors issue 20 found, as they were written: plain s2twp gets each wrong (so the list
# can fail), the reviewed conversion gets each right.
CASES = [
    ("外国人本人到门店签合同", "簽合約"),
    ("三家运营商加起来最多只能有 10 个号码", "最多只能"),
    ("申请书和注销文件的副本", "註銷文件"),
    ("在 App 或官网查看余额和账单", "查看餘額"),
    ("月租按周期从余额里扣", "餘額裡扣"),
    ("俄罗斯数字发展部表示", "數位發展部"),
    ("趁早充值使用", "儲值"),
    ("直接挂断", "直接掛斷"),
    ("解除绑定", "解除綁定"),
    ("怎麼註銷俄羅斯門號", "註銷"),  # a reader's phrasing already in Traditional
    ("WhatsApp 帮助中心", "WhatsApp 說明中心"),  # a source's reader title
    ("T2：提交书面投诉的程序", "投訴的程序"),  # a further source's reader title
]


@pytest.mark.parametrize("simplified,right", CASES)
def test_reviewed_conversion_fixes_what_s2twp_gets_wrong(simplified, right):
    raw = opencc.OpenCC("s2twp").convert(simplified)
    assert _bad(raw) and right not in raw, raw
    converted = to_traditional(simplified)
    assert right in converted and not _bad(converted), converted


def test_label_senses_of_qian_stay_as_s2twp_has_them():
    assert to_traditional("标签和书签") == "標籤和書籤"
    assert to_traditional("签证") == "簽證"
    assert all(k and v for k, v in PHRASES.items())
