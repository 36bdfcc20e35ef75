"""Screenshots of the home page and a result page (phone width) for README/docs, taken in
headless Chromium against `faqkb serve`-equivalent waitress on the bundled kb.

    python bench/screenshots.py [--out docs]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    ap.add_argument("--width", type=int, default=412)
    args = ap.parse_args()

    import waitress
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    from faqkb.web import create_app

    tmp = Path(tempfile.mkdtemp(prefix="faqkb-shots-"))
    app = create_app({"KB": ROOT / "kb", "INDEX": tmp / "index", "INSTANCE": tmp / "instance"})
    srv = waitress.create_server(app, host="127.0.0.1", port=0)
    threading.Thread(target=srv.run, daemon=True).start()
    base = f"http://127.0.0.1:{srv.effective_port}"

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
              f"--window-size={args.width},900", "--force-device-scale-factor=1", f"--user-data-dir={tmp / 'chrome'}"):
        opts.add_argument(a)
    d = webdriver.Chrome(options=opts, service=Service("/usr/bin/chromedriver"))
    try:
        args.out.mkdir(parents=True, exist_ok=True)

        def shot(name: str) -> None:
            height = d.execute_script("return document.documentElement.scrollHeight")
            d.set_window_size(args.width, min(max(height + 100, 900), 1500))
            time.sleep(0.3)
            d.save_screenshot(str(args.out / name))
            d.set_window_size(args.width, 900)
            print("wrote", args.out / name)

        d.get(base + "/lang/zh-Hans?next=/")
        shot("screenshot-home.png")
        d.get(base + "/search?q=" + quote("注销后余额能退吗"))
        d.find_element(By.ID, "q")
        shot("screenshot-results.png")
    finally:
        d.quit()
        srv.close()


if __name__ == "__main__":
    main()
