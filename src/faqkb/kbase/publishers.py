"""Publishers' names as readers know them (kb/publishers.yaml, owned by the editors).

The register (kb/facts.yaml) credits each source to its publisher in the editors' words
("MegaFon, help centre", "RTVI citing TASS"); a reader sees the name they know in their own
language (МегаФон, 塔斯社). Each row maps the register's ``publisher`` text, exactly as written
there, to a name per language; the loader attaches them to every fact and further source
(``reader_publisher``), and faqkb.sources picks the reader's. Optional: without the file every
page shows the register's text. `faqkb check` reports a publisher with no row, a language
missing or empty in a row, and a row no fact uses (a warning)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import KBError, KBErrors
from .model import LANGS, Fact
from .yamlsafe import error_at, node_at

PUBLISHERS_FILE = "publishers.yaml"
_EXAMPLE = "e.g. publishers: {'MegaFon, help centre': {zh: MegaFon（МегаФон）帮助中心, ru: МегаФон, en: MegaFon}}"


def read_publishers(root: Path) -> dict[str, dict[str, str]]:
    """kb/publishers.yaml as {register publisher: {lang: reader name}} ({} when the file is
    absent); an empty name is left out (`check` reports it). Raises KBError(s), located, for a
    file of the wrong shape."""
    from .load import read_section

    got = read_section(root, PUBLISHERS_FILE, "publishers", dict, "publishers.yaml must be 'publishers:' followed "
                       "by one mapping per publisher, keyed by its name as kb/facts.yaml writes it", _EXAMPLE)
    if got is None:
        return {}
    shown, rows, node = got
    errors: list[KBError] = []
    out: dict[str, dict[str, str]] = {}
    for publisher, names in rows.items():
        at = node_at(node, ["publishers", publisher])
        if not isinstance(names, dict):
            errors.append(error_at(shown, at, f"publisher {publisher!r}: not a mapping of names by language",
                                   "write zh:, ru: and en: under it, one name each"))
            continue
        for lang, name in names.items():
            if lang not in LANGS:  # point at the key itself
                key = next((k for k, _ in getattr(at, "value", ()) if k.value == lang), None)
                errors.append(error_at(shown, key,
                                       f"publisher {publisher!r}: unknown language {lang!r}",
                                       "use " + ", ".join(LANGS)))
            elif name is not None and not isinstance(name, str):
                errors.append(error_at(shown, node_at(node, ["publishers", publisher, lang]),
                                       f"publisher {publisher!r}: the {lang} name is not text ({name!r})",
                                       "write the name as plain text; quote it if it holds ':' or starts with '-'"))
        out[str(publisher).strip()] = {lang: name.strip() for lang, name in names.items()
                                       if lang in LANGS and isinstance(name, str) and name.strip()}
    if errors:
        raise KBErrors(errors)
    return out


def with_reader_publishers(facts: dict[str, Fact], names: dict[str, dict[str, str]]) -> dict[str, Fact]:
    """``facts`` with each source's reader-facing publisher names attached (``reader_publisher``)."""
    if not names:
        return facts
    return {fid: replace(f, reader_publisher=dict(names.get(f.publisher, {})),
                         also=tuple(replace(s, reader_publisher=dict(names.get(s.publisher, {}))) for s in f.also))
            for fid, f in facts.items()}
