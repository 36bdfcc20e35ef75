"""The editors' loop end to end: readers search and click on the real served site (plain
HTTP, as the browser sends it: result links are links, votes are the page's form), each
reader its own address behind one trusted proxy; then `faqkb gaps` shows the answered
query readers disagreed with, `faqkb gaps --suggest` writes a patch, and `faqkb check
--patch` accepts it. Also the store's bounds for answered queries (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from conftest import BUNDLED_KB

from faqkb.cli import main
from faqkb.feedback import Bounds, FeedbackStore

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
DISAGREED = "money left on sim after cancel"          # answered by refund-remaining-balance
NOTHING = "zxqv blorf"                                 # finds nothing
PHONE = "call +7 915 123 45 67 refund"                 # weak answer; must never reach a suggestion


@pytest.fixture(scope="module")
def site(bundled_index, tmp_path_factory):
    from faqkb.web import create_app

    instance = tmp_path_factory.mktemp("loop-instance")
    app = create_app({"KB": BUNDLED_KB, "INDEX": bundled_index, "INSTANCE": instance, "SECRET_KEY": "loop-tests",
                      "RATELIMIT_ENABLED": False, "PROXIES": 1, "MOST_ASKED_SECONDS": 0})  # counts seen at once
    import threading

    import waitress

    from faqkb.web.serving import waitress_options

    # As `faqkb serve --proxies 1` runs it: waitress passes X-Forwarded-For on to ProxyFix.
    srv = waitress.create_server(app, host="127.0.0.1", port=0, **waitress_options(threads=4, proxies=1))
    threading.Thread(target=srv.run, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.effective_port}", f"sqlite:///{instance / 'feedback.sqlite3'}"
    finally:
        srv.close()


class Reader:
    """One reader: its own address (X-Forwarded-For through the trusted proxy) and cookies."""

    def __init__(self, base: str, n: int, ua: str = UA) -> None:
        self.base, self.s = base, requests.Session()
        self.s.headers.update({"X-Forwarded-For": f"198.51.100.{n}", "User-Agent": ua})

    def get(self, path: str, **params) -> str:
        r = self.s.get(self.base + path, params=params, timeout=60)
        assert r.status_code == 200, (path, r.status_code)
        return r.text

    def search(self, q: str) -> str:
        return self.get("/search", q=q)

    def open(self, entry_id: str, q: str) -> str:
        return self.get(f"/entry/{entry_id}", q=q)

    def vote_no(self, entry_id: str, q: str) -> None:
        page = self.open(entry_id, q)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        r = self.s.post(f"{self.base}/entry/{entry_id}/feedback", headers={"Origin": self.base},
                        data={"csrf_token": token, "helpful": "no", "q": q}, allow_redirects=False, timeout=60)
        assert r.status_code == 303, r.status_code


def wait_for(fn, what: str, timeout: float = 120.0):
    """Writes happen after the response (web/deferred.py): poll until they landed."""
    deadline = time.monotonic() + timeout
    while True:
        got = fn()
        if got or time.monotonic() > deadline:
            assert got, what
            return got
        time.sleep(0.2)


def test_readers_disagree_then_gaps_suggest_a_patch_check_accepts(site, bundled_index, tmp_path):
    base, db = site
    first = Reader(base, 1).search(DISAGREED)
    assert "refund-remaining-balance" in first and "balance-after-lapse" in first  # the answer, and the other
    for n in range(1, 4):       # three readers open another entry than the short answer
        r = Reader(base, n)
        r.search(DISAGREED)
        r.open("balance-after-lapse", DISAGREED)
        r.open("balance-after-lapse", DISAGREED)   # the same reader again: counts once
    for n in range(4, 6):       # two open the answer and vote No
        r = Reader(base, n)
        r.search(DISAGREED)
        r.vote_no("refund-remaining-balance", DISAGREED)
    bot = Reader(base, 9, ua=BOT)                  # a crawler moves nothing
    bot.search(DISAGREED)
    bot.open("balance-after-lapse", DISAGREED)
    for n in range(10, 12):
        Reader(base, n).search(NOTHING)
    for n in range(12, 15):
        r = Reader(base, n)
        r.search(PHONE)
        r.open("refund-when-and-how", PHONE)

    store = FeedbackStore(db)
    try:
        def settled():
            rows = {r["query"]: r for r in store.answered_rows()}
            row = rows.get(DISAGREED)
            gaps = {g["query"]: g for g in store.gap_rows()}
            return row if row and row["clicked_other"] == 3 and row["voted_no"] == 2 and \
                PHONE.casefold() in gaps and gaps[PHONE.casefold()]["reached"] and NOTHING in gaps else None
        row = wait_for(settled, "the readers' searches, clicks and votes were recorded")
    finally:
        store.close()
    assert row["answer_id"] == "refund-remaining-balance"
    assert row["shown"] == 5 and row["clicked_answer"] == 2 and row["no_click"] == 0
    assert row["opened_instead"] == {"balance-after-lapse": 3}

    runner = CliRunner()
    common = ["--db", db, "--kb", str(BUNDLED_KB), "--index", str(bundled_index), "--no-build"]
    res = runner.invoke(main, ["gaps", "--json", *common])
    assert res.exit_code == 0, res.output
    disagreed = json.loads(res.output)["disagreed"]
    assert disagreed[0]["query"] == DISAGREED and disagreed[0]["disagreed"] == 5
    assert disagreed[0]["opened_instead"][0]["entry_id"] == "balance-after-lapse"
    text = runner.invoke(main, ["gaps", *common]).output
    assert "Answered, readers disagreed" in text and f"“{DISAGREED}” → answered refund-remaining-balance" in text

    patch_file = tmp_path / "suggestions.yaml"
    res = runner.invoke(main, ["gaps", "--suggest", str(patch_file), *common])
    assert res.exit_code == 0, res.output
    written = patch_file.read_text(encoding="utf-8")
    assert "NOTHING IS APPLIED" in written
    import yaml
    patch = yaml.safe_load(written)
    alts = {(a["entry"], a["lang"]): a["add"] for a in patch["alternatives"]}
    assert alts[("balance-after-lapse", "en")] == [DISAGREED]
    assert patch["offtopic"] == {"en": [NOTHING]}
    assert "915" not in written and "+7" not in written   # the phone-number query is never proposed
    res = runner.invoke(main, ["check", "--kb", str(BUNDLED_KB), "--patch", str(patch_file)])
    assert res.exit_code == 0, res.output
    # kb/ itself is untouched: the patch was applied to a copy
    assert DISAGREED not in Path(next(BUNDLED_KB.glob("*/balance-after-lapse.yaml"))).read_text(encoding="utf-8")


def test_check_patch_refuses_what_the_kb_refuses(tmp_path):
    runner = CliRunner()
    bad = tmp_path / "bad.yaml"
    bad.write_text("kb_patch: 1\nalternatives:\n  - entry: balance-after-lapse\n    lang: en\n"
                   "    add: [write to @refund_helper_ru]\n", encoding="utf-8")
    res = runner.invoke(main, ["check", "--kb", str(BUNDLED_KB), "--patch", str(bad)])
    assert res.exit_code == 1 and "handle" in res.output, res.output
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("kb_patch: 1\nalternatives:\n  - {entry: no-such-entry, lang: en, add: [x y]}\n",
                       encoding="utf-8")
    res = runner.invoke(main, ["check", "--kb", str(BUNDLED_KB), "--patch", str(unknown)])
    assert res.exit_code == 1 and "no-such-entry" in res.output, res.output
    shape = tmp_path / "shape.yaml"
    shape.write_text("kb_patch: 1\nsynonyms: [[alone]]\n", encoding="utf-8")
    res = runner.invoke(main, ["check", "--kb", str(BUNDLED_KB), "--patch", str(shape)])
    assert res.exit_code != 0 and "two or more words" in res.output, res.output


def test_answered_counts_one_per_client_and_stays_bounded(feedback_url):
    store = FeedbackStore(feedback_url, Bounds(max_answered=3, gaps_per_client=2))
    try:
        a, b = store.client_key("192.0.2.1"), store.client_key("192.0.2.2")
        for _ in range(5):  # a loop: shown once, first click once, No once
            store.record_answered("Q one", "en", "ans", "shown", client=a)
            store.record_answered("q  one", "en", "ans", "click", client=a, entry_id="other")
            store.record_answered("q one", "en", "ans", "click", client=a, entry_id="ans")
            store.record_answered("q one", "en", "ans", "no", client=a)
        store.record_answered("q one", "en", "ans", "no", client=b, entry_id="other")  # No on another: not the answer's
        row = store.answered_rows()[0]
        assert (row["shown"], row["clicked_other"], row["clicked_answer"], row["voted_no"]) == (2, 1, 0, 1)
        assert row["opened_instead"] == {"other": 1}
        # one client adds at most gaps_per_client new queries a day
        assert store.record_answered("q two", "en", "ans", "shown", client=a)
        assert not store.record_answered("q three", "en", "ans", "shown", client=a)
        for n in range(3, 9):   # the table keeps max_answered rows
            store.record_answered(f"q {n}", "en", "ans", "shown", client=store.client_key(f"192.0.2.{n}"))
        assert store.row_counts()["answered"] == 3
        with pytest.raises(ValueError):
            store.record_answered("q", "en", "ans", "viewed", client=a)
    finally:
        store.close()


# -- "most asked" (issue 21, item 6)

STARTER_FIRST = "how-to-cancel-russian-sim"   # first of the editors' starter list
RISING = "esim-russian-number"                # not on it


def most_asked_on_home(base: str) -> list[str]:
    html = Reader(base, 200).get("/")
    section = html.split('id="asked-h"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'href="/entry/([a-z0-9-]+)"', section)


def test_most_asked_needs_distinct_readers_and_ignores_crawlers(site):
    base, db = site
    entries = re.findall(r'href="/entry/([a-z0-9-]+)"', Reader(base, 201).get("/category/basics"))
    assert RISING in entries
    before = most_asked_on_home(base)
    assert before[0] == STARTER_FIRST and RISING not in before
    bot, curious = Reader(base, 60, ua=BOT), Reader(base, 61)
    for e in entries:        # a crawler pass, and one reader (or a crawler passing as one) opening everything
        bot.open(e, "")
        curious.open(e, "")
        curious.open(RISING, "")   # again and again: one reader, one count a day
    for n in range(62, 65):  # three more readers: four in all, under the minimum of five
        Reader(base, n).open(RISING, "")
    store = FeedbackStore(db)
    try:
        wait_for(lambda: store.view_count(RISING) >= 4, "the views were recorded")
        assert store.view_count(entries[0] if entries[0] != RISING else entries[1]) == 1   # the bot counted nothing
    finally:
        store.close()
    assert most_asked_on_home(base) == before
    Reader(base, 65).open(RISING, "")   # the fifth distinct reader
    wait_for(lambda: most_asked_on_home(base)[0] == RISING, "five readers put the entry first")
    assert STARTER_FIRST in most_asked_on_home(base)   # the rest of the starter list stays


def test_most_asked_counts_a_window_of_days(feedback_url):
    day, mono = [date(2026, 3, 1)], [0.0]   # both clocks move together (a real passing of days)
    store = FeedbackStore(feedback_url, Bounds(asked_days=30, asked_min=2), today=lambda: day[0],
                          monotonic=lambda: mono[0])
    try:
        for ip in ("192.0.2.1", "192.0.2.2"):
            store.record_view("a", client=store.client_key(ip))
        store.record_view("b", client=store.client_key("192.0.2.1"))
        assert store.most_asked() == ["a"]                   # b has one reader, under the minimum
        day[0] += timedelta(days=1)
        mono[0] += 86_400
        store.record_view("b", client=store.client_key("192.0.2.1"))   # the same reader tomorrow counts again
        assert store.most_asked() == ["a", "b"]
        day[0] += timedelta(days=31)
        mono[0] += 31 * 86_400
        assert store.most_asked() == []                      # out of the window
        store.record_view("c", client=store.client_key("192.0.2.1"))
        assert store.row_counts()["view_days"] == 1          # old days are dropped on the next write
    finally:
        store.close()


def test_suggest_proposes_words_as_written_and_nothing_unsafe(bundled):
    from faqkb.gaps import suggest_patch

    entry = "refund-remaining-balance"
    rows = [{"query": "refund balance russian chip", "lang": "en", "found_nothing": 0, "reached": {entry: 2}},
            {"query": "refund balance russian simcard", "lang": "en", "found_nothing": 0, "reached": {entry: 2}},
            {"query": "refund balance @sim_refund_bot", "lang": "en", "found_nothing": 0, "reached": {entry: 4}},
            {"query": "get my phone balance refunded", "lang": "en", "found_nothing": 0, "reached": {entry: 5}},
            {"query": "refunds for one reader", "lang": "en", "found_nothing": 0, "reached": {entry: 1}},
            {"query": "weather in kazan", "lang": "en", "found_nothing": 3, "reached": {}},
            {"query": "call 8 800 555 35 35", "lang": "en", "found_nothing": 3, "reached": {}}]
    patch = suggest_patch(bundled, {"disagreed": []}, rows, BUNDLED_KB)
    alts = {(a["entry"], a["lang"]): a["add"] for a in patch["alternatives"]}
    # a handle, an existing phrasing and a single reader's query are not proposed
    assert alts == {(entry, "en"): ["refund balance russian chip", "refund balance russian simcard"]}
    assert ["chip", "sim"] in patch["synonyms"]                      # as written, not stems
    assert not any("simcard" in g for g in patch["synonyms"])        # sim/simcard is a group already
    assert patch["offtopic"] == {"en": ["weather in kazan"]}         # never the phone number
