"""The fixed work of one query, counted (never timed): what a hit costs is looked up, not
recomputed, and the shortcuts give exactly what the plain walks they replace give.
Timings are bench/latency.py's job."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from faqkb import snippets
from faqkb.evaluate import load_queries
from faqkb.plan import highlight_terms
from faqkb.snippets import compact_marks, compact_spans, densest, highlight_spans

GOLDEN = Path(__file__).parent / "golden" / "queries.yaml"


def _queries(n: int = 120) -> list[str]:
    return [q.text for q in load_queries(GOLDEN)][:n]


def test_compact_marks_mark_what_walking_every_word_marks(bundled):
    """compact_spans (the query's words found in the joined terms) == highlight_spans (every
    word walked), on every bundled text and 120 golden queries."""
    lex = bundled.lexicon
    marks = [bundled.marks(d) for d in range(bundled.entry_count)]
    checked = 0
    for q in _queries():
        terms = highlight_terms([lex.analyzer.analyze(q, query=True)], lex.synonyms)
        for per_lang in marks:
            for q_marks, a_marks in per_lang.values():
                for m in (q_marks, a_marks):
                    assert compact_spans(compact_marks(m), terms) == highlight_spans(m, terms)
                    checked += 1
    assert checked > 10_000


def test_compact_marks_on_repeats_neighbours_and_readings():
    """A word marked at every place (neighbours too: "a a"), a reading found, a word that is
    part of another (a in ab) or empty, or a reading of "" never matched."""
    marks = [("a", 0, 1, ""), ("a", 2, 3, ""), ("ab", 4, 6, "bi"), ("b", 7, 8, ""), ("a", 9, 10, "")]
    for words, pinyin, want in (({"a"}, set(), [(0, 1), (2, 3), (9, 10)]),
                                ({f"w{i}" for i in range(50)} | {"b", ""}, {"bi", ""}, [(4, 6), (7, 8)]),
                                (set(), {"b"}, []), ({"a\nab"}, set(), [])):
        terms = {"words": words, "pinyin": pinyin}
        assert compact_spans(compact_marks(marks), terms) == highlight_spans(marks, terms) == want


def _densest_by_counting(spans, size):
    return max(range(len(spans)), key=lambda i: sum(1 for s, e in spans[i:] if e <= spans[i][0] + size))


def test_densest_window_is_the_one_counting_from_every_span_finds():
    rng = random.Random(4)
    for _ in range(2000):
        starts = sorted(rng.sample(range(600), rng.randint(1, 40)))
        spans = snippets.merge([(s, s + rng.randint(1, 30)) for s in starts])
        size = rng.choice([20, 80, 160])
        assert densest(spans, size) == _densest_by_counting(spans, size)


def test_each_hit_text_is_indexed_once_not_once_per_query(bundled_index):
    """Repeating queries reads no hit text again (its marks, plain answer and layout): the
    second round of the same queries reads nothing per hit; no hit decodes the marks of
    languages it does not show, nor looks up which language it shows (written at build)."""
    from faqkb.search import Searcher

    s = Searcher(bundled_index)
    qs = _queries(60)
    for q in qs:
        s.search(q, suggest=False)
    first = s.cache_info()
    for q in qs:
        s.search(q, suggest=False)
    # A hit reads its own language's blob (hits.lang.bin), never every language's stored marks.
    assert first["stored"] == first["shows"] == (0, 0)
    held, made = first["marked"]
    assert made > 0 and held == made  # nothing was dropped: a repeat can find it all
    assert s.cache_info()["marked"] == first["marked"]


def test_a_kept_word_costs_its_documents_not_the_kbs_size(fixture_index, bundled_index):
    """The per-version `words` cache keeps a query word as the ids of the documents holding
    it (coverage.held_by), not as masks over every document: words no entry holds cost the
    same in the 6-entry and the 65-entry kb, and a repeat of the golden queries makes no
    word anew (the bound in bytes is docs/engine.md's; at 10k entries masks let it hold
    ~725 words, so a repeat made most of them again)."""
    from faqkb.engine.version import WORD_CACHE_BYTES
    from faqkb.search import Searcher

    made_up = ["zqxv", "вжщфы", "qqzvk jjxw", "xkcdq"]
    kept = []
    for index in (fixture_index, bundled_index):
        s = Searcher(index)
        for q in made_up:
            s.search(q, suggest=False)
        assert s.cache_info()["words"][1] >= len(made_up)
        kept.append(s.cache_bytes()["words"])
    assert kept[0] == kept[1]

    s = Searcher(bundled_index)
    qs = _queries(120)
    for q in qs:
        s.search(q, suggest=False)
    first = s.cache_info()["words"]
    for q in qs:
        s.search(q, suggest=False)
    assert first[0] == first[1] > 100  # every word made is still held
    assert s.cache_info()["words"] == first  # and none is made again
    assert 0 < s.cache_bytes()["words"] <= WORD_CACHE_BYTES


@pytest.mark.parametrize("query", ["注销 手机卡 余额 退款", "cancel sim refund balance", "расторгнуть договор"])
def test_scoring_reads_each_named_row_once(bundled, query):
    """ImpactIndex.score reads exactly the postings of the terms it is given (one gather,
    one sum): as many as the rows hold, no more."""
    imp = bundled.impact
    lex = bundled.lexicon
    terms = bundled.terms(lex.analyzer.analyze(query, query=True), lex.synonyms)
    _, matched, postings = imp.score(terms)
    assert postings == sum(imp.df(f, t) for f, t, _ in terms)
    assert matched.sum() <= postings


def test_a_long_query_run_gets_no_hmm_for_its_mainland_reading_either(bundled, monkeypatch):
    """jieba's HMM (a Viterbi pass per character) is skipped on query runs past
    QUERY_HMM_MAX, also when the run is cut a second time in mainland vocabulary."""
    from faqkb.analysis import QUERY_HMM_MAX

    segmenter = bundled.analyzer().segmenter
    calls = []
    real = segmenter.cut
    monkeypatch.setattr(segmenter, "cut", lambda run, hmm=True: calls.append((len(run), hmm)) or real(run, hmm))
    rng = random.Random(9)
    tail = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(QUERY_HMM_MAX + 20))
    bundled.search("門號停話簡訊" + tail, suggest=False)
    # the run, then its mainland reading (門號→号码 ...); plan.mainland cuts both once more for
    # what the topic model and `answered` read (the typed words a conversion replaced)
    assert 2 <= len(calls) <= 4
    assert all(not hmm for _, hmm in calls)


def test_top_k_through_a_sampled_bound_is_the_plain_partition():
    """impact.top bounds the k-th score from a sample of the candidates before it
    partitions (a big index); the documents and their order are exactly the plain
    partition's, ties at the k-th score and candidates scoring 0 or less included."""
    import numpy as np

    from faqkb.impact import top

    def plain(scores, mask, k):
        cand = np.flatnonzero(mask)
        if len(cand) > k:
            s = scores[cand]
            kth = s[np.argpartition(-s, k - 1)[:k]].min()
            cand = cand[s >= kth]
        return cand[np.lexsort((cand, -scores[cand]))][:k], int(mask.sum())

    rng = np.random.default_rng(0)
    for n in (50, 5000, 30000):
        for trial in range(12):
            # few distinct values: many ties, also at the k-th score
            scores = np.round(rng.random(n) * 20, trial % 3) * (rng.random(n) < rng.random())
            mask = scores > 0 if trial % 2 else rng.random(n) < 0.9
            if trial % 4 == 2:  # scores at or below 0 too: the sample's bound then bounds nothing
                scores -= 10
            if trial == 10:  # every candidate below 0: the sample's non-candidates (0) lead it
                scores[:] = -1.0
            for k in (1, 20, 70, 3000):
                got, want = top(scores, mask, k), plain(scores, mask, k)
                assert got[1] == want[1] and got[0].tolist() == want[0].tolist()


