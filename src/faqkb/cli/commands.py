"""`faqkb`: thin click commands over the core API (kbase.load_kb, service.rebuild, Searcher).

User mistakes end as one line on stderr and a non-zero exit (2), problems found by
`check` exit 1 (3: only stale facts, with --stale); nothing a user can cause prints a traceback
(options.user_errors).
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

import click

from .. import paths
from ..kbase.model import LANGS
from ..search import MAX_LIMIT, MAX_PAGE
from ..settings import BY_NAME
from .options import (
    EXIT_PROBLEMS,
    EXIT_STALE,
    SlowNotice,
    category_option,
    emit_json,
    fail,
    feedback_options,
    feedback_store,
    json_option,
    kb_option,
    kb_options,
    lang_option,
    no_build_option,
    script_option,
    setting,
    user_errors,
)

# Commands that answer once and end: they run without the cyclic garbage collector. Loading an
# index version makes large dicts and lists (the lexicon, the topic model, did-you-mean's
# tables) and importing numpy and jieba many objects, nearly none of them garbage cycles, and
# the collector walked them ~80 times during one search (~30 ms, a tenth of a cold `faqkb
# search`); one query's garbage is freed by reference counting, the rest when the process ends.
# Long runs (serve, eval, gaps) keep it; a build sets its own policy (service.rebuild).
ONE_SHOT = ("search", "show")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="faqkb")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Multilingual FAQ search: cancelling a Russian SIM card (zh / ru / en).

    \b
    Example:
      faqkb search "注销 余额"
    """
    if ctx.invoked_subcommand in ONE_SHOT and gc.isenabled():
        gc.disable()
        ctx.call_on_close(gc.enable)  # as it was, for a caller that runs commands in its own process


@main.command()
@click.option("--procs", type=click.IntRange(1, 64), default=None,
              help="Worker processes for loading and analysis [default: the available cores for a kb "
                   "of a thousand entries or more, else 1].")
@kb_options
@user_errors
def build(procs: int | None, kb_dir: Path | None, index_dir: Path | None) -> None:
    """Build the search index from the kb/ YAML files.

    The new index is built aside, verified, then switched to atomically: a broken
    file or a failed build leaves the index that is live untouched.

    \b
    Example:
      faqkb build --kb ./kb --index ./var/index
    """
    from ..service import rebuild

    kb_dir, index_dir = paths.resolve(kb_dir, index_dir)
    with SlowNotice(f"building the index from {kb_dir}"):
        info = rebuild(kb_dir, index_dir, procs=procs)
    click.echo(f"built {info.entries} entries from {kb_dir} into {index_dir} ({info.path.name})")


@main.command()
@kb_option
@json_option("Print problems as JSON.")
@click.option("--stale", "stale_days", type=click.IntRange(0), metavar="DAYS",
              help="Also list facts last read more than DAYS ago, and facts past their recheck_by, with the "
                   "entries resting on them (warnings; exit 3 if nothing else is wrong).")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Measure --stale ages from this day (YYYY-MM-DD).")
@click.option("--patch", "patch_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Check the kb as it would be with this kb patch (faqkb gaps --suggest); kb/ is not changed.")
@user_errors
def check(kb_dir: Path | None, as_json: bool, stale_days: int | None, today, patch_file: Path | None) -> None:
    """Validate kb/ against the schema and the content rules; exit 1 on any problem.

    Each problem is one line: file:line:column: what is wrong — how to fix it. Warnings
    (file:line:col: warning: ...) never make check fail; with --stale, stale facts alone exit 3.

    \b
    Example:
      faqkb check --kb ./kb
      faqkb check --stale 365
    """
    from ..kbase.freshness import stale_problems
    from ..kbase.lint import lint_kb
    from ..kbase.patch import check_with_patch

    kb_dir, _ = paths.resolve(kb_dir, None)
    problems, count = check_with_patch(kb_dir, patch_file) if patch_file else lint_kb(kb_dir)
    stale = [] if stale_days is None else stale_problems(kb_dir, stale_days, today and today.date())
    problems += stale
    if as_json:
        emit_json({"entries": count, "problems": [
            {"file": p.path, "line": p.line, "column": p.col, "message": p.message, "hint": p.hint,
             "severity": "warning" if p.warning else "error"} for p in problems]})
    else:
        for p in problems:
            click.echo(str(p))
        warned = sum(p.warning for p in problems)
        click.echo(f"{count} entries, {len(problems) - warned} problem(s), {warned} warning(s)", err=True)
    sys.exit(EXIT_PROBLEMS if any(not p.warning for p in problems) else EXIT_STALE if stale else 0)


