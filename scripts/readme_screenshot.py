"""The README's screenshot (docs/img/portal.png), taken from a real server in headless Chromium.

    python scripts/readme_screenshot.py [BUILD_DIR] [PAGE_PATH]

Starts `skillgraph serve` on loopback over BUILD_DIR (default build/), opens PAGE_PATH
(default: a trade-level page of the shipped carbon standard, whose pictures show the level
ladder, the progression and the exam blueprint) at 1280 px wide and writes the PNG. Re-run it
when the pages change; the README links the file.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from engines import chromium, serving  # noqa: E402  (the tests' engine helpers)

DEFAULT_PAGE = "/id/occupation/4-09-07-04/trade/accounting/level/3.html"
OUT = REPO / "docs" / "img" / "portal.png"


def main(argv: list[str]) -> int:
    build = Path(argv[0]) if argv else REPO / "build"
    page = argv[1] if len(argv) > 1 else DEFAULT_PAGE
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        with serving(build, tmp_dir / "serve.log") as server, chromium(
            tmp_dir / "profile", tmp_dir / "driver.log"
        ) as browser:
            browser.set_window_size(1280, 1000)
            browser.get(server.base + page)
            time.sleep(0.5)  # fonts settle
            OUT.parent.mkdir(parents=True, exist_ok=True)
            browser.save_screenshot(str(OUT))
    print(f"{OUT.relative_to(REPO)}: {OUT.stat().st_size} bytes from {page}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
