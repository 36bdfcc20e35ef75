"""The peers the speed benches measure faqkb against, each set up the way a user who picked it
would, and fed faqkb's OWN analysis where the comparison is of engines, not analysers.

faqkb's tokens come through public names only (so the engine can move house under them):
``Searcher.analyzer()`` (the index's analyser: the same jieba dictionary, stems, bigrams and
pinyin table a query uses), ``Searcher.terms()`` (a query's (field, term, boost) list, BM25F
weights included) and ``Searcher.weights`` (the field weights). A document is analysed as
faqkb's build analyses it: questions and alternatives into q_words / q_bigrams / q_pinyin,
answers into a_words / a_bigrams. One difference, against faqkb: the build also indexes
pypinyin's phrase readings and initials in q_pinyin; the peers get the query-time table's
readings only (a few terms fewer per Han phrasing).

- ``Tantivy``: tantivy-py, one text field per faqkb field (whitespace tokenizer over faqkb's
  tokens, frequencies without positions), a query as a boolean OR of term queries, each boosted
  by faqkb's weight; ids only (document addresses mapped to entry ids, no stored-field reads).
- ``BM25S``: bm25s (lucene BM25, k1 1.2, b 0.75), one index per field; a query's score is the
  weighted sum of each field's ``get_scores`` and a top-10 (``np.argpartition``), ids only.
- ``Fts5Tokens``: SQLite FTS5 over faqkb's tokens (hex-encoded, ``ascii`` tokenizer, so FTS5
  cannot re-cut them), one column per field, ``bm25()`` with faqkb's weights; ids only.
- ``Fts5Own``: SQLite FTS5 as it comes: its ``unicode61`` tokenizer on the raw texts (question
  and alternatives in one column, answer in another, weights 3 and 1), stop words dropped from
  the query (faqkb's own list, so neither side pays for "the"/"и"/"的"), ten hits WITH the
  question highlighted and an answer snippet, in ONE statement: ``ORDER BY rank`` lets FTS5 sort
  internally, so highlight() and snippet() run for the ten rows returned only. unicode61 keeps a
  run of Han characters as one token: Chinese finds only exact runs (its MRR shows it).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

FIELDS = ("q_words", "a_words", "q_bigrams", "a_bigrams", "q_pinyin")


class FaqkbTokens:
    """faqkb's analysis of documents and queries, through its public names."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self.analyzer = searcher.analyzer()
        self.weights = {f: float(searcher.weights[f]) for f in FIELDS}

    def document(self, e: dict) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {f: [] for f in FIELDS}
        for lang in ("zh", "ru", "en"):
            tr = e.get(lang)
            if not tr:
                continue
            for text in (tr["question"], *tr.get("alternatives", [])):
                a = self.analyzer.analyze(text)
                out["q_words"] += [t.text for t in a.words]
                out["q_bigrams"] += a.bigrams
                out["q_pinyin"] += a.pinyin
            a = self.analyzer.analyze(tr["answer"], pinyin=False)
            out["a_words"] += [t.text for t in a.words]
            out["a_bigrams"] += a.bigrams
        return out

    def query(self, text: str) -> list[tuple[str, str, float]]:
        return self.searcher.terms(self.analyzer.analyze(text, query=True), {})

    def is_content(self, word: str) -> bool:
        """A word faqkb's analyser keeps (not a stop word)."""
        return bool(self.analyzer.analyze(word, pinyin=False).words)


class Tantivy:
    def __init__(self, docs: list[dict[str, list[str]]], ids: list[str], path: Path, threads: int = 1) -> None:
        import tantivy

        self.t = tantivy
        sb = tantivy.SchemaBuilder()
        for f in FIELDS:
            sb.add_text_field(f, tokenizer_name="whitespace", index_option="freq")
        self.schema = sb.build()
        path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(path))
        w = self.index.writer(heap_size=1_000_000_000, num_threads=threads)  # one segment (see below)
        for d in docs:
            w.add_document(tantivy.Document(**{f: " ".join(d[f]) for f in FIELDS}))
        w.commit()
        w.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.ids = ids
        if self.searcher.num_segments != 1:  # one segment: a hit's doc number is its insertion order
            raise SystemExit(f"tantivy wrote {self.searcher.num_segments} segments: raise the writer's heap_size")

    def _query(self, terms: list[tuple[str, str, float]]):
        Q, should = self.t.Query, self.t.Occur.Should
        return Q.boolean_query([(should, Q.boost_query(Q.term_query(self.schema, f, t), b)) for f, t, b in terms])

    def __call__(self, terms: list[tuple[str, str, float]], k: int = 10) -> list[str]:
        if not terms:
            return []
        return [self.ids[a.doc] for _, a in self.searcher.search(self._query(terms), k).hits]


