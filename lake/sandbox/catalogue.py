"""Build the sandbox world's entities from a seed and an origin day (no daily figures here).

Everything is drawn from `rng.rng(seed, <topic>)`, one generator per topic, so adding an entity
kind later does not reshuffle the others. Dates are laid out relative to `origin`, the first
day of history; entities that lie after the world's `today` (future TikTok videos, Mailchimp
campaigns, a running ad campaign's last days) are built too and revealed as `today` advances.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from lake.sandbox import rng
from lake.sandbox.entities import (
    Artist,
    LinktreeLink,
    LinktreeProfile,
    MailchimpCampaign,
    MailchimpList,
    MetaAd,
    MetaAdAccount,
    MetaAdSet,
    MetaCampaign,
    Release,
    TikTokAccount,
    TikTokVideo,
    Track,
    YouTubeChannel,
    YouTubeVideo,
)

LABEL = "Lantern Lane Records"
MAILCHIMP_ACCOUNT = "lanternlane"
HISTORY_DAYS = 730  # days from origin to the day the world is built for
HORIZON_DAYS = HISTORY_DAYS + 400  # entities are built this far ahead, for `advance`

# slug, name, distributor, popularity scale, Spotify followers on day one
_ARTISTS = (
    ("blue-frog", "Blue Frog", "distrokid", 1.0, 4200),
    ("nova-reyes", "Nova Reyes", "distrokid", 0.6, 2100),
    ("the-quiet-hours", "The Quiet Hours", "toolost", 0.45, 950),
)
# tracks per release, in release order (1 = single, 2-5 = EP, 6+ = album): 14 + 13 + 13 = 40
_RELEASE_PLAN = {
    "blue-frog": (1, 1, 4, 1, 6, 1),
    "nova-reyes": (1, 4, 1, 1, 5, 1),
    "the-quiet-hours": (1, 1, 8, 1, 1, 1),
}
_ADJECTIVES = (
    "Dusty", "Velvet", "Paper", "Silver", "Hollow", "Neon", "Quiet", "Golden", "Broken",
    "Electric", "Midnight", "Amber", "Crystal", "Wild", "Distant", "Gentle", "Burning", "Frozen",
    "Violet", "Restless", "Lonely", "Faded", "Shallow", "Bright",
)  # fmt: skip
_NOUNS = (
    "Lake", "Moons", "Harbour", "Signals", "Gardens", "Rooms", "Rivers", "Static", "Engines",
    "Letters", "Horizons", "Coast", "Satellites", "Windows", "Summers", "Shadows", "Tides",
    "Mirrors", "Highways", "Lanterns", "Orchards", "Fields", "Skies",
)  # fmt: skip
_AUDIENCES = ("BROAD", "INDIE POP", "LOOKALIKE 1%", "DREAM POP", "BROAD SPOTIFY", "RETARGET")
_COUNTRIES_TARGETED = ("DE", "AT", "CH", "NL", "GB", "FR", "SE", "US", "CA", "AU")
_LINKS = (
    ("Spotify", "https://open.spotify.com/artist/{spotify_id}", 0.30),
    ("Apple Music", "https://music.apple.com/artist/{slug}", 0.12),
    ("YouTube", "https://www.youtube.com/@{slug}", 0.12),
    ("TikTok", "https://www.tiktok.com/@{slug}", 0.10),
    ("Instagram", "https://www.instagram.com/{slug}", 0.14),
    ("Bandcamp", "https://{slug}.bandcamp.com", 0.07),
    ("Merch", "https://shop.lanternlane.example/{slug}", 0.08),
    ("Newsletter", "https://lanternlane.example/newsletter", 0.07),
)
_B62 = string.digits + string.ascii_letters
_YT = string.ascii_letters + string.digits + "-_"
_BERLIN = timezone(timedelta(hours=1), "CET")  # fixed offset: the world has no DST surprises


@dataclass(frozen=True)
class Catalogue:
    """Every entity of the world, built once per (seed, origin)."""

    artists: tuple[Artist, ...]
    releases: tuple[Release, ...]
    tracks: tuple[Track, ...]
    tiktok_accounts: tuple[TikTokAccount, ...]
    tiktok_videos: tuple[TikTokVideo, ...]  # includes future videos
    youtube_channel: YouTubeChannel
    youtube_videos: tuple[YouTubeVideo, ...]
    meta_account: MetaAdAccount
    meta_campaigns: tuple[MetaCampaign, ...]
    meta_adsets: tuple[MetaAdSet, ...]
    meta_ads: tuple[MetaAd, ...]
    linktree_profiles: tuple[LinktreeProfile, ...]
    linktree_links: tuple[LinktreeLink, ...]
    mailchimp_list: MailchimpList
    mailchimp_campaigns: tuple[MailchimpCampaign, ...]  # includes future campaigns


def build(seed: int, origin: date) -> Catalogue:
    artists = _artists(seed)
    releases, tracks = _releases(seed, origin, artists)
    campaigns = _meta_campaigns(seed, origin, tracks, releases)
    adsets = _meta_adsets(seed, campaigns)
    mc_list = MailchimpList(
        _hex(seed, "mc-list"), f"{LABEL} fans", int(_digits(seed, 6, "mcw")), 1200
    )
    channel = YouTubeChannel("UC" + _chars(seed, _YT, 22, "yt-channel"), LABEL, 3100)
    accounts = _tiktok_accounts(seed, artists)
    return Catalogue(
        artists=artists,
        releases=releases,
        tracks=tracks,
        tiktok_accounts=accounts,
        tiktok_videos=_tiktok_videos(seed, origin, accounts, tracks),
        youtube_channel=channel,
        youtube_videos=_youtube_videos(seed, tracks, releases),
        meta_account=MetaAdAccount(
            "act_" + _digits(seed, 15, "meta-account"), LABEL, "EUR", "Europe/Berlin"
        ),
        meta_campaigns=campaigns,
        meta_adsets=adsets,
        meta_ads=_meta_ads(seed, adsets),
        linktree_profiles=(profiles := _linktree_profiles(seed, artists)),
        linktree_links=_linktree_links(seed, origin, profiles),
        mailchimp_list=mc_list,
        mailchimp_campaigns=_mailchimp_campaigns(seed, origin, mc_list, releases, tracks),
    )


# --- ids ------------------------------------------------------------------------------------


def _chars(seed: int, alphabet: str, n: int, *key: object) -> str:
    r = rng.rng(seed, "id", *key)
    return "".join(r.choice(alphabet) for _ in range(n))


def _digits(seed: int, n: int, *key: object) -> str:
    r = rng.rng(seed, "id", *key)
    return str(r.randint(1, 9)) + "".join(str(r.randint(0, 9)) for _ in range(n - 1))


def _hex(seed: int, *key: object) -> str:
    return _chars(seed, "0123456789abcdef", 10, *key)


def _meta_id(seed: int, *key: object) -> str:
    """18 digits like Meta's: `1202249` + 11 digits (never a float: kept as text)."""
    return "1202249" + _digits(seed, 11, "meta", *key)


