"""The README's screenshots of the pages (docs/images/page-*.png), taken from a running ``kosovo-kg serve``
by Chromium (/usr/bin/chromium, through Playwright) on a desktop (1366 x 900) and a phone (390 x 844).

    .venv/bin/python docs/screenshots.py            # writes docs/images/page-NAME-desktop.png, -phone.png

Each shot is the first screen of the page as it opens (what a visitor sees first), reduced to 256
colours (Pillow, which matplotlib installs) to keep the repository small.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT)]

#: name -> (path, what it shows)
PAGES = {
    "home": ("/", "the home page: answers on arrival"),
    "question": ("/queries/kfor-strength", "a question's page: KFOR's strength with its doubts"),
    "state": ("/resource/greece", "a state's profile: Greece"),
    "person": ("/resource/aleksandar-vucic", "a person's profile: Aleksandar Vučić"),
    "organization": ("/resource/kfor", "an organization's profile: KFOR"),
}
SCREENS = {"desktop": (1366, 900), "phone": (390, 844)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", type=Path, default=HERE / "images", help="the folder (default docs/images)")
    args = parser.parse_args()

    from PIL import Image
    from playwright.sync_api import sync_playwright

    from kosovo_kg.core.store import load_graph
    from kosovo_kg.web.server import Serving
    from kosovo_kg.web.settings import ServeSettings

    serving = Serving(load_graph(), ServeSettings(port=0, workers=1), log=io.StringIO())
    serving.start_in_thread()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
            )
            for screen, (width, height) in SCREENS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                for name, (path, _) in PAGES.items():
                    page.goto(serving.url.rstrip("/") + path, wait_until="networkidle")
                    shot = Image.open(io.BytesIO(page.screenshot()))
                    target = args.output / f"page-{name}-{screen}.png"
                    shot.convert("RGB").quantize(256).save(target, optimize=True)
                    print(f"{target.relative_to(ROOT)}: {target.stat().st_size:,} bytes")
                page.close()
            browser.close()
    finally:
        serving.close()


if __name__ == "__main__":
    main()
