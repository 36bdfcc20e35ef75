"""The live panel's first page re-ordered for a query still being typed: each step reads the
query and the kb's own phrasings or categories (kb/categories.yaml) and moves an entry up or
in, keeping the first hit of a query typed whole, `answered` and `typing` (the verdict steps
are panel.py's). `order_page` runs them in order; each step's docstring says what it reads
and what it measured. Each is handed the query's `Context` and its `Results`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from ..analysis import HAN_RE, untoned
from ..diversity import clauses
from ..layout import PINYIN_STARTS, STARTS
from .context import Context
from .hits import make_hit
from .relevance import continuation_model, fit_model, intents_of
from .results import Hit, Results

if TYPE_CHECKING:
    from ..kbase.model import Entry
    from ..prefix import Starts
    from .version import Version


@dataclass(frozen=True)
class View:
    """The page a step puts entries on, as the search was asked for it: the language to show
    (None: each hit in the query's), the category searched (None: all), the page's length
    and the Chinese script."""

    lang: str | None
    category: str | None
    limit: int
    script: str | None

    def holds(self, e: Entry) -> bool:
        """Whether entry ``e`` is in the category searched."""
        return not (self.category and e.category != self.category)

    def unscored(self, ctx: Context, d: int, qlang: str | None) -> Hit | None:
        """Document ``d`` as a hit the query's words did not find (score 0, nothing marked),
        shown in ``qlang`` when no language was asked; None where make_hit makes none."""
        return make_hit(ctx, d, 0.0, self.lang or qlang, {"words": set(), "pinyin": set()}, self.lang, self.script)


def order_page(ctx: Context, res: Results, view: View, begun: bool) -> None:
    """The live panel's first page re-ordered, step by step, for a query still being typed
    (each step's docstring says what it reads; all keep the first hit of a query typed whole)."""
    if len(res.hits) > 2 and res.query_lang == "zh":
        fit(ctx, res)
    question_starts(ctx, res, view)
    if res.hits and "scope" not in res.signals:
        subject_first(ctx, res, view)
    if begun and res.hits:
        inside(ctx, res, view)
    if res.query_lang in ("ru", "en") and "scope" not in res.signals:
        goes_on(ctx, res, view, ended=not begun)
    if res.hits and "scope" not in res.signals:
        being_stated(ctx, res, view, ended=not begun)
    # (what is asked most takes the third place only when no phrase typed chose it: inside)
    if (len(res.hits) > 2 and res.query_lang in ("ru", "en")
            and not {"scope", "inside"} & res.signals.keys()):
        most_asked(ctx, res, view)
    if res.hits and not {"scope", "inside"} & res.signals.keys():
        story_heads(ctx, res, view)
        stated_head(ctx, res, view)


def fit(ctx: Context, res: Results) -> None:
    """A half-typed Chinese query's hits after the first, re-ordered by the ranking's order
    and how well the query, every character typed in order, fits each entry's own Chinese
    phrasings (phrasing_fit.py): the words that say the intent before the subject is done
    (几个, 提交…后, 被, 了) are filler or stop words to the ranking. The first hit, `answered`
    and the total stay. signals["fit"]: the cells of the fit's tables filled (bounded by
    MAX_FIT_HITS x MAX_PHRASINGS x MAX_QUERY_TOKENS x MAX_PHRASING_TOKENS). Keystroke
    sweep of Chinese questions not read (9,719 cuts): s@3 0.800 -> see docs/relevance.md."""
    from ..phrasing_fit import MAX_FIT_HITS, asked_whole, entry_fit, query_tokens, reorder, zh_phrasings
    from ..prefix import own_phrasings

    v = ctx.v
    lex = ctx.lexicon()
    chars = lex.chars
    weights = fit_model(ctx, lex)[0]
    completed = res.signals.get("prefix")
    # a last word the completion searched without (a question word begun: zen, 怎) asks nothing yet
    text = completed["searched"] if completed and not completed["expansions"] else res.query
    toks, pinyin = query_tokens(untoned(text), lex.analyzer.table.split if lex.analyzer.table else _no_split)
    if not toks or asked_whole(res.query):
        return
    shown = res.hits[:MAX_FIT_HITS]
    fits: dict[str, float] = {}
    work = 0
    for h in shown[1:]:
        e = v.entries.get(h.id)
        if e is not None:
            own = weights.tokens(e.id, pinyin, zh_phrasings(e), chars)
            words = weights.words(e.id, own_phrasings(e)) if not pinyin else frozenset()
            fits[h.id], cells = entry_fit(toks, pinyin, own, weights, words)
            work += cells
    order = reorder([h.id for h in shown], fits)
    by = {h.id: h for h in shown}
    res.hits = [*(by[e] for e in order), *res.hits[MAX_FIT_HITS:]]
    res.signals["fit"] = work


def question_starts(ctx: Context, res: Results, view: View) -> None:
    """A half-typed query's hits after the first: the entries whose own phrasings begin
    as the query does come next, the most such phrasings first (prefix.Starts), the rest
    as ranked. Cut short, a query's answer depends on words not typed yet, and the kb's
    phrasings are how readers go on (dev prefix sets cut under a third of the question:
    s@3 0.596 -> 0.660; blind prefix s@3 0.861 -> 0.898). The first hit stays the
    ranking's (moved too, a whole question's first answer fell: blind frozen s@1 with
    prefix=true 0.920 -> 0.914), and so do `answered` and `typing`.
    Entries the ranking left out whose phrasings begin so come after the shown ones that
    do, at most STARTS_ADDED (number k: number keeping plan, whose words the ranking
    missed); with no hits at all they are the hits, the top 3, one letter being a start too
    (is this …, h: the likeliest entries so far): tenth round.
    signals["starts"]: entry id -> its phrasings starting so, for the hits moved up."""
    from ..prefix import MIN_START, STARTS_ADDED, STARTS_TELLING

    v = ctx.v
    starts, every, phrasings = _starts_for(ctx, res)
    typed = res.query
    begin = None  # (starts.starting(typed, every), once asked: read again below)
    if len(typed.split()) > 1 and not (begin := starts.starting(typed, every)):
        # no phrasing begins so: the words before the one being typed, when they tell an entry
        # (do russian si[m contracts…]: "do russian numbers have an end date"), as Starts counts them
        before = typed.rsplit(None, 1)[0]
        if 0 < len(told := starts.starting(before, every)) <= STARTS_TELLING:
            typed, begin = before, told
    counts: dict[str, int] = {}
    for h in res.hits:  # (a page of hits: at most limit entries, MAX_PHRASINGS phrasings each)
        e = v.entries.get(h.id)
        if e is not None and (n := starts.count(e.id, partial(phrasings, e), typed)):
            counts[h.id] = n
    shown = {h.id for h in res.hits}
    added: list[Hit] = []
    most = STARTS_ADDED if res.hits else STARTS_ADDED + 1  # the top 3 after the first, or the top 3
    # a Chinese start (注销俄罗斯…: the verb and its object typed, the question not yet) is
    # read over the whole kb: an entry the words rank off the page whose phrasings begin so
    # as often competes with the shown ones by that count (ties: the shown first); typed in
    # pinyin too (zhuxiao eluosi: the phrasings keyed by their syllables, _starts_for), as the
    # same start typed in characters is
    han = bool(res.hits) and res.query_lang == "zh"
    if han or sum(1 for h in res.hits[1:] if h.id in counts) < most:
        # (with no hits at all, one letter is a start too: the likeliest entries so far, as typing shows them)
        if begin is None or not res.hits:
            begin = starts.starting(typed, every, 1 if not res.hits else MIN_START)
        added = _off_page(ctx, begin, shown, most, view, res.query_lang)
        counts.update((h.id, begin[h.id]) for h in added)
    if not any(h.id in counts for h in (*res.hits[1:], *added)) and not (added and not res.hits):
        return
    order = {h.id: i for i, h in enumerate(res.hits)}
    if han:  # (added after the shown ones of as many starts: sorted is stable)
        added, ahead = [], sorted((*(h for h in res.hits[1:] if h.id in counts), *added),
                                  key=lambda h: (-counts[h.id], order.get(h.id, len(order))))
    else:
        ahead = sorted((h for h in res.hits[1:] if h.id in counts), key=lambda h: (-counts[h.id], order[h.id]))
    rest = [h for h in res.hits[1:] if h.id not in counts]
    if not res.hits:  # (else the total stays what the words found: the results page's, which
        res.total = len(added)  # the panel's "see all" link counts)
    res.hits = [*res.hits[:1], *ahead, *added, *rest][:view.limit]
    res.signals["starts"] = {h.id: counts[h.id] for h in res.hits if h.id in counts}


def subject_first(ctx: Context, res: Results, view: View) -> None:
    """A half-typed query that names only the subject, typed whole or completed (俄罗斯, 俄 ->
    俄罗斯, eluo, mts, SIM: the query's key, the filler out, is empty), has the topic's head
    entries in its top 3 after the first hit: the overviews of kb/categories.yaml's first
    TOPIC_HEADS categories (how to cancel, the refund), as a help center's most asked. What
    follows the subject is not typed yet and spreads over dozens of entries; the heads are
    where most such questions go. A head already in the top 3 stays, and so does an entry
    whose phrasings begin as typed when few do (do russ: does a Russian SIM expire). The
    first hit, `answered` and the total stay (the overviews as the whole top 3 cost first
    answers: twelfth round). Thirteenth round: cut sets s@3 +9 rows, -2; prefix.yaml 0.905 ->
    0.920; the eighth round's rule (the cancel overview second) was for completed subjects alone.
    signals["subject"]: the first head moved in."""
    completed = res.signals.get("prefix")
    intents = intents_of(ctx)
    text = completed["searched"] if completed else res.query
    if intents is None or intents.key(text):
        return
    from ..prefix import STARTS_TELLING, TOPIC_HEADS

    heads = [eid for eid in intents.overview.values() if eid][:TOPIC_HEADS]
    top = [h.id for h in res.hits[:3]]
    wanted = [eid for eid in heads if eid not in top]
    if not wanted:
        return
    found: list[Hit] = []
    for eid in wanted:
        hit = _joining(ctx, res, eid, view)
        if hit is not None:
            found.append(hit)
    if not found:
        return
    # a head already in the top 3 stays, and so does an entry the question starts tell: few
    # entries' phrasings begin as typed (do russ: does a Russian SIM expire), or it holds a
    # good share of those that do (手机: a lost phone); not a start most share (俄罗斯…, my russ)
    told: set[str] = set()
    if res.signals.get("starts"):
        starts, every, _ = _starts_for(ctx, res)
        begin = starts.starting(res.query, every)
        total = sum(begin.values())
        told = {eid for eid, n in begin.items()
                if len(begin) <= STARTS_TELLING or n >= STARTS_TELLING and n * STARTS_TELLING >= total}
    keep = [h for h in res.hits[1:3] if h.id in heads or h.id in told]
    found = found[:max(0, 2 - len(keep))]  # (the top 3 after the first hit)
    if not found:
        return
    placed = {h.id for h in (*keep, *found)}
    res.hits = [res.hits[0], *keep, *found, *(h for h in res.hits[1:] if h.id not in placed)][:view.limit]
    res.signals["subject"] = found[0].id


def inside(ctx: Context, res: Results, view: View) -> None:
    """A half-typed query whose top 3 holds none of the entries whose phrasings go on most
    often from the words it ends with (prefix.Starts.inside: "so will i pa" inside "will I pay a monthly fee", 号码被
    inside 号码被收回; the question may begin anywhere before) gets the one holding that phrase
    most, third (INSIDE_PLACE). Only when the last word may be begun (prefix.ends_begun: not a
    kb word typed whole), the query is one clause (two questions' top 3 is diversity.py's) and
    its end narrows it (the last letter is still there once categories.yaml's filler is out:
    俄罗斯号 ends in the subject, which every entry's phrasings hold). Dev prefix sets (541
    uniform cuts) s@3 0.787 -> 0.795, no row lower; moving every such entry after the first,
    or into second place, cost blind totals (docs/relevance.md, twelfth round). The first
    two hits, `answered`, `typing` and the total stay; an entry the words did not find joins
    only while the shown hits hold fewer than STARTS_ADDED such (scored 0).
    signals["inside"]: the entry moved -> its phrasings holding the phrase."""
    from ..prefix import INSIDE_PLACE, STARTS_ADDED, ends_begun

    v = ctx.v
    if v.prefixes is None or not ends_begun(res.query, v.prefixes) or len(clauses(res.query)) > 1:
        return  # (two clauses: two questions, whose top 3 diversity.py shares out)
    intents = intents_of(ctx)
    completed = res.signals.get("prefix")
    text = completed["searched"] if completed else res.query
    starts = _starts(v)
    key = starts.key
    if intents is None or not (ends := key(text)[-1:]) or key(intents.key(text))[-1:] != ends:
        return
    found = starts.inside(res.query, partial(_every_phrasing, v))
    most = max(found.values(), default=0)
    if not found or any(found.get(h.id) == most for h in res.hits[:INSIDE_PLACE + 1]):
        return
    order = {h.id: i for i, h in enumerate(res.hits)}
    for eid in sorted(found, key=lambda e: (-found[e], order.get(e, view.limit))):
        if eid in order:
            hit: Hit | None = res.hits[order[eid]]
        else:  # (with the question starts' additions, at most STARTS_ADDED not found by the words: score 0)
            e = v.entries.get(eid)
            d = ctx.docnum(eid)
            if e is None or d is None or not view.holds(e) or sum(h.score == 0.0 for h in res.hits) >= STARTS_ADDED:
                continue
            hit = view.unscored(ctx, d, res.query_lang)
        if hit is not None:
            _place(res, hit, INSIDE_PLACE, view.limit)
            res.signals["inside"] = {eid: found[eid]}
            return


def goes_on(ctx: Context, res: Results, view: View, *, ended: bool) -> None:
    """A half-typed Russian or English query's hits after the first, by the ranking's order
    and how well the typed words, function and question words too, follow an entry's own
    phrasings in order (continuation.py: "что будет с симкой если" follows "что будет с
    номером, если…"); at most GOES_ADDED entries the phrasings rank first join, so a cut
    with fewer than three hits still shows three likely ones. Not for the subject alone (росси,
    my russ: the topic's heads, subject_first; ordered by the phrasings too, the questions not
    read lost 0.07 point less than they gained). The first hit, `answered`,
    `typing` and the total (but for a query that found nothing) stay. Fifteenth round:
    keystroke cuts of questions not read, ru/en s@3 (docs/relevance.md).
    signals["goes_on"]: the top 3's phrasing scores."""
    from ..continuation import GOES_ADDED, GOES_WEIGHT, ranked

    if HAN_RE.search(res.query):
        return
    completed = res.signals.get("prefix")
    intents = intents_of(ctx)
    if intents is not None and not intents.key(completed["searched"] if completed else res.query):
        return  # the subject alone: the topic's heads are its likeliest (subject_first)
    v = ctx.v
    # a correction, applied or offered, is what was meant (расторжение договра: договора): the
    # phrasings hold the word, not the typo
    scores = continuation_model(v).scores(res.corrected or res.suggestion or res.query, ended=ended,
                                needed=[h.id for h in res.hits], top=GOES_ADDED)
    if not scores:
        return

    def allowed(eid: str) -> bool:
        e = v.entries.get(eid)
        return e is not None and ctx.docnum(eid) is not None and view.holds(e)

    order = ranked([h.id for h in res.hits], scores, GOES_WEIGHT, GOES_ADDED, allowed)
    if order == [h.id for h in res.hits]:
        return
    have = {h.id: h for h in res.hits}
    hits: list[Hit] = []
    for eid in order:
        if res.hits and len(hits) == view.limit:
            break  # (no hit made past the page: ~30 µs each)
        hit = have.get(eid)
        if hit is None:
            d = ctx.docnum(eid)
            if d is None:
                continue
            hit = view.unscored(ctx, d, res.query_lang)
        if hit is not None:
            hits.append(hit)
    if not res.hits:
        res.total = len(hits)
    res.hits = hits[:view.limit]
    res.signals["goes_on"] = {h.id: round(scores[h.id], 3) for h in res.hits[:3] if h.id in scores}


def being_stated(ctx: Context, res: Results, view: View, *, ended: bool) -> None:
    """A half-typed query whose last words begin stating one condition (categories.yaml
    ``abroad``, ``on_behalf``, …: "cancel my mts number fro", "из за ", 不用回俄; Intents.begun)
    has the entry answering its first hit under that condition second, as condition_first
    makes it first once the words are typed whole. The first hit, `answered` and the total
    stay. signals["begun"]: the condition."""
    from ..condition_begun import BEGUN_PLACE

    intents = intents_of(ctx)
    if intents is None or not intents.conditions:
        return
    conds = intents.begun(res.query, ended)
    # (words several conditions begin say something only when they send the first hit to one
    # entry: не of не приезжая, abroad, and не успел, forgot, both mean cancelling from abroad)
    wants = {w for c in conds if (w := intents.conditions[c][0].get(res.hits[0].id)) is not None}
    if len(wants) != 1:
        return
    want = wants.pop()
    if want in [h.id for h in res.hits[:BEGUN_PLACE + 1]]:
        return
    hit = _joining(ctx, res, want, view)
    if hit is None:
        return
    _place(res, hit, BEGUN_PLACE, view.limit)
    res.signals["begun"] = next(c for c in conds if intents.conditions[c][0].get(res.hits[0].id) == want)


def most_asked(ctx: Context, res: Results, view: View) -> None:
    """A short half-typed Russian or English query whose first hit is a kind's general entry
    (a categories.yaml overview) and whose top 3 are all of its kb category has the entry of
    that category readers ask most (asked.joins: kb/home.yaml's starter, as built) third, when
    it is not among them ("ways to termin": how to cancel, whether it ended -> from
    abroad). Last in the chain: it reads the top 3 the others made. The first two hits,
    `answered`, `typing` and the total stay. signals["most_asked"]: the entry moved in."""
    from ..asked import ONE_KIND, joins, short

    intents = intents_of(ctx)
    if HAN_RE.search(res.query) or intents is None or not intents.asked:
        return
    v = ctx.v

    def category_of(eid: str) -> str | None:
        e = v.entries.get(eid)
        return e.category if e is not None and ctx.docnum(eid) is not None else None

    eid = joins([(h.id, h.category) for h in res.hits[:ONE_KIND]], {e for e in intents.overview.values() if e},
                intents.asked, category_of)
    completed = res.signals.get("prefix")
    # (the key, the dearer read, only for a top 3 the list would join)
    if eid is None or (view.category and category_of(eid) != view.category) or not short(
            intents.key(completed["searched"] if completed else res.query)):
        return
    hit = _joining(ctx, res, eid, view)
    if hit is None:
        return
    _place(res, hit, ONE_KIND - 1, view.limit)
    res.signals["most_asked"] = eid


def story_heads(ctx: Context, res: Results, view: View) -> None:
    """A half-typed query that is the reader's story, asking nothing yet (story.tells: "I
    studied in …, now I'm back in …", 我在…工作了两年), has the first topic head (the
    overviews of categories.yaml's first TOPIC_HEADS categories) third: the
    story's words say nothing of the question; none when the top 3 holds a head or its
    abroad twin. So has the story followed by a question begun that names nothing yet
    (story.question_begun: "я учусь в …, уезжаю домой, как правильно з"). Read as the
    `abroad` condition reads it when the text says the reader has left, or tells a stay as
    over (Intents.left: "I studied in …"; how to cancel -> from abroad). The first two hits,
    `answered`, `typing` and the total stay. signals["story"]: the entry moved in."""
    from ..prefix import TOPIC_HEADS
    from ..story import head, question_begun, tells

    intents = intents_of(ctx)
    if intents is None:
        return
    heads = [eid for eid in intents.overview.values() if eid][:TOPIC_HEADS]
    abroad = intents.conditions.get("abroad")
    top, twins = {h.id for h in res.hits[:3]}, abroad[0] if abroad else {}
    # (a top 3 holding a head takes none, whatever the text: read only then whether it tells a story)
    if head(top, heads, twins, False) is None or not (
            tells(res.query, intents.stayed) or question_begun(res.query, intents.key, intents.stayed)):
        return
    eid = head(top, heads, twins, intents.left(res.query))
    hit = _joining(ctx, res, eid, view) if eid else None
    if hit is None:
        return
    _place(res, hit, 2, view.limit)
    res.signals["story"] = hit.id


def stated_head(ctx: Context, res: Results, view: View) -> None:
    """A half-typed query stating the situation a category answers (categories.yaml
    ``stated``: money left on the number, "на номере осталось …", "still has money on it")
    whose top 3 holds none of that category's entries has the category's overview (the
    refund) third: readers telling it go on to ask it, and the story's other words (went home,
    studied, the operator) rank entries they do not ask. Applied after story_heads, whose
    abroad head answers no refund. The first two hits, `answered` and the total stay.
    signals["stated"]: the entry moved in."""
    intents = intents_of(ctx)
    if intents is None:
        return
    cat = intents.stated_category(res.query)
    eid = intents.overview.get(cat) if cat else None
    if not eid or any((e := ctx.v.entries.get(h.id)) is not None and e.category == cat for h in res.hits[:3]):
        return
    hit = _joining(ctx, res, eid, view)
    if hit is None:
        return
    _place(res, hit, 2, view.limit)
    res.signals["stated"] = hit.id


def _joining(ctx: Context, res: Results, eid: str, view: View) -> Hit | None:
    """The hit of ``eid`` for a panel step moving it up: the one on the page, else one made
    with score 0 (an entry the words did not find); None for an entry the version lacks or
    outside the category searched."""
    shown = next((h for h in res.hits if h.id == eid), None)
    if shown is not None:
        return shown
    e, d = ctx.v.entries.get(eid), ctx.docnum(eid)
    if e is None or d is None or not view.holds(e):
        return None
    return view.unscored(ctx, d, res.query_lang)


def _off_page(ctx: Context, begin: dict[str, int], shown: set[str], most: int, view: View,
              qlang: str | None) -> list[Hit]:
    """At most ``most`` of the entries in ``begin`` (entry -> its phrasings beginning as the query
    does) not ``shown``, the most such phrasings first, as hits (of the category searched, when
    one is); ``qlang``: the query's language."""
    added: list[Hit] = []
    for eid in sorted((e for e in begin if e not in shown), key=lambda e: -begin[e]):
        if len(added) == most:
            break
        d = ctx.docnum(eid)
        if (view.category and ctx.v.entries[eid].category != view.category) or d is None:
            continue
        hit = view.unscored(ctx, d, qlang)
        if hit is not None:
            added.append(hit)
    return added


def _place(res: Results, hit: Hit, at: int, limit: int) -> None:
    """``hit`` at place ``at`` (0-based) of the page, the others in their order after it."""
    rest = [h for h in res.hits if h.id != hit.id]
    res.hits = [*rest[:at], hit, *rest[at:]][:limit]


def _starts(v: Version) -> Starts:
    """The entries' phrasing keys the build wrote (layout.STARTS), read once per version by the
    first query that asks (an older version's: made by `Starts.starting` when first needed)."""
    from ..prefix import Starts

    if v.starts is None:
        v.starts = Starts.read(v.files.path(STARTS))
    return v.starts


def _starts_for(ctx: Context, res: Results) -> tuple[Starts, Callable[[], Iterator[tuple[str, Iterator[str]]]],
                                                    Callable[[Entry], Iterator[str]]]:
    """The question starts a half-typed query is compared with, the entries' phrasings they
    read and an entry's: a query typed in pinyin, the Chinese phrasings read as pinyin
    (pinyin_starts.py, the build's keys read once per version; the others as written: "can", "shou" may be
    English read as pinyin); any other, every phrasing as written."""
    from ..pinyin_starts import PinyinStarts, typed_in_pinyin
    from ..prefix import own_phrasings

    v = ctx.v
    if not typed_in_pinyin(res.query, res.query_lang):
        return _starts(v), partial(_every_phrasing, v), own_phrasings
    if v.pinyin_starts is None:
        v.pinyin_starts = PinyinStarts.read_keys(v.files.path(PINYIN_STARTS), ctx.lexicon().chars)
    return v.pinyin_starts, partial(_every_phrasing, v), own_phrasings


def _every_phrasing(v: Version) -> Iterator[tuple[str, Iterator[str]]]:
    """Each entry's id and phrasings (prefix.own_phrasings), in the kb's order: what Starts reads
    when its index was not built (read when first needed)."""
    from ..prefix import own_phrasings

    return ((e.id, own_phrasings(e)) for e in v.entries.values())


def _no_split(word: str) -> list[str] | None:
    return None
