"""Facts spelled in two places must agree: where one cannot be generated from the other (the
schema is a file editors' tools read; model.py is what the code imports without reading it),
a test ties them."""

from __future__ import annotations

import json
from importlib import resources

from faqkb.kbase.model import CATEGORIES, LANGS
from faqkb.paths import bundled_kb


def _schema(name: str) -> dict:
    return json.loads(resources.files("faqkb").joinpath(f"schema/{name}.schema.json").read_text("utf-8"))


def test_categories_are_the_schemas_in_the_same_order():
    assert list(CATEGORIES) == _schema("entry")["properties"]["category"]["enum"]


def test_languages_are_the_schemas():
    schema = _schema("entry")
    assert [one["required"][0] for one in schema["anyOf"]] == list(LANGS)  # an entry needs one of them
    assert all(schema["properties"][lang]["$ref"] == "#/$defs/translation" for lang in LANGS)


def test_the_bundled_kb_has_a_folder_per_category_and_no_other():
    folders = {p.name for p in bundled_kb().iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert folders == set(CATEGORIES)
