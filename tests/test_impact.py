"""The impact arrays (faqkb/impact.py) score exactly as whoosh's own BM25F: same top-10
lists, same scores (to float rounding), same result counts, on the golden queries over the
bundled kb and on a synthetic kb; quoted phrases and the category filter stay whoosh's.

A normal build has no whoosh postings for the bigram and pinyin fields (only the arrays
score them), so whoosh's side is computed on a reference build (``reference=True``) that
has them; its arrays are byte-identical to a normal build's (checked below), and Han
phrases, which the arrays check on bigram sequences, are compared with whoosh's Phrase."""

from __future__ import annotations

import marshal
import random
import re
from pathlib import Path

import pytest
import yaml

from faqkb.build import build_index
from faqkb.engine.ranking import RELATIVE_CUTOFF, WINDOW
from faqkb.evaluate import load_queries
from faqkb.kbase.load import load_kb
from faqkb.kbase.model import CATEGORIES
from faqkb.layout import SCORED_FIELDS, current_version
from faqkb.search import Searcher

GOLDEN = Path(__file__).parent / "golden" / "queries.yaml"
BUNDLED_KB = Path(__file__).parents[1] / "kb"
EPS = 1e-9


def _same_as_whoosh(s: Searcher, q: str, category: str | None = None) -> None:
    assert s.ranking == "bm25f"
    ours = s.search(q, limit=10, suggest=False, category=category)
    ref = s.whoosh_search(q, limit=10 + WINDOW, category=category)
    ref_hits = [(h["id"], h.score) for h in ref]
    floor = ref_hits[0][1] * RELATIVE_CUTOFF if ref_hits else 0
    assert ours.total == sum(1 for _, sc in ref_hits if sc >= floor), q
    got = [(h.id, h.score) for h in ours.hits]
    want = [h for h in ref_hits if h[1] >= floor][:10]
    assert len(got) == len(want), q
    for (gid, gs), (wid, ws) in zip(got, want, strict=True):
        assert abs(gs - ws) <= EPS * max(1.0, abs(ws)), (q, gid, gs, wid, ws)
        if gid != wid:  # only a tie may order differently
            assert abs(dict(ref_hits).get(gid, -1) - ws) <= EPS, (q, got, want)


def _plain(text: str) -> bool:
    return not re.search(r'["“「]', text)


def _reference_build(kb: Path, index: Path) -> Path:
    """``kb`` built with whoosh postings for every scored field (what whoosh scores)."""
    build_index(load_kb(kb), index, reference=True)
    return index


@pytest.fixture(scope="module")
def reference_index(tmp_path_factory) -> Path:
    return _reference_build(BUNDLED_KB, tmp_path_factory.mktemp("reference") / "index")


@pytest.fixture(scope="module")
def plain_bm25f(reference_index) -> Searcher:
    """The arrays with no ranking changes on top: must be whoosh's BM25F exactly."""
    return Searcher(reference_index, ranking="bm25f")


def _same_arrays(a: Path, b: Path) -> None:
    fa = sorted(p.name for p in current_version(a).glob("impact.*"))
    assert fa == sorted(p.name for p in current_version(b).glob("impact.*")) and len(fa) >= 16
    for name in fa:
        ba, bb = (current_version(a) / name).read_bytes(), (current_version(b) / name).read_bytes()
        if name.endswith(".marshal"):
            # marshal flags a string as shared or interned by what else in the process holds it (a
            # cache of an earlier search), so two builds in one process may differ in those bits
            # alone: the terms table must be the same, not its bytes
            assert marshal.loads(ba) == marshal.loads(bb), name
        else:
            assert ba == bb, name


def test_a_normal_build_has_the_reference_builds_arrays(bundled_index, reference_index):
    from whoosh import index as windex

    _same_arrays(bundled_index, reference_index)
    names = set(windex.open_dir(str(current_version(bundled_index))).schema.names())
    assert not names & set(SCORED_FIELDS)  # the build-time saving is real


@pytest.mark.slow  # every golden query (or a built 300-entry kb) scored twice, by whoosh and by the arrays
def test_identity_with_whoosh_bm25f_on_golden_queries(plain_bm25f):
    queries = [q.text for q in load_queries(GOLDEN) if _plain(q.text)]
    assert len(queries) >= 300
    for q in queries:
        _same_as_whoosh(plain_bm25f, q)


def test_identity_with_whoosh_under_category_filter(plain_bm25f, bundled):
    for q in ["注销 余额", "refund", "мошенники", "zhuxiao"]:
        for c in CATEGORIES:
            _same_as_whoosh(plain_bm25f, q, category=c)
            want = {h["id"] for h in bundled.whoosh_searcher().search(
                __import__("whoosh.query", fromlist=["Term"]).Term("category", c), limit=None)}
            hits = bundled.search(q, category=c, limit=50).hits
            assert {h.id for h in hits} <= want


