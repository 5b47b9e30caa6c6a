"""Linktree contracts: six GraphQL captures with the same kind of name, told apart by content."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lake.contracts.linktree import DATASETS

from .support import FIXTURES, expect_contract_error, hook, parse_input

FOLDER = FIXTURES / "linktree"
OVERVIEW_7 = FOLDER / "graphql_20250527_141827_117309.json"
SUBSCRIBERS = FOLDER / "graphql_20250527_141843_975221.json"
LINKS = FOLDER / "graphql_20250527_141844_047977.json"
OVERVIEW_365 = FOLDER / "graphql_20250527_141844_257580.json"
AUDIENCE = FOLDER / "graphql_20250527_141844_433901.json"
TITLES = FOLDER / "graphql_20250527_141844_552983.json"
ALL_FILES = [OVERVIEW_7, SUBSCRIBERS, LINKS, OVERVIEW_365, AUDIENCE, TITLES]


def analytics(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())["data"].get("getAccountAnalytics", {})


def rows(name: str, path: Path) -> list[dict[str, Any]]:
    return hook("linktree", name)(parse_input(path))


def expected_counts() -> dict[tuple[str, str], int]:
    """Row counts per (dataset, file), read from the JSON without the hooks."""
    subs = analytics(SUBSCRIBERS)["subscribers"]
    links = analytics(LINKS)
    audience = analytics(AUDIENCE)
    titles = [k for k in json.loads(TITLES.read_text())["data"] if k.startswith("link")]
    return {
        ("overview_daily", OVERVIEW_7.name): len(analytics(OVERVIEW_7)["overview"]["timeseries"]),
        ("overview_daily", OVERVIEW_365.name): len(
            analytics(OVERVIEW_365)["overview"]["timeseries"]
        ),
        ("subscribers_daily", SUBSCRIBERS.name): sum(
            len(subs[k]) for k in ("subscribers", "emailSubscribers", "smsSubscribers")
        ),
        ("links", LINKS.name): len(links["links"]),
        ("socials", LINKS.name): len(links["socials"]["socials"]),
        ("socials_daily", LINKS.name): len(links["socials"]["timeseries"]),
        ("lifetime", AUDIENCE.name): 1,
        ("cities", AUDIENCE.name): len(audience["locations"]["cities"]),
        ("countries", AUDIENCE.name): len(audience["locations"]["countries"]),
        ("referrers", AUDIENCE.name): len(audience["referrers"]["referrers"]),
        ("devices", AUDIENCE.name): len(audience["devices"]["devices"]),
        ("link_titles", TITLES.name): len(titles),
    }


def test_expected_counts_are_the_known_ones() -> None:
    assert sorted(expected_counts().values()) == sorted(
        [7, 365, 1095, 11, 2, 730, 1, 1155, 100, 8, 4, 11]
    )


@pytest.mark.parametrize("ds", DATASETS, ids=lambda d: d.name)
def test_each_hook_takes_exactly_its_files(ds: Any) -> None:
    expected = expected_counts()
    for path in ALL_FILES:
        got = ds.format.parse(parse_input(path))
        if (ds.name, path.name) in expected:
            assert got is not None and len(got) == expected[(ds.name, path.name)], path.name
        else:
            assert got is None, path.name


def test_every_fixture_file_is_claimed() -> None:
    claimed = {file for _, file in expected_counts()}
    assert claimed == {p.name for p in ALL_FILES}


def test_overview_values() -> None:
    first = rows("overview_daily", OVERVIEW_7)[0]
    source = analytics(OVERVIEW_7)["overview"]["timeseries"][0]
    assert first == {
        "totalViews": source["totalViews"],
        "totalClicks": source["totalClicks"],
        "uniqueViews": source["uniqueViews"],
        "uniqueClicks": source["uniqueClicks"],
        "clickThroughRate": source["clickThroughRate"],
        "date": "2025-05-21",
        "typename": "AccountActivity",
    }
    assert first["totalViews"] == 20


def test_nested_totals_are_lifted() -> None:
    link = rows("links", LINKS)[0]
    assert link == {
        "id": 445315682,
        "clicks_total": 262,
        "breakdown": None,
        "typename": "AccountLink",
    }
    lifetime = rows("lifetime", AUDIENCE)[0]
    assert lifetime["views_total"] == 3502
    assert lifetime["clicks_profile"] == 1379
    assert lifetime["payments"] == []
    desktop = next(r for r in rows("devices", AUDIENCE) if r["name"] == "desktop")
    assert desktop["clickThroughRate"] > 1  # clicks can outnumber views


def test_subscribers_are_tagged_by_channel() -> None:
    got = rows("subscribers_daily", SUBSCRIBERS)
    assert {r["channel"] for r in got} == {"all", "email", "sms"}
    assert sum(1 for r in got if r["channel"] == "email") == 365
    assert got[0]["date"] == "2024-05-28" and got[0]["interval"] == "DAILY"


def test_link_titles() -> None:
    titles = {r["id"]: r for r in rows("link_titles", TITLES)}
    assert titles[445371874]["title"] == "ZONE A0"
    assert titles[453835539]["active"] is False
    assert titles[445315682]["modifiers_thumbnailUrl"] is None


def test_graphql_errors_are_refused_with_a_hint() -> None:
    body = {"errors": [{"message": "Unauthorized", "path": ["getAccountAnalytics"]}], "data": None}
    inp = parse_input(OVERVIEW_7, json.dumps(body).encode())
    for ds in DATASETS:
        expect_contract_error(ds.format.parse, inp, "api_error", "log in again")


def test_broken_capture_is_refused_with_a_hint() -> None:
    truncated = parse_input(OVERVIEW_7, OVERVIEW_7.read_bytes()[:300])
    expect_contract_error(
        hook("linktree", "overview_daily"), truncated, "unparseable", "extract/linktree.py"
    )
    bad = {"data": {"getAccountAnalytics": {"overview": {"timeseries": {"date": "2025-05-21"}}}}}
    inp = parse_input(OVERVIEW_7, json.dumps(bad).encode())
    err = expect_contract_error(
        hook("linktree", "overview_daily"), inp, "unexpected_shape", "extract/linktree.py"
    )
    assert err.where["path"] == "getAccountAnalytics.overview.timeseries"
