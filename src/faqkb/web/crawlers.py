"""Known crawlers, by User-Agent: their page views and searches are not readers', so they
move no count ("most asked", gaps, what readers did after an answer). A crawler that lies
about its User-Agent is counted like any client: once per entry a day (feedback.py)."""

from __future__ import annotations

import re

# Search engines, link previews (a link pasted in a messenger → one fetch), SEO and uptime
# tools. Lower case, matched as substrings. HTTP libraries and headless browsers are not
# listed: scripts and tests use them, and whoever wants to pass as a reader sets any UA.
CRAWLER_WORDS = (
    "bot", "crawl", "spider", "slurp", "baiduspider", "yandex", "sogou", "360spider", "bytespider",
    "petalbot", "applebot", "bingpreview", "facebookexternalhit", "meta-externalagent", "telegrambot",
    "whatsapp", "skypeuripreview", "vkshare", "embedly", "linkpreview", "scrapy", "ahrefs", "semrush",
    "mj12", "dotbot", "archive.org", "feedfetcher", "pingdom", "uptimerobot", "site24x7",
)
_CRAWLER = re.compile("|".join(re.escape(w) for w in CRAWLER_WORDS))


def is_crawler(user_agent: str | None) -> bool:
    """True for a known crawler's User-Agent."""
    return _CRAWLER.search((user_agent or "").lower()[:512]) is not None