def test_the_leading_documents_are_the_full_sorts_first():
    """impact.leading sorts only the documents near the best (general_first's candidates):
    the same documents in the same order as the first k of np.argsort(-scores) that score
    at least the share of the best, ties (numpy's unstable order among equal scores) too."""
    import numpy as np

    from faqkb.impact import leading

    def plain(scores, share, k):  # general_first before it
        order = np.argsort(-scores)[:k].tolist()
        if not len(scores) or not scores[order[0]] > 0:
            return []
        out = order[:1]
        for d in order[1:]:
            if scores[d] < share * scores[order[0]]:
                break
            out.append(d)
        return out

    rng = np.random.default_rng(3)
    tied = 0
    for n in (1, 2, 40, 5000, 30000):
        for trial in range(16):
            # few distinct values for some trials: ties near the best, also at the cut
            scores = np.round(rng.random(n) * 20, trial % 4) * (rng.random(n) < rng.random())
            if trial == 15:
                scores[:] = 0.0
            if trial == 14 and n > 2:
                scores[1] = np.nan
            for share, k in ((0.9, 5), (0.5, 3), (0.99, 1), (0.0, 7)):
                got = leading(scores, share, k)
                assert got == plain(scores, share, k)
                near = scores[scores >= share * scores.max()] if np.nanmax(scores) > 0 else []
                tied += len(near) != len(set(near))
    assert tied > 10  # the tie fallback was exercised
    assert leading(np.zeros(0), 0.9, 5) == []


