"""A half-typed Russian or English query read as the beginning of the kb's own phrasings
(continuation.py, fifteenth round): the words typed, function and question words too, in
order, the last one begun, any inflection. Queries here are made up; none is copied from an
evaluation set."""

from __future__ import annotations

import math

import pytest

from faqkb.continuation import MAX_ALIGNED, MAX_WORDS, Phrasings, ranked

ENTRIES = [
    ("lapse", ["What happens if I stop using my card?", "что будет с номером, если им не пользоваться"]),
    ("thief", ["What to do if someone stole my card", "что делать, если украли телефон с номером"]),
    ("debt", ["Can I close the number with a debt on it?", "можно ли закрыть номер с долгом"]),
    ("shop", ["Can I close the number in any shop?", "можно ли закрыть номер в любом салоне"]),
]


def test_question_words_in_order_tell_the_entry_the_reader_goes_on_to():
    p = Phrasings.of(iter(ENTRIES))
    got = p.scores("what happens to my card i")  # "what happens … if" asks the lapse entry
    assert max(got, key=got.__getitem__) == "lapse"
    got = p.scores("что будет с симкой если")      # the function words, not the noun, say it
    assert max(got, key=got.__getitem__) == "lapse"


def test_the_last_word_is_begun_and_a_russian_word_may_be_any_inflection():
    p = Phrasings.of(iter(ENTRIES))
    got = p.scores("can i close the number w")      # w: with (a debt), not in (a shop)
    assert got["debt"] > got["shop"]
    got = p.scores("можно ли закрыть номера в люб")  # номера: номер; люб: любом
    assert max(got, key=got.__getitem__) == "shop"
    assert p.scores("can i close the number w ", ended=True).get("debt", 0) < got["shop"]  # w typed whole: no word


def test_the_first_of_the_ranking_stays_and_the_phrasings_best_join():
    order = ranked(["a", "b", "c", "d"], {"d": 1.0, "e": 0.9}, 1.0, 3)
    assert order[0] == "a" and order[1] == "d" and "e" in order[:4]
    assert ranked(["a"], {"x": 1.0, "y": 0.5}, 1.0, 3) == ["a", "x", "y"]  # fewer than three hits: filled
    assert ranked(["a"], {"x": 1.0}, 1.0, 3, keep=lambda e: False) == ["a"]


def test_the_work_per_query_is_bounded():
    many = [(f"e{i}", [f"how do i close it {i}", f"how do i close number {i}"]) for i in range(MAX_ALIGNED)]
    p = Phrasings.of(iter(many))
    p.scores("how do i close it and then what " * 20)  # a long text: its last MAX_WORDS words read
    assert p.aligned <= MAX_ALIGNED
    p.scores("how do i c")
    assert p.aligned <= 2 * MAX_ALIGNED
    assert MAX_WORDS < 20


def test_a_half_typed_russian_question_has_the_entry_its_function_words_go_on_to(bundled):
    typed = "что будет с моей симкой если"  # "what happens to my SIM if …": not using it
    res = bundled.search(typed, prefix=True)
    exact = bundled.search(typed, correct=False)
    assert "stop-using-sim-what-happens" in [h.id for h in res.hits[:3]]
    assert "goes_on" in res.signals
    assert res.hits[0].id == exact.hits[0].id and res.answered == exact.answered  # the first hit and the verdict stay
    assert "stop-using-sim-what-happens" not in [h.id for h in exact.hits[:3]]  # the results page stays as ranked
    assert "goes_on" not in exact.signals


def test_a_cut_with_fewer_than_three_hits_shows_three_likely_ones(bundled):
    typed = "после того"  # a clause begun: the words find one entry
    assert len(bundled.search(typed, correct=False).hits) < 3
    res = bundled.search(typed, prefix=True)
    assert len(res.hits) >= 3 and len({h.id for h in res.hits}) == len(res.hits)


