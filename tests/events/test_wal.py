"""The write-ahead log and the lander on their own: a torn tail, a crash between landings."""

from __future__ import annotations

import json

from lake.events import wal
from lake.events.lander import land_orphaned_segments, land_segment, landed_dir, wal_dir
from lake.events.messages import Encoded, fields_of
from lake.landing import SyncLandingStore
from tests.events.conftest import ingest, landed_records, raw_message_ids


def _record(message_id: str, call_type: str) -> bytes:
    """A stored record as the collector writes it: every field of its type."""
    record = dict.fromkeys(fields_of(call_type))
    record.update(
        messageId=message_id, type=call_type, anonymousId="a", receivedAt="2026-11-20T10:00:00.000Z"
    )
    if call_type == "track":
        record["event"] = "Product Viewed"
    return json.dumps(record).encode()


def _lines(*ids_and_types: tuple[str, str]) -> bytes:
    return wal.encode(Encoded(m, t, _record(m, t)) for m, t in ids_and_types)


def test_a_torn_tail_is_trimmed_and_the_complete_lines_kept(tmp_path):
    segment = tmp_path / "000000000001.wal"
    whole = _lines(("a", "track"), ("b", "page"))
    segment.write_bytes(whole + _lines(("c", "track"))[:-7])
    wal.recover_segment(segment)
    assert segment.read_bytes() == whole
    assert [line.message_id for line in wal.read_lines(segment)] == ["a", "b"]
    wal.recover_segment(segment)  # nothing more to trim
    assert segment.read_bytes() == whole


def test_landing_resumes_after_a_crash_between_two_files(paths):
    state = paths.state / "events"
    segment = wal_dir(state) / "000000000007.wal"
    segment.parent.mkdir(parents=True)
    segment.write_bytes(_lines(("t1", "track"), ("p1", "page"), ("t2", "track")))
    # the first run landed the pages file, then died before noting it
    with SyncLandingStore(paths) as store:
        store.store(
            "pages_000000000007.ndjson",
            _record("p1", "page") + b"\n",  # the bytes the lander writes for this segment
            "ndjson",
            source="events",
        )
        assert land_segment(store, segment, state) == 3
    assert not segment.exists()
    assert (landed_dir(state) / segment.name).exists()
    # the pages file again (the landing store keeps one copy when the minute is the same,
    # else two with the same bytes, which the ingest ledger takes once)
    assert {r["messageId"] for r in landed_records(paths)} == {"p1", "t1", "t2"}
    ingest(paths)
    assert sorted(raw_message_ids(paths)) == ["p1", "t1", "t2"]


def test_ingest_lands_what_a_killed_collector_left(paths):
    segment = wal_dir(paths.state / "events") / "000000000003.wal"
    segment.parent.mkdir(parents=True)
    segment.write_bytes(_lines(("x1", "identify"), ("x2", "track")) + b'"x3"\ttra')
    assert land_orphaned_segments(paths) == 2
    assert land_orphaned_segments(paths) == 0
    ingest(paths)
    assert sorted(raw_message_ids(paths)) == ["x1", "x2"]
