"""The Meta Ads stand-in serves what the real Marketing API serves: the records of the real dump
in `/work/shared/fixtures/meta_ads/` (keys, key order, strings for ids and metrics, percentage
ctr, cents, `+hhmm` offsets, nested targeting), in Graph API pages and errors, and its pages
ingest with zero rejects."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import httpx
import pytest

from lake.config import LakePaths
from lake.contracts import all_datasets
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.server import Sandbox
from lake.sandbox.world import World

FIXTURES = Path("/work/shared/fixtures/meta_ads")
TOKEN = {"access_token": "sandbox-meta_ads-token"}
ID = re.compile(r"\d{18}")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def fixture(name: str) -> list[dict[str, Any]]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def fields_of(name: str) -> list[str]:
    """The fields of the fixture's fullest record, in its order (what the dump asked for)."""
    return list(max(fixture(name), key=len))


@pytest.fixture
def api(sandbox: Sandbox, world: World) -> Iterator[tuple[httpx.Client, str]]:
    root = f"{sandbox.base_url('meta_ads')}/v21.0/{world.meta_account.id}"
    with httpx.Client(timeout=30) as http:
        yield http, root


def walk(http: httpx.Client, url: str, **params: Any) -> list[dict[str, Any]]:
    """Every page of a cursor-paged edge, following `paging.cursors.after` while `next` is
    given."""
    pages, after = [], None
    while True:
        query = {**TOKEN, **params, **({"after": after} if after else {})}
        response = http.get(url, params=query)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        page = response.json()
        pages.append(page)
        if "next" not in page.get("paging", {}):
            return pages
        after = page["paging"]["cursors"]["after"]


def records(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for p in pages for r in p["data"]]


@pytest.mark.parametrize("edge", ["campaigns", "adsets", "ads"])
def test_entities_have_the_real_keys_in_the_real_order(api, edge: str) -> None:
    http, root = api
    fields = fields_of(edge)
    served = records(walk(http, f"{root}/{edge}", fields=",".join(fields), limit=100))
    assert served
    for record in served:
        assert list(record) == fields
        assert ID.fullmatch(record["id"])
        for key in ("campaign_id", "adset_id"):
            if key in record:
                assert ID.fullmatch(record[key])
        assert all(TIME.fullmatch(record[k]) for k in fields if k.endswith("_time"))
        assert record["status"] in {r["status"] for r in fixture(edge)}


def test_nested_values_have_the_real_types(api, world: World) -> None:
    http, root = api
    real_adset = max(fixture("adsets"), key=len)
    adsets = records(walk(http, f"{root}/adsets", fields=",".join(fields_of("adsets"))))
    real_keys = {k for r in fixture("adsets") for k in r["targeting"]}
    for adset in adsets:
        assert set(adset["targeting"]) <= real_keys
        assert {"age_min", "age_max", "geo_locations", "publisher_platforms"} <= set(
            adset["targeting"]
        )
        assert adset["targeting"]["geo_locations"]["location_types"] == ["home", "recent"]
        for key in ("daily_budget", "lifetime_budget"):
            assert type(adset[key]) is type(real_adset[key]) is str and adset[key].isdigit()
        assert adset["pacing_type"] == real_adset["pacing_type"] == ["standard"]
    budgets = {s.id: str(s.daily_budget_cents) for s in world.meta_adsets()}
    assert {a["id"]: a["daily_budget"] for a in adsets} == budgets  # cents, as strings
    real_ad = fixture("ads")[0]
    ads = records(walk(http, f"{root}/ads", fields=",".join(fields_of("ads"))))
    for ad in ads:
        assert set(ad["creative"]) == set(real_ad["creative"]) == {"id"}
        assert all("action.type" in spec for spec in ad["tracking_specs"])


def test_times_carry_the_ad_account_offset(api, world: World) -> None:
    http, root = api
    campaigns = records(walk(http, f"{root}/campaigns", fields="id,created_time"))
    offsets = {c["created_time"][-5:] for c in campaigns}
    assert offsets <= {"+0100", "+0200"} and len(offsets) == 2  # Berlin: winter and summer
    by_id = {c.id: c for c in world.meta_campaigns}
    for served in campaigns:  # the same instant, in Berlin's offset of that day
        moment = datetime.strptime(served["created_time"], "%Y-%m-%dT%H:%M:%S%z")
        assert moment == by_id[served["id"]].created_time
        assert moment.utcoffset() == ZoneInfo("Europe/Berlin").utcoffset(
            moment.replace(tzinfo=None)
        )