def test_cached_hits_and_a_loaded_version_add_nothing_to_the_collectors_walk(bundled_index):
    """A full garbage collection walks every tracked object: a loaded version is frozen out
    of it (gc.freeze, service.settle: the CLI's and the web's policy), and what the searcher
    keeps per hit (the entry and language it shows, its hits.lang.bin blob) is strings and
    bytes, which the collector never walks: a hundred more hits kept, no more to walk."""
    import gc

    from faqkb.search import Searcher
    from faqkb.service import settle

    gc.unfreeze()
    assert Searcher(bundled_index).entry_count and gc.get_freeze_count() == 0  # a library caller's: gc left alone
    s = Searcher(bundled_index, on_load=settle)  # the serving policy (the CLI's and the web's)
    assert gc.get_freeze_count() > 0

    def walked() -> int:
        for _ in range(5):  # a tuple is untracked once what it holds is: nested ones take a pass each
            gc.collect()
        return len(gc.get_objects())

    qs = _queries(120)
    for q in qs:
        s.search(q, lang="zh")
    before, kept = walked(), s.cache_info()["shows"][0] + s.cache_info()["marked"][0]
    for q in qs:  # the same words (nothing new to analyse or remember of them), other hits
        s.search(q, lang="ru")
        s.search(q, lang="en")
    added = s.cache_info()["shows"][0] + s.cache_info()["marked"][0] - kept
    assert added > 100
    assert walked() - before < added // 10