def upc_with_check_digit(body: str) -> str:
    """Append the GS1 check digit to an 11-digit UPC-A body."""
    odd = sum(int(c) for c in body[0::2])
    even = sum(int(c) for c in body[1::2])
    return body + str((10 - (odd * 3 + even) % 10) % 10)


def _next_friday_on_or_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - 4) % 7)


# --- catalogue --------------------------------------------------------------------------------


def _artists(seed: int) -> tuple[Artist, ...]:
    return tuple(
        Artist(slug, name, dist, _chars(seed, _B62, 22, "sp-artist", slug), followers)
        for slug, name, dist, _scale, followers in _ARTISTS
    )


def _titles(r: random.Random, count: int) -> list[str]:
    pairs = [f"{a} {n}" for a in _ADJECTIVES for n in _NOUNS]
    return r.sample(pairs, count)


def _releases(
    seed: int, origin: date, artists: tuple[Artist, ...]
) -> tuple[tuple[Release, ...], tuple[Track, ...]]:
    r = rng.rng(seed, "releases")
    scale = {slug: s for slug, _n, _d, s, _f in _ARTISTS}
    by_slug = {a.id: a for a in artists}
    # interleave the artists' plans into one release order
    order: list[tuple[str, int]] = []
    for step in range(max(len(p) for p in _RELEASE_PLAN.values())):
        order += [(slug, plan[step]) for slug, plan in _RELEASE_PLAN.items() if step < len(plan)]
    titles = iter(_titles(r, sum(n for _s, n in order) + len(order)))
    span = (HISTORY_DAYS - 40) / (len(order) - 1)
    releases: list[Release] = []
    tracks: list[Track] = []
    serial: dict[tuple[str, int], int] = {}
    for index, (slug, size) in enumerate(order):
        artist = by_slug[slug]
        day = _next_friday_on_or_before(
            origin + timedelta(days=int(10 + index * span + r.randint(-6, 6)))
        )
        kind = "single" if size == 1 else "ep" if size < 6 else "album"
        upc = upc_with_check_digit("19" + _digits(seed, 9, "upc", index))
        names = [next(titles) for _ in range(size)]
        release_title = names[0] if size == 1 else next(titles)
        isrcs = []
        for number, title in enumerate(names, start=1):
            isrc = _isrc(seed, artist, day.year, serial)
            isrcs.append(isrc)
            focus = 1.0 if number == 1 else r.uniform(0.2, 0.6)
            tracks.append(
                Track(
                    isrc=isrc,
                    upc=upc,
                    title=title,
                    artist=artist,
                    release_date=day,
                    release_title=release_title,
                    release_kind=kind,
                    track_number=number,
                    duration_s=r.randint(150, 262),
                    popularity=round(scale[slug] * focus * r.uniform(180, 900), 3),
                    spotify_id=_chars(seed, _B62, 22, "sp-track", isrc),
                )
            )
        releases.append(Release(upc, release_title, artist, day, kind, tuple(isrcs)))
    return tuple(releases), tuple(tracks)


