"""The Linktree stand-in's GraphQL answers have the shapes of the captured real responses (the
fixtures in tests/fixtures/platforms/linktree/): the same keys in the same order at every
level, `__typename` on every object, integer ids, ISO dates, compact JSON; the analytics page
really fetches them from its script; they ingest with zero rejects."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from lake.config import LakePaths
from lake.contracts import all_datasets
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.platforms.linktree import OPERATIONS
from lake.sandbox.world import World

from .conftest import login

FIXTURES = Path(__file__).parents[1] / "fixtures" / "platforms" / "linktree"
LINK_KEY = re.compile(r"link\d+")


def kind(body: dict[str, Any]) -> str:
    """What tells a response apart: the keys under data.getAccountAnalytics, or link<ID>."""
    data = body["data"]
    if "getAccountAnalytics" in data:
        return "+".join(sorted(data["getAccountAnalytics"]))
    assert all(LINK_KEY.fullmatch(k) for k in data)
    return "linkDetails"


def shape(value: Any, path: str = "") -> Iterator[tuple[str, tuple[str, ...]]]:
    """(path, keys in order) of every object, through the first element of each array."""
    if isinstance(value, dict):
        keys = tuple(dict.fromkeys("link<ID>" if LINK_KEY.fullmatch(k) else k for k in value))
        yield path, keys  # one link<ID> however many links
        seen = set()
        for key, item in value.items():
            name = "link<ID>" if LINK_KEY.fullmatch(key) else key
            if name not in seen:
                seen.add(name)
                yield from shape(item, f"{path}.{name}")
    elif isinstance(value, list) and value:
        yield from shape(value[0], f"{path}[]")


def objects(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from objects(item)


def real() -> dict[str, tuple[bytes, dict[str, Any]]]:
    found = {}
    for path in sorted(FIXTURES.glob("graphql_*.json")):
        raw = path.read_bytes()
        found[kind(json.loads(raw))] = (raw, json.loads(raw))
    return found


def query(http: httpx.Client, operation: str, **variables: Any) -> httpx.Response:
    return http.post("/linktree/graphql", json={"operationName": operation, "variables": variables})


@pytest.fixture
def served(client: httpx.Client, world: World) -> dict[str, tuple[bytes, dict[str, Any]]]:
    login(client, "linktree")
    today = world.today
    window = {
        "username": "bluefrog",
        "startDate": (today - timedelta(days=364)).isoformat(),
        "endDate": today.isoformat(),
        "interval": "DAILY",
    }
    found = {}
    for operation in OPERATIONS:
        response = query(client, operation, **window)
        assert response.status_code == 200, response.text
        found[kind(response.json())] = (response.content, response.json())
    links = found["__typename+links+products+socials"][1]["data"]["getAccountAnalytics"]["links"]
    details = query(client, "getLinkDetails", username="bluefrog", ids=[x["id"] for x in links])
    found["linkDetails"] = (details.content, details.json())
    return found


def test_every_real_query_has_a_served_twin_with_the_same_shape(served):
    captured = real()
    assert sorted(served) == sorted(captured)
    for name, (_, body) in captured.items():
        assert list(shape(served[name][1])) == list(shape(body)), name


def test_values_are_formatted_like_the_real_ones(served, world: World):
    for raw, body in served.values():
        assert b"\n" not in raw and b", " not in raw[:200] and raw.startswith(b'{"data":{')
        for obj in objects(body["data"]):
            if obj is not body["data"]:
                assert "__typename" in obj
    analytics = served["__typename+overview"][1]["data"]["getAccountAnalytics"]
    series = analytics["overview"]["timeseries"]
    assert len(series) == 365 and series[-1]["date"] == world.today.isoformat()
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"]) for row in series)
    assert all(isinstance(row["totalViews"], int) for row in series)
    links = served["__typename+links+products+socials"][1]["data"]["getAccountAnalytics"]
    assert all(isinstance(link["id"], int) for link in links["links"])
    assert len(links["socials"]["timeseries"]) == 2 * 365
    devices = served["__typename+devices+lifetime+locations+referrers"][1]["data"][
        "getAccountAnalytics"
    ]["devices"]["devices"]
    assert max(d["clickThroughRate"] for d in devices) > 1  # as in the real capture
    titles = {v["title"] for v in served["linkDetails"][1]["data"].values()}
    assert titles == {x.title for x in world.linktree_links("bluefrog")}


def test_the_analytics_page_fetches_graphql_from_its_script(client, sandbox):
    login(client, "linktree")
    page = client.get("/linktree/admin/analytics", params={"profile": "bluefrog", "range": 28})
    assert page.status_code == 200 and 'id="date-range"' in page.text
    assert '"/linktree/graphql"' in page.text and "fetch(ENDPOINT" in page.text
    assert client.get("/linktree/admin/analytics?profile=nobody").status_code == 404
    with httpx.Client(base_url=str(client.base_url)) as anonymous:
        refused = query(anonymous, OPERATIONS[0], username="bluefrog")
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_answers_ingest_with_zero_rejects(sandbox, served, world: World, tmp_path):
    paths = LakePaths(tmp_path / "lake").ensure()
    store = SyncLandingStore(paths)
    try:
        for i, (raw, _) in enumerate(served.values()):
            store.store(
                f"graphql_20261123_120000_{i:06d}.json",
                raw,
                "json",
                metadata={"source": "linktree", "account": "bluefrog"},
                subpath="bluefrog",
            )
        files = landing_files(store)
    finally:
        store.close()
    summary = Ingestor(paths, all_datasets(), memory_limit="1GB").run(files)
    assert [o.status for o in summary.files] == ["ingested"] * 5
    assert sum(o.rows_rejected for o in summary.files) == 0
    links = len(world.linktree_links("bluefrog"))
    # overview 365, subscribers 3 x 365, links + socials 2 + socials_daily 730 + links,
    # lifetime 1 + cities + countries + referrers + devices, link titles
    audience = 1 + 10 + 9 + 6 + 4
    expected = 365 + 3 * 365 + (links + 2 + 730) + audience + links
    assert sum(o.rows_raw for o in summary.files) == expected
