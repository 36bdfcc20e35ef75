"""Russian typed in Latin letters with its last word cut mid-way (issue 19, item 3): in the
panel and the API (prefix=true) the last word goes on to the kb's Cyrillic words whose Latin
spelling it begins, when the words before read as Russian; the results page stays exact.
Queries are made up, none copied from an evaluation set."""

from __future__ import annotations

import pytest

from faqkb.prefix import MAX_EXPANSIONS, MAX_SCAN, Dictionary, complete
from faqkb.translit_prefix import Keys, reads_russian, russian_starts, start_keys


def _split(word: str) -> list[str] | None:  # a toy pinyin splitter
    return [word] if word in ("tui", "na", "ka", "yu") else None


WORDS = ["закрыть", "закрытие", "отключение", "отключить", "доченька", "хорошо", "юрист", "счёт", "дом"]
KEYS = Keys.of(WORDS)


@pytest.mark.parametrize("typed,found", [
    ("zakr", {"закрыть", "закрытие"}),
    ("otkly", {"отключение", "отключить"}),    # y of yu (ю): its key has no y
    ("otklju", {"отключение", "отключить"}),   # the GOST-like spelling
    ("doc", {"доченька"}),                      # c of ch (ч)
    ("kh", set()),                              # too short to say
    ("kho", {"хорошо"}),
    ("yur", {"юрист"}), ("jur", {"юрист"}),
    ("sche", {"счёт"}),                         # сч is typed as щ
    ("dom", {"дом"}),
    ("zakrq", set()), ("Zakr", set()), ("зак", set()),
])
def test_a_latin_start_reaches_the_cyrillic_words_it_spells_the_start_of(typed, found):
    assert set(KEYS.starting(typed)) == found


def test_the_keys_survive_the_build_file_and_another_format_is_refused():
    assert Keys.load(KEYS.dump()) == KEYS
    with pytest.raises(ValueError):
        Keys.load(b"\x00")


def test_a_start_reads_a_bounded_number_of_keys():
    # thousands of words whose keys begin alike: each key tried reads at most MAX_SCAN of them
    many = Keys.of(["кака" + a + b + c for a in "бвгдж" for b in "абвгдежзик" for c in "абвгдежзиклмнопрстуфх"])
    assert len(many.keys) > 2 * MAX_SCAN
    got = many.starting("kaka")  # one key
    assert len(got) == MAX_SCAN
    assert len(many.starting("kakay")) <= MAX_SCAN * len(start_keys("kakay"))


class _Speller:  # what reads_russian asks of spelling.Speller, for the pure tests
    vocab = {"cancel": 3, "sim": 2, "mts": 1}
    translit = {"kak": "как", "na": "на", "za": "за"}

    def russian(self, low: str) -> str | None:
        return {"kak": "как", "zakrit": "закрыть", "nomer": "номер", "poluchit": "получить",
                "nazad": "назад", "sim": "сим", "tui": "туи"}.get(low.replace("y", "i"))


@pytest.mark.parametrize("words,russian", [
    (["kak", "zakryt"], True),
    (["poluchit", "s"], True),          # one letter says nothing
    (["nomer", "mts", "na"], True),     # a brand beside Russian words
    (["how", "to", "cancel"], False),
    (["cancel", "nomer"], False),       # as many English as Russian
    (["s", "v"], False),
    (["sim", "na"], False),             # a Latin kb word spelling a Russian one too (сим) says neither
    (["tui", "na"], False),             # pinyin syllables, all of them
])
def test_the_words_before_read_as_russian_in_latin_or_not(words, russian):
    assert reads_russian(words, _Speller(), _split) is russian


TOY = Dictionary.of({"cancel": 3, "sim": 2, "закрыть": 4, "закрытие": 2, "номер": 5, "деньги": 3},
                    {"dengji": "登记"})


def _russian(query: str, unknown: bool = True):
    return russian_starts(lambda: Keys.of(TOY.counts), query, _Speller, lambda w: unknown, TOY.pinyin)


