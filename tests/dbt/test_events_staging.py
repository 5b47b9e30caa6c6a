"""Events from the collector to staging: calls sent to the real application land, are
ingested and built; the staging models correct the clock skew, link anonymous visitors to
users, and keep a retry the collector no longer remembers once, also in an incremental
build."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lake.config import LakePaths
from tests.dbt.staging_support import build_sources, ingest
from tests.events.conftest import AUTH, make_client

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]


def _utc(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _send(paths: LakePaths, batch: list[dict], *, skew: timedelta, **config: float) -> None:
    """One batch from a client whose clock is `skew` ahead, through a collector."""
    sent_at = _utc(datetime.now(UTC) + skew)
    with make_client(paths, **config) as client:
        response = client.post("/v1/batch", json={"batch": batch, "sentAt": sent_at}, auth=AUTH)
    assert response.status_code == 200, response.text


def _failures(build) -> list[str]:
    """Problems other than the `not_empty` warnings of call types nobody sent."""
    return [p for p in build.problems() if not p.startswith("warn not_empty_")]


def _track(message_id: str, event: str, at: str, **ids: str) -> dict:
    return {
        "type": "track",
        "messageId": message_id,
        "event": event,
        "timestamp": at,
        "properties": {"order_id": "o-1"} if event == "Order Completed" else {},
        **ids,
    }


def test_events_staging_corrects_skew_and_keeps_a_late_retry_once(tmp_path):
    paths = LakePaths(tmp_path / "lake").ensure()
    # a client 10 minutes fast: its times are 10 minutes late by the collector's clock
    _send(
        paths,
        [
            _track("m1", "Product Viewed", "2026-11-20T10:10:00Z", anonymousId="a-1"),
            {
                "type": "identify",
                "messageId": "m2",
                "anonymousId": "a-1",
                "userId": "c-1",
                "timestamp": "2026-11-20T10:11:00Z",
                "traits": {"email": "ann@example.com"},
            },
            _track(
                "m3", "Order Completed", "2026-11-20T10:12:00Z", anonymousId="a-1", userId="c-1"
            ),
        ],
        skew=timedelta(minutes=10),
    )
    ingest(paths.root)
    first = build_sources(paths.root, tmp_path / "dbt", "events")
    assert _failures(first) == []
    rows = first.query(
        "select message_id, event_name, user_id, order_id, "
        "date_trunc('minute', event_at)::varchar from staging.stg_events__tracks order by 1"
    )
    assert rows == [
        ("m1", "Product Viewed", None, None, "2026-11-20 10:00:00"),
        ("m3", "Order Completed", "c-1", "o-1", "2026-11-20 10:02:00"),
    ]
    assert first.one(
        "select anonymous_id, user_id, context_ip from staging.stg_events__identifies"
    ) == ("a-1", "c-1", "198.51.100.7")

    # the same order event retried after the collector's window (it forgot m3), with a new one
    _send(
        paths,
        [
            _track(
                "m3", "Order Completed", "2026-11-20T10:12:00Z", anonymousId="a-1", userId="c-1"
            ),
            _track("m4", "Product Viewed", "2026-11-20T10:20:00Z", anonymousId="a-1", userId="c-1"),
        ],
        skew=timedelta(0),
        dedup_seconds=0,
    )
    ingest(paths.root)
    raw = paths.raw / "_source=events" / "_dataset=tracks"
    landed = [p for p in raw.glob("*/*.parquet") if p.name != "_schema.parquet"]
    assert len(landed) == 2  # the retry reached raw this time: staging must deduplicate
    second = build_sources(paths.root, tmp_path / "dbt", "events")
    assert _failures(second) == []
    assert second.query(
        "select message_id, count(*) from staging.stg_events__tracks group by 1 order by 1"
    ) == [("m1", 1), ("m3", 1), ("m4", 1)]
    # the first copy of m3 is kept (its clock-skew-corrected time, not the retry's)
    assert second.one(
        "select date_trunc('minute', event_at)::varchar from staging.stg_events__tracks "
        "where message_id = 'm3'"
    ) == ("2026-11-20 10:02:00",)
