"""kb/channels.yaml: the operators' official channels a stuck reader is sent to ("Still
stuck?" after a No vote and on the zero-result page). Editors own the file; it holds links
on kb/allowed_domains.yaml only (https), never a phone number, handle or short code — the
same content rules as every kb text (kbase/lint.text_problems)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import KBError
from .yamlsafe import error_at, node_at, read_yaml

CHANNELS_FILE = "channels.yaml"
KINDS = ("site", "help", "stores", "app")
MAX_CHANNELS = 30
MAX_LINKS = 6
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Link:
    kind: str
    url: str


@dataclass(frozen=True)
class Channel:
    id: str
    names: tuple[str, ...]
    links: tuple[Link, ...]

    def named_in(self, query: str) -> bool:
        q = (query or "").casefold()
        return any(n.casefold() in q for n in self.names)


def read_channels(root: Path) -> list[Channel]:
    """The channels in ``root``/channels.yaml ([] when the file is absent); KBError with
    file:line, what is wrong and how to fix it on the first problem."""
    from .lint import _domain_ok, text_problems
    from .patch import read_domains

    path = root / CHANNELS_FILE
    if not path.exists():
        return []
    shown = f"{root.name}/{CHANNELS_FILE}"
    data, node = read_yaml(path, shown)
    allowed, named = read_domains(root)
    items = data.get("channels") if isinstance(data, dict) else None
    if not isinstance(items, list) or set(data) != {"channels"} or len(items) > MAX_CHANNELS:
        raise KBError(shown, 1, 1, f"channels must be 'channels:' followed by at most {MAX_CHANNELS} operators",
                      "channels: [{id: mts, names: [MTS, МТС], links: [{kind: site, url: 'https://mts.ru/'}]}]")
    out = []
    for i, c in enumerate(items):
        at = node_at(node, ["channels", i])
        if not isinstance(c, dict) or set(c) != {"id", "names", "links"} or not isinstance(c["id"], str) \
                or not _ID.fullmatch(c["id"]):
            raise error_at(shown, at, f"channel {i + 1} must have exactly id (lower-case-with-dashes), names, links",
                           "e.g. {id: mts, names: [MTS, МТС], links: [{kind: site, url: 'https://mts.ru/'}]}")
        names = c["names"]
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            raise error_at(shown, node_at(node, ["channels", i, "names"]), f"{c['id']}: names must be a list of text",
                           "how readers write the operator, e.g. [MTS, МТС]")
        links = c["links"]
        if not isinstance(links, list) or not links or len(links) > MAX_LINKS:
            raise error_at(shown, node_at(node, ["channels", i, "links"]),
                           f"{c['id']}: links must be a list of 1 to {MAX_LINKS} links", "- {kind: site, url: 'https://…'}")
        got = []
        for j, link in enumerate(links):
            lat = node_at(node, ["channels", i, "links", j])
            if not isinstance(link, dict) or set(link) != {"kind", "url"} or link["kind"] not in KINDS \
                    or not isinstance(link["url"], str):
                raise error_at(shown, lat, f"{c['id']}: link {j + 1} must be {{kind, url}}",
                               "kind is one of " + ", ".join(KINDS))
            url = link["url"].strip()
            parts = urlsplit(url)
            if parts.scheme != "https" or not parts.hostname or parts.username or parts.password or parts.port \
                    or not _domain_ok(parts.hostname, allowed):
                raise error_at(shown, lat, f"{c['id']}: {url} is not an https link on an allowed domain",
                               "link only to operators' sites listed in kb/allowed_domains.yaml, with https://")
            got.append(Link(link["kind"], url))
        for n in names:
            if text_problems(n, allowed, named):
                raise error_at(shown, node_at(node, ["channels", i, "names"]),
                               f"{c['id']}: name {n!r} holds a phone number, handle or link", "names are plain names")
        out.append(Channel(c["id"], tuple(n.strip() for n in names), tuple(got)))
    return out


def lint_channels(root: Path) -> list[KBError]:
    """`faqkb check`: the problem in kb/channels.yaml, if any."""
    try:
        read_channels(root)
    except KBError as e:
        return [e]
    return []


_cache: dict[Path, tuple[tuple[int, int], list[Channel]]] = {}
_cache_lock = threading.Lock()


def channels_in(root: Path) -> list[Channel]:
    """read_channels for the web: read again only when the file changed; a broken file
    gives [] (the site keeps working; `faqkb check` and the --watch log say why)."""
    path = root / CHANNELS_FILE
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        return []
    with _cache_lock:
        hit = _cache.get(path)
    if hit and hit[0] == stamp:
        return hit[1]
    try:
        found = read_channels(root)
    except KBError:
        found = []
    with _cache_lock:
        _cache[path] = (stamp, found)
    return found


def for_query(channels: list[Channel], query: str) -> list[Channel]:
    """Channels with the ones a query names first (the reader's operator, when we can tell)."""
    return sorted(channels, key=lambda c: not c.named_in(query))
