"""A real `lake serve events` process: SIGTERM lands everything, `kill -9` loses nothing
acknowledged, and the official Segment SDK can send to it."""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx
import pytest

from tests.events.conftest import AUTH, KEY, ingest, landed_records, raw_message_ids, track

pytestmark = pytest.mark.slow


def send_batches(
    url: str, prefix: str, stop: threading.Event, acked: list[str], unacked: list[list[dict]]
) -> None:
    """Send batches of 50 until `stop`; note which were acknowledged and which were not."""
    with httpx.Client(base_url=url, auth=AUTH, timeout=10) as client:
        n = 0
        while not stop.is_set():
            calls = [track(f"{prefix}-{n}-{i}") for i in range(50)]
            n += 1
            try:
                response = client.post("/v1/batch", json={"batch": calls})
            except httpx.HTTPError:
                unacked.append(calls)
                return
            if response.status_code == 200:
                acked.extend(c["messageId"] for c in calls)
            else:
                unacked.append(calls)


def test_sigterm_drains_and_lands_every_accepted_record(server_factory, paths):
    server = server_factory()
    with httpx.Client(base_url=server.url, auth=AUTH) as client:
        for n in range(20):
            batch = {"batch": [track(f"t-{n}-{i}") for i in range(25)]}
            assert client.post("/v1/batch", json=batch).status_code == 200
    assert server.terminate() == 0
    assert len(landed_records(paths)) == 500
    assert list((paths.state / "events" / "wal").glob("*.wal")) == []
    ingest(paths)
    assert sorted(raw_message_ids(paths)) == sorted(
        f"t-{n}-{i}" for n in range(20) for i in range(25)
    )


def test_kill_9_during_a_load_run_loses_nothing_acknowledged(server_factory, paths):
    server = server_factory("--roll-seconds", "0.3")
    stop = threading.Event()
    acked: list[str] = []
    unacked: list[list[dict]] = []
    threads = [
        threading.Thread(target=send_batches, args=(server.url, f"c{k}", stop, acked, unacked))
        for k in range(4)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    server.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acked) >= 1000, "the load run acknowledged too little to mean anything"
    assert unacked, "no request was cut by the kill"
    left = list((paths.state / "events" / "wal").glob("*.wal"))
    assert left, "the kill left no log behind: nothing to recover"

    # `lake ingest` alone lands the killed collector's log
    ingest(paths)
    counts = Counter(raw_message_ids(paths))
    assert all(counts[m] == 1 for m in acked), "an acknowledged event is missing or doubled"

    # the clients retry what was not acknowledged: stored once, even what the dead
    # collector had written before it could answer
    server = server_factory()
    with httpx.Client(base_url=server.url, auth=AUTH) as client:
        for calls in unacked:
            assert client.post("/v1/batch", json={"batch": calls}).status_code == 200
    assert server.terminate() == 0
    ingest(paths)
    counts = Counter(raw_message_ids(paths))
    everything = set(acked) | {c["messageId"] for calls in unacked for c in calls}
    assert set(counts) == everything
    assert max(counts.values()) == 1


def test_a_gzip_batch_from_the_official_segment_sdk(server_factory, paths):
    from segment.analytics import Client

    server = server_factory()
    errors: list[Exception] = []
    sdk = Client(
        KEY,
        host=server.url,
        gzip=True,
        sync_mode=True,
        max_retries=1,
        on_error=lambda error, _: errors.append(error),
    )
    sdk.identify("customer-42", {"email": "ann@example.com"}, anonymous_id="anon-42")
    sdk.track("customer-42", "Order Completed", {"order_id": "o-1", "revenue": 12.5})
    sdk.page("customer-42", "Shop", "Product", {"url": "https://shop.example/p/1"})
    sdk.flush()
    assert errors == []
    assert server.terminate() == 0
    records = {r["type"]: r for r in landed_records(paths)}
    assert set(records) == {"identify", "track", "page"}
    assert records["track"]["properties"] == {"order_id": "o-1", "revenue": 12.5}
    assert records["track"]["context"]["library"]["name"] == "analytics-python"
    assert records["identify"]["traits"] == {"email": "ann@example.com"}
    assert records["track"]["sentAt"] is not None


def test_gzip_is_what_the_sdk_sends(monkeypatch):
    """The SDK compresses when asked (so the test above exercised the gzip path)."""
    from segment.analytics import request

    sent = {}

    class Recorder:
        status_code = 200

        def json(self):
            return {}

    def post(url, **kwargs):
        sent.update(kwargs)
        return Recorder()

    monkeypatch.setattr(request._session, "post", post)
    request.post(KEY, host="http://127.0.0.1:1", gzip=True, batch=[{"type": "track"}])
    assert sent["headers"]["Content-Encoding"] == "gzip"


def test_the_readme_snippet_sends_to_the_lake(server_factory, paths):
    """The README's "point an SDK at it" snippet, run as written (only the port differs)."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## Events: a Segment-compatible collector") :]
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    server = server_factory()
    code = snippet.replace("http://127.0.0.1:8088", server.url).replace('"key1"', f'"{KEY}"')
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert server.terminate() == 0
    assert {(r["type"], r["userId"]) for r in landed_records(paths)} == {
        ("identify", "customer-42"),
        ("track", "customer-42"),
    }