def test_lifetime_insights_are_the_real_dump_per_ad_set(api, world: World) -> None:
    http, root = api
    real = fixture("insights")
    asked = [k for k in real[0] if k not in ("date_start", "date_stop")]
    served = records(
        walk(http, f"{root}/insights", level="adset", date_preset="maximum", fields=",".join(asked))
    )
    assert len(served) == len(world.meta_adsets())
    assert {r["date_stop"] for r in served} == {world.last_day.isoformat()}
    for row in served:
        assert list(row) == list(real[0])  # requested fields, then date_start, date_stop
        assert all(isinstance(v, str) for v in row.values())
        assert all(NUMBER.fullmatch(row[k]) for k in ("spend", "cpc", "ctr", "frequency"))
        # ctr is a percentage of impressions, like the dump's 0.605602 (= 0.6 %)
        ctr = 100 * int(row["clicks"]) / int(row["impressions"])
        assert float(row["ctr"]) == pytest.approx(ctr, abs=1e-6)
        assert 0.1 < float(row["ctr"]) < 10 and float(row["frequency"]) >= 1
        assert len(row["spend"].partition(".")[2]) <= 2 and not row["spend"].endswith(".0")
    expected = {
        s.id: sum(
            (d.spend for a in world.meta_ads(s) for day in world.days()
             if (d := world.meta_ad_day(a, day))),
            Decimal(0),
        )
        for s in world.meta_adsets()
    }  # fmt: skip
    assert {r["adset_id"]: Decimal(r["spend"]) for r in served} == expected
    first = {r["adset_id"]: r["date_start"] for r in served}
    for adset in world.meta_adsets():
        assert first[adset.id] == adset.campaign.start.isoformat()


def test_daily_ad_insights_one_row_per_ad_and_day(api, world: World) -> None:
    http, root = api
    span = {"since": "2026-10-20", "until": "2026-11-22"}
    served = records(
        walk(
            http,
            f"{root}/insights",
            level="ad",
            time_increment=1,
            time_range=json.dumps(span),
            fields="campaign_id,adset_id,ad_id,spend,impressions,clicks,ctr,reach",
            limit=50,
        )
    )
    expected = {
        (a.id, day.isoformat()): got
        for a in world.meta_ads()
        for day in world.days()
        if "2026-10-20" <= day.isoformat() <= "2026-11-22" and (got := world.meta_ad_day(a, day))
    }
    assert {(r["ad_id"], r["date_start"]) for r in served} == set(expected)
    for row in served:
        assert row["date_start"] == row["date_stop"]
        got = expected[(row["ad_id"], row["date_start"])]
        assert (Decimal(row["spend"]), int(row["impressions"])) == (got.spend, got.impressions)
        assert isinstance(row["clicks"], str) and isinstance(row["reach"], str)


def test_the_ad_account_gives_currency_and_time_zone(api, world: World) -> None:
    http, root = api
    fields = "name,currency,timezone_name,timezone_offset_hours_utc,account_status,account_id"
    account = http.get(root, params={**TOKEN, "fields": fields}).json()
    assert account == {
        "name": world.meta_account.name,
        "currency": "EUR",
        "timezone_name": "Europe/Berlin",
        "timezone_offset_hours_utc": 1,  # 23 November: winter time
        "account_status": 1,
        "account_id": world.meta_account.id.removeprefix("act_"),
        "id": world.meta_account.id,
    }


