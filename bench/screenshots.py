"""Screenshots for README/docs: the results page, an entry page (opened from a search, so
the searched words are marked), the way out after a "No" vote (way-out-*) and a zero-result
page, in each UI language (zh-Hans,
zh-Hant, ru, en), at phone (390 px) and desktop (1280 px) width, taken in headless Chromium
against the site under waitress on the bundled kb; and the Sources section of one entry page
(reader titles, translated labels, how old each reading is) per UI language, as
sources-<ui>.png. Needs CJK fonts (Debian's
fonts-noto-cjk, which .ci/run installs); without them Chinese renders as boxes, so the
script refuses to run.

    python bench/screenshots.py [--out docs/screenshots] [--only sources]
"""

from __future__ import annotations

import argparse
import struct
import subprocess
import sys
import tempfile
import threading
import zlib
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
UI = ("zh-Hans", "zh-Hant", "ru", "en")
QUERY = {"zh-Hans": "注销后余额能退吗", "zh-Hant": "註銷後餘額能退嗎", "ru": "как вернуть деньги с баланса",
         "en": "refund my balance"}
ZERO = {"zh-Hans": "披萨外卖", "zh-Hant": "披薩外送", "ru": "доставка пиццы", "en": "pizza delivery"}
ENTRY = "refund-remaining-balance"
SIZES = {"phone": (390, 844, True), "desktop": (1280, 900, False)}
# An entry whose sources show every kind: an operator's page (linked), an outlet (cited,
# unlinked), an undated page and a point no source confirms.
SOURCES_ENTRY = "how-to-cancel-russian-sim"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--only", choices=("all", "sources"), default="all",
                    help="sources: only the Sources sections (sources-<ui>.png)")
    args = ap.parse_args()
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    if "Noto Sans CJK" not in fonts:
        sys.exit("screenshots: no CJK font (apt-get install fonts-noto-cjk); Chinese would be boxes")

    import waitress
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from faqkb.web import create_app

    tmp = Path(tempfile.mkdtemp(prefix="faqkb-shots-"))
    app = create_app({"KB": ROOT / "kb", "INDEX": tmp / "index", "INSTANCE": tmp / "instance",
                      "RATELIMIT_ENABLED": False})
    srv = waitress.create_server(app, host="127.0.0.1", port=0)
    threading.Thread(target=srv.run, daemon=True).start()
    base = f"http://127.0.0.1:{srv.effective_port}"

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
              "--window-size=1280,900", f"--user-data-dir={tmp / 'chrome'}"):
        opts.add_argument(a)
    d = webdriver.Chrome(options=opts, service=Service("/usr/bin/chromedriver"))
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        shoot_sources(d, base, args.out)
        for size, (width, height, mobile) in SIZES.items() if args.only == "all" else ():
            d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
            for ui in UI:
                d.get(f"{base}/lang/{ui}?next=/")
                pages = {"results": "/search?" + urlencode({"q": QUERY[ui]}),
                         "entry": f"/entry/{ENTRY}?" + urlencode({"q": QUERY[ui]}),
                         "way-out": f"/entry/{ENTRY}?" + urlencode({"q": QUERY[ui], "why": "1"}),
                         "zero-result": "/search?" + urlencode({"q": ZERO[ui]})}
                for name, path in pages.items():
                    d.get(base + path)
                    d.execute_script("document.activeElement.blur()")
                    if name == "way-out":  # the reasons and "Still stuck?" below the answer
                        d.execute_script("document.getElementById('feedback').scrollIntoView()")
                    out = args.out / f"{name}-{ui}-{size}.png"
                    d.save_screenshot(str(out))
                    shrink_png(out)
                    print("wrote", out.relative_to(ROOT), f"({out.stat().st_size // 1024} KB)")
    finally:
        d.quit()
        srv.close()


def shrink_png(path: Path) -> None:
    """Chromium writes PNGs with fast compression: the same pixels recompressed at zlib's
    level 9 (lossless, standard library only), ancillary chunks dropped."""
    data = path.read_bytes()
    pos, chunks = 8, []
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        chunks.append((kind, data[pos + 8:pos + 8 + n]))
        pos += 12 + n
    idat = zlib.compress(zlib.decompress(b"".join(c for k, c in chunks if k == b"IDAT")), 9)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    out = data[:8] + b"".join(chunk(k, c) for k, c in chunks if k in (b"IHDR", b"PLTE", b"tRNS")) \
        + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    if len(out) < len(data):
        path.write_bytes(out)


def shoot_sources(d, base: str, out: Path) -> None:
    """The Sources section of SOURCES_ENTRY in each UI language, at desktop width."""
    from selenium.webdriver.common.by import By

    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": 900, "height": 1400, "deviceScaleFactor": 1, "mobile": False})
    for ui in UI:
        d.get(f"{base}/lang/{ui}?next=/entry/{SOURCES_ENTRY}")
        section = d.find_element(By.CSS_SELECTOR, "section.sources")
        d.execute_script("arguments[0].scrollIntoView()", section)
        path = out / f"sources-{ui}.png"
        section.screenshot(str(path))
        shrink_png(path)
        print("wrote", path.relative_to(ROOT))


if __name__ == "__main__":
    main()
