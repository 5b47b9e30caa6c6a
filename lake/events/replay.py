"""Send recorded sessions through a collector, as the shop's clients would.

`replay_through_collector(paths, batches)` starts `lake serve events` on a free loopback
port with a one-off write key, posts every batch to `/v1/batch` (a retried batch twice, a
skewed client's times shifted, `sentAt` stamped at sending by the client's clock), then
stops it with SIGTERM, so every accepted call is in a landing file when it returns: the
next `lake ingest` loads them. What `make demo` runs before `lake run` (`lake serve
shop-sessions`).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from lake.config import LakePaths
from lake.errors import LakeError
from lake.events.config import WRITE_KEYS_ENV
from lake.sandbox.shop.sessions import SessionBatch


@dataclass
class ReplaySummary:
    batches: int = 0
    calls: int = 0
    accepted: int = 0
    duplicates: int = 0
    retried_batches: int = 0
    late_batches: int = 0
    skewed_batches: int = 0

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _as_sent(batch: SessionBatch) -> dict[str, Any]:
    """The batch's body as the client sends it now, by its own (maybe skewed) clock."""
    skew = timedelta(seconds=batch.clock_skew_seconds)
    calls = []
    for call in batch.calls:
        moment = datetime.fromisoformat(call["timestamp"].replace("Z", "+00:00")) + skew
        calls.append({**call, "timestamp": _utc_text(moment)})
    return {"batch": calls, "sentAt": _utc_text(datetime.now(UTC) + skew)}


@contextmanager
def running_collector(paths: LakePaths, write_key: str) -> Iterator[str]:
    """A `lake serve events` process for the lake at `paths`; its URL. SIGTERM at exit."""
    lake = Path(sys.executable).with_name("lake")
    with tempfile.TemporaryDirectory(prefix="lake-collector-") as tmp:
        ready = Path(tmp) / "url"
        env = {**os.environ, WRITE_KEYS_ENV: write_key}
        process = subprocess.Popen(
            [
                str(lake),
                "serve",
                "events",
                "--port",
                "0",
                "--root",
                str(paths.root),
                "--ready-file",
                str(ready),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while not ready.exists():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise LakeError(
                        "the event collector did not start",
                        "run `lake serve events` by hand to see why",
                    )
                time.sleep(0.05)
            yield ready.read_text().strip()
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=300)
    if code != 0:
        raise LakeError(
            f"the event collector exited with status {code} while stopping",
            "its log is kept under _state/events/wal/: `lake ingest` lands it",
        )


def post_batches(
    url: str, write_key: str, batches: Sequence[SessionBatch], *, clients: int = 8
) -> ReplaySummary:
    """Post the batches from `clients` concurrent clients (the collector commits their
    writes in groups); the late ones only after all the others."""
    summary = ReplaySummary()
    lock = threading.Lock()

    def send(client: httpx.Client, batch: SessionBatch) -> None:
        body = _as_sent(batch)
        answers = [_post(client, body) for _attempt in range(2 if batch.retried else 1)]
        with lock:
            for answer in answers:
                summary.accepted += answer["accepted"] - answer["duplicates"]
                summary.duplicates += answer["duplicates"]
            summary.batches += 1
            summary.calls += len(batch.calls)
            summary.retried_batches += batch.retried
            summary.late_batches += batch.late
            summary.skewed_batches += batch.clock_skew_seconds != 0

    limits = httpx.Limits(max_connections=clients)
    with (
        httpx.Client(base_url=url, auth=(write_key, ""), timeout=30, limits=limits) as client,
        ThreadPoolExecutor(clients) as pool,
    ):
        for phase in ([b for b in batches if not b.late], [b for b in batches if b.late]):
            for done in [pool.submit(send, client, batch) for batch in phase]:
                done.result()
    return summary


def _post(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    """One batch, retried as an SDK does on 429 and 5xx (after `Retry-After`)."""
    for _attempt in range(10):
        response = client.post("/v1/batch", json=body)
        if response.status_code == 200:
            return response.json()
        if response.status_code not in (429, 503):
            raise LakeError(
                f"the collector refused a session batch: {response.status_code} "
                f"{response.text[:300]}",
                "this is a bug in the session generator (lake/sandbox/shop/sessions.py)",
            )
        time.sleep(float(response.headers.get("retry-after", "1")))
    raise LakeError("the collector stayed busy for 10 attempts", "run the replay again")


def replay_through_collector(paths: LakePaths, batches: Sequence[SessionBatch]) -> ReplaySummary:
    write_key = secrets.token_urlsafe(16)
    with running_collector(paths, write_key) as url:
        return post_batches(url, write_key, batches)
