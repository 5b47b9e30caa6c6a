"""Spotify for Artists: per artist, the audience timeline, the songs table and every song's
timeline (CSV downloads).

What lands, per artist (the account, from `LAKE_SPOTIFY_ACCOUNTS`, is the artist's name as the
team page shows it): `landing/spotify/<minute>/<artist>/<Artist>-audience-timeline.csv`
(`date,listeners,streams,followers`), `<Artist>-songs-all.csv` (`song,listeners,streams,
saves,release_date`) and, for each song the Songs page links to, that song page's timeline
download `<Artist>-song-<track id>-timeline.csv` (`date,streams,listeners,saves`), all
unchanged as downloaded (UTF-8 BOM, the artist only in the file name). A song timeline holds
no title: its landing metadata carries `spotify_track_id` (from the song's link) and
`song_title` (the link's text, as the Songs page shows it). Parsing is ingest's job
(`lake/contracts/spotify.py`).

Incremental: the Audience page and each song page offer fixed windows (last 7 days, last 28
days, last 12 months, since 2015); the run picks the smallest that covers its window (the last
fetched day minus 3 days of overlap, to yesterday), so a daily run downloads 7 days and the
first run the whole history. The songs download is the all-time table (a snapshot): it lands
whole each run. Song pages are reached through the Songs page's links, one after the other in
the same browser page (no fixed waits: each step waits for its element).

How the real site is reached: `https://artists.spotify.com` with the team member's login
(`LAKE_SPOTIFY_USERNAME` / `LAKE_SPOTIFY_PASSWORD`, a second factor through `LAKE_SPOTIFY_OTP`
or `LAKE_SPOTIFY_OTP_FILE`). The selectors below are lists: the sandbox's ids first, the real
site's after them; check them against the real pages (saved screenshot and HTML of a failed
run) before the first production run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse

from extract._base import ExtractContext, Extractor, LayoutChangedError
from extract._browser import LoginForm

SOURCE = "spotify"
VERSION = "1.1.0"
OVERLAP_DAYS = 3
# the timeline windows the Audience page offers: option value -> days up to yesterday
# (None: the whole history)
TIMELINE_WINDOWS: tuple[tuple[str, int | None], ...] = (
    ("7day", 7),
    ("28day", 28),
    ("12months", 365),
    ("all", None),
)

APP = "#s4a-app, [data-testid='s4a-app']"
LOGIN = LoginForm(
    url="/login",
    username="#email, #login-username",
    password="#password, #login-password",
    submit="#login-button",
    logged_in=APP,
    otp_input="#otp-code",
    otp_submit="#verify-button",
    error="#login-error, [data-encore-id='banner']",
)
ARTIST_LINK = "a.artist-link[data-artist-name={name}]"
TIMELINE_RANGE = "select#timeline-range"
TIMELINE_LINK = "a#download-timeline"
SONGS_TAB = "a#songs-tab"
SONGS_LINK = "a#download-songs"
SONG_LINK = "a.song-link"  # one per song on the Songs page, to the song's page
SONGS_EMPTY = "#songs-empty"  # the Songs page of an artist without released songs
# a song page's address: .../song/<22-character Spotify track id>/...
SONG_ID = re.compile(r"/song/([0-9A-Za-z]{22})(?:/|$)")


@dataclass(frozen=True)
class Song:
    """A song as the Songs page links to it."""

    track_id: str
    title: str
    url: str


def timeline_window(ctx: ExtractContext) -> str:
    """The smallest offered window that holds every day from the window's start to its end."""
    needed = (ctx.window.end - ctx.window.start).days + 1
    for value, days in TIMELINE_WINDOWS:
        if days is None or days >= needed:
            return value
    raise AssertionError("the last window is unbounded")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


async def artist_page(ctx: ExtractContext) -> str:
    """Open the artist's Audience page (logging in if the session lapsed); return its URL."""
    session = await ctx.browser()
    await session.ensure_logged_in("/", LOGIN)
    link = ARTIST_LINK.format(name=_quoted(ctx.account))
    await session.expect(link, f"the artist '{ctx.account}' in the artist picker")
    href = await session.page.locator(link).first.get_attribute("href")
    if not href:
        raise LayoutChangedError(
            f"{SOURCE}: the artist link for '{ctx.account}' has no address",
            f"compare the saved page with ARTIST_LINK in extract/{SOURCE}.py",
        )
    return urljoin(session.page.url, href)