def _synthetic_kb(root: Path, n: int = 300, seed: int = 5) -> list[str]:
    """``n`` entries whose words are drawn (Zipf) from the bundled kb's own text."""
    rng = random.Random(seed)
    words = {"zh": [], "ru": [], "en": []}
    for p in sorted(BUNDLED_KB.glob("*/*.yaml")):
        d = yaml.safe_load(p.read_text("utf-8"))
        for lang in words:
            text = " ".join([d[lang]["question"], d[lang]["answer"]])
            if lang == "zh":
                words[lang] += re.findall(r"[\u4e00-\u9fff]{2}", text)
            else:
                words[lang] += re.findall(r"[A-Za-zА-Яа-яЁё]{3,}", text)
    for lang in words:
        words[lang] = sorted(set(words[lang]))
        rng.shuffle(words[lang])

    def sentence(lang: str, k: int) -> str:
        ws = rng.choices(words[lang], weights=[1 / (i + 1) for i in range(len(words[lang]))], k=k)
        return ("" if lang == "zh" else " ").join(ws)

    for c in CATEGORIES:
        (root / c).mkdir(parents=True)
    for i in range(n):
        e = {"id": f"s{i:04d}", "category": CATEGORIES[i % len(CATEGORIES)], "updated": "2026-11-20"}
        for lang in words:
            e[lang] = {"question": sentence(lang, rng.randint(3, 7)) + "?", "alternatives": [sentence(lang, 4)],
                       "lead": sentence(lang, 5),
                       "answer": sentence(lang, rng.randint(8, 30))}
            e[lang]["lead"] = e[lang]["answer"][:300]  # the schema asks for one; no extra random draws
        (root / e["category"] / f"{e['id']}.yaml").write_text(yaml.safe_dump(e, allow_unicode=True), "utf-8")
    return [sentence(rng.choice(list(words)), rng.randint(1, 4)) for _ in range(150)]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic")
    queries = _synthetic_kb(root / "kb")
    _reference_build(root / "kb", root / "reference")
    build_index(load_kb(root / "kb"), root / "index")
    return Searcher(root / "reference", ranking="bm25f"), queries, root


@pytest.mark.slow  # every golden query (or a built 300-entry kb) scored twice, by whoosh and by the arrays
def test_identity_with_whoosh_bm25f_on_a_synthetic_kb(synthetic):
    s, queries, root = synthetic
    assert s.entry_count == 300
    _same_arrays(root / "index", root / "reference")
    for q in queries:
        _same_as_whoosh(s, q)


def _phrases(kb: Path, n: int, seed: int) -> list[str]:
    """Pieces of the kb's questions and answers: Chinese substrings of 2-8 characters and
    Russian/English runs of 2-4 words, with a word dropped now and then (whoosh's slop 2
    for words) and some crossing sentence boundaries; plus a few that are no entry's."""
    rng = random.Random(seed)
    texts: dict[str, list[str]] = {"zh": [], "ru": [], "en": []}
    for p in sorted(kb.glob("*/*.yaml")):
        d = yaml.safe_load(p.read_text("utf-8"))
        for lang in texts:
            texts[lang] += [d[lang]["question"], d[lang]["answer"]]
    out = ["注销注销", "余额余额余额", "哈哈哈哈", "the the", "sim sim card"]
    while len(out) < n:
        lang = rng.choice(list(texts))
        t = rng.choice(texts[lang])
        if lang == "zh":
            k = rng.randint(2, 8)
            i = rng.randrange(max(1, len(t) - k))
            out.append(t[i:i + k])
        else:
            words = t.split()
            k = rng.randint(2, 4)
            i = rng.randrange(max(1, len(words) - k))
            piece = words[i:i + k + 1]
            if len(piece) > 2 and rng.random() < 0.3:
                del piece[rng.randrange(1, len(piece) - 1)]
            out.append(" ".join(piece[:k]))
    return out


def _phrase_identity(ours: Searcher, reference: Searcher, phrases: list[str]) -> None:
    """The arrays' phrase masks equal whoosh's Phrase/Term matches on the reference build."""
    from faqkb.plan import phrase_queries

    imp, ref = ours.impact, reference.whoosh_searcher()
    checked = {1: 0, 2: 0}
    for phrase in phrases:
        a = ours.analyzer().analyze(phrase, query=True)
        for q, _, (fields, terms, slop) in phrase_queries([a]):
            got = imp.phrase(fields, terms, slop)
            assert got is not None
            want = sorted(ref.docs_for_query(q))
            assert [int(d) for d in got.nonzero()[0]] == want, phrase
            checked[slop] += bool(want)
    # most phrases of either kind match something: the test can fail
    assert min(checked.values()) >= len(phrases) // 5, checked