@main.command()
@click.argument("query")
@lang_option("Show answers in this language.")
@category_option(help="Only entries of this topic.")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=5, show_default=True)
@click.option("--page", type=click.IntRange(1, MAX_PAGE), default=1, show_default=True)
@script_option
@click.option("--correct/--no-correct", default=True, show_default=True,
              help="When the query finds no answer and its correction does, show the correction's results.")
@json_option()
@no_build_option
@kb_options
@user_errors
def search(query: str, lang, category, limit, page, script, correct, as_json, no_build, kb_dir, index_dir) -> None:
    """Search the knowledge base; any language, Traditional or Simplified, pinyin.

    \b
    Examples:
      faqkb search "注销 余额"
      faqkb search "zhuxiao" --lang en
      faqkb search "расторгнуть договор МТС" --json
    """
    if not query.strip():  # like the API's 400 for an empty q
        fail('nothing to search for: give words, e.g. faqkb search "注销 余额"')

    need_kb(kb_dir)
    searcher = open_index(kb_dir, index_dir, build=not no_build)
    res = searcher.search(query, lang=lang, category=category, limit=limit, page=page, script=script, correct=correct)
    if as_json:
        emit_json(res.to_dict())
        return
    from ..present import lead as answer_lead
    from .render import terminal_results, terminal_width, use_color

    lead = ""
    if res.answered and res.hits and res.page == 1:  # the short answer, as the site shows it
        top = res.hits[0]
        lead = answer_lead(searcher.entries[top.id], top.lang, script)
    color = use_color()
    click.echo(terminal_results(res, color=color, lead=lead, width=terminal_width(sys.stdout.isatty())))


def open_index(kb_dir: Path | None, index_dir: Path | None, build: bool = True):
    """The searcher over the kb's index, rebuilt first when kb/ changed (a line on a
    terminal says so when that takes a while)."""
    from ..service import open_searcher

    with SlowNotice("opening the index (rebuilt when kb/ has changed)"):
        return open_searcher(*paths.resolve(kb_dir, index_dir), build=build)


def need_kb(kb_dir: Path | None) -> None:
    """A --kb (or FAQKB_KB) that is not a folder is named as such, not as a missing index."""
    if kb_dir is not None and not kb_dir.is_dir():
        fail(f"no knowledge base folder at {kb_dir}: check --kb (or FAQKB_KB)")


@main.command()
@click.argument("entry_id")
@lang_option("Language to show [default: zh].")
@script_option
@json_option("The entry as JSON, the shape /api/entries/<id> returns (docs/web.md).")
@click.option("--max-age", type=click.IntRange(1), default=BY_NAME["SOURCE_MAX_AGE_DAYS"].default,
              show_default=True, **setting("SOURCE_MAX_AGE_DAYS"))
