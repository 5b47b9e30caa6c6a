"""Meta Ads contracts: four Marketing API dumps, as bare arrays or `{"data": [...]}` pages."""

from __future__ import annotations

import json

import pytest

from lake.contracts.meta_ads import DATASETS

from .support import FIXTURES, expect_contract_error, hook, parse_input

FOLDER = FIXTURES / "meta_ads"
ENDPOINTS = ["campaigns", "adsets", "ads", "insights"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_row_count_matches_the_dump(endpoint: str) -> None:
    path = FOLDER / f"{endpoint}.json"
    rows = hook("meta_ads", endpoint)(parse_input(path))
    assert len(rows) == len(json.loads(path.read_text()))


def test_row_counts() -> None:
    counts = {e: len(hook("meta_ads", e)(parse_input(FOLDER / f"{e}.json"))) for e in ENDPOINTS}
    assert counts == {"campaigns": 13, "adsets": 31, "ads": 54, "insights": 31}


def test_ids_and_metrics_stay_strings() -> None:
    campaign = hook("meta_ads", "campaigns")(parse_input(FOLDER / "campaigns.json"))[0]
    assert campaign["id"] == "120224907266750075"
    assert campaign["start_time"] == "2025-05-23T06:57:56-0700"
    insight = hook("meta_ads", "insights")(parse_input(FOLDER / "insights.json"))[0]
    assert insight["ctr"] == "0.605602"
    assert insight["spend"] == "3.41"
    assert insight["adset_id"] == "120224907266740075"


def test_nested_targeting_is_kept_whole() -> None:
    adset = hook("meta_ads", "adsets")(parse_input(FOLDER / "adsets.json"))[0]
    assert adset["daily_budget"] == "500"
    assert adset["targeting"]["age_min"] == 18  # the engine stores it as JSON text


def test_a_graph_api_page_gives_the_same_rows() -> None:
    path = FOLDER / "campaigns.json"
    records = json.loads(path.read_text())
    page = {"data": records, "paging": {"cursors": {"before": "a", "after": "b"}}}
    parse = hook("meta_ads", "campaigns")
    assert parse(parse_input(path, json.dumps(page).encode())) == records


def test_patterns_tell_ads_from_adsets() -> None:
    by_name = {d.name: d for d in DATASETS}
    assert by_name["ads"].claims("ads.json")
    assert by_name["ads"].claims("ads_20250527.json")
    assert not by_name["ads"].claims("adsets.json")
    assert by_name["adsets"].claims("adsets.json")
    assert not by_name["campaigns"].claims("insights.json")


def test_error_body_is_refused_with_a_token_hint() -> None:
    body = {"error": {"message": "Error validating access token", "code": 190}}
    inp = parse_input(FOLDER / "ads.json", json.dumps(body).encode())
    err = expect_contract_error(hook("meta_ads", "ads"), inp, "api_error", "META_ACCESS_TOKEN")
    assert "access token" in err.message


def test_broken_dump_is_refused_with_a_hint() -> None:
    path = FOLDER / "insights.json"
    parse = hook("meta_ads", "insights")
    truncated = parse_input(path, path.read_bytes()[:1000])
    expect_contract_error(parse, truncated, "unparseable", "extract/meta_ads.py")
    scalar = parse_input(path, b'{"paging": {}}')
    expect_contract_error(parse, scalar, "unexpected_shape", "extract/meta_ads.py")
    not_records = parse_input(path, b'["120224907266750075"]')
    expect_contract_error(parse, not_records, "unexpected_shape", "extract/meta_ads.py")