def test_chinese_and_pinyin_are_not_read_as_phrasings_words(bundled):
    for typed in ("注销以后余额", "zhuxiao yihou yu"):
        assert "goes_on" not in bundled.search(typed, prefix=True).signals


def test_the_phrasings_read_are_bounded():
    from faqkb.continuation import MAX_TOTAL

    many = ((f"e{i}", (f"close number {i} {j}" for j in range(64))) for i in range(MAX_TOTAL // 32))
    assert len(Phrasings.of(many).phrasings) == MAX_TOTAL


def test_only_what_the_panel_reads_is_given_and_scored_as_every_phrasing_would():
    """With the hits shown (``needed``) and the entries that may join (``top``), the scores given
    are those read (the hits', the best ``top``), each as when every candidate is scored, and
    the others are left out."""
    many = [(f"e{i}", [f"how do i close the number with a debt {i}" if i % 8 == 0 else f"a number in shop {i}",
                       f"can i close it after leaving {i}" if i % 5 == 0 else f"close {i} here",
                       f"what if my number {i} is closed"]) for i in range(40)]
    for typed, ended in (("how do i close the number wi", False), ("can i close it after", True),
                         ("how do i close the num", False)):
        full, cut = Phrasings.of(iter(many)), Phrasings.of(iter(many))
        every = full.scores(typed, ended=ended)
        shown = sorted(every)[::7][:10]
        got = cut.scores(typed, ended=ended, needed=shown, top=3)
        best = sorted(every, key=lambda e: (-every[e], e))[:3]
        assert sorted(got, key=lambda e: (-got[e], e))[:3] == best
        assert all(got[e] == every[e] for e in [*shown, *best])
        assert len(got) < len(every)  # (what is not read is not given)


def test_the_model_survives_the_build_file_unchanged():
    p = Phrasings.of(iter(ENTRIES))
    back = Phrasings.load(p.dump())
    for typed in ("can i close the number w", "что будет с симкой если", "what happens"):
        assert back.scores(typed) == p.scores(typed)


def test_a_fresh_searcher_reads_the_phrasing_models_the_build_wrote_and_makes_none(bundled_index, tmp_path):
    """The build writes continuation's and phrasing_fit's models (layout.CONTINUATION, FIT); a
    fresh searcher's half-typed ru/en and Chinese queries read them (cache_info "phrasings":
    held, made by a query). A version built before the files makes each at its first such
    query, once, and answers every search exactly as the one that read them."""
    from helpers import same_answers_built_before

    from faqkb.layout import CONTINUATION, FIT

    typed = ["can i close my numb", "что будет если не пла", "注销以后余", "zhuxiao yihou yu", "how long does a refu"]
    got = same_answers_built_before(bundled_index, tmp_path / "index", (CONTINUATION, FIT), "phrasings", typed)
    assert any(r.signals.get("goes_on") for r in got) and any(r.signals.get("fit") for r in got)


def _followed(p: Phrasings, typed: list[str], phrasing: list[str], ended: bool) -> float:
    """The module's rule worked out on the whole grid of typed by phrasing words, as an oracle:
    typed words matched to the phrasing's in order (a whole word by stem, the last begun one as
    a word's start or by stem), a word found scoring its weight, one missing costing MISSING of
    it, a phrasing word skipped costing SKIPPED of its weight between two found and
    SKIPPED_BEFORE before the first; over the typed weight (the last one's as the best word it
    begins)."""
    from faqkb.continuation import MISSING, SKIPPED, SKIPPED_BEFORE, stem

    def weight(word: str) -> float:  # (a stem no phrasing holds: as rare as can be)
        return p.weight.get(stem(word), math.log(1 + len(p.phrasings)))

    w, pw = [weight(t) for t in typed], [weight(x) for x in phrasing]
    n, m = len(typed), len(phrasing)

    def gain(i: int, j: int) -> float | None:
        last = i == n - 1 and not ended
        if last and phrasing[j].startswith(typed[i]) or stem(typed[i]) == stem(phrasing[j]):
            return pw[j] if last else w[i]
        return None

    best: dict[tuple[int, int], float] = {}  # the best alignment ending with typed i found at j
    for i in range(n):
        for j in range(m):
            if (g := gain(i, j)) is None:
                continue
            v = -MISSING * sum(w[:i]) - SKIPPED_BEFORE * sum(pw[:j])
            for (a, b), x in best.items():
                if a < i and b < j:
                    v = max(v, x - MISSING * sum(w[a + 1:i]) - SKIPPED * sum(pw[b + 1:j]))
            best[i, j] = v + g
    end = max([-MISSING * sum(w), *(x - MISSING * sum(w[a + 1:]) for (a, _), x in best.items())])
    begun = [pw[j] for j in range(m) if not ended and phrasing[j].startswith(typed[-1])]
    return end / (sum(w[:-1]) + (max(begun) if begun else w[-1]))


def test_chains_of_any_length_and_phrasings_of_many_pairs_follow_the_rule():
    """Long chains (six typed words in order, others between) and a phrasing whose words repeat
    (more pairs than are worked out at once in numpy: LINKED_PAIRS) score as the rule says."""
    import random

    from faqkb.continuation import LINKED_PAIRS

    texts = {"long": "can i close my old number from abroad or only in a shop today",
             "echo": " ".join(["close"] * 6 + ["number"] * 6 + ["close", "abroad", "number"] + ["shop"] * 3),
             "short": "close a number"}
    assert len(texts["echo"].split()) > LINKED_PAIRS
    p = Phrasings.of((e, [t]) for e, t in texts.items())
    rnd = random.Random(7)
    vocabulary = sorted({x for t in texts.values() for x in t.split()} | {"never"})
    for _ in range(60):
        typed = [rnd.choice(vocabulary) for _ in range(rnd.randint(2, 6))]
        ended = rnd.random() < 0.3
        if not ended:
            typed[-1] = typed[-1][:rnd.randint(1, len(typed[-1]))]
        got = p.scores(" ".join(typed), ended=ended)
        for e, t in texts.items():
            if e in got:
                assert got[e] == pytest.approx(_followed(p, typed, t.split(), ended)), (typed, e)


def test_a_continuation_file_written_before_the_word_pairs_answers_the_same(bundled_index, tmp_path):
    """The build writes the phrasings' word pairs (which word the kb's phrasings put next:
    word_follows.py) into continuation's file, so the first panel completion reads them rather
    than counting every phrasing; a file written before them makes them at first use, and the
    panel answers every search alike."""
    import marshal
    import shutil

    from faqkb.index import current_version
    from faqkb.layout import CONTINUATION
    from faqkb.search import Searcher

    p = Phrasings.of(iter(ENTRIES))
    raw = marshal.loads(p.dump())
    assert raw.pop("follows")  # (the table is written)
    old = Phrasings.load(marshal.dumps(raw))
    new = Phrasings.load(p.dump())
    for rest, afters in (("what happens", ["if", "to", "when"]), ("можно ли", ["закрыть", "купить"]),
                         ("close the", ["number", "card"])):
        assert old.follows().counts(rest, afters) == new.follows().counts(rest, afters) == p.follows().counts(rest, afters)
    assert old.follows().table == new.follows().table

    copy = tmp_path / "index"
    shutil.copytree(bundled_index, copy)
    file = current_version(copy) / CONTINUATION
    raw = marshal.loads(file.read_bytes())
    assert raw.pop("follows")
    file.write_bytes(marshal.dumps(raw))
    typed = ["сколько ст", "how many d", "can i cl", "можно ли закрыть номер ч", "what happens if i n"]
    got = []
    for where in (bundled_index, copy):
        s = Searcher(where)
        got.append([(r.hits, r.signals, r.typing) for r in (s.search(q, prefix=True) for q in typed)])
        s.close()
    assert got[0] == got[1]