def _isrc(seed: int, artist: Artist, year: int, serial: dict[tuple[str, int], int]) -> str:
    """`QZ` + registrant + YY + 5 digits (DistroKid); `QT` + registrant... for TooLost."""
    country = "QZ" if artist.distributor == "distrokid" else "QT"
    registrant = _chars(seed, string.ascii_uppercase + string.digits, 3, "isrc", country)
    key = (country, year)
    start = int(_digits(seed, 4, "isrc-start", country, year)) % 5000
    serial[key] = serial.get(key, start) + 1
    return f"{country}{registrant}{year % 100:02d}{serial[key]:05d}"


# --- TikTok, YouTube -----------------------------------------------------------------------


def _tiktok_accounts(seed: int, artists: tuple[Artist, ...]) -> tuple[TikTokAccount, ...]:
    handles = (("blue-frog", "bluefrog.music", 8800), ("nova-reyes", "novareyes.sounds", 3600))
    by_slug = {a.id: a for a in artists}
    return tuple(
        TikTokAccount(handle, by_slug[slug], _digits(seed, 19, "tt-user", handle), followers)
        for slug, handle, followers in handles
    )


def _tiktok_videos(
    seed: int, origin: date, accounts: tuple[TikTokAccount, ...], tracks: tuple[Track, ...]
) -> tuple[TikTokVideo, ...]:
    videos: list[TikTokVideo] = []
    for account in accounts:
        r = rng.rng(seed, "tiktok-videos", account.handle)
        own = [t for t in tracks if t.artist == account.artist]
        scale = 3000 if account.handle.startswith("bluefrog") else 1400
        day = origin + timedelta(days=r.randint(0, 5))
        while day < origin + timedelta(days=HORIZON_DAYS):
            created = datetime.combine(day, time(r.randint(8, 22), r.randint(0, 59)), UTC)
            released = [t for t in own if t.release_date <= day]
            track = r.choice(released) if released and r.random() < 0.8 else None
            viral = 12.0 if r.random() < 0.04 else 1.0
            stamp = int(created.timestamp())
            videos.append(
                TikTokVideo(
                    id=str((stamp << 32) | r.getrandbits(32)),
                    handle=account.handle,
                    create_time=created,
                    description=f"{track.title if track else 'studio day'} #newmusic #indie",
                    track=track,
                    duration_s=r.randint(9, 60),
                    reach=round(scale * viral * r.lognormvariate(0, 0.6), 1),
                )
            )
            day += timedelta(days=r.randint(3, 9))
    return tuple(videos)


def _youtube_videos(
    seed: int, tracks: tuple[Track, ...], releases: tuple[Release, ...]
) -> tuple[YouTubeVideo, ...]:
    r = rng.rng(seed, "youtube-videos")
    videos: list[YouTubeVideo] = []

    def add(title: str, day: date, track: Track | None, reach: float, duration: int) -> None:
        vid = _chars(seed, _YT, 11, "yt-video", len(videos))
        at = datetime.combine(day, time(16, 0), UTC)
        videos.append(YouTubeVideo(vid, title, at, track, duration, round(reach, 1)))

    for track in tracks:
        name = f"{track.artist.name} - {track.title} (Official Audio)"
        add(name, track.release_date, track, track.popularity * 0.25, track.duration_s)
    for release in releases:
        if release.kind == "single":
            lead = next(t for t in tracks if t.isrc == release.isrcs[0])
            name = f"{lead.artist.name} - {lead.title} (Official Video)"
            later = release.release_date + timedelta(days=7)
            add(name, later, lead, lead.popularity * r.uniform(0.4, 0.9), lead.duration_s + 20)
    return tuple(sorted(videos, key=lambda v: (v.published_at, v.id)))


# --- Meta -------------------------------------------------------------------------------------


