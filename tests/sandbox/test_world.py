"""The sandbox world: its shape, determinism, late corrections and deliberate mismatches."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest

from lake.errors import ValidationError
from lake.sandbox.catalogue import upc_with_check_digit
from lake.sandbox.world import PROVISIONAL_FACTOR, STORES, World, split

from .conftest import TODAY


def sample(world: World) -> list[tuple[str, date, int]]:
    days = world.days()[::37]
    return [(t.isrc, d, world.streams(t, d)) for t in world.tracks[::5] for d in days]


def test_shape_of_the_label(world: World) -> None:
    assert [a.name for a in world.artists] == ["Blue Frog", "Nova Reyes", "The Quiet Hours"]
    assert len(world.tracks) == 40
    isrcs = [t.isrc for t in world.tracks]
    assert len(set(isrcs)) == 40
    assert all(re.fullmatch(r"[A-Z]{2}[A-Z0-9]{3}\d{7}", i) for i in isrcs)
    assert all(upc_with_check_digit(t.upc[:11]) == t.upc for t in world.tracks)
    releases = sorted({t.release_date for t in world.tracks})
    assert (releases[-1] - releases[0]).days > 600  # released over two years
    assert all(d.weekday() == 4 for d in releases)  # on Fridays
    assert len(world.days()) >= 365
    assert world.days()[-1] == TODAY - timedelta(days=1) == world.last_day


def test_accounts_and_ids_look_like_the_real_ones(world: World) -> None:
    handles = [a.handle for a in world.tiktok_accounts]
    assert handles == ["bluefrog.music", "novareyes.sounds"]
    videos = world.tiktok_videos()
    assert len(videos) > 100 and all(re.fullmatch(r"\d{19}", v.id) for v in videos)
    assert all(v.create_time.date() < TODAY for v in videos)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{11}", v.id) for v in world.youtube_videos)
    assert world.youtube_channel.id.startswith("UC") and len(world.youtube_channel.id) == 24
    account = world.meta_account
    assert re.fullmatch(r"act_\d{15}", account.id)
    assert (account.currency, account.timezone_name) == ("EUR", "Europe/Berlin")
    campaigns = world.meta_campaigns
    assert len(campaigns) == 6
    for campaign in campaigns:
        assert re.fullmatch(r"\d{18}", campaign.id)
        artist, title, audience = campaign.name.split(" - ")
        assert artist == campaign.track.artist.name.upper()
        assert (title, audience) == (campaign.track.title.upper(), campaign.audience)
        adsets = world.meta_adsets(campaign)
        assert len(adsets) == 2 and all(len(world.meta_ads(s)) == 2 for s in adsets)
    assert [world.meta_campaign_status(c) for c in campaigns].count("ACTIVE") == 1
    assert [len(world.linktree_links(p.username)) for p in world.linktree_profiles] == [8, 8, 8]
    assert 22 <= len(world.mailchimp_campaigns) <= 25
    assert all(c.send_time.date() < TODAY for c in world.mailchimp_campaigns)


def test_same_seed_and_today_give_the_same_world(world: World) -> None:
    again = World(today=TODAY)
    assert sample(again) == sample(world)
    assert again.distrokid_earnings()[:200] == world.distrokid_earnings()[:200]
    assert again.mailchimp_reports() == world.mailchimp_reports()
    other = World(seed=7, today=TODAY)
    assert {t.isrc for t in other.tracks}.isdisjoint({t.isrc for t in world.tracks})


def test_moving_today_forward_keeps_final_days(world: World) -> None:
    later = World(today=TODAY + timedelta(days=30), origin=world.origin)
    advanced = world.advanced(30)
    final_days = [d for d in world.days()[::11] if not world.is_provisional(d)]
    for track in world.tracks[::4]:
        for day in final_days:
            value = world.streams(track, day)
            assert later.streams(track, day) == value == advanced.streams(track, day)
    handle = world.tiktok_accounts[0]
    day = world.last_day - timedelta(days=10)
    assert later.tiktok_account_day(handle, day) == world.tiktok_account_day(handle, day)
    ad = world.meta_ads()[0]
    start = ad.adset.campaign.start
    assert later.meta_ad_day(ad, start) == world.meta_ad_day(ad, start)


def test_the_last_two_days_are_provisional_then_final(world: World) -> None:
    track = max(world.tracks, key=lambda t: world.streams(t, world.last_day))
    later = world.advanced(5)
    for back in (1, 2):
        day = TODAY - timedelta(days=back)
        assert world.is_provisional(day) and not later.is_provisional(day)
        final = later.streams(track, day)
        assert final > 20
        assert world.streams(track, day) == int(final * PROVISIONAL_FACTOR) < final
    third = TODAY - timedelta(days=3)
    assert not world.is_provisional(third)
    assert world.streams(track, third) == later.streams(track, third)
    assert world.streams(track, TODAY) == 0  # no data for today yet


def test_advance_reveals_new_entities(world: World) -> None:
    later = world.advanced(62)
    assert len(later.mailchimp_campaigns) == len(world.mailchimp_campaigns) + 2
    assert len(later.tiktok_videos()) > len(world.tiktok_videos())
    assert later.days()[: len(world.days())] == world.days()
    with pytest.raises(ValidationError):
        world.advanced(-1)


def test_streams_split_by_country_sum_to_the_total(world: World) -> None:
    track, day = world.tracks[0], world.last_day - timedelta(days=20)
    for platform in ("spotify", "apple_music", "youtube"):
        parts = world.streams_by_country(track, day, platform)
        assert sum(parts.values()) == world.streams(track, day, platform) > 0
        assert world.streams(track, day, platform, country="US") == parts["US"]
    assert split(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}


def test_campaigns_lift_the_promoted_track(world: World) -> None:
    for campaign in world.meta_campaigns:
        track = campaign.track
        assert world.campaign_lift(track, campaign.start - timedelta(days=1)) == 0
        inside = world.campaign_lift(track, campaign.start + timedelta(days=3))
        assert inside >= 0.6
        after = campaign.stop + timedelta(days=10)
        assert 0 < world.campaign_lift(track, after) < inside / 5
        others = [t for t in world.tracks if t not in {c.track for c in world.meta_campaigns}]
        assert all(world.campaign_lift(t, campaign.start) == 0 for t in others)
    ad = world.meta_ads()[0]
    spend = [world.meta_ad_day(ad, d) for d in world.days()]
    running = [s for s in spend if s is not None]
    campaign = ad.adset.campaign
    assert len(running) == (campaign.stop - campaign.start).days + 1
    assert all(s.spend > 0 and s.impressions >= s.reach >= 0 for s in running)


def test_distrokid_earnings_look_like_the_export(world: World) -> None:
    rows = world.distrokid_earnings()
    assert 2_000 < len(rows) < 20_000  # demo-sized
    assert {r.store for r in rows} == {s.name for s in STORES} and len(STORES) == 16
    assert all(r.earnings_usd.as_tuple().exponent == -8 for r in rows)
    negative = [r for r in rows if r.earnings_usd < 0]
    # corrections as DistroKid writes them: a positive quantity, negative money
    assert negative and all(r.quantity > 0 for r in negative)
    newest = max(r.sale_month for r in rows)
    assert newest <= (TODAY.replace(day=1) - timedelta(days=40)).strftime("%Y-%m")  # ~2 months
    assert all(r.reporting_date <= world.last_day for r in rows)
    distributed = {t.isrc for t in world.tracks_distributed_by("distrokid")}
    assert {r.isrc for r in rows if r.isrc} <= distributed


def test_deliberate_mismatches(world: World) -> None:
    renamed = world.renamed_track
    assert world.title_on(renamed, "spotify") == f"{renamed.title} (Radio Edit)"
    assert world.title_on(renamed, "distrokid") == renamed.title
    totals = world.spotify_song_totals(renamed)
    assert totals.title.endswith("(Radio Edit)") and totals.streams > 0
    hyphened = world.hyphenated_isrc_track
    written = world.isrc_on(hyphened, "toolost")
    assert written != hyphened.isrc and written.replace("-", "") == hyphened.isrc
    stores_without_isrc = Counter(r.store for r in world.distrokid_earnings() if not r.isrc)
    assert set(stores_without_isrc) == {"Facebook"}


def test_daily_figures_for_the_other_platforms(world: World) -> None:
    day = world.last_day - timedelta(days=5)
    artist = world.artists[0]
    audience = world.spotify_artist_day(artist, day)
    assert audience.streams == sum(world.streams(t, day) for t in world.tracks_of(artist))
    assert 0 < audience.listeners < audience.streams and audience.followers > 4200
    tiktok = world.tiktok_account_day(world.tiktok_accounts[0], day)
    assert tiktok.views > 0 and tiktok.likes < tiktok.views
    profile = world.linktree_profiles[0]
    clicks = sum(world.linktree_link_clicks(link, day) for link in world.linktree_links("bluefrog"))
    assert clicks == world.linktree_profile_day(profile, day).clicks > 0
    toolost = world.toolost_day(day)
    assert toolost.spotify_streams > toolost.apple_streams > toolost.shazams >= 0
    video = world.youtube_videos[0]
    youtube = world.youtube_video_day(video, day)
    assert youtube.views > 0 and youtube.impressions > youtube.views
    report = world.mailchimp_reports()[0]
    assert 0 < report.unique_opens <= report.opens_total and 0 < report.open_rate < 1


def test_world_refuses_too_short_a_history() -> None:
    with pytest.raises(ValidationError, match="365"):
        World(today=TODAY, origin=TODAY - timedelta(days=100))