@no_build_option
@kb_options
@user_errors
def show(entry_id: str, lang, script, as_json, max_age, no_build, kb_dir, index_dir) -> None:
    """Show one entry: question, answer, related entries, sources.

    \b
    Example:
      faqkb show refund-remaining-balance --lang ru
      faqkb show refund-remaining-balance --script Hant
    """

    need_kb(kb_dir)
    searcher = open_index(kb_dir, index_dir, build=not no_build)
    entry = searcher.entry(entry_id)
    if entry is None:
        import difflib

        close = difflib.get_close_matches(entry_id, list(searcher.entries), n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(close)}?" if close else "`faqkb search` finds ids"
        fail(f"no entry '{entry_id}'; {hint}")
    if as_json:
        from ..present import entry_dict

        emit_json(entry_dict(entry, lang, script, facts=searcher.facts(), max_age_days=max_age))
        return
    from .render import terminal_entry, terminal_width, use_color

    tty = sys.stdout.isatty()  # piped: plain text, no colour codes, 88 columns
    click.echo(terminal_entry(entry, lang, entries=searcher.entries, facts=searcher.facts(), script=script,
                              color=use_color(), width=terminal_width(tty), max_age_days=max_age))


@main.command()
@json_option()
@feedback_options
@kb_options
@user_errors
def stats(as_json, instance, db_url, kb_dir, index_dir) -> None:
    """Index state, and from the web site: top zero-result queries, helpfulness per entry.

    \b
    Example:
      faqkb stats --json
    """
    from ..layout import live_info
    from ..service import staleness

    kb_dir, index_dir = paths.resolve(kb_dir, index_dir)
    info = live_info(index_dir)
    data: dict[str, Any] = {"kb": str(kb_dir), "index": str(index_dir),
            "index_entries": info.entries if info else None,
            "index_version": info.path.name if info else None,
            # what /healthz no longer shows the public: whether the kb matches the live index
            "kb_matches_index": staleness(kb_dir, index_dir) is None, "kb_problems": []}
    if not data["kb_matches_index"]:  # why a running site would still serve the previous index
        from ..errors import KBErrors
        from ..kbase.load import load_kb

        try:
            load_kb(kb_dir)
        except KBErrors as e:
            data["kb_problems"] = [str(err) for err in e.errors]
    store = feedback_store(instance, db_url)
    data["zero_result_queries"] = store.top_zero_results(limit=20)
    data["helpfulness"] = store.helpfulness()
    data["feedback_rows"] = store.row_counts()
    store.close()
    if as_json:
        emit_json(data)
        return
    from .render import terminal_stats

    click.echo(terminal_stats(data))


@main.command()
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True,
              help="Groups (and not-helpful entries) to show.")