@pytest.mark.parametrize("typed,searched", [
    ("nu kak zakr", "nu kak закрыть"),
    ("nazad zakryt nom", "nazad zakryt номер"),
    ("poluchit nazad den", "poluchit nazad деньги"),   # not 登记's reading, which begins so too
    ("zakry", "закрыть"),              # alone: no English word begins it (the caller's check)
])
def test_the_panel_completion_goes_on_to_the_cyrillic_words(typed, searched):
    got = complete(typed, TOY, lambda w: None, russian=_russian(typed))
    assert got is not None and got.text == searched and len(got.expansions) <= MAX_EXPANSIONS
    plain = complete(typed, TOY, lambda w: None)  # without the reader (exact search's _confirm): not so
    assert plain is None or plain.text != searched


@pytest.mark.parametrize("typed", ["how to zakr", "cancel sim zakr"])
def test_english_before_the_start_leaves_it_alone(typed):
    assert complete(typed, TOY, lambda w: None, russian=_russian(typed)) is None


def test_a_start_alone_that_an_english_word_or_a_pinyin_reading_begins_is_left_alone():
    assert complete("zakry", TOY, lambda w: None, russian=_russian("zakry", unknown=False)) is None
    got = complete("den", TOY, lambda w: None, russian=_russian("den"))
    assert got is not None and got.text == "dengji"  # the pinyin reading, as before


def test_a_latin_start_a_latin_kb_word_goes_on_from_stays_latin():
    got = complete("kak zakryt can", TOY, lambda w: None, russian=_russian("kak zakryt can"))
    assert got is not None and got.text == "kak zakryt cancel"


# -- through the searcher (the bundled kb)

@pytest.mark.parametrize("typed,category", [
    ("podskazhite kak zakr", "process"),
    ("babushke nuzhen vozvr", "refunds"),
    ("mne nado rastorgn", "process"),
    ("rodstvennik hochet vozvr", "refunds"),
])
def test_the_panel_reads_russian_typed_in_latin_cut_mid_word(bundled, typed, category):
    res = bundled.search(typed, prefix=True)
    completed = res.signals["prefix"]
    assert res.hits and res.hits[0].category == category and res.answered
    assert 0 < len(completed["expansions"]) <= MAX_EXPANSIONS
    assert all(not w.isascii() for w in completed["expansions"])  # the kb's Cyrillic words
    assert "prefix" not in bundled.search(typed).signals  # the results page reads it as typed


def test_english_before_a_latin_start_is_not_read_as_russian(bundled):
    res = bundled.search("my neighbour asked how to vozvr", prefix=True)
    assert not any(not w.isascii() for w in (res.signals.get("prefix") or {}).get("expansions", []))


def test_a_version_built_before_the_keys_makes_them_once_and_answers_alike(bundled_index, tmp_path):
    """The build writes the keys (layout.TRANSLIT); a fresh searcher reads them (cache_info
    "translit": held, made by a query). A version built before the file makes them at its
    first such query, once, and answers as the one that read them."""
    from helpers import same_answers_built_before

    from faqkb.layout import TRANSLIT

    typed = ["podskazhite kak zakr", "babushke nuzhen vozvr", "how to get my refu", "как бы вернуть остат"]
    same_answers_built_before(bundled_index, tmp_path / "index", (TRANSLIT,), "translit", typed)


def test_queries_whose_last_word_a_kb_word_goes_on_from_read_no_keys(bundled_index):
    from faqkb.search import Searcher

    s = Searcher(bundled_index)
    for q in ("how to get my refu", "как бы вернуть остат", "注销后的余", "zhuxiao yihou yu", "nu kak vernut dengi s bala"):
        s.search(q, prefix=True)
    assert s.cache_info()["translit"] == (0, 0)
    s.close()


def test_the_words_before_a_cyrillic_completion_are_searched_in_cyrillic(bundled):
    from faqkb.prefix import Completion
    from faqkb.translit_prefix import in_cyrillic

    def written(text: str, last: str = "номер") -> str:
        return in_cyrillic(Completion(text + last, "nom", [last]), _Speller).text

    assert written("nu kak zakryt, na ") == "nu как закрыть, на номер"  # (nu: no reading)
    assert written("tele2 kak ") == "tele2 как номер"  # a brand with digits stays
    assert written("kak ", "cancel") == "kak cancel"  # a Latin completion: as it is
    # (сколько стоит: a phrase the ranking reads in Russian, asking the cost, not how long)
    res = bundled.search("a skolko stoit zakryt nom", prefix=True)
    assert res.signals["prefix"]["searched"] == "a сколько стоит закрыть номер"
    assert res.hits[0].id == bundled.search("сколько стоит закрыть номер").hits[0].id
