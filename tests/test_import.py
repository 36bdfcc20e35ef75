"""`faqkb import`: a bench corpus becomes a kb/ that loads, builds and answers."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from faqkb.cli import main
from faqkb.kbase.importer import first_sentence, import_jsonl, kb_id
from faqkb.kbase.load import load_kb
from faqkb.search import Searcher
from faqkb.service import rebuild

ROWS = [
    {"id": "Doc_1", "lang": "en", "text": "The refund of the remaining balance takes ten days. Bring your passport."},
    {"id": "Doc_1", "lang": "zh", "text": "余额退款需要十天。请带上护照。"},
    {"id": "doc.2", "lang": "en", "text": "Roaming charges apply abroad.", "title": "Roaming_abroad"},
    {"id": "doc.2", "lang": "ru", "text": "За границей действует плата за роуминг. Проверьте тариф."},
    {"id": "doc 3", "lang": "zh", "text": "诈骗电话常冒充运营商客服。", "question": "如何识别诈骗电话？"},
    {"id": "doc 3", "lang": "ru", "text": "Мошенники часто звонят от имени оператора."},
]


def _corpus(tmp_path: Path) -> Path:
    src = tmp_path / "corpus.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS) + "\n", "utf-8")
    return src


def test_ids_are_sanitized():
    assert kb_id("Doc_1") == "doc-1"
    assert kb_id("56beb4343aeaaa14008c925b-zh") == "56beb4343aeaaa14008c925b-zh"
    assert kb_id("__") == "doc"
    long = kb_id("x" * 200)
    assert len(long) <= 80 and long.startswith("xxx")
    assert first_sentence("余额退款需要十天。请带上护照。") == "余额退款需要十天。"
    assert first_sentence("One. Two.") == "One."


def test_import_build_search(tmp_path: Path):
    out = tmp_path / "kb"
    ids = import_jsonl(_corpus(tmp_path), out)
    assert ids == {"Doc_1": "doc-1", "doc.2": "doc-2", "doc 3": "doc-3"}
    assert json.loads((out / "ids.json").read_text("utf-8")) == ids
    kb = load_kb(out)
    assert len(kb.entries) == 3  # rows sharing an id are one entry
    e1, e2, e3 = (kb.entries[i] for i in ("doc-1", "doc-2", "doc-3"))
    assert set(e1.translations) == {"en", "zh"}
    assert e1.translations["en"].question == "The refund of the remaining balance takes ten days."
    assert e2.translations["en"].question == "Roaming abroad"
    assert e3.translations["zh"].question == "如何识别诈骗电话？"
    assert e3.translations["ru"].answer == "Мошенники часто звонят от имени оператора."
    rebuild(out, tmp_path / "index")
    s = Searcher(tmp_path / "index")
    try:
        assert s.search("roaming charges", suggest=False).hits[0].id == "doc-2"
        assert s.search("мошенники звонят", suggest=False).hits[0].id == "doc-3"
        assert s.search("余额退款", suggest=False).hits[0].id == "doc-1"
    finally:
        s.close()


def test_import_one_language_and_cli(tmp_path: Path):
    out = tmp_path / "kb"
    r = CliRunner().invoke(main, ["import", str(_corpus(tmp_path)), "--out", str(out), "--lang", "ru"])
    assert r.exit_code == 0, r.output
    kb = load_kb(out)
    assert sorted(kb.entries) == ["doc-2", "doc-3"]
    assert all(set(e.translations) == {"ru"} for e in kb.entries.values())
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"lang": "en"}\n', "utf-8")
    r = CliRunner().invoke(main, ["import", str(bad), "--out", str(tmp_path / "kb2")])
    assert r.exit_code == 2 and "not a corpus row" in r.output
