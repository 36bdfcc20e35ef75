"""The build's topic counts (build/stages.py): workers send their feature counts sorted
(sorted_counts) and the builder adds them up (add_sorted) into the model topic.from_parts
gives from the same counts as Mappings."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from faqkb.build.stages import add_sorted, sorted_counts
from faqkb.topic import from_arrays, from_parts

_counts = st.dictionaries(st.text(alphabet="ab:xé注销", min_size=1, max_size=4), st.integers(1, 50), max_size=30)


@given(st.lists(_counts, max_size=4), st.lists(_counts, min_size=1, max_size=2))
def test_add_sorted_gives_from_parts_model(on: list[dict[str, int]], off: list[dict[str, int]]) -> None:
    parts = [sorted_counts(c) for c in [*on, *off]]
    vocab, added = add_sorted(parts, [0] * len(on) + [1] * len(off))
    total = [sum((Counter(c) for c in side), Counter()) for side in (on, off)]
    assert vocab == sorted(set().union(*on, *off))
    for cls in (0, 1):
        assert added[cls].tolist() == [total[cls][k] for k in vocab]
    assert from_arrays(vocab, added[0], added[1]).weights == from_parts(on, off).weights


def test_add_sorted_keeps_the_first_parts_string() -> None:
    # a set union keeps the first part's object for a key in several parts (marshal's
    # bytes depend on which strings are one object)
    a, b = "".join(["fea", "ture"]), "".join(["feat", "ure"])
    assert a == b and a is not b
    vocab, added = add_sorted([sorted_counts({a: 1}), sorted_counts({b: 2})], [0, 0])
    assert vocab[0] is a and added[0].tolist() == [3]


def test_add_sorted_of_nothing() -> None:
    vocab, added = add_sorted([], [])
    assert vocab == [] and added.shape == (0, 0)
