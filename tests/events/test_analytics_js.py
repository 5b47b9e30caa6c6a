"""The README's analytics.js snippet, run as written in a real browser: Segment's own
browser SDK (`@segment/analytics-next`, the npm package `make test` fetches into
`build/npm/`) pointed at `lake serve events` sends an identify and an `Order Completed` track;
both land, reach raw through `lake ingest` exactly once, with the SDK's message ids."""

from __future__ import annotations

import functools
import http.server
import os
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from lake.browser import CHROMIUM_ARGS, chromium_executable

from .conftest import KEY, ingest, landed_records, raw_message_ids

ANALYTICS_NEXT = Path(__file__).parents[2] / "build" / "npm" / "segment-analytics-next-1.84.3.tgz"

# the README's snippet (section "Events"), with the collector's address and key filled in
SNIPPET = """async ([writeKey, apiHost]) => {
  const [analytics] = await AnalyticsNext.AnalyticsBrowser.load({
    writeKey,
    cdnSettings: {integrations: {"Segment.io": {apiKey: writeKey, apiHost, protocol: "http"}}},
  });
  await analytics.identify("customer-42", {email: "ann@example.com"});
  const sent = await analytics.track("Order Completed", {order_id: "o-1", revenue: 12.5});
  return sent.event.messageId;
}"""


@pytest.fixture
def shop_site(tmp_path: Path) -> Iterator[str]:
    """A page of the shop serving the SDK's browser bundle, on loopback."""
    assert ANALYTICS_NEXT.exists(), f"{ANALYTICS_NEXT} is missing: run `make setup`"
    site = tmp_path / "site"
    with tarfile.open(ANALYTICS_NEXT) as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("package/dist/umd/")]
        archive.extractall(tmp_path / "npm", members=members, filter="data")
    (tmp_path / "npm" / "package" / "dist" / "umd").rename(site)
    (site / "shop.html").write_text(
        '<!doctype html><html><head><script src="/index.js"></script></head>'
        "<body>shop</body></html>",
        encoding="utf-8",
    )
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/shop.html"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_analytics_js_sends_to_the_collector(server_factory, paths, shop_site: str) -> None:
    server = server_factory()
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(os.environ), args=["--headless", *CHROMIUM_ARGS]
        )
        page = browser.new_page()
        page.on("request", lambda r: requests.append(f"{r.method} {r.url}"))
        page.goto(shop_site)
        api_host = server.url.removeprefix("http://") + "/v1"
        message_id = page.evaluate(SNIPPET, [KEY, api_host])
        browser.close()
    assert server.terminate() == 0  # SIGTERM: drained and flushed into landing files

    assert f"POST {server.url}/v1/t" in requests and f"POST {server.url}/v1/i" in requests
    assert not [r for r in requests if "segment.com" in r or "segment.io" in r]
    records = {r["type"]: r for r in landed_records(paths)}
    assert set(records) == {"identify", "track"}
    assert records["track"]["messageId"] == message_id
    assert records["track"]["event"] == "Order Completed"
    assert records["track"]["properties"] == {"order_id": "o-1", "revenue": 12.5}
    assert records["identify"]["traits"] == {"email": "ann@example.com"}
    assert records["track"]["anonymousId"] == records["identify"]["anonymousId"]
    ingest(paths)
    assert sorted(raw_message_ids(paths)) == sorted(r["messageId"] for r in records.values())
