"""Meta Ads contracts: four Marketing API dumps, as bare arrays or `{"data": [...]}` pages, plus
the ad account object and the daily per-ad insights the extractor lands."""

from __future__ import annotations

import json

import pytest

from lake.contracts.meta_ads import DATASETS

from .support import FIXTURES, dataset, expect_contract_error, hook, parse_input

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
    err = expect_contract_error(hook("meta_ads", "ads"), inp, "api_error", "LAKE_META_ADS_TOKEN")
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


ACCOUNT = {
    "name": "Lantern Lane Records",
    "currency": "EUR",
    "timezone_name": "Europe/Berlin",
    "timezone_offset_hours_utc": 1,
    "account_status": 1,
    "account_id": "929148134122633",
    "id": "act_929148134122633",
}


def test_the_ad_account_object_is_one_record() -> None:
    ds = dataset("meta_ads", "ad_account")
    assert ds.claims("ad_account.json") and ds.claims("ad_account_20261123.json")
    parse = hook("meta_ads", "ad_account")
    rows = parse(parse_input(FOLDER / "ads.json", json.dumps(ACCOUNT).encode(), "ad_account.json"))
    assert rows == [ACCOUNT]
    assert ds.match_layout(rows[0]) is not None
    listed = {"data": [ACCOUNT, {**ACCOUNT, "id": "act_1", "account_id": "1"}]}
    two = parse(parse_input(FOLDER / "ads.json", json.dumps(listed).encode(), "ad_account.json"))
    assert [r["id"] for r in two] == ["act_929148134122633", "act_1"]


def test_an_expired_token_instead_of_the_ad_account_is_refused() -> None:
    body = {"error": {"message": "Error validating access token", "code": 190}}
    inp = parse_input(FOLDER / "ads.json", json.dumps(body).encode(), "ad_account.json")
    expect_contract_error(hook("meta_ads", "ad_account"), inp, "api_error", "LAKE_META_ADS_TOKEN")


DAILY_PAGE = {
    "data": [
        {
            "campaign_id": "120224907266750075",
            "adset_id": "120224907266740075",
            "ad_id": "120224903624100075",
            "ad_name": "AD1",
            "spend": "3.4",
            "impressions": "661",
            "clicks": "4",
            "cpc": "0.85",
            "ctr": "0.605144",
            "reach": "611",
            "date_start": "2025-05-23",
            "date_stop": "2025-05-23",
        }
    ],
    "paging": {"cursors": {"before": "MAZDZD", "after": "MQZDZD"}},
}


def test_daily_ad_insights_are_their_own_dataset() -> None:
    daily = dataset("meta_ads", "ad_insights_daily")
    assert daily.claims("ad_insights_daily_p1.json") and daily.claims("ad_insights_daily.json")
    # the lifetime ad-set dataset does not take the daily files, nor the daily the lifetime
    claimers = {d.name for d in DATASETS if d.claims("ad_insights_daily_p2.json")}
    assert claimers == {"ad_insights_daily"}
    assert {d.name for d in DATASETS if d.claims("insights_p1.json")} == {"insights"}
    assert {d.name for d in DATASETS if d.claims("ad_account.json")} == {"ad_account"}
    parse = hook("meta_ads", "ad_insights_daily")
    inp = parse_input(FOLDER / "insights.json", json.dumps(DAILY_PAGE).encode())
    (row,) = parse(inp)
    assert row["ad_id"] == "120224903624100075" and row["spend"] == "3.4"
    layout = daily.match_layout(row)
    assert layout is not None and layout.name == "ad_level_daily"
    assert daily.primary_key == ("ad_id", "date_start")
    # a lifetime ad-set row has no ad_id: not this dataset's layout
    lifetime = hook("meta_ads", "insights")(parse_input(FOLDER / "insights.json"))[0]
    assert daily.match_layout(lifetime) is None
