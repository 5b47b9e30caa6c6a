"""The sandbox world's entities and the daily figures it computes, as frozen dataclasses.

Entities (artists, tracks, accounts, campaigns...) are built once per world from the seed;
daily figures are computed on demand by `World` (see `lake/sandbox/world.py`). Ids have the
shape of the real platform's ids (ISRC, UPC, 19-digit TikTok ids, 11-character YouTube ids,
18-digit Meta ids, `act_<digits>` ad accounts, 10-hex Mailchimp ids) so extractors and
contracts meet what they will meet in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

PLATFORMS: tuple[str, ...] = (
    "distrokid",
    "toolost",
    "spotify",
    "tiktok",
    "linktree",
    "meta_ads",
    "youtube",
    "mailchimp",
    "payments",
    "shipping",
    "competitor_a",
    "competitor_b",
)


# --- catalogue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Artist:
    id: str  # slug, e.g. "blue-frog"
    name: str  # "Blue Frog"
    distributor: str  # "distrokid" or "toolost": who delivers this artist's releases
    spotify_id: str  # 22 base-62 characters
    followers_start: int  # Spotify followers on the world's first day


@dataclass(frozen=True)
class Release:
    upc: str  # 12 digits with a valid check digit
    title: str
    artist: Artist
    release_date: date  # always a Friday
    kind: str  # "single", "ep", "album"
    isrcs: tuple[str, ...]


@dataclass(frozen=True)
class Track:
    isrc: str  # CC-XXX-YY-NNNNN without hyphens, e.g. "QZK6L2400012"
    upc: str  # the release's UPC
    title: str
    artist: Artist
    release_date: date
    release_title: str
    release_kind: str
    track_number: int
    duration_s: int
    popularity: float  # daily Spotify streams at release, before decay and noise
    spotify_id: str


# --- platform accounts ------------------------------------------------------------------------


@dataclass(frozen=True)
class TikTokAccount:
    handle: str  # with a dot, e.g. "bluefrog.music"
    artist: Artist
    user_id: str  # 19 digits
    followers_start: int


@dataclass(frozen=True)
class TikTokVideo:
    id: str  # 19 digits
    handle: str
    create_time: datetime  # UTC
    description: str
    track: Track | None
    duration_s: int
    reach: float  # views on its first day, before noise


@dataclass(frozen=True)
class YouTubeChannel:
    id: str  # "UC" + 22 characters
    title: str
    subscribers_start: int


@dataclass(frozen=True)
class YouTubeVideo:
    id: str  # 11 characters of [A-Za-z0-9_-]
    title: str
    published_at: datetime  # UTC
    track: Track | None
    duration_s: int
    reach: float  # views on its first day, before noise


@dataclass(frozen=True)
class MetaAdAccount:
    id: str  # "act_" + 15 digits
    name: str
    currency: str  # "EUR": never assume USD
    timezone_name: str  # "Europe/Berlin"


@dataclass(frozen=True)
class MetaCampaign:
    id: str  # 18 digits
    name: str  # "ARTIST - TRACK TITLE - AUDIENCE", as the label names them
    track: Track  # the release it promotes
    audience: str
    objective: str
    start: date  # first day with spend (ad account time zone)
    stop: date  # last day with spend
    created_time: datetime  # aware, ad account time zone


@dataclass(frozen=True)
class MetaAdSet:
    id: str
    name: str
    campaign: MetaCampaign
    daily_budget_cents: int
    countries: tuple[str, ...]
    age_min: int
    age_max: int
    publisher_platforms: tuple[str, ...]


@dataclass(frozen=True)
class MetaAd:
    id: str
    name: str  # "AD1", "AD2"
    adset: MetaAdSet
    creative_id: str  # 16 digits


@dataclass(frozen=True)
class LinktreeProfile:
    username: str  # e.g. "bluefrog"
    artist: Artist
    account_id: str  # digits


@dataclass(frozen=True)
class LinktreeLink:
    id: str  # digits
    username: str
    title: str
    url: str
    position: int
    created: date
    weight: float  # share of the profile's clicks


@dataclass(frozen=True)
class MailchimpList:
    id: str  # 10 hex
    name: str
    web_id: int
    subscribers_start: int


@dataclass(frozen=True)
class MailchimpCampaign:
    id: str  # 10 hex
    web_id: int
    title: str
    subject_line: str
    preview_text: str
    send_time: datetime  # UTC
    list: MailchimpList
    track: Track | None  # the release it announces, if any


# --- daily figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpotifyAudienceDay:
    day: date
    listeners: int
    streams: int
    followers: int


@dataclass(frozen=True)
class SpotifySongTotals:
    track: Track
    title: str  # as Spotify shows it (see World.title_on)
    listeners: int
    streams: int
    saves: int


@dataclass(frozen=True)
class EarningsRow:
    """One row of DistroKid's bank-details export (money has 8 decimals)."""

    reporting_date: date
    sale_month: str  # "YYYY-MM"
    store: str
    artist: str
    title: str
    isrc: str  # "" for the store that reports without ISRCs
    upc: str
    quantity: int
    team_percentage: int
    song_or_album: str  # "Song" or "Album"
    country: str
    songwriter_royalties_withheld: Decimal
    earnings_usd: Decimal


@dataclass(frozen=True)
class TooLostDay:
    day: date
    spotify_streams: int
    apple_streams: int
    shazams: int


@dataclass(frozen=True)
class TikTokDay:
    day: date
    views: int
    profile_views: int
    likes: int
    comments: int
    shares: int


@dataclass(frozen=True)
class TikTokVideoStats:
    views: int
    likes: int
    comments: int
    shares: int


@dataclass(frozen=True)
class LinktreeDay:
    day: date
    views: int
    unique_views: int
    clicks: int


@dataclass(frozen=True)
class MetaAdDay:
    day: date
    spend: Decimal  # account currency, 2 decimals
    impressions: int
    clicks: int
    reach: int


@dataclass(frozen=True)
class YouTubeVideoDay:
    day: date
    views: int
    watch_time_hours: Decimal  # 4 decimals
    subscribers: int  # gained that day
    impressions: int
    impressions_ctr: Decimal  # percent, 2 decimals


@dataclass(frozen=True)
class MailchimpReport:
    campaign: MailchimpCampaign
    emails_sent: int
    abuse_reports: int
    unsubscribed: int
    hard_bounces: int
    soft_bounces: int
    syntax_errors: int
    forwards_count: int
    forwards_opens: int
    opens_total: int
    unique_opens: int
    open_rate: float  # fraction
    last_open: datetime | None
    clicks_total: int
    unique_clicks: int
    unique_subscriber_clicks: int
    click_rate: float  # fraction
    last_click: datetime | None
    list_member_count: int
