"""Speed at scale: build time, index size and warm query latency of faqkb against SQLite FTS5
on the same synthetic FAQ-like corpus (zh/ru/en, generated deterministically) at 1k, 10k and
100k entries. Prints a table and draws bench/out/latency.png (matplotlib, the bench extra).

    python bench/latency.py                        # 1k, 10k, 100k
    python bench/latency.py --sizes 1000,10000     # quicker
    python bench/latency.py --sizes 1000 --procs 1 --queries 100   # smoke run

Latency is single-thread, warm (every query run once before timing), per call of
`Searcher.search(q, limit=10)` as the CLI and the web call it (did-you-mean on), and for
FTS5 per call of tokenize (same jieba/Snowball tokens as bench/quality.py) + MATCH ... ORDER
BY bm25 LIMIT 10 on an on-disk database. Levers measured on the same queries: limit 10 vs 50,
suggest=False vs True.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import PeerTokens, _hex  # noqa: E402  same peer tokens as the quality bench

from faqkb.index import build_index, kb_fingerprint  # noqa: E402
from faqkb.kbfiles import load_kb  # noqa: E402
from faqkb.model import CATEGORIES  # noqa: E402
from faqkb.search import Searcher  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"

# A fixed vocabulary of realistic words from the domain (SIM cards, operators, money, documents)
# and everyday language, so term statistics look like a FAQ rather than random strings.
ZH = ("注销 手机卡 电话卡 余额 话费 退款 护照 营业厅 运营商 套餐 流量 短信 验证码 银行卡 账户 密码 身份证 "
      "合同 号码 停机 销号 欠费 账单 充值 网上 应用 客服 电话 诈骗 警察 俄罗斯 中国 回国 出国 漫游 国际 费用 "
      "每月 每天 免费 收费 办理 需要 提供 携带 本人 委托 代办 公证 翻译 签证 学生 工作 地址 登记 实名 网站 "
      "邮件 申请 取消 关闭 开通 服务 功能 设置 问题 原因 时间 期限 三十天 六个月 一年 之前 之后 如果 可以 "
      "必须 不能 已经 还是 或者 然后 首先 最后 注意 小心 安全 个人 信息 泄露 保护 转账 支付 钱包 门店 排队 "
      "预约 文件 复印件 照片 签名 表格 填写 确认 完成 成功 失败 错误 提示 通知 自动 手动 马上 立即 稍后").split()
RU = ("расторгнуть договор сим-карта номер оператор баланс возврат денег паспорт салон связи тариф "
      "интернет смс код банковская карта счёт пароль документ абонент блокировка задолженность "
      "пополнение приложение поддержка звонок мошенники полиция Россия Китай выезд роуминг "
      "международный стоимость ежемесячно бесплатно платно оформить нужно предъявить лично "
      "доверенность нотариус перевод виза студент работа адрес регистрация сайт письмо заявление "
      "отключить подключить услуга функция вопрос причина срок тридцать дней месяцев год после "
      "перед можно нельзя уже или затем сначала наконец внимание осторожно безопасность личные данные "
      "утечка защита платёж кошелёк магазин очередь запись копия фото подпись бланк заполнить "
      "подтвердить готово ошибка уведомление автоматически вручную сразу позже МТС Билайн МегаФон "
      "Теле2 Йота остаток средств вернуть закрыть лицевой отделение").split()
EN = ("cancel contract SIM card number operator balance refund money passport store carrier plan "
      "data text code bank account password document subscriber block debt top-up app support call "
      "scam police Russia China leave roaming international cost monthly free paid apply need show "
      "person proxy notary translation visa student work address registration website email request "
      "disconnect connect service feature question reason deadline thirty days months year after before "
      "can cannot already or then first finally note careful security personal data leak protection "
      "payment wallet office queue appointment copy photo signature form fill confirm done error notice "
      "automatically manually immediately later MTS Beeline MegaFon Tele2 Yota remaining funds return "
      "close branch transfer fee charge unpaid bill expire suspend reactivate").split()
VOCAB = {"zh": ZH, "ru": RU, "en": EN}


def _zipf(rng: random.Random, words: list[str], k: int) -> list[str]:
    weights = [1 / (i + 1) ** 0.8 for i in range(len(words))]
    return rng.choices(words, weights=weights, k=k)


def _sentence(rng: random.Random, lang: str, lo: int, hi: int, end: str) -> str:
    words = _zipf(rng, VOCAB[lang], rng.randint(lo, hi))
    if lang == "zh":
        return "".join(words) + ("？" if end == "?" else "。")
    s = " ".join(words)
    return s[0].upper() + s[1:] + end


def corpus(n: int, seed: int = 7) -> list[dict]:
    """``n`` entries, each in zh, ru and en: a question and an answer of 2-4 sentences."""
    rng = random.Random(seed)
    # each language's words are shuffled once per corpus so every language has its own rare words
    entries = []
    for i in range(n):
        e = {"id": f"e{i:06d}", "category": CATEGORIES[i % len(CATEGORIES)], "updated": "2026-11-20"}
        for lang in ("zh", "ru", "en"):
            e[lang] = {"question": _sentence(rng, lang, 3, 7, "?"), "alternatives": [],
                       "answer": " ".join(_sentence(rng, lang, 6, 14, ".") for _ in range(rng.randint(2, 4)))}
            e[lang]["lead"] = e[lang]["answer"][:300]  # the schema asks for one; no extra random draws
        entries.append(e)
    return entries


def queries(n: int, seed: int = 11) -> list[tuple[str, str]]:
    """(lang, query): 2-4 words, a third per language, spaced for ru/en, run together for zh."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lang = ("zh", "ru", "en")[i % 3]
        words = _zipf(rng, VOCAB[lang], rng.randint(2, 4))
        out.append((lang, ("" if lang == "zh" else " ").join(words)))
    return out


