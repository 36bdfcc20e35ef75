"""HTML pages, complete without JavaScript: home, search, entry, category, language switch,
the feedback form. Views parse input and call the core; no ranking or language logic here
beyond picking the reader's language (entries are shown by present.py, errors by
web/errors.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for
from markupsafe import Markup

from .. import present
from ..feedback import REASONS
from ..kbase.channels import channels_in, for_query
from ..kbase.model import CATEGORIES
from ..markup import highlight_html
from . import params
from .crawlers import is_crawler
from .i18n import (
    CATEGORY_LABELS,
    COOKIE,
    COOKIE_MAX_AGE,
    REASON_LABELS,
    UI_LOCALES,
    content_lang,
    content_script,
)
from .security import check_csrf
from .site import category_counts, client_key, deferred, feedback, most_viewed, record_vote, site

bp = Blueprint("pages", __name__)

PAGE_SIZE = 10
MOST_ASKED = 6


def _reader() -> bool:
    """Whether the request may move a reader count (known crawlers do not)."""
    return not is_crawler(request.headers.get("User-Agent"))


def _after_answer(q: str, lang: str | None, event: str, entry_id: str) -> None:
    """Record what a reader did after a search with a short answer (feedback.record_answered):
    opened an entry from it (``click``) or voted No (``no``). The search is run again after
    the response, on the deferred writer, so the request waits for neither."""
    if not q or not _reader():
        return
    searcher, store, client = site().searcher, feedback(), client_key()
    want, script = lang or content_lang(), content_script()

    def run() -> None:
        res = searcher.search(q, lang=want, limit=PAGE_SIZE, script=script)
        if res.answered and res.hits:
            store.record_answered(q, res.query_lang, res.hits[0].id, event, client=client, entry_id=entry_id)
    deferred().submit(run)


def _way_out(q: str) -> dict:
    """"Still stuck?" (templates/_way_out.html): the operators' official channels from
    kb/channels.yaml, the operator the query names first, and the query to search again."""
    return {"q": q, "channels": for_query(channels_in(site().kb_dir), q)}


def card(entry, lang: str | None) -> dict:
    return present.card(entry, lang, content_script())


@bp.get("/")
def home():
    s = site().searcher
    lang = content_lang()
    ids = [i for i in most_viewed(MOST_ASKED) if i in s.entries]  # [] when the store is slow or down
    ids += [i for i in site().starter if i in s.entries and i not in ids]  # kb/home.yaml
    ids += [i for i in sorted(s.entries) if i not in ids]
    asked = [card(s.entries[i], lang) for i in ids[:MOST_ASKED]]
    return render_template("home.html", counts=category_counts(), asked=asked, big_search=True)


SEARCH_PARAMS = [params.PAGE_Q, params.LANG, params.CATEGORY, params.PAGE, params.CORRECT, params.PREFIX]
# The live panel searches as the reader types: its last word is a prefix unless prefix=false.
PANEL_PARAMS = [*SEARCH_PARAMS[:-1], params.Param("prefix", "", enum=("true", "false"), default="true", core=False)]


def answer_lang(q: str, chosen: str | None) -> str:
    """The language answers are shown in: the one the reader chose (?lang=), else the
    query's own (Chinese typed into the Russian UI is answered in Chinese), else the UI's.
    Latin letters switch to English only with two words or more: a lone brand name (MTS,
    Tele2) says nothing about the reader's language."""
    if chosen:
        return chosen
    ui = content_lang()
    qlang = site().searcher.query_lang(q)
    if qlang is None or qlang == ui:
        return ui
    if qlang == "en" and len([w for w in q.split() if len(w) > 1]) < 2:
        return ui
    return qlang


def _run_search(a: dict):
    """The search both surfaces show (page and live panel), and the direct answer if the
    engine found one: the top entry's lead in the reader's script. When the language shown
    is not the UI's, ``a["lang"]`` becomes it, so links from the results keep it."""
    shown = answer_lang(a["q"], a["lang"])
    if shown != content_lang():
        a["lang"] = shown
    res = site().searcher.search(a["q"], lang=shown, category=a["category"],
                                 limit=PAGE_SIZE, page=a["page"], script=content_script(),
                                 prefix=a["prefix"] == "true", correct=a["correct"] == "true")
    answered = res.answered
    answer = None
    if answered and res.hits and res.page == 1:
        top = res.hits[0]
        answer = {"id": top.id, "lang": top.lang, "hit": top,
                  "lead": present.lead(site().searcher.entries[top.id], top.lang, content_script())}
    return res, answered, answer


def _results_context(a: dict, res, answered, answer) -> dict:
    first = max(1, res.page - 3)
    # Answers in the query's language, not the UI's: offer the UI's with one click.
    ui = content_lang()
    other = ui if a["lang"] and a["lang"] != ui and any(h.lang != ui for h in res.hits) else None
    return {"q": a["q"], "res": res, "answered": answered, "answer": answer, "lang": a["lang"], "ui_lang": other,
            "category": a["category"], "pages": list(range(first, min(res.pages, first + 6) + 1)),
            "counts": category_counts()}


