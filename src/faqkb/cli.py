"""`faqkb`: thin click commands over the core API (load_kb, build_index, Searcher).

User mistakes end as one line on stderr and a non-zero exit (2), problems found by
`check` exit 1; nothing a user can cause prints a traceback.
"""

from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path

import click

from . import paths
from .errors import FaqkbError, KBErrors

EXIT_PROBLEMS, EXIT_USAGE = 1, 2


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"faqkb: error: {message}", err=True)
    sys.exit(code)


def _user_errors(fn):
    """Turn our own errors into one line and an exit code."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except KBErrors as e:
            for err in e.errors:
                click.echo(str(err), err=True)
            _fail(f"{len(e.errors)} problem(s) in the knowledge base; the live index is unchanged",
                  EXIT_PROBLEMS)
        except FaqkbError as e:
            _fail(str(e))
        except KeyboardInterrupt:
            _fail("interrupted", 130)
    return wrapper


def kb_options(fn):
    fn = click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
                      help="Index directory [default: a per-user cache dir for this kb].")(fn)
    return click.option("--kb", "kb_dir", type=click.Path(file_okay=False, path_type=Path),
                        help="Knowledge base folder [default: the bundled kb].")(fn)


def _emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="faqkb")
def main() -> None:
    """Multilingual FAQ search: cancelling a Russian SIM card (zh / ru / en).

    \b
    Example:
      faqkb search "注销 余额"
    """


@main.command()
@click.option("--procs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes for the analysis (worth it from a few thousand entries).")
@kb_options
@_user_errors
def build(procs: int, kb_dir: Path | None, index_dir: Path | None) -> None:
    """Build the search index from the kb/ YAML files.

    The new index is built aside, verified, then switched to atomically: a broken
    file or a failed build leaves the index that is live untouched.

    \b
    Example:
      faqkb build --kb ./kb --index ./var/index
    """
    from .service import rebuild

    kb_dir, index_dir = paths.resolve(kb_dir, index_dir)
    info = rebuild(kb_dir, index_dir, procs=procs)
    click.echo(f"built {info.entries} entries from {kb_dir} into {index_dir} ({info.path.name})")


@main.command()
@click.option("--kb", "kb_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Knowledge base folder [default: the bundled kb].")
@click.option("--json", "as_json", is_flag=True, help="Print problems as JSON.")
@_user_errors
def check(kb_dir: Path | None, as_json: bool) -> None:
    """Validate kb/ against the schema and the content rules; exit 1 on any problem.

    Each problem is one line: file:line:column: what is wrong — how to fix it.

    \b
    Example:
      faqkb check --kb ./kb
    """
    from .lint import lint_kb

    kb_dir, _ = paths.resolve(kb_dir, None)
    problems, count = lint_kb(kb_dir)
    if as_json:
        _emit_json({"entries": count, "problems": [
            {"file": p.path, "line": p.line, "column": p.col, "message": p.message, "hint": p.hint}
            for p in problems]})
    else:
        for p in problems:
            click.echo(str(p))
        click.echo(f"{count} entries, {len(problems)} problem(s)", err=True)
    sys.exit(EXIT_PROBLEMS if problems else 0)


@main.command()
@click.argument("query")
@click.option("--lang", type=click.Choice(["zh", "ru", "en"]), help="Show answers in this language.")
@click.option("--category", type=click.Choice(["basics", "costs", "security", "refunds", "scams", "process"]))
@click.option("--limit", type=click.IntRange(1, 50), default=5, show_default=True)
@click.option("--page", type=click.IntRange(1, 100), default=1, show_default=True)
@click.option("--script", type=click.Choice(["Hans", "Hant"]),
              help="Chinese script to show: Hans (Simplified, as written) or Hant (Traditional, Taiwan).")
@click.option("--json", "as_json", is_flag=True, help="Stable JSON for scripts.")
@click.option("--no-build", is_flag=True, help="Fail instead of (re)building a missing or stale index.")
@kb_options
@_user_errors
def search(query: str, lang, category, limit, page, script, as_json, no_build, kb_dir, index_dir) -> None:
    """Search the knowledge base; any language, Traditional or Simplified, pinyin.

    \b
    Examples:
      faqkb search "注销 余额"
      faqkb search "zhuxiao" --lang en
      faqkb search "расторгнуть договор МТС" --json
    """
    if not query.strip():  # like the API's 400 for an empty q
        _fail('q is required: give words to search for, e.g. faqkb search "注销 余额"')
    from .service import open_searcher

    searcher = open_searcher(*paths.resolve(kb_dir, index_dir), build=not no_build)
    res = searcher.search(query, lang=lang, category=category, limit=limit, page=page, script=script)
    if as_json:
        _emit_json(res.to_dict())
        return
    from .render import terminal_results

    click.echo(terminal_results(res, color=sys.stdout.isatty()))


@main.command()
@click.argument("entry_id")
@click.option("--lang", type=click.Choice(["zh", "ru", "en"]), help="Language to show [default: zh].")
@click.option("--script", type=click.Choice(["Hans", "Hant"]),
              help="Chinese script to show: Hans (Simplified, as written) or Hant (Traditional, Taiwan).")
@click.option("--json", "as_json", is_flag=True, help="The whole entry as JSON.")
@click.option("--no-build", is_flag=True, help="Fail instead of (re)building a missing or stale index.")
@kb_options
@_user_errors
def show(entry_id: str, lang, script, as_json, no_build, kb_dir, index_dir) -> None:
    """Show one entry: question, answer, related entries, sources.

    \b
    Example:
      faqkb show refund-remaining-balance --lang ru
      faqkb show refund-remaining-balance --script Hant
    """
    from .service import open_searcher

    searcher = open_searcher(*paths.resolve(kb_dir, index_dir), build=not no_build)
    entry = searcher.entry(entry_id)
    if entry is None:
        _fail(f"no entry '{entry_id}'; `faqkb search` finds ids")
    if as_json:
        _emit_json(entry.to_dict())
        return
    import shutil

    from .render import terminal_entry

    tty = sys.stdout.isatty()  # piped: plain text, no colour codes, 88 columns
    width = min(shutil.get_terminal_size((88, 24)).columns, 100) if tty else 88
    click.echo(terminal_entry(entry, lang, entries=searcher.entries, facts=searcher.facts(), script=script,
                              color=tty, width=width))


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--instance", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the site's feedback database [default: the per-user data dir].")
@kb_options
@_user_errors
def stats(as_json, instance, kb_dir, index_dir) -> None:
    """Index state, and from the web site: top zero-result queries, helpfulness per entry.

    \b
    Example:
      faqkb stats --json
    """
    from .index import live_info

    kb_dir, index_dir = paths.resolve(kb_dir, index_dir)
    info = live_info(index_dir)
    data = {"kb": str(kb_dir), "index": str(index_dir),
            "index_entries": info.entries if info else None,
            "index_version": info.path.name if info else None}
    try:
        from .feedback import FeedbackStore
    except ImportError:  # the web extra is not installed
        FeedbackStore = None
    if FeedbackStore is not None:
        store = FeedbackStore(paths.instance_dir(instance))
        data["zero_result_queries"] = store.top_zero_results(limit=20)
        data["helpfulness"] = store.helpfulness()
    if as_json:
        _emit_json(data)
        return
    from .render import terminal_stats

    click.echo(terminal_stats(data))


@main.command("eval")
@click.argument("queries", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Full report as JSON.")
@click.option("--min-mrr", type=float, help="Exit 1 if MRR@10 falls below this floor (for CI).")
@click.option("--misses/--no-misses", default=True, show_default=True, help="List queries not answered at rank 1.")
@kb_options
@_user_errors
def eval_(queries: Path, as_json, min_mrr, misses, kb_dir, index_dir) -> None:
    """Measure search quality on golden queries: MRR@10, nDCG@10, Recall@10, success@1/3,
    overall, per language and per query kind.

    \b
    Example:
      faqkb eval tests/golden/queries.yaml --min-mrr 0.85
    """
    from .evaluate import evaluate, load_queries
    from .service import open_searcher

    searcher = open_searcher(*paths.resolve(kb_dir, index_dir))
    try:
        golden = load_queries(queries)
    except (ValueError, KeyError, TypeError) as e:
        _fail(f"{queries}: not a golden query file ({e}); expected '- {{q, lang, kind, expect}}' items")
    report = evaluate(golden, lambda q: [h.id for h in searcher.search(q.text, limit=10, suggest=False).hits])
    if as_json:
        _emit_json(report.to_dict())
    else:
        cols = ("mrr", "ndcg", "recall", "s1", "s3")
        click.echo(f"{'':12}{'n':>5}" + "".join(f"{c:>8}" for c in ("MRR@10", "nDCG@10", "R@10", "S@1", "S@3")))
        click.echo(f"{'overall':12}{report.n:>5}" + "".join(f"{report.overall[c]:>8.3f}" for c in cols))
        for title, group in (("lang", report.by_lang), ("kind", report.by_kind)):
            for name, m in group.items():
                n = sum(1 for _ in golden if _.expect and (_.lang if title == "lang" else _.kind) == name)
                click.echo(f"{title + ' ' + name:12}{n:>5}" + "".join(f"{m[c]:>8.3f}" for c in cols))
        if report.offtopic:
            click.echo(f"{'offtopic':12}{report.offtopic['n']:>5}  rejected (no hits) {report.offtopic['rejected']:.3f}")
        if misses and report.misses:
            click.echo(f"\nnot at rank 1 ({len(report.misses)}):")
            for m in report.misses:
                click.echo(f"  [{m['kind']}] {m['q']}  want {m['expect'][0]}, got {', '.join(m['got']) or '-'}")
    if min_mrr is not None and report.overall.get("mrr", 0) < min_mrr:
        click.echo(f"faqkb: MRR@10 {report.overall['mrr']:.3f} is below the floor {min_mrr}", err=True)
        sys.exit(EXIT_PROBLEMS)


@main.command("import")
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="kb/ folder to write (created if missing).")
@click.option("--category", type=click.Choice(["basics", "costs", "security", "refunds", "scams", "process"]),
              default="basics", show_default=True)
@click.option("--lang", "langs", multiple=True, type=click.Choice(["zh", "ru", "en"]),
              help="Import only these languages (repeatable) [default: all].")
@_user_errors
def import_(src: Path, out_dir: Path, category: str, langs) -> None:
    """Turn a bench corpus (JSONL rows {id, lang, text, title?, question?}) into a kb/ folder.

    Rows sharing an id in several languages become one entry; OUT/ids.json maps the
    original ids to kb ids so bench queries can be scored.

    \b
    Example:
      faqkb import ../shared/bench/xquad/corpus.jsonl --out /tmp/xquad-kb
      faqkb build --kb /tmp/xquad-kb --index /tmp/xquad-index
    """
    from .importer import import_jsonl

    ids = import_jsonl(src, out_dir, category=category, langs=set(langs) or None)
    click.echo(f"imported {len(ids)} entries into {out_dir} (id map: {out_dir / 'ids.json'})")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True, help="Waitress worker threads.")
@click.option("--watch", is_flag=True, help="Rebuild the index when kb/ changes (checked every 2 s).")
@click.option("--instance", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the feedback database and secret key [default: the per-user data dir].")
@kb_options
@_user_errors
def serve(host, port, threads, watch, instance, kb_dir, index_dir) -> None:
    """Serve the web site and JSON API with waitress (builds a missing or stale index first).

    Other WSGI servers can run `faqkb.wsgi:app` (configured by FAQKB_KB, FAQKB_INDEX,
    FAQKB_INSTANCE and FAQKB_SECRET_KEY).

    \b
    Example:
      faqkb serve --port 8080 --watch
    """
    import logging

    import waitress

    from .web import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app({"KB_DIR": kb_dir, "INDEX_DIR": index_dir, "INSTANCE_PATH": instance, "WATCH": watch})
    info = app.extensions["faqkb"]["site"].searcher.info
    click.echo(f"faqkb: serving {info.entries} entries ({info.path.name}) on http://{host}:{port}/", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="faqkb")
