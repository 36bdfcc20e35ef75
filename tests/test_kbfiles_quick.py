"""The quick paths of loading a kb (kbase.yamlsafe.quick_yaml and schema.quick_check) may
only ever say "this file is fine, here is its data": whatever they answer must be exactly
what the full loader and jsonschema answer, and every doubt goes to the full path, which
locates the problem. These tests compare both paths on tricky YAML, on every bundled file
and on generated entries."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import BUNDLED_KB, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from faqkb.errors import KBErrors
from faqkb.kbase.load import entry_files, load_kb
from faqkb.kbase.schema import quick_check, validator
from faqkb.kbase.yamlsafe import NOT_QUICK, parse_yaml, quick_yaml

TRICKY = [
    "a: 1", "a: yes", "a: ~", "a:", "a: 2026-01-01", "a: '2026-01-01'", "a: &x b\nc: *x", "a: !!str 1",
    "a: b\na: c", "--- a\n--- b", "<<: {a: b}", "a: [b, [c, {d: e}]]", "[" * 30 + "]" * 30, "? [a]\n: b",
    "1: a", "a: {b: c, b: d}", "", "# a comment", "a", "- a\n- b", "a: 'x'\nb: \"y\"\nc: |\n  z\n  w\n",
    "a: =", "a: .inf", "a: 0x1f", "a: b\n\tc: d", "a: [b", "a: 'unterminated", "a: b\n...\n",
    "%YAML 1.1\n---\na: b", "a: b # c", "a: 1.5", "a: null", "a: NO", "a: off", "a: -", "a: \"\"",
    "a: >\n  folded\n  text\n", "a: &anc b", "- &a [x]\n- *a", "a:\n  - x\n  - y\nb: z", "{a: b, c: [d]}",
    "a: b\n---\n", "a: !python/object:os.system x", "a: \"\\u00e9\\t\"", "true: a", "a: [b, 1]",
]


@pytest.mark.parametrize("text", TRICKY)
def test_quick_yaml_answers_as_the_full_loader_or_not_at_all(text: str) -> None:
    quick = quick_yaml(text)
    try:
        full, _ = parse_yaml(text, "x.yaml")
    except Exception:
        assert quick is NOT_QUICK
        return
    if quick is not NOT_QUICK:
        assert quick == full and repr(quick) == repr(full)


def test_quick_yaml_refuses_what_needs_a_located_message() -> None:
    for text in ("a: &x b\nc: *x", "a: b\na: c", "[" * 30 + "]" * 30, "a: 1", "a: !!str x", "--- a\n--- b"):
        assert quick_yaml(text) is NOT_QUICK, text


def test_every_bundled_file_takes_the_quick_path_with_the_same_data() -> None:
    files = sorted(BUNDLED_KB.glob("*.yaml")) + entry_files(BUNDLED_KB)
    assert len(files) > 50
    for p in files:
        text = p.read_text("utf-8")
        quick = quick_yaml(text)
        assert quick is not NOT_QUICK, p  # else large kbs silently lose the fast path
        assert quick == parse_yaml(text, p.name)[0], p


def test_entries_load_the_same_through_either_path() -> None:
    quick = load_kb(BUNDLED_KB)
    slow = load_kb(BUNDLED_KB, quick=False)
    assert quick.entries == slow.entries and list(quick.entries) == list(slow.entries)


def test_quick_schema_accepts_every_bundled_entry() -> None:
    check = quick_check()
    assert check is not None  # the schema uses only keywords it compiles
    for p in entry_files(BUNDLED_KB):
        assert check(quick_yaml(p.read_text("utf-8"))), p


_BASE = quick_yaml(entry_files(BUNDLED_KB)[0].read_text("utf-8"))
_VALUES = st.one_of(
    st.sampled_from(["", " ", "\n", "x", "mts", "mts2", "basics", "nope", "2026-01-01", "2026-1-1", "F1", "f1",
                     "a-b", "a--b", "-a", "A", "evil\n", "x" * 301, "x" * 20001]),
    st.text(max_size=5), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False),
    st.lists(st.sampled_from(["mts", "mts", "beeline", "F1", "U2", "x", "", "a-b"]), max_size=4),
    st.dictionaries(st.sampled_from(["question", "answer", "lead", "alternatives", "extra"]),
                    st.one_of(st.text(max_size=3), st.lists(st.text(max_size=3), max_size=2)), max_size=5),
)
_PLACES = st.sampled_from([(), ("id",), ("category",), ("updated",), ("operators",), ("related",), ("sources",),
                           ("zh",), ("ru",), ("en",), ("zh", "question"), ("ru", "lead"), ("en", "answer"),
                           ("zh", "alternatives"), ("ru", "alternatives"), ("en", "extra"), ("extra",)])


@settings(max_examples=examples(3000))
@given(st.lists(st.tuples(_PLACES, st.one_of(_VALUES, st.just("<delete>"))), min_size=1, max_size=4))
def test_quick_schema_never_accepts_what_jsonschema_refuses(edits) -> None:
    data = copy.deepcopy(_BASE)
    for place, value in edits:
        if not place:
            continue
        parent = data
        for k in place[:-1]:
            parent = parent.get(k) if isinstance(parent, dict) else None
        if not isinstance(parent, dict):
            continue
        if value == "<delete>":
            parent.pop(place[-1], None)
        else:
            parent[place[-1]] = value
    if quick_check()(data):
        assert validator().is_valid(data), data


def test_a_broken_entry_is_still_located_by_the_full_path(tmp_path: Path) -> None:
    import shutil

    kb = tmp_path / "kb"
    shutil.copytree(BUNDLED_KB, kb)
    victim = entry_files(kb)[0]
    text = victim.read_text("utf-8")
    victim.write_text(text.replace("category:", "categroy:", 1), "utf-8")
    with pytest.raises(KBErrors) as e:
        load_kb(kb)
    line = 1 + text.split("category:")[0].count("\n")
    assert f"{victim.parent.name}/{victim.name}:{line}:1: unknown key 'categroy'" in str(e.value)
