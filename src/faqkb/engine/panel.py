"""What the live panel (``search(prefix=True)``) makes of a query still being typed, after its
words are ranked: whether it is answered when only the completion was in doubt (`settle`),
the likeliest entries for a query only begun (`likeliest`), the first page re-ordered
(panel_order.py), and whether it is `typing` rather than told "no direct answer" (a word or
clause unfinished, a neighbour's name outgrown, an object cut mid-way). `finish` runs them in
order; each step's docstring says what it reads and what it measured."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice

from ..analysis import guess_lang
from .context import Context
from .didyoumean import MAX_SUGGEST_CHARS
from .panel_order import View, order_page
from .relevance import dictionary, in_general_use, intents_of, names_held
from .results import Results

# Another text searched as the query is (its language, category, page and script), with no
# did-you-mean and its last word read whole: `settle`'s and `likeliest`'s readings.
Search = Callable[[str], Results]

__all__ = ["Search", "View", "finish"]


def finish(ctx: Context, res: Results, view: View, page: int, begun: bool, search: Search) -> None:
    """``res``, the ranking of a query typed into the panel, as the panel shows it on page
    ``page`` (only the first is re-ordered). ``begun``: its last word is still being typed
    (no space after it)."""
    if (begun and res.hits and not res.answered and "scope" not in res.signals
            and len(res.query) <= MAX_SUGGEST_CHARS):  # (a word ended: res is already as typed)
        settle(ctx, res, search)
    if not res.answered and "scope" not in res.signals:
        res.typing = only_begun(ctx, res.query)
        if res.typing and not res.signals.get("prefix"):
            likeliest(ctx, res, search, begun=begun)
    if page == 1:
        order_page(ctx, res, view, begun)
    if not res.answered and not res.typing and "scope" not in res.signals:
        unfinished(ctx, res, begun)
    if not res.answered and not res.typing and res.hits and "scope" in res.signals:
        res.typing = outgrown(ctx, res) or (begun and object_cut(ctx, res))


def settle(ctx: Context, res: Results, search: Search) -> None:
    """A half-typed query (``prefix``) not answered as completed is answered when, read as
    typed (нет интернета посл: посл was read as последний, после being a stop word) or,
    when its last word was completed, without that word, it answers with the same first
    entry: the completion, not the question, was in doubt (Searcher._confirm's converse). Blind
    with prefix=true: head2 declined 0.005 -> 0.000, near-topic unchanged; cut set
    declined 0.043 -> 0.038. (Without the last word when it was not completed too, a
    neighbour's name there was dropped: near-topic declined 0.794 -> 0.769.) Without it too
    when it is one to three letters left as typed that longer kb words go on from (ru of
    russian, a kb word of mts.ru; д): cut set declined 15 -> 14 of 815, no blind total moved."""
    from ..prefix import before_last, short_start

    completed = res.signals.get("prefix")
    # without the last word when it was completed, or when it is a few letters left as
    # typed that longer kb words go on from (ru: russian; д: деньги): a word begun, not asked
    begun = completed["expansions"] if completed else short_start(ctx.v.prefixes, res.query)
    rest = before_last(res.query) if begun else None
    for typed in (res.query, *([rest] if rest else [])):
        read = search(typed)
        res.rankings += read.rankings
        if read.answered and read.hits and read.hits[0].id == res.hits[0].id:
            res.answered = True
            return


def only_begun(ctx: Context, query: str) -> bool:
    """A half-typed query only begun (prefix.barely_begun): "keep typing", not "no direct
    answer"; a neighbour the scope names stays declined (the caller's check)."""
    from ..prefix import barely_begun

    intents = intents_of(ctx)
    return intents is not None and barely_begun(query, intents.key(query), dictionary(ctx))


def likeliest(ctx: Context, res: Results, search: Search, *, begun: bool = True) -> None:
    """A query only begun whose last word was left as typed (how to can, как по): the
    likeliest entries are those of the word read as a start (cancel, подписка), still
    not answered (the reader has not said it yet: a neighbour may follow). Not when a
    trailing space ended the word (not ``begun``: "how to can " asks can)."""
    from ..prefix import likeliest_start

    text = None
    if ctx.v.intents and not ctx.v.intents.key(res.query):  # filler alone (how, 请问): the subject
        text = _subject_name(ctx, res.query_lang)
    if text is None and ctx.v.prefixes and begun:
        text = likeliest_start(res.query, ctx.v.prefixes)
    if text is None:
        return
    read = search(text)
    res.rankings += read.rankings
    if read.hits:
        res.hits, res.total = read.hits, read.total
        res.signals["prefix"] = {"searched": text, "expansions": []}


def unfinished(ctx: Context, res: Results, begun: bool) -> None:
    """A query not answered in the middle of a word or clause (prefix.still_typing) is
    `typing`, not told "no direct answer": the verdict was on a guess. `answered`, which
    every decline total counts, stays false; a neighbour the scope named stays declined, as
    for a query only begun (how to close my bank acc). Dev prefix sets (uniform cuts): told
    0.023 -> 0.018; dev near-topic questions typed whole into the panel: 1 of 426 more
    typing (учёт: a form the kb lacks that a kb word goes on from). So is a last word still
    being typed that is a typo cut mid-way (prefix.typo_begun: растаргну; keystroke cuts of
    real questions told 0.0237 -> 0.0186, near-topic typed whole 1 of 666 more typing).
    The kb's words are read here if no completion read them (a word ended by a space):
    the verdict must not hang on what the process searched before."""
    from ..prefix import cut_mid_word, space_typed_on, still_typing, typo_begun

    words = dictionary(ctx)
    res.typing = still_typing(res.query, res.signals.get("prefix"), words)
    if not res.typing and not begun:  # a space typed after the last word: the next one is coming
        res.typing = space_typed_on(res.query)
    if not res.typing and begun:  # a word cut mid-way with a typo (typo_begun), still being typed
        res.typing = typo_begun(res.query, words, ctx.speller())
    if not res.typing and begun:  # a word the kb lacks cut mid-way (prefix.cut_mid_word: узбекиста)
        res.typing = cut_mid_word(res.query, words, in_general_use(ctx.v))


def outgrown(ctx: Context, res: Results) -> bool:
    """A half-typed query the scope declined for a neighbour class whose names, as the
    query writes them, the first hit's own phrasings hold too (漫游包 in "漫游包 每天扣钱":
    uncovered-services; 支付宝账号 in "支付宝账号换绑": app-accounts' 支付宝 + 账号) is still
    `typing`, not told, when the reader went on after the name (the text before its last
    word names it alike) and the text asks nothing yet and ends no sentence: the entry asks
    about that thing from our side, and the words that would bring the question there (the
    class's `unless`: 扣费, charged, 俄号) may be the ones still to come (漫游包回国了…,
    支付宝账号用的…). A near-topic question typed whole asks (怎么注销, 用唔用到) or ends in
    the name (註銷X帳號): judged as before. `answered` stays false: every decline total is
    as before. Bounded: the first hit's MAX_PHRASINGS phrasings, each looked up once."""
    from ..prefix import MAX_PHRASINGS, asks, before_last, ends_sentence, own_phrasings
    from ..scope import ALONE

    name = res.signals["scope"]
    if not isinstance(name, str) or name == ALONE or ends_sentence(res.query) or asks(res.query):
        return False
    first, rest = ctx.v.entries.get(res.hits[0].id), before_last(res.query)
    if first is None or rest is None:
        return False
    # (the reader went on after the name: a keyword phrase ending in it, 注销X账号, is typed whole)
    return names_held(ctx, name, res.query, rest, islice(own_phrasings(first), MAX_PHRASINGS))


def object_cut(ctx: Context, res: Results) -> bool:
    """A query the scope declined for another object that is its last word, cut mid-way
    (расторжение чере, 销户还收手: object_begun.py), is `typing`, not told."""
    from ..object_begun import object_begun

    return object_begun(res.query, res.signals["scope"], dictionary(ctx), in_general_use(ctx.v))


def _subject_name(ctx: Context, qlang: str | None) -> str | None:
    """The subject category's first name (kb/categories.yaml) in the query's script."""
    intents = ctx.v.intents
    if not intents or not intents.subject:
        return None
    lang = qlang or "en"
    return next((n for n, cat in intents.names.items() if cat == intents.subject and n
                 and guess_lang(n) == lang and (lang != "en" or n.isascii())), None)
