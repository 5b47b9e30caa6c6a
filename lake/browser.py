"""Which Chromium the lake drives and how: one place for the extractors' browser
(`extract/_browser.py`) and the reports' PDF printer (`lake/reports/render.py`).

`LAKE_BROWSER_PATH` names the executable; else Debian's `/usr/bin/chromium` when present,
else Playwright's own download (None)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")


def chromium_executable(env: Mapping[str, str]) -> str | None:
    """`LAKE_BROWSER_PATH`, else Debian's Chromium if installed, else None (Playwright's)."""
    return env.get("LAKE_BROWSER_PATH") or (
        str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else None
    )
