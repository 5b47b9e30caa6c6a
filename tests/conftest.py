"""Fixtures every suite shares."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from lake.browser import CHROMIUM_ARGS, chromium_executable


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per module (`LAKE_BROWSER_PATH`, else Debian's), closed when the
    module ends: Playwright's sync API leaves its event loop marked as running on this thread
    while it is open, so a session-wide browser would break every asyncio test that the same
    worker runs afterwards."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable(os.environ), args=["--headless", *CHROMIUM_ARGS]
        )
        try:
            yield chromium
        finally:
            chromium.close()
