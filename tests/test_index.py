"""Index lifecycle: atomic switch, staleness, a broken kb never touching the live index,
and the cold-start promises (pruned dictionary parity, no pypinyin on a query)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from faqkb.analysis import Segmenter, fold_han, prune_dictionary, script_runs
from faqkb.build import kb_fingerprint
from faqkb.errors import IndexNotReady, KBErrors
from faqkb.kbase.load import load_kb
from faqkb.layout import CURRENT, current_version
from faqkb.search import Searcher
from faqkb.service import open_searcher, rebuild, staleness

BUNDLED = Path(__file__).parents[1] / "kb"


def test_build_switches_current_and_keeps_one_previous(kb_dir, index_dir):
    first = current_version(index_dir)
    rebuild(kb_dir, index_dir)
    second = current_version(index_dir)
    rebuild(kb_dir, index_dir)
    third = current_version(index_dir)
    assert len({first, second, third}) == 3
    versions = sorted(p.name for p in index_dir.iterdir() if p.name.startswith("v-"))
    assert versions == sorted([second.name, third.name])  # the one before the live one is kept
    assert not [p for p in index_dir.iterdir() if p.name.startswith(".tmp-")]


def test_broken_yaml_leaves_live_index_in_place(kb_dir, index_dir):
    live = current_version(index_dir)
    before = Searcher(index_dir).search("注销 余额", limit=1).hits[0].id
    (kb_dir / "refunds" / "refund-remaining-balance.yaml").write_text(
        "id: refund-remaining-balance\ncategory: refunds\nupdated: 2026-11-25\nru:\n  question: [unclosed\n",
        encoding="utf-8")
    with pytest.raises(KBErrors) as err:
        rebuild(kb_dir, index_dir)
    assert re.search(r"kb/refunds/refund-remaining-balance.yaml:\d+:\d+: invalid YAML", str(err.value))
    assert current_version(index_dir) == live
    assert Searcher(index_dir).search("注销 余额", limit=1).hits[0].id == before


def test_stale_index_is_noticed_and_rebuilt(kb_dir, index_dir):
    assert staleness(kb_dir, index_dir) is None
    path = kb_dir / "costs" / "daily-keeping-fee.yaml"
    path.write_text(path.read_text("utf-8").replace("保号费", "保号费 qwzxplk"), "utf-8")
    assert "stale" in staleness(kb_dir, index_dir)
    with pytest.raises(IndexNotReady, match="stale"):
        open_searcher(kb_dir, index_dir, build=False)
    s = open_searcher(kb_dir, index_dir, build=True)
    assert s.search("qwzxplk", limit=1).hits[0].id == "daily-keeping-fee"


def test_running_searcher_follows_a_rebuild(kb_dir, index_dir):
    s = Searcher(index_dir)
    assert s.search("qwzxplk", limit=1).total == 0
    path = kb_dir / "scams" / "contract-expiring-call-scam.yaml"
    path.write_text(path.read_text("utf-8").replace("验证码", "验证码 qwzxplk", 1), "utf-8")
    rebuild(kb_dir, index_dir)
    assert s.refresh() is True
    assert s.search("qwzxplk", limit=1).hits[0].id == "contract-expiring-call-scam"


def test_a_request_on_a_removed_version_still_finishes(kb_dir, index_dir):
    """A searcher still on a version that two later builds removed (a request that started
    before they landed) searches, corrects and shows its hits as before: the version's
    files were held open when it was opened."""
    s = Searcher(index_dir)
    old = s.info.path
    for i in range(2):
        path = kb_dir / "scams" / "contract-expiring-call-scam.yaml"
        path.write_text(path.read_text("utf-8") + f"\n# edit {i}\n", "utf-8")
        rebuild(kb_dir, index_dir)
    assert not old.exists()
    res = s.search("注销 余额 refnd", category="refunds")  # lexicon, arrays, speller, marks, topic
    assert res.hits and res.hits[0].id == "refund-remaining-balance" and res.suggestion
    assert s.search('"money left"').hits  # a quoted phrase: the term sequences
    assert Searcher(index_dir).search("注销 余额 refnd", category="refunds").to_dict() == res.to_dict()


def test_a_refresh_never_goes_back_to_a_version_it_left(kb_dir, index_dir):
    """A thread that read CURRENT before a build landed must not put the older version back
    (issue 23, item 8): a version the searcher has switched away from is never reopened."""
    s = Searcher(index_dir)
    rebuild(kb_dir, index_dir)
    first = current_version(index_dir)
    assert s.refresh() and s.info.path == first
    rebuild(kb_dir, index_dir)
    assert s.refresh() and s.info.path != first
    (index_dir / CURRENT).write_text(first.name + "\n", "utf-8")  # what a stale reader saw
    assert s.refresh() is False and s.info.path != first


def test_documents_are_in_the_entries_order(searcher):
    """Hits name their entry by the document's place in entries.json, not by whoosh's
    stored id (so a hit reads no whoosh file): the build adds them in that order."""
    from whoosh import index as windex

    ix = windex.open_dir(str(searcher.info.path))
    with ix.searcher() as w:
        stored = [w.stored_fields(d)["id"] for d in range(w.doc_count_all())]
    assert stored == list(searcher.entries)


def test_fingerprint_changes_with_content_not_with_time(kb_dir):
    fp = kb_fingerprint(kb_dir)
    path = kb_dir / "synonyms.yaml"
    path.touch()
    assert kb_fingerprint(kb_dir) == fp
    path.write_text(path.read_text("utf-8") + "\n  - [a1, b1]\n", "utf-8")
    assert kb_fingerprint(kb_dir) != fp


def test_damaged_current_pointer_is_a_clear_error(index_dir):
    (index_dir / CURRENT).write_text("../../etc\n")
    with pytest.raises(IndexNotReady, match="damaged"):
        Searcher(index_dir)


def test_pruned_dictionary_segments_every_kb_text_like_the_full_one():
    kb = load_kb(BUNDLED)
    texts = [t for e in kb.entries.values() for tr in e.translations.values()
             for t in (tr.question, *tr.alternatives, tr.answer)]
    full = Segmenter()
    freq, total = full.full_freq()
    pruned = Segmenter(prune_dictionary(freq, texts), total)
    runs = [fold_han(run) for text in texts for script, run, _ in script_runs(text) if script == "han"]
    assert len(runs) > 500
    assert len(pruned.full_freq()[0]) < len(freq) / 20  # it really is pruned
    for run in runs:
        assert pruned.cut(run) == full.cut(run), run


def test_query_path_never_imports_pypinyin_or_yaml(bundled_index):
    code = (
        "import sys\n"
        "from faqkb.search import Searcher\n"
        f"s = Searcher({str(bundled_index)!r})\n"
        "r = s.search('注销 余额 zhuxiao МТС')\n"
        "assert r.hits\n"
        "print(sorted(m for m in ('pypinyin', 'yaml', 'jsonschema', 'flask') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_build_with_worker_processes_gives_the_same_index(tmp_path):
    """--procs spreads analysis over forked workers; the result must not depend on it."""
    import shutil

    import yaml

    kb = tmp_path / "kb"
    shutil.copytree(BUNDLED, kb)
    src = yaml.safe_load((kb / "costs" / "daily-keeping-fee.yaml").read_text("utf-8"))
    for i in range(220):  # above the size where workers start
        src["id"] = f"copy-{i}"
        (kb / "costs" / f"copy-{i}.yaml").write_text(yaml.safe_dump(src, allow_unicode=True), "utf-8")
    one, two = rebuild(kb, tmp_path / "one"), rebuild(kb, tmp_path / "two", procs=2)
    s1, s2 = Searcher(tmp_path / "one"), Searcher(tmp_path / "two")
    for q in ("注销 余额", "zhuxiao", "расторжение договора", "daily fee", "註銷"):
        r1, r2 = s1.search(q, limit=20), s2.search(q, limit=20)
        assert [(h.id, round(h.score, 6), h.snippet) for h in r1.hits] == \
               [(h.id, round(h.score, 6), h.snippet) for h in r2.hits]
    bundled = len(list(BUNDLED.glob("*/*.yaml")))  # grows as content is added
    assert one.entries == two.entries == bundled + 220
    # the same files (whoosh's segments aside: their names are random), nothing the workers
    # wrote for the builder left behind
    def files(v):
        return sorted(p.name for p in v.iterdir() if not p.name.startswith(("_", "MAIN_")))
    assert files(one.path) == files(two.path)
    assert not [n for n in files(two.path) if n.startswith(".")]