class BM25S:
    def __init__(self, docs: list[dict[str, list[str]]], ids: list[str], weights: dict[str, float]) -> None:
        import bm25s
        import numpy as np

        self.np = np
        self.fields = {}
        for f in FIELDS:
            r = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
            r.index([d[f] for d in docs], show_progress=False)
            self.fields[f] = r
        self.weights = weights
        self.ids = ids

    def __call__(self, terms: list[tuple[str, str, float]], k: int = 10) -> list[str]:
        np = self.np
        by: dict[tuple[str, float], list[str]] = {}
        for f, t, b in terms:
            by.setdefault((f, b), []).append(t)
        if not by:
            return []
        total = None
        for (f, b), toks in by.items():
            s = self.fields[f].get_scores(toks) * b
            total = s if total is None else total + s
        k = min(k, len(total))
        top = np.argpartition(-total, k - 1)[:k]
        top = top[np.argsort(-total[top], kind="stable")]
        return [self.ids[i] for i in top.tolist() if total[i] > 0]


def _hex(tok: str) -> str:
    return "x" + tok.encode("utf-8").hex()


class Fts5Tokens:
    def __init__(self, docs: list[dict[str, list[str]]], ids: list[str], weights: dict[str, float], path: Path) -> None:
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute(f"CREATE VIRTUAL TABLE d USING fts5({', '.join(FIELDS)}, tokenize='ascii')")
        self.db.executemany(f"INSERT INTO d(rowid, {', '.join(FIELDS)}) VALUES (?{', ?' * len(FIELDS)})",
                            [(i, *(" ".join(_hex(t) for t in d[f]) for f in FIELDS)) for i, d in enumerate(docs)])
        self.db.execute("INSERT INTO d(d, rank) VALUES ('rank', ?)",
                        (f"bm25({', '.join(str(weights[f]) for f in FIELDS)})",))
        self.db.commit()
        self.ids = ids

    def __call__(self, terms: list[tuple[str, str, float]], k: int = 10) -> list[str]:
        by: dict[str, list[str]] = {}
        for f, t, _ in terms:
            by.setdefault(f, []).append(_hex(t))
        if not by:
            return []
        match = " OR ".join(f"{f} : ({' OR '.join(dict.fromkeys(ts))})" for f, ts in by.items())
        return [self.ids[r[0]] for r in self.db.execute(
            "SELECT rowid FROM d WHERE d MATCH ? ORDER BY rank LIMIT ?", (match, k))]


class Fts5Own:
    _word = re.compile(r"\w+")

    def __init__(self, entries: list[dict], path: Path, stop: set[str]) -> None:
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE VIRTUAL TABLE d USING fts5(q, a, tokenize='unicode61 remove_diacritics 2')")
        rows = []
        for i, e in enumerate(entries):
            q = "\n".join(t for lang in ("zh", "ru", "en") if lang in e
                          for t in (e[lang]["question"], *e[lang].get("alternatives", [])))
            a = "\n".join(e[lang]["answer"] for lang in ("zh", "ru", "en") if lang in e)
            rows.append((i, q, a))
        self.db.executemany("INSERT INTO d(rowid, q, a) VALUES (?, ?, ?)", rows)
        self.db.execute("INSERT INTO d(d, rank) VALUES ('rank', 'bm25(3.0, 1.0)')")
        self.db.commit()
        self.ids = [e["id"] for e in entries]
        self.stop = stop

    def match(self, text: str) -> str:
        toks = [t for t in dict.fromkeys(self._word.findall(text.lower())) if t not in self.stop]
        return " OR ".join('"' + t.replace('"', '""') + '"' for t in toks)

    def __call__(self, text: str, k: int = 10) -> list[str]:
        match = self.match(text)
        if not match:
            return []
        return [self.ids[r[0]] for r in self.db.execute(
            "SELECT rowid FROM d WHERE d MATCH ? ORDER BY rank LIMIT ?", (match, k))]

    def hits(self, text: str, k: int = 10) -> list[tuple[str, str, str]]:
        match = self.match(text)
        if not match:
            return []
        return [(self.ids[r[0]], r[1], r[2]) for r in self.db.execute(
            "SELECT rowid, highlight(d, 0, '[', ']'), snippet(d, 1, '[', ']', '…', 24) FROM d "
            "WHERE d MATCH ? ORDER BY rank LIMIT ?", (match, k))]
