"""Each answer of the tracking API, in process (Starlette's test client runs the lifespan:
the collector starts, and on exit it commits, seals and lands its log)."""

from __future__ import annotations

import base64
import gzip
import json
import subprocess
import zlib

import pytest

from lake.errors import LockedError
from lake.events.collector import Collector
from lake.events.config import CollectorConfig
from tests.events.conftest import AUTH, KEY, LAKE, landed_records, make_client, track


def test_batch_accepted_is_landed_with_the_api_field_names(paths):
    calls = [track(f"m{i}") for i in range(3)] + [
        {
            "type": "identify",
            "userId": "c-7",
            "anonymousId": "anon-1",
            "messageId": "id-1",
            "traits": {"email": "a@example.com"},
        },
        {"type": "page", "anonymousId": "anon-1", "messageId": "pg-1", "name": "Home"},
    ]
    with make_client(paths) as client:
        response = client.post(
            "/v1/batch", json={"batch": calls, "sentAt": "2026-11-20T10:00:01Z"}, auth=AUTH
        )
    assert response.status_code == 200
    assert response.json() == {"success": True, "accepted": 5, "duplicates": 0}
    records = landed_records(paths)
    assert sorted(r["messageId"] for r in records) == ["id-1", "m0", "m1", "m2", "pg-1"]
    viewed = next(r for r in records if r["messageId"] == "m0")
    assert viewed["event"] == "Product Viewed"
    assert viewed["properties"] == {"product_id": "p-1"}
    assert viewed["sentAt"] == "2026-11-20T10:00:01Z"
    assert viewed["receivedAt"].endswith("Z")
    assert viewed["context"]["ip"] == "198.51.100.7"
    names = sorted(p.name for p in (paths.landing / "events").rglob("*.ndjson"))
    assert [n.split("_")[0] for n in names] == ["identifies", "pages", "tracks"]


def test_invalid_calls_are_named_and_the_valid_ones_kept(paths):
    calls = [
        track("ok-1"),
        {"type": "track", "anonymousId": "a", "messageId": "no-event"},
        track("ok-2"),
        {"type": "order", "messageId": "bad-type"},
        {"type": "track", "event": "X", "messageId": "no-id"},
        track("bad-time", timestamp="yesterday"),
        "not an object",
    ]
    with make_client(paths) as client:
        response = client.post("/v1/batch", json={"batch": calls}, auth=AUTH)
    assert response.status_code == 400
    body = response.json()
    assert body["accepted"] == 2
    assert [(r["index"], r["messageId"]) for r in body["rejected"]] == [
        (1, "no-event"),
        (3, "bad-type"),
        (4, "no-id"),
        (5, "bad-time"),
        (6, None),
    ]
    assert "event" in body["rejected"][0]["error"]
    assert "userId or anonymousId" in body["rejected"][2]["error"]
    assert sorted(r["messageId"] for r in landed_records(paths)) == ["ok-1", "ok-2"]


def test_single_calls_and_short_paths(client):
    for path in ("/v1/track", "/v1/t"):
        call = {"event": "Product Added", "userId": "c-1", "messageId": f"{path}-1"}
        assert client.post(path, json=call, auth=AUTH).status_code == 200
    for path, call in [
        ("/v1/p", {"anonymousId": "a", "name": "Home"}),
        ("/v1/s", {"anonymousId": "a", "name": "Cart"}),
        ("/v1/i", {"userId": "c-1", "traits": {"name": "Ann"}}),
        ("/v1/g", {"userId": "c-1", "groupId": "g-1"}),
        ("/v1/a", {"userId": "c-1", "previousId": "a"}),
        ("/v1/b", {"batch": [track("short-batch")]}),
    ]:
        assert client.post(path, json=call, auth=AUTH).status_code == 200, path
    wrong = client.post("/v1/page", json={"type": "track", "event": "X", "userId": "u"}, auth=AUTH)
    assert wrong.status_code == 400


