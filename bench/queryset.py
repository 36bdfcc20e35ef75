"""Reader-like queries for the speed benches: each one an entry's own question (or one of its
alternatives) as a reader would retype it, never a bag of random words.

Each known-item query takes one phrasing of one entry, cut into words (jieba for Chinese, as a
reader's words; spaces for Russian and English) and changed by one or two of:

- drop: a word left out (readers type fewer words than a question has);
- swap: two neighbouring words swapped;
- typo: a letter deleted, doubled, swapped with the next or replaced (Latin, Cyrillic), or a Han
  character replaced by another character of the corpus (a wrong pick in a pinyin IME);
- paraphrase: a word replaced by a word of the same entry's answer (same topic, other wording),
  or a question opener put in front ("怎么", "как", "how do i").

Stress queries (a tenth) are 2-4 of the most frequent *content* words of the corpus in one
language (the caller says what a content word is: faqkb's analyser keeps it), so they match
many entries without being stop words every engine drops for free.

Every query text is unique within a set: a process sees each one for the first time.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable

OPENERS = {"zh": ["怎么", "如何", "请问", "为什么"], "ru": ["как", "почему", "что если", "можно ли"],
           "en": ["how do i", "why", "what if", "can i"]}
_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"\w+")


def words(text: str, lang: str) -> list[str]:
    """A phrasing cut into the words a reader types."""
    if lang == "zh":
        import jieba

        jieba.setLogLevel(60)
        return [w for w in jieba.lcut(text) if _WORD.fullmatch(w)]
    return _WORD.findall(text.lower())


def join(ws: list[str], lang: str) -> str:
    return "".join(ws) if lang == "zh" else " ".join(ws)


def _typo(w: str, lang: str, rng: random.Random, han: list[str]) -> str:
    if lang == "zh":
        i = rng.randrange(len(w))
        return w[:i] + rng.choice(han) + w[i + 1:]
    if len(w) < 4:
        return w
    i = rng.randrange(1, len(w) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return w[:i] + w[i + 1:]
    if kind == 1:
        return w[:i] + w[i] + w[i:]
    if kind == 2:
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    letters = "абвгдеклмнопрст" if lang == "ru" else "abcdeilmnorst"
    return w[:i] + rng.choice(letters) + w[i + 1:]


def perturb(ws: list[str], lang: str, rng: random.Random, related: list[str], han: list[str]) -> list[str]:
    ws = list(ws)
    for op in rng.sample(("drop", "swap", "typo", "paraphrase"), rng.choice((1, 1, 2))):
        if op == "drop" and len(ws) >= 3:
            del ws[rng.randrange(len(ws))]
        elif op == "swap" and len(ws) >= 2:
            i = rng.randrange(len(ws) - 1)
            ws[i], ws[i + 1] = ws[i + 1], ws[i]
        elif op == "typo" and ws:
            i = rng.randrange(len(ws))
            ws[i] = _typo(ws[i], lang, rng, han)
        elif op == "paraphrase":
            if related and ws and rng.random() < 0.6:
                ws[rng.randrange(len(ws))] = rng.choice(related)
            else:
                ws = OPENERS[lang][rng.randrange(len(OPENERS[lang]))].split() + ws
    return ws


def frequent_content_words(texts: Iterable[tuple[str, str]], is_content: Callable[[str], bool],
                           top: int = 40) -> dict[str, list[str]]:
    """The ``top`` most frequent words of each language that ``is_content`` keeps."""
    counts: dict[str, Counter] = {"zh": Counter(), "ru": Counter(), "en": Counter()}
    for lang, text in texts:
        counts[lang].update(words(text, lang))
    out = {}
    for lang, c in counts.items():
        out[lang] = [w for w, _ in c.most_common(top * 20) if (lang != "zh" or len(w) >= 2) and is_content(w)][:top]
    return out


def make(n: int, entries: list[dict], is_content: Callable[[str], bool], seed: int = 11,
         stress_share: float = 0.1, langs: tuple[str, ...] = ("zh", "ru", "en"),
         ) -> list[tuple[str, str, str | None]]:
    """``n`` unique (lang, query, wanted entry id or None for a stress query). ``entries`` are
    dicts with "id" and, per language, "question", "alternatives" and "answer"."""
    rng = random.Random(seed)
    texts = [(lang, e[lang][k]) for e in entries[:2000] for lang in langs if lang in e
             for k in ("question", "answer")]
    stress = frequent_content_words(texts, is_content)
    han = sorted({c for lang, t in texts if lang == "zh" for c in _HAN.findall(t)}) or ["的"]
    seen: set[str] = set()
    out: list[tuple[str, str, str | None]] = []
    every = round(1 / stress_share) if stress_share else 0
    tries = 0
    while len(out) < n and tries < n * 50:
        tries += 1
        lang = langs[len(out) % len(langs)]
        if every and len(out) % every == every - 1 and len(stress[lang]) >= 4:
            q, want = join(rng.sample(stress[lang], rng.randint(2, 4)), lang), None
        else:
            e = entries[rng.randrange(len(entries))]
            tr = e.get(lang)
            if not tr:
                continue
            phrasing = rng.choice([tr["question"], *tr.get("alternatives", [])])
            ws = words(phrasing, lang)
            if not ws:
                continue
            related = [w for w in words(tr["answer"], lang) if is_content(w)][:30]
            q, want = join(perturb(ws, lang, rng, related, han), lang), e["id"]
        if q and q not in seen:
            seen.add(q)
            out.append((lang, q, want))
    return out