@json_option("The report as JSON.")
@click.option("--suggest", "suggest_file", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Also write proposed kb changes to this YAML patch file (nothing is applied; "
                   "review it, check it with `faqkb check --patch FILE`).")
@no_build_option
@feedback_options
@kb_options
@user_errors
def gaps(limit, as_json, suggest_file, no_build, instance, db_url, kb_dir, index_dir) -> None:
    """What to write next: the site's queries that found nothing or only a weak answer,
    grouped (same normalized query and language, shared informative words) and ranked by
    how often they were asked, with the entries readers opened instead and the
    "not helpful" votes per entry.

    \b
    Example:
      faqkb gaps --limit 10
      faqkb gaps --db postgresql://faq@db/faqkb --json
      faqkb gaps --suggest kb-suggestions.yaml && faqkb check --patch kb-suggestions.yaml
    """
    from ..gaps import editor_report, suggest_patch, write_patch

    kb_dir, index_dir = paths.resolve(kb_dir, index_dir)
    searcher = open_index(kb_dir, index_dir, build=not no_build)
    store = feedback_store(instance, db_url)
    try:
        report = editor_report(searcher, store, limit=limit)
        if suggest_file:
            patch = suggest_patch(searcher, report, store.gap_rows(), kb_dir)
            write_patch(suggest_file, patch)
            click.echo(f"wrote {suggest_file}: {len(patch['alternatives'])} entries with new phrasings, "
                       f"{sum(map(len, patch['offtopic'].values()))} off-topic lines, "
                       f"{len(patch['synonyms'])} synonym pairs; nothing applied "
                       f"(faqkb check --patch {suggest_file})", err=True)
    finally:
        store.close()
    if as_json:
        emit_json(report)
        return
    from .render import terminal_gaps

    click.echo(terminal_gaps(report))


@main.command("eval")
@click.argument("queries", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option("Full report as JSON.")
@click.option("--min-mrr", type=float, help="Exit 1 if MRR@10 falls below this floor (for CI).")
@click.option("--misses/--no-misses", default=True, show_default=True, help="List queries not answered at rank 1.")
@click.option("--prefix", is_flag=True, help="Search as typed so far (prefix=true), for half-typed queries.")
@kb_options
@user_errors
def eval_(queries: Path | None, as_json, min_mrr, misses, prefix, kb_dir, index_dir) -> None:
    """Measure search quality on golden queries: MRR@10, nDCG@10, Recall@10, success@1/3,
    overall, per language and per query kind. Without QUERIES: the golden set shipped with
    faqkb (tests/golden/queries.yaml, for the bundled kb).

    \b
    Example:
      faqkb eval
      faqkb eval tests/golden/queries.yaml --min-mrr 0.85
    """
    from ..evaluate import both_intents, both_line, evaluate, load_queries, ranker, table

    if queries is None:
        try:
            queries = paths.bundled_queries()
        except FileNotFoundError as e:
            fail(str(e))
    searcher = open_index(kb_dir, index_dir)
    try:
        golden = load_queries(queries)
    except (ValueError, KeyError, TypeError) as e:
        fail(f"{queries}: not a golden query file ({e}); expected '- {{q, lang, kind, expect}}' items")
    with SlowNotice(f"evaluating {len(golden)} queries"):
        report = evaluate(golden, ranker(searcher, prefix=prefix))
        combo = both_intents(golden, ranker(searcher, prefix=prefix))  # relevance: two-intent questions
    if as_json:
        emit_json(report.to_dict() | ({"combo": combo} if combo else {}))
    else:
        click.echo(table(report, misses) + (f"\n{both_line(combo)}" if combo else ""))
    if min_mrr is not None and report.overall.get("mrr", 0) < min_mrr:
        click.echo(f"faqkb: MRR@10 {report.overall.get('mrr', 0.0):.3f} is below the floor {min_mrr}", err=True)
        sys.exit(EXIT_PROBLEMS)


@main.command("import")
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="kb/ folder to write (created if missing).")
@category_option(default="basics", show_default=True, help="Topic of every imported entry.")
@click.option("--lang", "langs", multiple=True, type=click.Choice(LANGS),
              help="Import only these languages (repeatable) [default: all].")
@user_errors
def import_(src: Path, out_dir: Path, category: str, langs) -> None:
    """Turn a bench corpus (JSONL rows {id, lang, text, title?, question?}) into a kb/ folder.

    Rows sharing an id in several languages become one entry; OUT/ids.json maps the
    original ids to kb ids so bench queries can be scored.

    \b
    Example:
      faqkb import xquad/corpus.jsonl --out /tmp/xquad-kb
      faqkb build --kb /tmp/xquad-kb --index /tmp/xquad-index
    """
    from ..kbase.importer import import_jsonl

    ids = import_jsonl(src, out_dir, category=category, langs=set(langs) or None)
    click.echo(f"imported {len(ids)} entries into {out_dir} (id map: {out_dir / 'ids.json'})")


@main.command()
@click.option("--host", default=BY_NAME["HOST"].default, show_default=True, **setting("HOST"))
@click.option("--port", type=click.IntRange(0, 65535), default=BY_NAME["PORT"].default, show_default=True,
              **setting("PORT"))
@click.option("--threads", type=click.IntRange(1, 64), default=BY_NAME["THREADS"].default, show_default=True,
              **setting("THREADS"))
@click.option("--connection-limit", type=click.IntRange(10, 100_000), default=BY_NAME["CONNECTION_LIMIT"].default,
              show_default=True, **setting("CONNECTION_LIMIT"))
@click.option("--connections-per-address", type=click.IntRange(0, 100_000),
              default=BY_NAME["CONNECTIONS_PER_ADDRESS"].default, show_default=True,
              **setting("CONNECTIONS_PER_ADDRESS"))
@click.option("--channel-timeout", type=click.IntRange(1, 3600), default=BY_NAME["CHANNEL_TIMEOUT"].default,
              show_default=True, **setting("CHANNEL_TIMEOUT"))
@click.option("--proxies", type=click.IntRange(0, 5), default=BY_NAME["PROXIES"].default, show_default=True,
              **setting("PROXIES"))
@click.option("--watch", is_flag=True, **setting("WATCH"))
@feedback_options
@kb_options
@user_errors
def serve(host, port, threads, connection_limit, connections_per_address, channel_timeout, proxies, watch, instance,
          db_url, kb_dir, index_dir) -> None:
    """Serve the web site and JSON API with waitress (builds a missing or stale index first).

    Every option can also be set by its FAQKB_* variable, and the site's other settings
    (FAQKB_SECRET_KEY, FAQKB_SEARCH_CACHE, FAQKB_LOG_LEVEL...) are read the same way; other
    WSGI servers can run `faqkb.wsgi:app`. The list: docs/settings.md.

    Behind nginx and for several replicas: docs/web.md.

    \b
    Example:
      faqkb serve --port 8080 --watch
      faqkb serve --host 0.0.0.0 --threads 8 --connection-limit 2000 --channel-timeout 20
    """
    import logging

    import waitress

    from ..web import create_app, load_config
    from ..web.serving import cap_per_address, sparse_queue_warnings, waitress_options
    from ..web.state import state_of

    given = {"KB": kb_dir, "INDEX": index_dir, "INSTANCE": instance, "WATCH": watch or None, "PROXIES": proxies,
             "FEEDBACK_DB": db_url}
    config = load_config({k: v for k, v in given.items() if v is not None})  # unset: FAQKB_* or default
    if host not in ("0.0.0.0", "::", ""):  # the address asked for is a name readers may use
        config["ALLOWED_HOSTS"] = f"{config['ALLOWED_HOSTS']},{host}"
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    level = str(config["LOG_LEVEL"]).upper()
    logging.getLogger("faqkb").setLevel(level)
    if level != "DEBUG":  # the build's per-stage timings (bench/build.py --stages) are not news at start-up
        logging.getLogger("faqkb.build").setLevel("WARNING")
    sparse_queue_warnings()
    app = create_app(config)
    info = state_of(app).site.searcher.info
    options = waitress_options(threads, connection_limit, channel_timeout, proxies=config["PROXIES"])
    try:
        server = waitress.create_server(app, host=host, port=port, **options)
    except OSError as e:  # one line, not a traceback (exit 2, like every user error)
        import errno

        if e.errno == errno.EADDRINUSE:
            fail(f"port {port} on {host} is in use (another faqkb serve?); choose another with --port, "
                 f"e.g. faqkb serve --port {port + 1 if port < 65535 else 8081}")
        if e.errno == errno.EACCES:
            fail(f"not allowed to listen on port {port}; ports below 1024 need root: use --port 8080")
        fail(f"cannot listen on {host}:{port}: {e.strerror or e}")
    # Behind a proxy every connection is the proxy's: its own limits hold slow clients.
    cap_per_address(server, 0 if config["PROXIES"] else connections_per_address)
    bound = getattr(server, "effective_port", port)  # several sockets (a name with v4 and v6): the asked port
    click.echo(f"faqkb: serving {info.entries} entries ({info.path.name}) on http://{host}:{bound}/ "
               f"({threads} threads, up to {options['connection_limit']} connections)", err=True)
    server.run()
