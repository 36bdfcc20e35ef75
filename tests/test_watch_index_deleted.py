"""`faqkb serve --watch` whose index folder is deleted (`rm -rf`) while readers search (issue 23,
"Index folder"): a real server process on loopback keeps answering from the version it has
open (no 500, no failed request) while the watcher rebuilds, and then serves the rebuilt
version. Before the fix about half the requests failed for ~5 s."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from urllib.parse import quote

import pytest
from conftest import FIXTURE_KB
from test_serving import HANG, free_port

# Queries in every language, typos (the speller), pinyin, and pages: what a version reads lazily.
QUERIES = ("余额 退款", "注销 俄罗斯 手机卡", "refund", "МТС расторжение", "zhuxiao", "保好卡", "refnd balnce",
           "мошенники звонят", "daily fee", "解绑 银行卡", "договор", "scam call")
ENTRIES = ("stop-using-sim-what-happens", "daily-keeping-fee", "how-to-cancel-russian-sim",
           "refund-remaining-balance", "contract-expiring-call-scam", "unlink-before-cancel")
PATHS = (["/api/search?q=" + quote(q) for q in QUERIES] + ["/search?q=" + quote(q) for q in QUERIES]
         + [f"/entry/{e}" for e in ENTRIES] + ["/", "/sitemap.xml", "/api/suggest?q=" + quote("余")])


def get(base: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=HANG) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError as e:  # a refused or dropped connection is a failed request too
        return -1, str(e).encode()


def health(base: str) -> dict:
    status, body = get(base, "/healthz")
    return json.loads(body) if status in (200, 503) else {}


@pytest.mark.slow  # a faqkb serve --watch subprocess and a rebuild under load
def test_rm_rf_of_the_index_under_watch_keeps_answering_then_serves_the_rebuilt_version(tmp_path):
    kb, index = tmp_path / "kb", tmp_path / "index"
    shutil.copytree(FIXTURE_KB, kb)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("w")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "FAQKB_RATELIMIT_ENABLED": "false"}
    proc = subprocess.Popen([sys.executable, "-c", "from faqkb.cli import main; main()", "serve", "--watch",
                             "--port", str(port), "--kb", str(kb), "--index", str(index),
                             "--instance", str(tmp_path / "instance")], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + HANG
        while get(base, "/api/ping")[0] != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail((tmp_path / "serve.log").read_text(), pytrace=False)
            time.sleep(0.2)
        before = health(base)["index_version"]
        first = json.loads(get(base, PATHS[0])[1])["hits"][0]["id"]

        statuses: Counter = Counter()
        failures: list[tuple[str, int, bytes]] = []
        stop = threading.Event()

        def reader(n: int) -> None:
            i = n
            while not stop.is_set():
                path = PATHS[i % len(PATHS)]
                status, body = get(base, path)
                statuses[status] += 1
                if status != 200:
                    failures.append((path, status, body[:200]))
                i += 1

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        time.sleep(1.0)  # readers running on the live version
        shutil.rmtree(index)  # rm -rf
        deadline = time.monotonic() + HANG
        while True:  # until the watcher rebuilt the folder and the site switched to it
            now = health(base).get("index_version")
            if now and now != before and (index / now).is_dir():
                break
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        time.sleep(1.0)  # readers on the rebuilt version too
        stop.set()
        for t in threads:
            t.join(HANG)

        print(f"statuses while the folder was gone and rebuilt: {dict(statuses)}")
        assert not failures, (statuses, failures[:5])
        assert statuses[200] >= 20, statuses
        # The rebuilt version answers as the old one did, from the new folder.
        after = health(base)
        assert after["index_version"] != before and after["status"] == "ok", after
        assert json.loads(get(base, PATHS[0])[1])["hits"][0]["id"] == first
        assert (index / after["index_version"]).is_dir()
    finally:
        proc.terminate()
        proc.wait(HANG)
        log.close()