def test_write_key_as_basic_auth_or_in_the_body(client):
    call = track("k-1")
    assert client.post("/v1/track", json=call).status_code == 401
    assert client.post("/v1/track", json=call, auth=("wrong", "")).status_code == 401
    garbage = {"Authorization": "Basic !!!"}
    assert client.post("/v1/track", json=call, headers=garbage).status_code == 401
    assert client.post("/v1/track", json={**call, "writeKey": "wrong"}).status_code == 401
    assert client.post("/v1/track", json={**call, "writeKey": KEY}).status_code == 200
    token = base64.b64encode(f"{KEY}:".encode()).decode()
    header = {"Authorization": f"Basic {token}"}
    assert (
        client.post("/v1/batch", json={"batch": [track("k-2")]}, headers=header).json()["accepted"]
        == 1
    )
    assert (
        client.post("/v1/batch", json={"batch": [track("k-3")], "writeKey": KEY}).status_code == 200
    )
    refused = client.post("/v1/track", json=track("k-4"))
    assert refused.headers["www-authenticate"] == "Basic"
    assert refused.json()["success"] is False


def test_json_whatever_the_content_type_gzip_and_deflate(paths):
    body = json.dumps(track("plain")).encode()
    with make_client(paths) as client:
        as_text = client.post(
            "/v1/t", content=body, headers={"Content-Type": "text/plain"}, auth=AUTH
        )
        zipped = client.post(
            "/v1/batch",
            content=gzip.compress(json.dumps({"batch": [track("gz")]}).encode()),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
            auth=AUTH,
        )
        deflated = client.post(
            "/v1/t",
            content=zlib.compress(json.dumps(track("deflated")).encode()),
            headers={"Content-Encoding": "deflate"},
            auth=AUTH,
        )
        broken = client.post(
            "/v1/t",
            content=b"\x1f\x8b not gzip",
            headers={"Content-Encoding": "gzip"},
            auth=AUTH,
        )
    assert (as_text.status_code, zipped.status_code, deflated.status_code) == (200, 200, 200)
    assert broken.status_code == 400
    assert sorted(r["messageId"] for r in landed_records(paths)) == ["deflated", "gz", "plain"]


def test_415_for_bodies_that_are_not_json(client):
    for content in (b"not json", b'{"batch": [', "é".encode("latin-1")):
        response = client.post("/v1/batch", content=content, auth=AUTH)
        assert response.status_code == 415, content
        assert "not JSON" in response.json()["error"]
    brotli = client.post("/v1/t", content=b"{}", headers={"Content-Encoding": "br"}, auth=AUTH)
    assert brotli.status_code == 415


def test_413_over_segments_limits_after_decompression(paths):
    big_property = "x" * (33 * 1024)
    with make_client(paths) as client:
        single = client.post(
            "/v1/track", json=track("big", properties={"p": big_property}), auth=AUTH
        )
        # 600 calls of ~1 KB: over 500 KB as JSON, ~10 KB gzipped
        calls = [track(f"b{i}", properties={"pad": "y" * 900}) for i in range(600)]
        packed = gzip.compress(json.dumps({"batch": calls}).encode())
        assert len(packed) < 100_000
        batch = client.post(
            "/v1/batch", content=packed, headers={"Content-Encoding": "gzip"}, auth=AUTH
        )
        bomb = client.post(
            "/v1/batch",
            content=gzip.compress(b" " * (50 << 20)),
            headers={"Content-Encoding": "gzip"},
            auth=AUTH,
        )
        in_batch = client.post(
            "/v1/batch",
            json={"batch": [track("fine"), track("too-big", properties={"p": big_property})]},
            auth=AUTH,
        )
    assert (single.status_code, batch.status_code, bomb.status_code) == (413, 413, 413)
    assert in_batch.status_code == 400
    assert in_batch.json()["rejected"][0]["messageId"] == "too-big"
    assert [r["messageId"] for r in landed_records(paths)] == ["fine"]