def test_phrases_match_exactly_as_whoosh(bundled, plain_bm25f):
    _phrase_identity(bundled, plain_bm25f, _phrases(BUNDLED_KB, 200, 3))


@pytest.mark.slow
def test_phrases_match_exactly_as_whoosh_on_a_synthetic_kb(synthetic):
    s, _, root = synthetic
    _phrase_identity(Searcher(root / "index"), s, _phrases(root / "kb", 300, 4))


def test_quoted_phrases_filter_exactly_as_whoosh(bundled, plain_bm25f):
    from whoosh import query as wq

    from faqkb.plan import phrase_queries

    ref = plain_bm25f.whoosh_searcher()  # whoosh with bigram postings
    for phrase in ["余额", "注销手机卡", "расторгнуть договор", "SMS code", "保号卡"]:
        res = bundled.search(f'"{phrase}"', limit=50, suggest=False)
        a = bundled.analyzer().analyze(phrase, query=True)
        must = [q for q, _, _ in phrase_queries([a])]
        want = {ref.stored_fields(d)["id"] for d in ref.docs_for_query(wq.And(must))}
        got = {h.id for h in res.hits}
        assert got <= want and got, phrase
        # every phrase match that scores above the result cutoff is listed
        assert res.total == len(got) or res.total > 50


def test_terms_scored_per_query_are_capped(bundled):
    from faqkb.plan import MAX_TERMS
    from faqkb.search import MAX_QUERY_CHARS

    rng = random.Random(2)
    seen = []
    for _ in range(5):
        q = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(MAX_QUERY_CHARS))
        x = bundled.explain(q)
        seen.append(len(x.terms))
        assert len(x.plan.terms) + len(x.plan.reading_terms) > len(x.terms)  # the cap cut something
    assert max(seen) == MAX_TERMS


def test_query_work_is_bounded_by_its_terms(bundled):
    """Postings read grow with the query's terms, never with anything else (no scan)."""
    imp = bundled.impact
    lex = bundled.lexicon
    a = lex.analyzer.analyze("注销 余额 退款 护照 " * 10, query=True)
    terms = bundled.terms(a, lex.synonyms)
    _, _, postings = imp.score(terms)
    assert len(terms) <= 200
    assert postings <= len(terms) * imp.n


def test_at_reads_the_same_impacts_as_the_rows(bundled):
    """ImpactIndex.at (the build's one-search lookup for self-scores) agrees with row()."""
    import numpy as np

    imp = bundled.impact
    rng = random.Random(7)
    for f, terms in imp.terms.items():
        names = rng.sample(sorted(terms), min(40, len(terms)))
        rows = np.array([terms[t] for t in names for _ in range(imp.n)])
        docs = np.array([d for _ in names for d in range(imp.n)])
        want = np.zeros(len(rows))
        for i, t in enumerate(names):
            got_docs, got_imp = imp.row(f, t)
            want[i * imp.n + got_docs] = got_imp
        assert np.array_equal(imp.at(f, rows, docs), want), f


def _writer_docs(seed: int, n: int) -> list[dict]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(300)]
    return [{f: [rng.choice(words[:rng.choice((5, 50, 300))]) for _ in range(rng.randint(0, 40))]
             for f in SCORED_FIELDS} for _ in range(n)]


def test_impact_writer_arrays_do_not_depend_on_how_it_was_fed(tmp_path):
    """One writer fed every document, sealed once, and written a whole field at a time;
    against three workers' writers (sealed in pieces) merged in order, in memory or spilled
    to files, and written a few postings at a time: byte-identical files (the build relies on both: its analysis workers,
    ImpactWriter.write's slices)."""
    from faqkb.build.impact_writer import ImpactWriter

    docs = _writer_docs(3, 120)
    whole = ImpactWriter()
    for d in docs:
        whole.add(d)
    (tmp_path / "whole").mkdir()
    whole.write(tmp_path / "whole")

    # In memory, and spilled to files as the builder merges (the spill folder is gone after).
    for out, spill in (("pieces", None), ("spilled", tmp_path / "spill")):
        merged = ImpactWriter(spill)
        for part in (docs[:50], docs[50:51], docs[51:]):
            w = ImpactWriter()
            for i, d in enumerate(part):
                w.add(d)
                if i % 7 == 3:
                    w.seal()
            merged.merge(w)
        (tmp_path / out).mkdir()
        merged.write(tmp_path / out, slice_size=5)
    assert not (tmp_path / "spill").exists()

    names = sorted(p.name for p in (tmp_path / "whole").iterdir())
    for out in ("pieces", "spilled"):
        assert names == sorted(p.name for p in (tmp_path / out).iterdir()) and len(names) > 10
        for name in names:
            assert (tmp_path / "whole" / name).read_bytes() == (tmp_path / out / name).read_bytes(), (out, name)