async def timeline(ctx: ExtractContext, audience_url: str) -> None:
    session = await ctx.browser()
    await session.ensure_logged_in(audience_url, LOGIN)
    window = timeline_window(ctx)
    await session.expect(TIMELINE_RANGE, "the timeline window selector")
    await session.page.select_option(TIMELINE_RANGE, window)
    await session.expect(TIMELINE_LINK, "the timeline download button")
    got = await session.download(lambda page: page.click(TIMELINE_LINK))
    ctx.log.info("timeline_window", option=window, days_needed=ctx.window.days)
    await ctx.land(
        got.name,
        got.path,
        "csv",
        url=got.url,
        dataset="audience_timeline",
        extra={"timeline_window": window},
    )


async def songs(ctx: ExtractContext) -> None:
    """From the Audience page: the Music tab, then the songs download."""
    session = await ctx.browser()
    await session.expect(SONGS_TAB, "the Music tab")
    href = await session.page.locator(SONGS_TAB).first.get_attribute("href") or ""
    await session.ensure_logged_in(urljoin(session.page.url, href), LOGIN)
    await session.expect(SONGS_LINK, "the songs download button")
    got = await session.download(lambda page: page.click(SONGS_LINK))
    await ctx.land(got.name, got.path, "csv", url=got.url, dataset="songs")


async def song_links(ctx: ExtractContext) -> list[Song]:
    """The songs the open Songs page links to, in its order (each track id once)."""
    session = await ctx.browser()
    seen = await session.wait_any({"songs": SONG_LINK, "empty": SONGS_EMPTY})
    if seen == "empty":
        ctx.log.info("songs", count=0)
        return []
    pairs = await session.page.locator(SONG_LINK).evaluate_all(
        "links => links.map(a => [a.getAttribute('href') || '', a.textContent || ''])"
    )
    found: dict[str, Song] = {}
    for href, text in pairs:
        url = urljoin(session.page.url, href)
        match = SONG_ID.search(urlparse(url).path)
        title = " ".join(text.split())
        if match is None or not title:
            raise LayoutChangedError(
                f"{SOURCE}: a song link on the Songs page of '{ctx.account}' has no track id "
                f"or no title ({href!r}, {title!r})",
                f"compare the saved page with SONG_LINK and SONG_ID in extract/{SOURCE}.py",
            )
        found.setdefault(match.group(1), Song(match.group(1), title, url))
    ctx.log.info("songs", count=len(found))
    return list(found.values())


async def song_timeline(ctx: ExtractContext, song: Song, window: str) -> None:
    """One song page: choose the window, download its timeline, land it with the song."""
    session = await ctx.browser()
    await session.ensure_logged_in(song.url, LOGIN)
    await session.expect(TIMELINE_RANGE, "the song's timeline window selector")
    await session.page.select_option(TIMELINE_RANGE, window)
    await session.expect(TIMELINE_LINK, "the song's timeline download button")
    got = await session.download(lambda page: page.click(TIMELINE_LINK))
    await ctx.land(
        got.name,
        got.path,
        "csv",
        url=got.url,
        dataset="song_timeline",
        extra={
            "spotify_track_id": song.track_id,
            "song_title": song.title,
            "timeline_window": window,
        },
    )


async def extract(ctx: ExtractContext) -> None:
    audience_url = await artist_page(ctx)
    await timeline(ctx, audience_url)
    await songs(ctx)
    window = timeline_window(ctx)
    for song in await song_links(ctx):
        await song_timeline(ctx, song, window)


EXTRACTOR = Extractor(
    name=SOURCE,
    kind="browser",
    version=VERSION,
    run=extract,
    default_base_url="https://artists.spotify.com",
    description="Audience timeline, songs and per-song timeline CSV downloads, per artist",
    requires=("username", "password"),
    overlap_days=OVERLAP_DAYS,
    first_run_days=3650,  # the first run takes the whole history ('since 2015')
)