def test_cursor_pages_concatenate_to_every_record_once(api, world: World) -> None:
    http, root = api
    pages = walk(http, f"{root}/ads", fields="id,name", limit=5)
    ids = [r["id"] for r in records(pages)]
    assert len(pages) == -(-len(world.meta_ads()) // 5) >= 4
    assert ids == [a.id for a in world.meta_ads()] and len(set(ids)) == len(ids)
    for page in pages[:-1]:
        assert set(page["paging"]) == {"cursors", "next"}
        assert set(page["paging"]["cursors"]) == {"before", "after"}
        assert "after=" in page["paging"]["next"]
    assert "next" not in pages[-1]["paging"]
    bare = http.get(f"{root}/campaigns", params=TOKEN).json()["data"]
    assert all(list(r) == ["id"] for r in bare)  # without fields: ids only, as the real API


def test_errors_are_graph_api_errors(api, world: World) -> None:
    http, root = api
    no_token = http.get(f"{root}/campaigns")
    assert no_token.status_code == 401
    error = no_token.json()["error"]
    assert (error["type"], error["code"], error["error_subcode"]) == ("OAuthException", 190, 463)
    assert error["fbtrace_id"] and "expired" in error["message"]
    bearer = http.get(
        f"{root}/campaigns", headers={"Authorization": "Bearer sandbox-meta_ads-token"}
    )
    assert bearer.status_code == 200
    bad_field = http.get(f"{root}/campaigns", params={**TOKEN, "fields": "id,nonsense"})
    assert bad_field.status_code == 400 and bad_field.json()["error"]["code"] == 100
    assert "nonsense" in bad_field.json()["error"]["message"]
    other = http.get(root.replace(world.meta_account.id, "act_1"), params=TOKEN)
    assert other.status_code == 400 and other.json()["error"]["error_subcode"] == 33
    limited = http.get(f"{root}/ads", params={**TOKEN, "_fault": "rate_limit", "_retry_after": 2})
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"
    assert limited.json()["error"]["code"] == 80004
    failing = http.get(f"{root}/ads", params={**TOKEN, "_fault": "server_error"})
    assert failing.status_code == 500 and failing.json()["error"]["is_transient"] is True


def test_pages_ingest_with_zero_rejects(api, world: World, tmp_path: Path) -> None:
    http, root = api
    paths = LakePaths(tmp_path / "lake").ensure()
    store = SyncLandingStore(paths)
    span = json.dumps({"since": world.origin.isoformat(), "until": world.last_day.isoformat()})
    requests = {
        "campaigns": ("campaigns", {"fields": ",".join(fields_of("campaigns"))}),
        "adsets": ("adsets", {"fields": ",".join(fields_of("adsets"))}),
        "ads": ("ads", {"fields": ",".join(fields_of("ads"))}),
        "insights": ("insights", {"level": "adset", "date_preset": "maximum",
                                  "fields": "adset_id,spend,impressions,clicks,ctr,reach"}),
        "ad_insights_daily": ("insights", {"level": "ad", "time_increment": 1,
                                           "time_range": span, "limit": 200,
                                           "fields": "adset_id,ad_id,spend,clicks,ctr,cpm"}),
    }  # fmt: skip
    try:
        for dataset, (edge, params) in requests.items():
            for n, page in enumerate(walk(http, f"{root}/{edge}", **params), start=1):
                content = json.dumps(page).encode()
                meta = {"source": "meta_ads", "account": world.meta_account.id}
                store.store(f"{dataset}_p{n}.json", content, "json", metadata=meta)
        account = http.get(root, params={**TOKEN, "fields": "name,currency,timezone_name"})
        meta = {"source": "meta_ads", "account": world.meta_account.id}
        store.store("ad_account.json", account.content, "json", metadata=meta)
        files = landing_files(store)
    finally:
        store.close()
    summary = Ingestor(paths, all_datasets(), memory_limit="1GB").run(files)
    assert {o.status for o in summary.files} == {"ingested"}
    assert sum(o.rows_rejected for o in summary.files) == 0
    assert all(out.rescued_columns == [] for o in summary.files for out in o.outputs)

    def count(dataset: str) -> int:
        glob = paths.raw / f"_source=meta_ads/_dataset={dataset}/*/*.parquet"
        return duckdb.sql(f"select count(*) from read_parquet('{glob}')").fetchone()[0]

    days = sum(1 for a in world.meta_ads() for d in world.days() if world.meta_ad_day(a, d))
    assert {
        d: count(d)
        for d in ("ad_account", "campaigns", "adsets", "ads", "insights", "ad_insights_daily")
    } == {
        "ad_account": 1,
        "campaigns": len(world.meta_campaigns),
        "adsets": len(world.meta_adsets()),
        "ads": len(world.meta_ads()),
        "insights": len(world.meta_adsets()),
        "ad_insights_daily": days,
    }