@bp.get("/search")
def search():
    a = params.parse(SEARCH_PARAMS, request.args)
    q = a["q"] or ""
    chrome = {"search_q": q, "search_category": a["category"], "search_lang": a["lang"]}
    if not q:
        return render_template("search.html", q="", res=None, lang=a["lang"], category=a["category"],
                               counts=category_counts(), **chrome)
    res, answered, answer = _run_search(a)
    # Editors' gaps: nothing found, or only related entries (Results.answered is false).
    if a["page"] == 1 and not a["category"] and _reader():
        if res.typing:  # only begun (prefix=true): neither a gap nor an answer shown
            pass
        elif res.total == 0 or not res.answered:
            deferred().submit(feedback().record_gap, q, res.query_lang, found_nothing=res.total == 0,
                              client=client_key())
        elif answer is not None:  # what readers do next says whether the answer was right
            deferred().submit(feedback().record_answered, q, res.query_lang, answer["id"], "shown",
                              client=client_key())
    return render_template("search.html", **_results_context(a, res, answered, answer), panel=False,
                           way_out=_way_out(q) if res.total == 0 else None, **chrome)


@bp.get("/search/panel")
def panel():
    """The live panel's HTML: the results page's own fragment (_results.html), so the
    panel shows exactly what the page would. Prefixes typed on the way to a query are not
    recorded as gaps; the page records the query when it is submitted."""
    a = params.parse(PANEL_PARAMS, request.args)
    if not a["q"]:
        return "", 204
    res, answered, answer = _run_search(a)
    html = render_template("_results.html", **_results_context(a, res, answered, answer), panel=True)
    resp = make_response(html)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/entry/<entry_id>")
def entry(entry_id: str):
    a = params.parse([params.LANG, params.PAGE_Q], request.args)
    s = site().searcher
    found = s.entry(entry_id)
    if found is None:
        abort(404)
    want = a["lang"] or content_lang()
    view = present.entry_dict(found, want, content_script(), url_for("pages.entry", entry_id="ID"))
    shown = view["lang"]
    q = a["q"] or ""
    html = Markup(view["answer_html"])
    if q:  # arriving from a search: mark its words in the answer
        html = highlight_html(html, s.marker(q))
    related = [card(s.entries[r], shown) for r in found.related if r in s.entries]
    facts = s.facts()
    why, voted = request.args.get("why") == "1", request.args.get("voted") == "1"
    stuck = why or (voted and request.args.get("stuck") == "1")   # right after a No vote
    if _reader():
        deferred().submit(feedback().record_view, found.id, client=client_key(), query=q)
        _after_answer(q, a["lang"], "click", found.id)
    return render_template("entry.html", entry=found, lang=shown, wanted=want, fallback=view["fallback"],
                           tr=found.translations[shown], view=view, question=view["question"],
                           answer=html, related=related, q=q, lead=present.lead(found, shown, content_script()),
                           voted=voted, why=why, way_out=_way_out(q) if stuck else None,
                           reasons=REASON_LABELS, max_age=current_app.config["SOURCE_MAX_AGE_DAYS"],
                           sources=present.sources(found, facts, shown, content_script(),
                                                   max_age_days=current_app.config["SOURCE_MAX_AGE_DAYS"]),
                           category_label=CATEGORY_LABELS[found.category], search_q=q, search_lang=a["lang"])


@bp.post("/entry/<entry_id>/feedback")
def vote(entry_id: str):
    """Yes and No are recorded at once; after No the page asks why (a fixed list, no free
    text), and the reason chosen replaces the plain No (one vote per reader and entry)."""
    check_csrf()
    if site().searcher.entry(entry_id) is None:
        abort(404)
    helpful = request.form.get("helpful")
    if helpful not in ("yes", "no"):
        abort(400, "helpful must be yes or no")
    query = (request.form.get("q") or "")[:params.Q.max_length]
    reason = request.form.get("reason")
    if reason and (helpful == "yes" or reason not in REASONS):
        abort(400, "reason must be one of " + ", ".join(REASONS) + ", with helpful=no")
    if reason != "":  # "" is Skip on the why step: the No is recorded already
        # One vote per reader and entry: the reason chosen after No replaces the plain No.
        record_vote(entry_id, helpful == "yes", query=query, reason=reason or None)  # 503 if not recorded
    lang = request.form.get("lang")
    if helpful == "no" and reason is None:
        _after_answer(query, lang if lang in (params.LANG.enum or ()) else None, "no", entry_id)
    args: dict[str, Any] = {"q": query or None, "lang": lang if lang in (params.LANG.enum or ()) else None}
    if helpful == "no" and reason is None:  # ask why, with the fixed list (no free text)
        return redirect(url_for("pages.entry", entry_id=entry_id, why="1", **args) + "#feedback", code=303)
    if helpful == "no":
        args["stuck"] = "1"   # the thanks page keeps the way out (templates/_way_out.html)
    return redirect(url_for("pages.entry", entry_id=entry_id, voted="1", **args) + "#feedback", code=303)


@bp.get("/category/<name>")
def category(name: str):
    if name not in CATEGORIES:
        abort(404)
    lang = content_lang()
    items = [card(e, lang) for e in site().searcher.entries.values() if e.category == name]
    items.sort(key=lambda c: c["id"])
    return render_template("category.html", name=name, label=CATEGORY_LABELS[name], items=items,
                           counts=category_counts(), search_category=name)


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no //host, no backslash tricks, no control
    characters: browsers drop tabs and newlines inside URLs, so "/\\t/evil" means "//evil",
    and a CR or LF cannot go into a Location header at all)."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target)):
        return url_for("pages.home")
    return target


@bp.get("/lang/<code>")
def set_language(code: str):
    if code not in UI_LOCALES:
        abort(404)
    resp = make_response(redirect(_safe_next(request.args.get("next")), code=303))
    resp.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                    secure=request.is_secure)
    return resp