def test_hmm_work_per_query_is_bounded_across_quoted_phrases(bundled, monkeypatch):
    """Quoted Han phrases under QUERY_HMM_MAX each used to get a Viterbi pass apiece; past
    QUERY_HMM_BUDGET Han characters in the whole query, none does. A reader's question
    (under the budget) keeps the HMM on its short runs."""
    from faqkb.analysis import QUERY_HMM_BUDGET, QUERY_HMM_MAX

    segmenter = bundled.analyzer().segmenter
    calls = []
    real = segmenter.cut
    monkeypatch.setattr(segmenter, "cut", lambda run, hmm=True: calls.append((len(run), hmm)) or real(run, hmm))
    rng = random.Random(11)
    phrase = lambda: "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(QUERY_HMM_MAX - 2))  # noqa: E731
    parts = [f'"{phrase()}"' for _ in range(QUERY_HMM_BUDGET // (QUERY_HMM_MAX - 2) + 1)]
    bundled.search(" ".join(parts), suggest=False)  # (specificity reads its candidates' questions once per version)
    calls.clear()
    bundled.search(" ".join(parts), suggest=False)
    assert len(calls) >= len(parts) and not any(hmm for _, hmm in calls)
    calls.clear()
    bundled.search('注销手机卡 "余额 退款"', suggest=False)
    assert calls and all(hmm for _, hmm in calls)


def test_a_hit_reads_the_marks_the_analysis_made(bundled):
    """What a hit highlights with (hits.lang.bin, made at build) is every text's marks as the
    analysis stored them, in compact form, for every document and language."""
    checked = 0
    for d in range(bundled.entry_count):
        for lang, texts in bundled.marks(d).items():
            assert bundled.hit_marks(d, lang) == tuple(compact_marks(m) for m in texts)
            checked += 1
    assert checked >= 3 * bundled.entry_count - 3


def test_a_hit_shows_the_wanted_language_or_the_readers_fallback(kb_dir, tmp_path):
    """An entry lacking the wanted language (the query's, when none is asked for) is shown
    in zh, else en, else ru; one that has it, in it. Read from data the build writes, so a
    search makes no per-hit entry lookup (cache_info "shows": none made)."""
    import yaml

    from faqkb.search import Searcher
    from faqkb.service import rebuild

    lacking = {"daily-keeping-fee": ("zh",), "unlink-before-cancel": ("zh", "en")}
    for path in kb_dir.rglob("*.yaml"):
        data = yaml.safe_load(path.read_text("utf-8"))
        if isinstance(data, dict) and data.get("id") in lacking:
            for lang in lacking[data["id"]]:
                del data[lang]
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    rebuild(kb_dir, tmp_path / "index")
    s = Searcher(tmp_path / "index")
    order = ("zh", "en", "ru")
    seen = 0
    for entry in s.entries.values():
        has = set(entry.translations)
        for asked in has:  # (no language wanted: the query's is, as the reader typed it)
            for want in (None, "zh", "ru", "en"):
                hits = s.search(entry.translations[asked].question, lang=want, limit=10).hits
                shown = {h.id: h.lang for h in hits}
                if entry.id in shown:
                    seen += entry.id in lacking
                    wanted = want or asked
                    expected = wanted if wanted in has else next(lang for lang in order if lang in has)
                    assert shown[entry.id] == expected, (entry.id, asked, want)
    assert seen >= 6  # both entries lacking a language were shown for most wanted languages
    assert s.cache_info()["shows"] == (0, 0)


class _Reads(str):
    """A text that counts what is read of it by index or slice (never by a regex)."""

    reads = 0

    def __getitem__(self, key):  # type: ignore[override]
        self.reads += 1
        return str.__getitem__(self, key)


@pytest.mark.parametrize("repeats", [1, 30])
def test_a_one_sentence_answer_is_not_ranked_whatever_its_matches(repeats):
    """An answer of one sentence has one candidate snippet: its matched words are never read
    to rank it, so a snippet reads the text as often for 30 matches as for one."""
    words = " ".join(["fee"] * repeats)
    plain = f"Pay the closing {words} at the desk."
    text = _Reads(plain)
    spans = [(m, m + 3) for m in range(plain.index("fee"), plain.index(" at"), 4)]
    assert len(spans) == repeats
    snippet, kept = snippets.make_snippet(text, spans, prepared=snippets.layout(plain))
    assert snippet == plain and kept == spans
    assert text.reads == 1  # the snippet itself


def test_a_long_answers_snippet_ranks_the_sentences_near_its_matches_only():
    """Sentences without a match are never read; the snippet is the one sentence holding the
    most distinct words, the first of equals."""
    filler = " ".join(f"Line {k} says nothing of note." for k in range(40))
    plain = f"{filler} Bring the fee form. {filler} The fee form and the fee stamp. {filler}"
    words = ("fee", "form", "stamp")
    spans = sorted((i, i + len(w)) for w in words for i in range(len(plain)) if plain.startswith(w, i))
    text = _Reads(plain)
    snippet, kept = snippets.make_snippet(text, spans, prepared=snippets.layout(plain))
    assert snippet == "The fee form and the fee stamp."
    assert [snippet[a:b] for a, b in kept] == ["fee", "form", "fee", "stamp"]
    assert text.reads <= len(spans) + 2  # each matched word once, then the snippet
