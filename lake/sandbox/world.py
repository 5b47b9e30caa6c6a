"""The sandbox's seeded, deterministic world: a small label on eight platforms.

`World(seed, today)` holds the entities (`lake/sandbox/catalogue.py`: 3 artists, 40 tracks on
18 releases over two years, 2 TikTok accounts, a YouTube channel, a Meta ad account with six
campaigns, a Linktree profile per artist, a Mailchimp audience with a campaign a month) and
computes every daily figure on demand as a pure function of (seed, entity, day):

- history runs from `origin` (default `today - 730 days`) to `last_day` (`today - 1`);
- a day's *final* value never changes when `today` moves forward (`advanced(days)`);
- **late corrections**: the last `PROVISIONAL_DAYS` (2) days before `today` are provisional,
  reported at `PROVISIONAL_FACTOR` (90 %) of their final value; once `today` has moved past
  them they report the final value, so an incremental extract with an overlap window re-fetches
  something that really changed;
- days on or after `today` have no data (0).

Ad campaigns lift the promoted track's streams (and its artist's Linktree traffic) while they
run and for two weeks after, so a campaign-return mart has an effect to find.

Deliberate real-world mismatches (`MISMATCHES`, also in the README):
- one Blue Frog single is titled "<title> (Radio Edit)" on Spotify only (`title_on`);
- DistroKid's "Facebook" store reports rows without an ISRC (empty `isrc`);
- one The Quiet Hours track's ISRC is written with hyphens by TooLost (`isrc_on`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from lake.errors import ValidationError
from lake.sandbox import catalogue, rng
from lake.sandbox.catalogue import HISTORY_DAYS, LABEL, MAILCHIMP_ACCOUNT
from lake.sandbox.entities import (
    PLATFORMS,
    Artist,
    EarningsRow,
    LinktreeDay,
    LinktreeLink,
    LinktreeProfile,
    MailchimpCampaign,
    MailchimpList,
    MailchimpReport,
    MetaAd,
    MetaAdAccount,
    MetaAdDay,
    MetaAdSet,
    MetaCampaign,
    Release,
    SpotifyAudienceDay,
    SpotifySongTotals,
    TikTokAccount,
    TikTokDay,
    TikTokVideo,
    TikTokVideoStats,
    TooLostDay,
    Track,
    YouTubeChannel,
    YouTubeVideo,
    YouTubeVideoDay,
)

if TYPE_CHECKING:
    from lake.sandbox.shop.world import ShopWorld

__all__ = ["DEFAULT_SEED", "LABEL", "PLATFORMS", "STORES", "World", "today_from_env"]

DEFAULT_SEED = 20240601
PROVISIONAL_DAYS = 2
PROVISIONAL_FACTOR = 0.9
TODAY_ENV = "LAKE_SANDBOX_TODAY"

# where listeners are, before a per-track tilt (sums to 1)
COUNTRIES: dict[str, float] = {
    "US": 0.30, "DE": 0.14, "GB": 0.11, "FR": 0.07, "BR": 0.06, "MX": 0.05, "NL": 0.04,
    "SE": 0.04, "JP": 0.04, "CA": 0.04, "AU": 0.03, "IT": 0.03, "ES": 0.03, "PL": 0.02,
}  # fmt: skip
# streams on a service, relative to Spotify's
STREAM_SHARE: dict[str, float] = {
    "spotify": 1.0,
    "apple_music": 0.22,
    "youtube": 0.12,
    "amazon_music": 0.06,
    "deezer": 0.03,
    "tidal": 0.01,
}
_WEEKDAY = (0.94, 0.93, 0.95, 0.98, 1.08, 1.10, 1.02)  # Monday..Sunday


@dataclass(frozen=True)
class Store:
    """A DistroKid store: units relative to Spotify streams, USD per unit, countries reported."""

    name: str
    share: float
    rate: float
    countries: int
    presence: float  # chance that a (track, month) appears at all
    only: tuple[str, ...] = ()  # the store reports these countries only


STORES: tuple[Store, ...] = (
    Store("Spotify", 1.0, 0.0032, 6, 1.0),
    Store("Apple Music", 0.22, 0.0068, 4, 1.0),
    Store("YouTube (Red)", 0.05, 0.0045, 3, 1.0),
    Store("YouTube (Ads)", 0.10, 0.0008, 3, 1.0),
    Store("YouTube (Audio)", 0.02, 0.0009, 1, 0.5),
    Store("Amazon Unlimited (Streaming)", 0.04, 0.0040, 2, 0.7),
    Store("Amazon Prime (Streaming)", 0.02, 0.0025, 1, 0.5),
    Store("Deezer", 0.03, 0.0030, 2, 0.6),
    Store("Tidal", 0.01, 0.0090, 1, 0.4),
    Store("TikTok", 0.06, 0.0003, 2, 0.8),
    Store("Facebook", 0.03, 0.0002, 2, 0.6),
    Store("Pandora", 0.02, 0.0035, 1, 0.4, ("US",)),
    Store("iTunes Songs", 0.0008, 0.69, 1, 0.3),
    Store("iTunes Match", 0.001, 0.0040, 1, 0.2),
    Store("NetEase", 0.005, 0.0010, 1, 0.3, ("CN",)),
    Store("Anghami", 0.004, 0.0010, 1, 0.2, ("AE", "SA")),
)
STORE_WITHOUT_ISRC = "Facebook"

MISMATCHES: dict[str, str] = {
    "renamed_track": "Spotify shows Blue Frog's second single as '<title> (Radio Edit)'",
    "store_without_isrc": f"DistroKid's {STORE_WITHOUT_ISRC!r} store reports rows with no ISRC",
    "isrc_with_hyphens": "TooLost writes one The Quiet Hours track's ISRC as 'CC-XXX-YY-NNNNN'",
}


def today_from_env(environ: dict[str, str] | None = None) -> date | None:
    """`LAKE_SANDBOX_TODAY=YYYY-MM-DD` pins the world's today (None when unset)."""
    value = (environ if environ is not None else os.environ).get(TODAY_ENV, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(
            f"{TODAY_ENV}={value!r} is not a date", "set it as YYYY-MM-DD or unset it"
        ) from exc


@dataclass
class _Shared:
    """What every `advanced()` copy of a world shares: entities and memoised final values."""

    seed: int
    origin: date
    entities: catalogue.Catalogue
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def cached(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        try:
            return self.memo[key]
        except KeyError:
            value = self.memo[key] = compute()
            return value


class World:
    """A deterministic label world; see the module docstring. Immutable: `advanced()` returns
    a new world with a later `today` that shares this one's entities and caches."""

    def __init__(
        self, seed: int = DEFAULT_SEED, today: date | None = None, origin: date | None = None
    ) -> None:
        today = today or today_from_env() or datetime.now(UTC).date()
        origin = origin or today - timedelta(days=HISTORY_DAYS)
        if origin >= today - timedelta(days=365):
            raise ValidationError(
                f"the sandbox world needs 365+ days of history: origin {origin} is too close "
                f"to today {today}",
                "leave origin unset (today - 730 days) or pick one at least a year back",
            )
        self._shared = _Shared(seed, origin, catalogue.build(seed, origin))
        self._today = today

    # --- time ------------------------------------------------------------------------------

    @property
    def seed(self) -> int:
        return self._shared.seed

    @property
    def today(self) -> date:
        return self._today

    @property
    def origin(self) -> date:
        """The first day with data."""
        return self._shared.origin

    @property
    def last_day(self) -> date:
        """The last day with data: `today - 1`."""
        return self._today - timedelta(days=1)

    @cached_property
    def shop(self) -> ShopWorld:
        """The shop's application database (`lake/sandbox/shop/`), same seed, today, origin."""
        from lake.sandbox.shop.world import ShopWorld

        return ShopWorld(self.seed, self._today, self.origin)

    def advanced(self, days: int) -> World:
        """The same world `days` later (final past values unchanged; see late corrections)."""
        if days < 0:
            raise ValidationError(f"cannot move the world back ({days} days)", "pass days >= 0")
        copy = object.__new__(World)
        copy._shared = self._shared
        copy._today = self._today + timedelta(days=days)
        return copy

    def days(self, start: date | None = None, end: date | None = None) -> list[date]:
        """Every day from `start` (default origin) to `end` (default last_day), inclusive,
        clipped to the history."""
        first = max(start or self.origin, self.origin)
        last = min(end or self.last_day, self.last_day)
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def months(self, start: date | None = None, end: date | None = None) -> list[date]:
        """First days of the months touched by `days(start, end)`."""
        return sorted({d.replace(day=1) for d in self.days(start, end)})

    def is_provisional(self, day: date) -> bool:
        """True for the last PROVISIONAL_DAYS days before today (values still move)."""
        return 0 < (self._today - day).days <= PROVISIONAL_DAYS

    def _has_data(self, day: date) -> bool:
        return self.origin <= day < self._today

    def _report(self, final: int, day: date) -> int:
        """What a platform reports today for a day whose final value is `final`."""
        if not self._has_data(day):
            return 0
        return int(final * PROVISIONAL_FACTOR) if self.is_provisional(day) else final

    def _report_money(self, final: Decimal, day: date, places: str = "0.01") -> Decimal:
        if not self._has_data(day):
            return Decimal(places) * 0
        factor = Decimal(str(PROVISIONAL_FACTOR)) if self.is_provisional(day) else Decimal(1)
        return (final * factor).quantize(Decimal(places), ROUND_HALF_UP)

    # --- entities --------------------------------------------------------------------------

    @property
    def artists(self) -> tuple[Artist, ...]:
        return self._shared.entities.artists

    @property
    def releases(self) -> tuple[Release, ...]:
        return self._shared.entities.releases

    @property
    def tracks(self) -> tuple[Track, ...]:
        return self._shared.entities.tracks

    def artist(self, key: str) -> Artist:
        """An artist by slug or name (case-insensitive)."""
        for artist in self.artists:
            if key.lower() in (artist.id, artist.name.lower()):
                return artist
        raise ValidationError(f"no artist {key!r} in the sandbox world", _names(self.artists))

    def track(self, isrc: str) -> Track:
        for track in self.tracks:
            if track.isrc == isrc:
                return track
        raise ValidationError(f"no track with ISRC {isrc!r}", "list them with World().tracks")

    def tracks_of(self, artist: Artist) -> tuple[Track, ...]:
        return tuple(t for t in self.tracks if t.artist == artist)

    def tracks_distributed_by(self, distributor: str) -> tuple[Track, ...]:
        """'distrokid' (Blue Frog, Nova Reyes) or 'toolost' (The Quiet Hours)."""
        return tuple(t for t in self.tracks if t.artist.distributor == distributor)

    @property
    def tiktok_accounts(self) -> tuple[TikTokAccount, ...]:
        return self._shared.entities.tiktok_accounts

    def tiktok_account(self, handle: str) -> TikTokAccount:
        for account in self.tiktok_accounts:
            if account.handle == handle:
                return account
        raise ValidationError(f"no TikTok account {handle!r}", "use bluefrog.music")

    def tiktok_videos(self, handle: str | None = None) -> tuple[TikTokVideo, ...]:
        """Videos posted before today (all accounts, or one)."""
        return tuple(
            v
            for v in self._shared.entities.tiktok_videos
            if v.create_time.date() < self._today and handle in (None, v.handle)
        )

    @property
    def youtube_channel(self) -> YouTubeChannel:
        return self._shared.entities.youtube_channel

    @property
    def youtube_videos(self) -> tuple[YouTubeVideo, ...]:
        return tuple(
            v for v in self._shared.entities.youtube_videos if v.published_at.date() < self._today
        )

    @property
    def meta_account(self) -> MetaAdAccount:
        return self._shared.entities.meta_account

    @property
    def meta_campaigns(self) -> tuple[MetaCampaign, ...]:
        return tuple(c for c in self._shared.entities.meta_campaigns if c.start < self._today)

    def meta_adsets(self, campaign: MetaCampaign | None = None) -> tuple[MetaAdSet, ...]:
        live = set(self.meta_campaigns)
        return tuple(
            s
            for s in self._shared.entities.meta_adsets
            if s.campaign in live and campaign in (None, s.campaign)
        )

    def meta_ads(self, adset: MetaAdSet | None = None) -> tuple[MetaAd, ...]:
        live = set(self.meta_adsets())
        return tuple(
            a
            for a in self._shared.entities.meta_ads
            if a.adset in live and adset in (None, a.adset)
        )

    def meta_campaign_status(self, campaign: MetaCampaign) -> str:
        """'ACTIVE' while the campaign still spends on `today`, else 'PAUSED'."""
        return "ACTIVE" if campaign.start <= self._today <= campaign.stop else "PAUSED"

    @property
    def linktree_profiles(self) -> tuple[LinktreeProfile, ...]:
        return self._shared.entities.linktree_profiles

    def linktree_links(self, username: str | None = None) -> tuple[LinktreeLink, ...]:
        return tuple(
            link
            for link in self._shared.entities.linktree_links
            if username in (None, link.username)
        )

    @property
    def mailchimp_account(self) -> str:
        """The label's Mailchimp account (login name): the one account of that source."""
        return MAILCHIMP_ACCOUNT

    @property
    def mailchimp_list(self) -> MailchimpList:
        return self._shared.entities.mailchimp_list

    @property
    def mailchimp_campaigns(self) -> tuple[MailchimpCampaign, ...]:
        """Campaigns sent before today, oldest first."""
        return tuple(
            c for c in self._shared.entities.mailchimp_campaigns if c.send_time.date() < self._today
        )

    # --- deliberate mismatches -------------------------------------------------------------

    @property
    def renamed_track(self) -> Track:
        """Blue Frog's second single: '<title> (Radio Edit)' on Spotify."""
        singles = [
            t for t in self.tracks if t.artist.id == "blue-frog" and t.release_kind == "single"
        ]
        return singles[1]

    @property
    def hyphenated_isrc_track(self) -> Track:
        """The Quiet Hours' second track: TooLost writes its ISRC with hyphens."""
        return self.tracks_of(self.artist("the-quiet-hours"))[1]

    def title_on(self, track: Track, platform: str) -> str:
        """The track's title as `platform` shows it."""
        if platform == "spotify" and track == self.renamed_track:
            return f"{track.title} (Radio Edit)"
        return track.title

    def isrc_on(self, track: Track, platform: str) -> str:
        """The track's ISRC as `platform` writes it."""
        if platform == "toolost" and track == self.hyphenated_isrc_track:
            i = track.isrc
            return f"{i[:2]}-{i[2:5]}-{i[5:7]}-{i[7:]}"
        return track.isrc

    # --- streams ---------------------------------------------------------------------------

    def campaign_lift(self, track: Track, day: date) -> float:
        """Extra share of streams a running (or just ended) ad campaign adds: 0 = none."""
        lift = 0.0
        for campaign in self._shared.entities.meta_campaigns:
            if campaign.track != track or day < campaign.start:
                continue
            strength = rng.between(rng.unit(self.seed, "lift", campaign.id), 0.6, 1.2)
            after = (day - campaign.stop).days
            lift += strength if after <= 0 else strength * math.exp(-after / 5)
        return lift

    def _spotify_final(self, track: Track, day: date) -> int:
        age = (day - track.release_date).days
        if age < 0 or day < self.origin:
            return 0
        decay = 0.22 + 0.78 * math.exp(-age / 40)
        noise = rng.between(rng.unit(self.seed, "spotify", track.isrc, day), 0.8, 1.2)
        value = track.popularity * decay * _WEEKDAY[day.weekday()] * noise
        return round(value * (1 + self.campaign_lift(track, day)))

    def _streams_final(self, track: Track, day: date, platform: str) -> int:
        spotify = self._shared.cached(
            ("sp", track.isrc, day), lambda: self._spotify_final(track, day)
        )
        if platform == "spotify":
            return spotify
        if platform not in STREAM_SHARE:
            raise ValidationError(f"no stream figures for {platform!r}", _names(STREAM_SHARE))
        noise = rng.between(rng.unit(self.seed, "streams", platform, track.isrc, day), 0.85, 1.15)
        return round(spotify * STREAM_SHARE[platform] * noise)

    def streams(
        self, track: Track, day: date, platform: str = "spotify", country: str | None = None
    ) -> int:
        """Streams of `track` on `day` on a service (`STREAM_SHARE` keys), one country or all."""
        if country is not None:
            return self.streams_by_country(track, day, platform).get(country, 0)
        return self._report(self._streams_final(track, day, platform), day)

    def streams_by_country(
        self, track: Track, day: date, platform: str = "spotify"
    ) -> dict[str, int]:
        """The day's streams split over `COUNTRIES` (sums exactly to `streams(...)`)."""
        return split(self.streams(track, day, platform), self.country_weights(track))

    def country_weights(self, track: Track) -> dict[str, float]:
        """`COUNTRIES` tilted per track (normalised)."""

        def compute() -> dict[str, float]:
            raw = {
                c: w * rng.between(rng.unit(self.seed, "tilt", track.isrc, c), 0.6, 1.4)
                for c, w in COUNTRIES.items()
            }
            total = sum(raw.values())
            return {c: w / total for c, w in raw.items()}

        return self._shared.cached(("tilt", track.isrc), compute)

    def monthly_streams(self, track: Track, month: date, platform: str = "spotify") -> int:
        """Final streams of `track` in the month starting `month` (days before today only)."""
        first = month.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return sum(self.streams(track, d, platform) for d in self.days(first, nxt - timedelta(1)))

    # --- Spotify for Artists ------------------------------------------------------------

    def _followers_final(self, artist: Artist, day: date) -> int:
        def series() -> list[int]:
            out, total = [], artist.followers_start
            tracks = self.tracks_of(artist)
            for i in range(catalogue.HORIZON_DAYS):
                d = self.origin + timedelta(days=i)
                streams = sum(self._streams_final(t, d, "spotify") for t in tracks)
                gain = streams * rng.between(rng.unit(self.seed, "fol", artist.id, d), 0.002, 0.006)
                total += round(gain)
                out.append(total)
            return out

        values = self._shared.cached(("followers", artist.id), series)
        return values[min((day - self.origin).days, len(values) - 1)]

    def spotify_artist_day(self, artist: Artist, day: date) -> SpotifyAudienceDay:
        """One row of Spotify's audience timeline (date, listeners, streams, followers)."""
        streams = sum(self.streams(t, day) for t in self.tracks_of(artist))
        ratio = rng.between(rng.unit(self.seed, "listeners", artist.id, day), 1.6, 2.4)
        followers = self._followers_final(artist, day) if self._has_data(day) else 0
        return SpotifyAudienceDay(day, round(streams / ratio), streams, followers)

    def spotify_song_totals(
        self, track: Track, start: date | None = None, end: date | None = None
    ) -> SpotifySongTotals:
        """A row of Spotify's songs download over a window (default: all time)."""
        streams = sum(self.streams(track, d) for d in self.days(start, end))
        u = rng.units(self.seed, "song", track.isrc)
        return SpotifySongTotals(
            track,
            self.title_on(track, "spotify"),
            listeners=round(streams / rng.between(u[0], 1.8, 2.8)),
            streams=streams,
            saves=round(streams * rng.between(u[1], 0.02, 0.05)),
        )

    # --- DistroKid ---------------------------------------------------------------------

    def distrokid_earnings(self, until: date | None = None) -> list[EarningsRow]:
        """Bank-details rows reported on or before `until` (default last_day), sorted by
        reporting date, sale month, store, title, country. Each store reports a sale month
        on a fixed day of the second month after it (a ~2-month lag); ~2 % of rows get a
        negative correction reported a month later."""
        until = min(until or self.last_day, self.last_day)
        return list(self._shared.cached(("earnings", until), lambda: self._earnings_rows(until)))

    def _earnings_rows(self, until: date) -> tuple[EarningsRow, ...]:
        rows: list[EarningsRow] = []
        for month in self.months():
            for store in STORES:
                reported = _add_months(month, 2).replace(day=_report_day(self.seed, store))
                if reported > until:
                    continue
                for track in self.tracks_distributed_by("distrokid"):
                    rows += self._store_rows(track, month, store, reported, until)
        rows.sort(key=lambda r: (r.reporting_date, r.sale_month, r.store, r.title, r.country))
        return tuple(rows)

    def _monthly_final(self, track: Track, month: date) -> int:
        """Final Spotify streams of a whole month (only asked for months already reported)."""

        def compute() -> int:
            first = month.replace(day=1)
            days = ((first + timedelta(days=32)).replace(day=1) - first).days
            return sum(
                self._streams_final(track, first + timedelta(days=i), "spotify")
                for i in range(days)
            )

        return self._shared.cached(("month", track.isrc, month), compute)

    def _top_countries(self, track: Track, count: int) -> tuple[str, ...]:
        weights = self.country_weights(track)
        return tuple(sorted(weights, key=lambda c: (-weights[c], c))[:count])

    def _store_rows(
        self, track: Track, month: date, store: Store, reported: date, until: date
    ) -> list[EarningsRow]:
        if rng.unit(self.seed, "presence", store.name, track.isrc, month) >= store.presence:
            return []
        units = self._monthly_final(track, month) * store.share
        countries = store.only or self._top_countries(track, store.countries)
        weights = self.country_weights(track)
        total_w = sum(weights.get(c, 0.0) for c in countries) or 1.0
        rows = []
        for country in countries:
            u = rng.units(self.seed, "earn", store.name, track.isrc, month, country)
            share = weights.get(country, 0.0) / total_w if not store.only else 1 / len(countries)
            quantity = round(units * share * rng.between(u[0], 0.85, 1.15))
            if quantity <= 0:
                continue
            money = Decimal(quantity * store.rate * rng.between(u[1], 0.9, 1.1))
            rows.append(self._earnings(track, month, store, reported, country, quantity, money))
            fix_day = _add_months(reported, 1)
            if u[2] < 0.02 and fix_day <= until:
                # like DistroKid's real correction rows: the units reversed are counted as
                # a positive quantity; only the money is negative
                back = max(1, quantity // 10)
                fix = Decimal(-back * store.rate)
                rows.append(self._earnings(track, month, store, fix_day, country, back, fix))
        return rows

    def _earnings(
        self,
        track: Track,
        month: date,
        store: Store,
        reported: date,
        country: str,
        quantity: int,
        money: Decimal,
    ) -> EarningsRow:
        return EarningsRow(
            reporting_date=reported,
            sale_month=month.strftime("%Y-%m"),
            store=store.name,
            artist=track.artist.name.upper(),
            title=track.title.upper(),
            isrc="" if store.name == STORE_WITHOUT_ISRC else track.isrc,
            upc=track.upc,
            quantity=quantity,
            team_percentage=100,
            song_or_album="Song",
            country=country,
            songwriter_royalties_withheld=Decimal(0),
            earnings_usd=money.quantize(Decimal("0.00000001"), ROUND_HALF_UP),
        )

    # --- TooLost -------------------------------------------------------------------------

    def toolost_day(self, day: date) -> TooLostDay:
        """TooLost's daily totals over its catalogue (The Quiet Hours)."""
        tracks = self.tracks_distributed_by("toolost")
        apple = sum(self.streams(t, day, "apple_music") for t in tracks)
        shazam = rng.between(rng.unit(self.seed, "shazam", day), 0.01, 0.04)
        return TooLostDay(
            day,
            spotify_streams=sum(self.streams(t, day) for t in tracks),
            apple_streams=apple,
            shazams=self._report(round(apple * shazam), day) if apple else 0,
        )

    def toolost_discovery(self, month: date) -> tuple[int, Decimal]:
        """Spotify Discovery Mode for a month: (streams it drove, fees in USD, 8 decimals)."""
        tracks = self.tracks_distributed_by("toolost")
        total = sum(self.monthly_streams(t, month) for t in tracks)
        streams = round(total * rng.between(rng.unit(self.seed, "disc", month), 0.25, 0.4))
        fees = Decimal(streams) * Decimal("0.00081733")
        return streams, fees.quantize(Decimal("0.00000001"), ROUND_HALF_UP)

    # --- TikTok ----------------------------------------------------------------------------

    def _video_final(self, video: TikTokVideo, day: date) -> tuple[int, int, int, int]:
        age = (day - video.create_time.date()).days
        if age < 0 or age > 120:
            return (0, 0, 0, 0)
        u = rng.units(self.seed, "ttv", video.id, day)
        views = round(
            video.reach
            * (math.exp(-age / 3) + 0.015 * math.exp(-age / 60))
            * rng.between(u[0], 0.7, 1.3)
        )
        return (
            views,
            round(views * rng.between(u[1], 0.05, 0.12)),
            round(views * rng.between(u[2], 0.002, 0.006)),
            round(views * rng.between(u[3], 0.003, 0.012)),
        )

    def tiktok_video_day(self, video: TikTokVideo, day: date) -> TikTokVideoStats:
        """One video's views, likes, comments, shares on `day`."""
        final = self._shared.cached(("ttv", video.id, day), lambda: self._video_final(video, day))
        return TikTokVideoStats(*(self._report(v, day) for v in final))

    def tiktok_video_totals(self, video: TikTokVideo) -> TikTokVideoStats:
        """Lifetime stats as shown today (sum of its days up to last_day)."""
        days = [self.tiktok_video_day(video, d) for d in self.days(video.create_time.date())]
        return TikTokVideoStats(
            views=sum(d.views for d in days),
            likes=sum(d.likes for d in days),
            comments=sum(d.comments for d in days),
            shares=sum(d.shares for d in days),
        )

    def tiktok_account_day(self, account: TikTokAccount, day: date) -> TikTokDay:
        """A row of TikTok Studio's Overview export: the account's videos' day, plus profile
        views."""
        live = [
            v
            for v in self._shared.entities.tiktok_videos
            if v.handle == account.handle and 0 <= (day - v.create_time.date()).days <= 120
        ]
        stats = [self.tiktok_video_day(v, day) for v in live]
        views = sum(s.views for s in stats)
        ratio = rng.between(rng.unit(self.seed, "ttprofile", account.handle, day), 0.015, 0.04)
        return TikTokDay(
            day,
            views=views,
            profile_views=round(views * ratio),
            likes=sum(s.likes for s in stats),
            comments=sum(s.comments for s in stats),
            shares=sum(s.shares for s in stats),
        )

    # --- Linktree --------------------------------------------------------------------------

    def _profile_final(self, profile: LinktreeProfile, day: date) -> tuple[int, int, int]:
        scale = {"bluefrog": 260, "novareyes": 140}.get(profile.username, 70)
        lift = max(
            (self.campaign_lift(t, day) for t in self.tracks_of(profile.artist)), default=0.0
        )
        u = rng.units(self.seed, "lt", profile.username, day)
        views = round(scale * _WEEKDAY[day.weekday()] * rng.between(u[0], 0.75, 1.25) * (1 + lift))
        return (
            views,
            round(views * rng.between(u[1], 0.7, 0.85)),
            round(views * rng.between(u[2], 0.35, 0.6)),
        )

    def linktree_profile_day(self, profile: LinktreeProfile, day: date) -> LinktreeDay:
        """Views, unique views and link clicks of a profile on `day`."""
        if not self._has_data(day):
            return LinktreeDay(day, 0, 0, 0)
        final = self._shared.cached(
            ("lt", profile.username, day), lambda: self._profile_final(profile, day)
        )
        return LinktreeDay(day, *(self._report(v, day) for v in final))

    def linktree_link_clicks(self, link: LinktreeLink, day: date) -> int:
        """Clicks on one link on `day` (the profile's clicks split over its links)."""
        profile = next(p for p in self.linktree_profiles if p.username == link.username)
        links = self.linktree_links(link.username)
        weights = {
            x.id: x.weight * rng.between(rng.unit(self.seed, "ltw", x.id, day), 0.7, 1.3)
            for x in links
        }
        return split(self.linktree_profile_day(profile, day).clicks, weights)[link.id]

    # --- Meta Ads --------------------------------------------------------------------------

    def meta_ad_day(self, ad: MetaAd, day: date) -> MetaAdDay | None:
        """The ad's insights on `day` (account time zone), None when it did not run."""
        campaign = ad.adset.campaign
        if not (campaign.start <= day <= campaign.stop) or not self._has_data(day):
            return None
        u = rng.units(self.seed, "meta", ad.id, day)
        spend = Decimal(ad.adset.daily_budget_cents / 200 * rng.between(u[0], 0.75, 1.02))
        spend = self._report_money(spend, day)
        impressions = round(float(spend) / rng.between(u[1], 3.5, 8.0) * 1000)
        return MetaAdDay(
            day,
            spend=spend,
            impressions=impressions,
            clicks=round(impressions * rng.between(u[2], 0.006, 0.018)),
            reach=round(impressions * rng.between(u[3], 0.82, 0.95)),
        )

    # --- YouTube ---------------------------------------------------------------------------

    def youtube_video_day(self, video: YouTubeVideo, day: date) -> YouTubeVideoDay:
        """One video's Studio figures on `day`."""
        age = (day - video.published_at.date()).days
        zero = YouTubeVideoDay(day, 0, Decimal("0.0000"), 0, 0, Decimal("0.00"))
        if age < 0 or not self._has_data(day):
            return zero
        u = rng.units(self.seed, "yt", video.id, day)
        lift = 1 + (self.campaign_lift(video.track, day) if video.track else 0.0)
        final = round(
            video.reach * (0.2 + 0.8 * math.exp(-age / 30)) * rng.between(u[0], 0.7, 1.3) * lift
        )
        views = self._report(final, day)
        ctr = Decimal(str(round(rng.between(u[1], 2.5, 9.0), 2)))
        hours = Decimal(views * video.duration_s * rng.between(u[2], 0.35, 0.6) / 3600)
        return YouTubeVideoDay(
            day,
            views=views,
            watch_time_hours=hours.quantize(Decimal("0.0001"), ROUND_HALF_UP),
            subscribers=round(views * rng.between(u[3], 0.002, 0.006)),
            impressions=round(views * 100 / float(ctr)) if views else 0,
            impressions_ctr=ctr,
        )

    # --- Mailchimp -------------------------------------------------------------------------

    def mailchimp_report(self, campaign: MailchimpCampaign) -> MailchimpReport:
        """The campaign's report as seen at the start of today (UTC): opens and clicks keep
        arriving for about two weeks after the send."""
        seed, cid = self.seed, campaign.id
        u = rng.units(seed, "mc", cid)
        v = rng.units(seed, "mc2", cid)
        months = (campaign.send_time.date() - self.origin).days / 30.4
        members = campaign.list.subscribers_start + round(months * 38)
        sent = members - round(members * rng.between(u[0], 0.0, 0.01))
        hard, soft = round(sent * rng.between(u[1], 0.001, 0.004)), round(sent * 0.006)
        delivered = sent - hard - soft
        elapsed = (datetime.combine(self._today, time(), UTC) - campaign.send_time).total_seconds()
        arrived = 1.0 if elapsed >= 14 * 86400 else 1 - math.exp(-elapsed / 86400 / 1.2)
        unique_opens = round(delivered * rng.between(u[2], 0.32, 0.52) * arrived)
        unique_clicks = round(unique_opens * rng.between(u[3], 0.12, 0.28))
        last = min(
            campaign.send_time + timedelta(days=13),
            campaign.send_time + timedelta(seconds=elapsed) - timedelta(minutes=7),
        )
        return MailchimpReport(
            campaign=campaign,
            emails_sent=sent,
            abuse_reports=1 if v[0] < 0.2 else 0,
            unsubscribed=round(sent * rng.between(v[1], 0.002, 0.008) * arrived),
            hard_bounces=hard,
            soft_bounces=soft,
            syntax_errors=0,
            forwards_count=round(unique_opens * 0.004),
            forwards_opens=round(unique_opens * 0.002),
            opens_total=round(unique_opens * rng.between(v[2], 1.3, 1.7)),
            unique_opens=unique_opens,
            open_rate=unique_opens / delivered,
            last_open=last if unique_opens else None,
            clicks_total=round(unique_clicks * rng.between(v[3], 1.1, 1.5)),
            unique_clicks=unique_clicks,
            unique_subscriber_clicks=round(unique_clicks * 0.95),
            click_rate=round(unique_clicks * 0.95) / delivered,
            last_click=last - timedelta(hours=3) if unique_clicks else None,
            list_member_count=members,
        )

    def mailchimp_reports(self) -> list[MailchimpReport]:
        """Reports of every campaign sent before today, in send order (oldest first)."""
        return [self.mailchimp_report(c) for c in self.mailchimp_campaigns]


# --- helpers -----------------------------------------------------------------------------------


def split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split an integer over weighted keys so the parts sum exactly to `total` (largest
    remainder; ties broken by key)."""
    if total <= 0 or not weights:
        return dict.fromkeys(weights, 0)
    norm = sum(weights.values())
    exact = {k: total * w / norm for k, w in weights.items()}
    parts = {k: math.floor(x) for k, x in exact.items()}
    rest = total - sum(parts.values())
    for key in sorted(exact, key=lambda k: (parts[k] - exact[k], k))[:rest]:
        parts[key] += 1
    return parts


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, min(day.day, 28))


def _report_day(seed: int, store: Store) -> int:
    return 3 + int(rng.unit(seed, "report-day", store.name) * 25)


def _names(options: Any) -> str:
    keys: Iterator[str] = (getattr(o, "id", o) for o in options)
    return "one of: " + ", ".join(sorted(keys))
