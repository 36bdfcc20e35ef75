"""A fresh `faqkb search` process loads what one search needs and nothing more (docs/engine.md,
"Cold start": a one-shot CLI query is a product feature). The work is bounded by what the real
command has imported when it exits (sys.modules), never by a clock (the suite runs on a busy
machine): not the builder, not the web, not whoosh (a version built today answers from faqkb's
own files), not the YAML or schema readers, and with --json not the terminal renderer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUNDLED_KB

from faqkb.layout import current_version

# Never loaded by a search: the builder, the web, whoosh's index and writers, the kb's readers,
# pypinyin (the build's), the explain trace.
NEVER = ("faqkb.build", "faqkb.web", "faqkb.wsgi", "flask", "werkzeug", "jinja2", "whoosh", "yaml",
         "jsonschema", "pypinyin", "faqkb.kbase.load", "faqkb.engine.explain")
# Only for a terminal: what turns results into lines and Markdown into text.
TERMINAL = ("faqkb.cli.render", "faqkb.present", "faqkb.markup", "faqkb.sources", "markdown_it")


# The real command (`python -m faqkb`), printing on stderr, as it exits, every module it imported.
RUN = ("import atexit, json, runpy, sys\n"
       "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))\n"
       "sys.argv = ['faqkb', *json.loads(sys.argv[1])]\n"
       "runpy.run_module('faqkb', run_name='__main__')\n")


def imported(index: Path, *args: str) -> tuple[set[str], str]:
    """The modules a fresh `python -m faqkb ARGS --kb <bundled> --index INDEX` imports, and its stdout."""
    argv = [*args, "--kb", str(BUNDLED_KB), "--index", str(index)]
    r = subprocess.run([sys.executable, "-c", RUN, json.dumps(argv)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return set(json.loads(r.stderr.splitlines()[-1])), r.stdout


def loaded(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


@pytest.mark.parametrize("args", [("search", "注销 余额", "--json"),
                                  ("search", "zhuxiao yao qian ma", "--json", "--category", "costs"),
                                  ("search", "расторгнуть договор МТС", "--json", "--lang", "en")],
                         ids=["han", "pinyin-in-a-category", "russian"])
def test_a_json_search_loads_no_builder_web_whoosh_or_renderer(bundled_index: Path, args: tuple[str, ...]):
    modules, out = imported(bundled_index, *args)
    assert json.loads(out)["hits"]  # it really searched...
    assert {"faqkb.engine.searcher", "faqkb.impact", "numpy"} <= modules  # ...and the check sees what it imported
    assert loaded(modules, NEVER + TERMINAL) == []


def test_an_answered_search_loads_no_prefix_module(bundled_index: Path):
    # prefix.py (as-you-type completion) is for prefix searches and for did-you-mean's check of
    # an unanswered query (_confirm); an answered one-shot query imports none of it (its
    # patterns' Han classes were ~11 ms of a cold search when the trailing-space test took it)
    modules, out = imported(bundled_index, "search", "注销 余额", "--json")
    assert json.loads(out)["answered"]
    assert "faqkb.engine.searcher" in modules and "faqkb.prefix" not in modules


# A fresh process's first panel (prefix=True) query, as a just-started web worker answers it.
PANEL = ("import json, sys\n"
         "from faqkb.search import Searcher\n"
         "res = Searcher(sys.argv[1]).search(sys.argv[2], prefix=True)\n"
         "print(json.dumps([bool(res.hits), sorted(sys.modules)]))\n")


@pytest.mark.parametrize("query, translit", [("как вернуть день", False), ("сколько стоит подк", False),
                                             ("kak vernut dengi za podkl", True)],
                         ids=["cyrillic-ended", "cyrillic-begun", "latin-begun"])
def test_a_panel_query_loads_the_translit_completion_only_for_a_latin_last_word(bundled_index: Path, query: str,
                                                                                  translit: bool):
    # translit_prefix (Russian typed in Latin letters) is asked only for a Latin last word no
    # kb word goes on from; a Cyrillic query's first panel search imports none of it
    r = subprocess.run([sys.executable, "-c", PANEL, str(bundled_index), query], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    hits, modules = json.loads(r.stdout)
    assert hits and "faqkb.prefix" in modules  # it searched as typed
    assert ("faqkb.translit_prefix" in modules) is translit


def test_a_terminal_search_loads_the_renderer_and_still_no_builder_web_or_whoosh(bundled_index: Path):
    modules, out = imported(bundled_index, "search", "注销 余额")
    assert out.strip()
    assert "faqkb.cli.render" in modules
    assert loaded(modules, NEVER) == []


def test_a_search_reads_no_whoosh_file(bundled_index: Path, tmp_path: Path):
    # whoosh stays the engine of record for a version's stored documents, but a version built
    # today answers from faqkb's own files: with whoosh's segment and table of contents gone,
    # a search still answers, quoted phrase and category filter included.
    index = tmp_path / "index"
    shutil.copytree(bundled_index, index)
    version = current_version(index)
    assert version is not None
    whoosh_files = [p for p in version.iterdir() if p.suffix in (".seg", ".toc")]
    assert whoosh_files
    for p in whoosh_files:
        p.unlink()
    for args in (("search", "注销 余额", "--json"), ("search", '"注销" 余额', "--json", "--category", "refunds")):
        modules, out = imported(index, *args)
        assert json.loads(out)["hits"], args
        assert loaded(modules, ("faqkb.build", "flask")) == []


def test_a_one_shot_command_gives_the_garbage_collector_back(bundled_index: Path):
    # search and show run without the cyclic collector (cli/commands.py, ONE_SHOT); a caller
    # running commands in its own process (CliRunner, a script) gets it back as it was.
    import gc

    from click.testing import CliRunner

    from faqkb.cli import main

    assert gc.isenabled()
    for args in (["search", "注销 余额", "--json"], ["search", " "], ["show", "no-such-entry"]):
        r = CliRunner().invoke(main, [*args, "--kb", str(BUNDLED_KB), "--index", str(bundled_index)])
        assert r.exit_code == (0 if args[0] == "search" and args[1].strip() else 2), r.output
        assert gc.isenabled(), args


# Cuts of texts with unknown words (the HMM guesses at them) and of known words only, printed as
# JSON by a fresh process; LAZY through faqkb's Segmenter (jieba's HMM tables deferred), STOCK
# with jieba imported as jieba ships.
_TEXTS = ("注销余额", "我来到北京清华大学杭研", "俄罗斯保号卡注销要钱吗", "他来到了网易杭研大厦", "小明硕士毕业于中国科学院计算所")
_CUTS = ("import json, sys\n"
         "texts = json.loads(sys.argv[1])\n"
         "{setup}\n"
         "known = list(tk.tokenize(texts[0], mode='search'))\n"
         "before = 'jieba.finalseg' in sys.modules\n"
         "cuts = [list(tk.tokenize(t, mode='search', HMM=h)) for t in texts for h in (True, False)]\n"
         "print(json.dumps([before, 'jieba.finalseg' in sys.modules, known, cuts]))\n")
LAZY = _CUTS.format(setup="from faqkb.analysis import Segmenter\ntk = Segmenter().tokenizer()")
STOCK = _CUTS.format(setup="import jieba\ntk = jieba.Tokenizer()")


def test_jiebas_hmm_loads_on_the_first_cut_that_needs_it_and_cuts_as_jieba_does():
    lazy, stock = (json.loads(subprocess.run([sys.executable, "-c", code, json.dumps(_TEXTS, ensure_ascii=False)],
                                             capture_output=True, text=True, check=True).stdout)
                   for code in (LAZY, STOCK))
    assert lazy[:2] == [False, True]  # not for 注销余额 (known words), then for 杭研 (a guess)
    assert stock[:2] == [True, True]
    assert lazy[2] == stock[2] and lazy[3] == stock[3]
    assert ["杭研", 9, 11] in lazy[3][2]  # the HMM did guess (as jieba's own does)


# Did-you-mean's spelling file (the deletion map and plain words) is read by the first query
# with a word the kb does not know: a query of kb words reads the lexicon and no more. Seen
# through the interpreter's audit hook (marshal.loads of a blob of that file's size).
SPELLING_READ = ("import atexit, json, os, runpy, sys\n"
                 "size, argv = json.loads(sys.argv[1])\n"
                 "read = []\n"
                 "sys.addaudithook(lambda ev, a: read.append(1) if ev == 'marshal.loads' and len(a[0]) == size else None)\n"
                 "atexit.register(lambda: print(json.dumps(bool(read)), file=sys.stderr))\n"
                 "sys.argv = ['faqkb', *argv]\n"
                 "runpy.run_module('faqkb', run_name='__main__')\n")


@pytest.mark.parametrize(("query", "read"), [("注销 余额", False), ("расторгнуть договор МТС", False),
                                             ("cancel my MTS sim", False), ("refun money", True),
                                             ("zhuxiao yao qian ma", True)])
def test_did_you_means_spelling_file_is_read_only_for_an_unknown_word(bundled_index: Path, query: str, read: bool):
    from faqkb.layout import SPELLING

    version = current_version(bundled_index)
    assert version is not None
    argv = ["search", query, "--json", "--kb", str(BUNDLED_KB), "--index", str(bundled_index)]
    r = subprocess.run([sys.executable, "-c", SPELLING_READ, json.dumps([(version / SPELLING).stat().st_size, argv])],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert json.loads(r.stdout)["query"] == query
    assert json.loads(r.stderr.splitlines()[-1]) is read


def test_the_scope_folded_at_build_answers_as_the_scope_folded_at_load(bundled_index: Path):
    # The build writes scope.json's names folded (Scope.folded) so a query's process folds
    # none of them; a version without them (built before) folds at load. Same neighbour for
    # every golden query, and for the names themselves.
    import yaml

    from faqkb.scope import SCOPE_FILE, Scope

    version = current_version(bundled_index)
    assert version is not None
    data = json.loads((version / SCOPE_FILE).read_text("utf-8"))
    assert "folded" in data
    at_build = Scope(data)
    at_load = Scope({k: v for k, v in data.items() if k != "folded"})
    queries = [x["q"] for f in sorted(Path(__file__).parent.joinpath("golden").glob("*.yaml"))
               for x in yaml.safe_load(f.read_text("utf-8")) or [] if isinstance(x, dict) and "q" in x]
    queries += [n for spec in data["neighbours"].values() for n in spec["names"][:20]]
    queries += ["白俄罗斯MTS和俄罗斯MTS一样吗", "КИЕВСТАР номер", "Kyivstar SIM in Russia", "臺灣的手機門號"]
    answers = [at_build.neighbour(q) for q in queries]
    assert answers == [at_load.neighbour(q) for q in queries]
    assert sum(a is not None for a in answers) > 50  # the check sees scope at work
    # The names' beginnings are written at build too (a cold search slices none of them): the
    # name search stops at the same slices, so it does the same work for every query.
    assert data["folded"]["starts"]["han"] and data["folded"]["starts"]["words"]
    assert [at_build.work(q) for q in queries] == [at_load.work(q) for q in queries]



def test_the_categories_worked_out_at_build_answer_as_the_yaml_worked_out_at_load(bundled_index: Path):
    # The build writes categories.json with what Intents works out from the yaml (its keys and
    # state: filler, process, asking words, conditions, folded), so a cold search folds none of
    # it; a version without the state (built before) works it out at load. Every golden query
    # gets the same category, concept, conditions, key and filler test either way.
    import yaml

    from faqkb.intent import CATEGORIES_FILE, CONDITIONS, Intents

    version = current_version(bundled_index)
    assert version is not None
    data = json.loads((version / CATEGORIES_FILE).read_text("utf-8"))
    assert data["keys"]["state"]["_filler"][0] and data["keys"]["state"]["conditions"]
    at_build = Intents(data)
    without_state = {**data, "keys": {k: v for k, v in data["keys"].items() if k != "state"}}
    at_load = [Intents(without_state), Intents({k: v for k, v in data.items() if k != "keys"})]
    queries = [x["q"] for f in sorted(Path(__file__).parent.joinpath("golden").glob("*.yaml"))
               for x in yaml.safe_load(f.read_text("utf-8")) or [] if isinstance(x, dict) and "q" in x]
    queries += ["俄罗斯退号", "退", "销号啊", "注销通常需要几天", "欠费 注销", "my wife cancel my sim", "已经注销了收不到验证码"]

    def answers(intents: Intents) -> list:
        return [(intents.category(q), intents.concept(q), intents.key(q), [intents.states(c, q) for c in CONDITIONS],
                 [intents.is_filler(w) for w in q.split()]) for q in queries]

    got = answers(at_build)
    assert all(answers(i) == got for i in at_load)
    assert sum(a[0] is not None for a in got) > 100 and sum(a[1] is not None for a in got) > 20
    assert sum(any(a[3]) for a in got) > 10  # the check sees conditions at work

# diversity's clause split before IGNORECASE was limited to its Latin/Cyrillic words: the
# reference the new pattern must split as.
_SPLIT_BEFORE = (r"[,，;；?？!！。、]+"
                 r"|(?<![^\W\d_])(?:and|also|plus|as well as|besides|и|а также|также|а ещё|ещё|плюс)(?![^\W\d_])"
                 r"|还有|以及|并且|而且|另外|同时|顺便|还想|还要|和|跟|與|及"
                 r"|(?:(?<=[\u3400-\u9fff]{4})|(?<=[吗呢吧么嘛]))\s+(?=[\u3400-\u9fff])")


def test_clauses_split_as_with_ignorecase_over_the_whole_pattern():
    import itertools
    import re

    from faqkb.diversity import clauses

    before = re.compile(_SPLIT_BEFORE, re.IGNORECASE)
    pieces = ["注销收费吗", "余额能退吗", "MTS", "Tele2", "AND", "And", "also", "ALSO", "as well as", "AS WELL AS",
              "И", "и", "А ТАКЖЕ", "Также", "ЕЩЁ", "плюс", "ПЛЮС", "Sand", "bandit", "иначе", "微信和支付宝", "跟",
              "還有", "以及", "俄罗斯 注销 余额", "ǅ", "ſ", "K", "İ", "ß", "ﬀ", "Ω", "，", "?", "！", "  ", "\t", "123",
              "_and_", "and_", "2and", "номер", "refund", "我想注销俄罗斯号码", "吗", "呢"]
    texts = ["".join(p) for p in itertools.product(pieces, repeat=2)]
    texts += [" ".join(p) for p in itertools.product(pieces, repeat=2)]
    texts += [" ".join(p) for p in itertools.product(pieces[::3], repeat=3)]

    def reference(text: str) -> list[tuple[int, int]]:
        spans, at = [], 0
        for m in before.finditer(text):
            if text[at:m.start()].strip():
                spans.append((at, m.start()))
            at = m.end()
        if text[at:].strip():
            spans.append((at, len(text)))
        return spans

    got = [(t, clauses(t, most=99)) for t in texts]
    assert [g for t, g in got] == [reference(t) for t, _ in got]
    assert sum(len(g) > 1 for _, g in got) > len(texts) // 10  # the split is at work (1,410 of 8,328)


def test_the_stored_pinyin_table_reads_every_character_as_pypinyin_does(bundled_index: Path):
    # lexicon.marshal keeps the pinyin table as one sorted string and reading indices
    # (lexicon.Readings) so a cold search unmarshals three values, not 41,596 pairs; a
    # version written before (format 2, one dict) still reads.
    import marshal

    from faqkb.analysis import PinyinTable
    from faqkb.layout import LEXICON
    from faqkb.lexicon import Lexicon

    version = current_version(bundled_index)
    assert version is not None
    lex = Lexicon.read(version / LEXICON)
    table = PinyinTable.from_pypinyin().chars
    assert len(lex.chars) == len(table) > 20000
    assert {c: lex.chars.get(c) for c in table} == table
    assert lex.chars.get("a") is None and lex.chars.get("注销") is None and "注" in lex.chars
    old = {k: getattr(lex, k) for k in ("freq", "total", "syllables", "vocab", "han_by_pinyin", "synonyms", "regional")}
    old.update(chars=dict(table), stems=sorted(lex.stems), format=2)
    before = Lexicon.load(marshal.dumps(old))
    assert before.chars == table and before.table.of("注销余额") == lex.table.of("注销余额") == ["zhu", "xiao", "yu", "e"]


def test_a_search_starts_no_blas_threads(bundled_index: Path):
    # A fresh `faqkb search` runs on one thread: numpy's OpenBLAS would start one per core at
    # import, CPU spent on threads no search uses (docs/engine.md, "Cold start").
    count = RUN.replace("json.dumps(sorted(sys.modules))", "len(__import__('os').listdir('/proc/self/task'))")
    argv = ["search", "注销 余额", "--json", "--kb", str(BUNDLED_KB), "--index", str(bundled_index)]
    r = subprocess.run([sys.executable, "-c", count, json.dumps(argv)], capture_output=True, text=True,
                       timeout=300, env={k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"})
    assert r.returncode == 0, r.stderr[-3000:]
    assert json.loads(r.stdout)["hits"]
    assert int(r.stderr.splitlines()[-1]) == 1