def test_429_with_retry_after_under_backpressure(paths):
    with make_client(paths, min_free_bytes=1 << 60) as client:
        full_disk = client.post("/v1/track", json=track("d-1"), auth=AUTH)
    with make_client(paths, max_pending_bytes=-1) as client:
        behind = client.post("/v1/track", json=track("d-2"), auth=AUTH)
    for response in (full_disk, behind):
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 0
    assert landed_records(paths) == []


def test_retried_batch_is_stored_once(paths):
    batch = {"batch": [track(f"r{i}") for i in range(100)]}
    with make_client(paths) as client:
        first = client.post("/v1/batch", json=batch, auth=AUTH).json()
        again = client.post("/v1/batch", json=batch, auth=AUTH).json()
        overlapping = client.post(
            "/v1/batch",
            json={"batch": [track("r99"), track("r100"), track("r100")]},
            auth=AUTH,
        ).json()
    assert (first["accepted"], first["duplicates"]) == (100, 0)
    assert (again["accepted"], again["duplicates"]) == (100, 100)
    assert overlapping["duplicates"] == 2
    ids = [r["messageId"] for r in landed_records(paths)]
    assert len(ids) == 101 and len(set(ids)) == 101
    # and after a restart, from the landed segments it keeps for the deduplication window
    with make_client(paths) as client:
        later = client.post("/v1/batch", json=batch, auth=AUTH).json()
    assert later["duplicates"] == 100
    assert len(landed_records(paths)) == 101


def test_cors_for_browsers(client):
    preflight = client.options(
        "/v1/t",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    sent = client.post(
        "/v1/t",
        json={**track("cors"), "writeKey": KEY},
        headers={"Origin": "https://shop.example", "Content-Type": "text/plain"},
    )
    assert sent.status_code == 200
    assert sent.headers["access-control-allow-origin"] == "*"


def test_openapi_document_lists_every_endpoint(client):
    document = client.get("/openapi.json").json()
    assert set(document["paths"]) == {
        f"/v1/{p}"
        for p in (
            "batch",
            "track",
            "page",
            "screen",
            "identify",
            "group",
            "alias",
            "b",
            "t",
            "p",
            "s",
            "i",
            "g",
            "a",
        )
    }
    answers = document["paths"]["/v1/batch"]["post"]["responses"]
    assert set(answers) == {"200", "400", "401", "413", "415", "429", "503"}


def test_refuses_to_start_without_write_keys(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "LAKE_ROOT": str(tmp_path / "lake")}
    result = subprocess.run(
        [LAKE, "serve", "events", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "LAKE_EVENTS_WRITE_KEYS is not set" in result.stderr
    assert not (tmp_path / "lake").exists()


def test_odd_json_values_are_400_or_401_never_500(client):
    odd = [
        ({"batch": [{"type": {}, "userId": "u"}]}, 400),
        ({"batch": [{"type": ["track"], "userId": "u"}]}, 400),
        ({"batch": [track("w", writeKey={"k": 1})]}, 400),
        ({"batch": [], "writeKey": 5}, 400),
        ({"batch": [], "sentAt": "soon"}, 400),
        ({"batch": "all of them"}, 400),
        ([1, 2], 400),
    ]
    for body, status in odd:
        assert client.post("/v1/batch", json=body, auth=AUTH).status_code == status, body
    unauthenticated = client.post("/v1/batch", json={"batch": [], "writeKey": {"a": 1}})
    assert unauthenticated.status_code == 401


def test_one_collector_per_lake(paths):
    config = CollectorConfig(paths=paths, write_keys=frozenset({KEY}))
    first = Collector(config)
    first.start()
    try:
        with pytest.raises(LockedError, match="another collector"):
            Collector(config).start()
    finally:
        first.stop()
    second = Collector(config)
    second.start()
    second.stop()