def write_kb(entries: list[dict], root: Path) -> None:
    for c in CATEGORIES:
        (root / c).mkdir(parents=True, exist_ok=True)
    for e in entries:
        (root / e["category"] / f"{e['id']}.yaml").write_text(
            yaml.safe_dump(e, allow_unicode=True, sort_keys=False, width=1000), "utf-8")
    (root / "synonyms.yaml").write_text("groups: []\n", "utf-8")


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed(fn, qs, warm: bool = True) -> list[float]:
    if warm:
        for q in qs:
            fn(q)
    out = []
    for q in qs:
        t = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t) * 1000)
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def run_size(n: int, qs: list[tuple[str, str]], procs: list[int], tok: PeerTokens, tmp: Path, log) -> dict:
    r: dict = {"entries": n}
    kb_dir = tmp / f"kb-{n}"
    t = time.perf_counter()
    entries = corpus(n)
    write_kb(entries, kb_dir)
    log(f"  {n}: corpus written in {time.perf_counter() - t:.1f} s")

    for p in procs:
        index_dir = tmp / f"index-{n}-p{p}"
        t = time.perf_counter()
        fp = kb_fingerprint(kb_dir)
        kb = load_kb(kb_dir)
        t_load = time.perf_counter() - t
        build_index(kb, index_dir, fingerprint=fp, procs=p)
        total = time.perf_counter() - t
        r[f"build_p{p}_s"] = round(total, 2)
        r[f"load_p{p}_s"] = round(t_load, 2)
        log(f"  {n}: build procs={p}: {total:.1f} s (of which load+validate {t_load:.1f} s)")
        del kb
    index_dir = tmp / f"index-{n}-p{procs[0]}"
    version = next(p for p in index_dir.iterdir() if p.name.startswith("v-"))
    r["index_mb"] = round(du(version) / 1e6, 1)

    # FTS5 on the same corpus: one row per entry, all three languages, same peer tokens.
    db_path = tmp / f"fts-{n}.sqlite"
    t = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute("CREATE VIRTUAL TABLE d USING fts5(body, tokenize='ascii')")
    rows = []
    for i, e in enumerate(entries):
        toks = [t_ for lang in ("zh", "ru", "en") for f in ("question", "answer") for t_ in tok(e[lang][f], lang)]
        rows.append((i, " ".join(_hex(x) for x in toks)))
    db.executemany("INSERT INTO d(rowid, body) VALUES (?, ?)", rows)
    db.commit()
    r["fts5_build_s"] = round(time.perf_counter() - t, 2)
    r["fts5_mb"] = round(db_path.stat().st_size / 1e6, 1)
    ids = [e["id"] for e in entries]

    def fts(q):
        lang, text = q
        terms = list(dict.fromkeys(_hex(x) for x in tok(text, lang)))
        rows = db.execute("SELECT rowid FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT 10",
                          (" OR ".join(terms),)).fetchall()
        return [ids[row[0]] for row in rows]

    s = Searcher(index_dir)
    variants = {
        "faqkb": lambda q: s.search(q[1], limit=10),
        "faqkb_nosuggest": lambda q: s.search(q[1], limit=10, suggest=False),
        "faqkb_limit50": lambda q: s.search(q[1], limit=50),
    }
    for name, fn in [("fts5", fts), *variants.items()]:
        xs = timed(fn, qs)
        r[f"{name}_p50"], r[f"{name}_p99"] = round(pct(xs, 50), 2), round(pct(xs, 99), 2)
        r[f"{name}_by_lang"] = {lang: round(statistics.median(x for (l_, _), x in zip(qs, xs, strict=True) if l_ == lang), 2)
                                for lang in ("zh", "ru", "en")}
        log(f"  {n}: {name:16} p50 {r[name + '_p50']:7.2f} ms  p99 {r[name + '_p99']:7.2f} ms  "
            f"median by lang {r[name + '_by_lang']}")
    # agreement of the two engines' top hit (a sanity check that both search the same thing)
    r["top1_agree"] = round(sum(bool(a) and a[0] == (b.hits[0].id if b.hits else None)
                                for a, b in ((fts(q), s.search(q[1], limit=10, suggest=False)) for q in qs))
                            / len(qs), 2)
    s.close()
    db.close()
    shutil.rmtree(kb_dir, ignore_errors=True)
    return r