def _meta_campaigns(
    seed: int, origin: date, tracks: tuple[Track, ...], releases: tuple[Release, ...]
) -> tuple[MetaCampaign, ...]:
    """Six campaigns, each promoting a release's lead track from just before its release day;
    the last one still runs on the day the world is built for (status ACTIVE)."""
    r = rng.rng(seed, "meta-campaigns")
    leads = [next(t for t in tracks if t.isrc == rel.isrcs[0]) for rel in releases]
    # Blue Frog x3, Nova Reyes x2, The Quiet Hours x1 (the last release: still running)
    chosen = [leads[i] for i in (3, 7, 9, 12, 13, len(leads) - 1)]
    campaigns = []
    for index, track in enumerate(chosen):
        start = track.release_date - timedelta(days=2)
        last = index == len(chosen) - 1
        stop = (
            origin + timedelta(days=HISTORY_DAYS + 12)
            if last
            else start + timedelta(r.randint(20, 34))
        )
        audience = _AUDIENCES[index % len(_AUDIENCES)]
        created = datetime.combine(start - timedelta(days=1), time(10, 30), _BERLIN)
        campaigns.append(
            MetaCampaign(
                id=_meta_id(seed, "campaign", index),
                name=f"{track.artist.name.upper()} - {track.title.upper()} - {audience}",
                track=track,
                audience=audience,
                objective="OUTCOME_ENGAGEMENT" if index % 2 else "OUTCOME_TRAFFIC",
                start=start,
                stop=stop,
                created_time=created,
            )
        )
    return tuple(campaigns)


def _meta_adsets(seed: int, campaigns: tuple[MetaCampaign, ...]) -> tuple[MetaAdSet, ...]:
    r = rng.rng(seed, "meta-adsets")
    adsets = []
    for campaign in campaigns:
        for n in (1, 2):
            adsets.append(
                MetaAdSet(
                    id=_meta_id(seed, "adset", campaign.id, n),
                    name=f"{campaign.track.title.upper()} - AD SET {n}",
                    campaign=campaign,
                    daily_budget_cents=r.choice((500, 700, 1000, 1500)),
                    countries=tuple(sorted(r.sample(_COUNTRIES_TARGETED, r.randint(3, 7)))),
                    age_min=18,
                    age_max=r.choice((34, 44, 54)),
                    publisher_platforms=("instagram",) if n == 1 else ("facebook", "instagram"),
                )
            )
    return tuple(adsets)


def _meta_ads(seed: int, adsets: tuple[MetaAdSet, ...]) -> tuple[MetaAd, ...]:
    return tuple(
        MetaAd(
            _meta_id(seed, "ad", adset.id, n),
            f"AD{n}",
            adset,
            _digits(seed, 16, "creative", adset.id, n),
        )
        for adset in adsets
        for n in (1, 2)
    )


# --- Linktree, Mailchimp --------------------------------------------------------------------


def _linktree_profiles(seed: int, artists: tuple[Artist, ...]) -> tuple[LinktreeProfile, ...]:
    return tuple(
        LinktreeProfile(a.id.replace("-", ""), a, _digits(seed, 8, "lt-account", a.id))
        for a in artists
    )


def _linktree_links(
    seed: int, origin: date, profiles: tuple[LinktreeProfile, ...]
) -> tuple[LinktreeLink, ...]:
    links = []
    for profile in profiles:
        slug = profile.username
        for position, (title, url, weight) in enumerate(_LINKS):
            links.append(
                LinktreeLink(
                    id=_digits(seed, 9, "lt-link", slug, position),
                    username=slug,
                    title=title,
                    url=url.format(spotify_id=profile.artist.spotify_id, slug=slug),
                    position=position,
                    created=origin - timedelta(days=30 + position),
                    weight=weight,
                )
            )
    return tuple(links)


def _second_tuesday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def _mailchimp_campaigns(
    seed: int,
    origin: date,
    mc_list: MailchimpList,
    releases: tuple[Release, ...],
    tracks: tuple[Track, ...],
) -> tuple[MailchimpCampaign, ...]:
    r = rng.rng(seed, "mailchimp")
    campaigns = []
    year, month = origin.year, origin.month
    end = origin + timedelta(days=HORIZON_DAYS)
    while date(year, month, 1) < end:
        day = _second_tuesday(year, month)
        if day >= origin:
            fresh = [rel for rel in releases if 0 <= (day - rel.release_date).days < 31]
            release = fresh[-1] if fresh else None
            month_name = day.strftime("%B %Y")
            if release:
                lead = next(t for t in tracks if t.isrc == release.isrcs[0])
                title = f"New release: {release.title} by {release.artist.name}"
                subject, track = f"{release.title} is out now", lead
            else:
                title, subject, track = f"{month_name} newsletter", f"News from {LABEL}", None
            sent = datetime.combine(day, time(r.choice((16, 17, 18)), r.choice((0, 15, 30))), UTC)
            campaigns.append(
                MailchimpCampaign(
                    id=_hex(seed, "mc-campaign", day),
                    web_id=int(_digits(seed, 7, "mc-web", day)),
                    title=title,
                    subject_line=subject,
                    preview_text=f"{month_name} at {LABEL}",
                    send_time=sent,
                    list=mc_list,
                    track=track,
                )
            )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(campaigns)
