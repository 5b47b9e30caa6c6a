"""`fct_streams_daily`, `fct_streams_window` and `fct_campaign_return` on the real exports
(DistroKid stats pages, TooLost analytics, Spotify for Artists, Meta Ads), landed and
ingested like any export: daily figures per source and day equal the files' (nothing
counted twice, window totals kept apart), and campaign spend is the insights' spend, counted
once, on campaigns matched to their promoted track by name."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest

from tests.dbt.music_marts_support import build, land_fixtures
from tests.dbt.staging_support import FIXTURES, StagingBuild

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

TOOLOST_SPOTIFY = FIXTURES / "toolost" / "toolost_spotify_20250526_141126.json"
TOOLOST_APPLE = FIXTURES / "toolost" / "toolost_apple_20250526_141126.json"
TIMELINE = FIXTURES / "spotify" / "Blue Frog-audience-timeline.csv"
INSIGHTS = FIXTURES / "meta_ads" / "insights.json"
CAMPAIGNS = FIXTURES / "meta_ads" / "campaigns.json"


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    work = tmp_path_factory.mktemp("streams")
    lake_root = work / "lake"
    land_fixtures(lake_root, ["distrokid", "toolost", "spotify", "meta_ads"])
    return build(
        lake_root,
        work,
        [
            "+fct_streams_daily",
            "+fct_streams_window",
            "+fct_campaign_return",
            "+dim_artist",
            "+dim_ad_campaign",
        ],
    )


def test_build_passes_every_test(marts: StagingBuild) -> None:
    assert marts.problems() == []
    assert "fct_campaign_return__windows_lift_and_scope" in marts.node_names()


def test_daily_sums_per_source_equal_the_files(marts: StagingBuild) -> None:
    spotify = json.loads(TOOLOST_SPOTIFY.read_text())["streams"]
    apple = json.loads(TOOLOST_APPLE.read_text())["totalStreams"]
    with TIMELINE.open(encoding="utf-8-sig", newline="") as handle:
        timeline = list(csv.DictReader(handle))
    figures = {
        (source, platform): (days, total)
        for source, platform, days, total in marts.query(
            "select source, platform, count(distinct stream_date), sum(streams) "
            "from music.fct_streams_daily group by all"
        )
    }
    assert figures[("toolost", "spotify")] == (
        len(spotify),
        sum(int(r["streams"]) for r in spotify),
    )
    assert figures[("toolost", "apple_music")] == (len(apple), sum(r["streams"] for r in apple))
    assert figures[("spotify_for_artists", "spotify")] == (
        len(timeline),
        sum(int(r["streams"]) for r in timeline),
    )
    # DistroKid's daily charts: the same figure as its staging model, day by day
    assert (
        marts.query(
            "select stream_date, streams from music.fct_streams_daily where source = 'distrokid' "
            "and platform = 'all_stores' except select stream_date, streams "
            "from staging.stg_distrokid__streams_daily"
        )
        == []
    )
    # one row per source, platform and day: a day's figure is never split or repeated
    assert marts.one(
        "select count(*) = count(distinct (source, account, platform, stream_date)) "
        "from music.fct_streams_daily"
    ) == (True,)


def test_scopes_and_sentinels(marts: StagingBuild) -> None:
    assert set(
        marts.query(
            "select distinct source, track_scope, track_id, artist_id, country_code "
            "from music.fct_streams_daily"
        )
    ) == {
        ("distrokid", "account", "all_tracks", "all_artists", "ZZ"),
        ("toolost", "account", "all_tracks", "all_artists", "ZZ"),
        ("spotify_for_artists", "artist", "all_tracks", "blue-frog", "ZZ"),
    }


def test_window_totals_stay_out_of_the_daily_fact(marts: StagingBuild) -> None:
    apple = json.loads(TOOLOST_APPLE.read_text())
    assert marts.query(
        "select breakdown, sum(streams), count(*) from music.fct_streams_window "
        "where source = 'toolost' group by breakdown order by breakdown"
    ) == [
        ("country", apple["streamTotal"], len(apple["countryTotal"])),
        ("track", apple["streamTotal"], len(apple["tracksTotal"])),
    ]
    days = sorted(r["date"] for r in apple["totalStreams"])
    assert marts.one(
        "select distinct window_start::varchar, window_end::varchar "
        "from music.fct_streams_window where source = 'toolost'"
    ) == (days[0], days[-1])
    assert marts.one(
        "select count(*) from music.fct_streams_window "
        "where source = 'toolost' and breakdown = 'track' and track_id not like 'Q%'"
    ) == (0,)


def test_campaign_spend_is_the_insights_spend_counted_once(marts: StagingBuild) -> None:
    insights = json.loads(INSIGHTS.read_text())
    spend = sum(Decimal(r["spend"]) for r in insights)
    assert marts.one("select sum(spend) from music.fct_campaign_return") == (spend,)
    campaigns = json.loads(CAMPAIGNS.read_text())
    assert marts.one(
        "select count(*), count(distinct campaign_id) from music.fct_campaign_return"
    ) == (len(campaigns), len({c["id"] for c in campaigns}))


def test_campaigns_are_matched_to_their_tracks_by_name(marts: StagingBuild) -> None:
    matched = dict(
        marts.query(
            "select campaign_name, track_id from music.fct_campaign_return "
            "where match_method = 'campaign_name'"
        )
    )
    assert matched["PIG1987 - TRANSFORMER ARCHITECTURE - STREAMING"] == "QZK6K2562910"
    assert matched["THE SOURCE - Streaming"] == "QZVEM2588623"
    # a title no platform lists stays unattributed, its spend still reported
    assert marts.query(
        "select distinct track_id, match_method from music.fct_campaign_return "
        "where campaign_name like 'PIG1987 - THE STATE OF THE WORLD - %'"
    ) == [("unattributed", "unmatched")]


def test_no_currency_no_usd_and_artist_level_streams_are_labelled(marts: StagingBuild) -> None:
    # the fixtures carry no ad account object: the currency is unknown, never assumed
    assert marts.one(
        "select count(*) filter (where currency is not null or spend_usd is not null) "
        "from music.fct_campaign_return"
    ) == (0,)
    # no daily streams for PIG1987 or ZONE A0 in the fixtures (Spotify's are Blue Frog's)
    assert marts.query("select distinct streams_scope from music.fct_campaign_return") == [
        ("none",)
    ]