def table(rows: list[dict], procs: list[int]) -> str:
    head = (f"{'entries':>8}" + "".join(f"{'build p' + str(p):>10}" for p in procs)
            + f"{'index MB':>9}{'FTS5 MB':>8} | {'faqkb p50':>9}{'p99':>8} | {'FTS5 p50':>9}{'p99':>8} | "
            f"{'p50 ratio':>9}{'p99 ratio':>10} | {'no-suggest p50':>14}{'p99':>8} | {'limit50 p50':>11}{'p99':>8}")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['entries']:>8}" + "".join(f"{r[f'build_p{p}_s']:>9.1f}s" for p in procs)
            + f"{r['index_mb']:>9.1f}{r['fts5_mb']:>8.1f} | {r['faqkb_p50']:>9.2f}{r['faqkb_p99']:>8.2f} | "
            f"{r['fts5_p50']:>9.2f}{r['fts5_p99']:>8.2f} | {r['faqkb_p50'] / r['fts5_p50']:>8.1f}x"
            f"{r['faqkb_p99'] / r['fts5_p99']:>9.1f}x | {r['faqkb_nosuggest_p50']:>14.2f}"
            f"{r['faqkb_nosuggest_p99']:>8.2f} | {r['faqkb_limit50_p50']:>11.2f}{r['faqkb_limit50_p99']:>8.2f}")
    lines.append("(latencies in ms, warm, single thread; goal: faqkb p50 <= FTS5 p50, p99 <= 1.5x FTS5 p99; "
                 "build of 10k <= 10 s)")
    for r in rows:
        lines.append(f"{r['entries']:>8}: median by language  faqkb {r['faqkb_by_lang']}  FTS5 {r['fts5_by_lang']}"
                     f"  FTS5 build {r['fts5_build_s']} s  top-1 agreement {r['top1_agree']}")
    return "\n".join(lines)


def plot(rows: list[dict], procs: list[int], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [r["entries"] for r in rows]
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(15, 4.5))
    for key, label, style, color in (("faqkb", "faqkb", "o-", "C0"), ("faqkb_nosuggest", "faqkb suggest=False", "^--", "C2"),
                                     ("faqkb_limit50", "faqkb limit=50", "v:", "C4"), ("fts5", "SQLite FTS5", "s-", "C1")):
        a.plot(n, [r[f"{key}_p50"] for r in rows], style, color=color, label=f"{label} p50")
        a.plot(n, [r[f"{key}_p99"] for r in rows], style, color=color, alpha=0.4, label=f"{label} p99")
    a.set(xscale="log", yscale="log", xlabel="entries (zh+ru+en each)", ylabel="ms per query",
          title="warm query latency (single thread)")
    a.legend(fontsize=7)
    for p in procs:
        b.plot(n, [r[f"build_p{p}_s"] for r in rows], "o-", label=f"faqkb build procs={p}")
    b.plot(n, [r["fts5_build_s"] for r in rows], "s-", label="FTS5 build (tokens + insert)")
    b.axhline(10, color="grey", ls=":", lw=1)
    b.set(xscale="log", yscale="log", xlabel="entries", ylabel="seconds", title="full build time")
    b.legend(fontsize=7)
    c.plot(n, [r["index_mb"] for r in rows], "o-", label="faqkb index")
    c.plot(n, [r["fts5_mb"] for r in rows], "s-", label="FTS5 database")
    c.set(xscale="log", yscale="log", xlabel="entries", ylabel="MB on disk", title="index size")
    c.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--procs", default="1,2", help="writer processes to try for the build [1,2]")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--png", type=Path, default=OUT / "latency.png")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--max-build", type=float, default=600,
                    help="skip a size whose build, extrapolated linearly from the previous size, "
                         "would take longer than this many seconds [600]")
    args = ap.parse_args(argv)
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    sizes = [int(x) for x in args.sizes.split(",")]
    procs = [int(x) for x in args.procs.split(",")]
    qs = queries(args.queries)
    tok = PeerTokens()
    rows, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="faqkb-latency-") as tmp:
        for n in sizes:
            if rows:
                prev = rows[-1]
                est = min(prev[f"build_p{p}_s"] for p in procs) * n / prev["entries"]
                if est > args.max_build:
                    skipped.append(f"{n} entries skipped: build extrapolated linearly from "
                                   f"{prev['entries']} entries = {est:.0f} s (> {args.max_build:.0f} s); "
                                   f"index ~{prev['index_mb'] * n / prev['entries']:.0f} MB")
                    log("  " + skipped[-1])
                    continue
            rows.append(run_size(n, qs, procs, tok, Path(tmp), log))
            if args.json:
                args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), "utf-8")
    print(f"faqkb vs SQLite FTS5, synthetic zh/ru/en FAQ corpus, {len(qs)} queries, {os.cpu_count()} CPUs\n")
    print(table(rows, procs))
    for line in skipped:
        print(line)
    plot(rows, procs, args.png)
    print(f"\nplot: {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
