"""Spotify for Artists stand-in: the team's artists, the audience timeline and songs downloads.

Browser only (login required), under `/spotify`:

- `GET /` -> the artist picker: one `a.artist-link[data-artist-name="<Artist>"]` per artist,
  linking to `/artist/<spotify id>/audience/stats`;
- `GET /artist/<id>/audience/stats` -> the Audience page: `select#timeline-range` with the
  windows Spotify offers (`7day` "Last 7 days", `28day` "Last 28 days", `12months` "Last 12
  months", `all` "Since 2015") and the download link `a#download-timeline`, whose `href`
  follows the selection (`timeline.csv?range=<value>`);
- `GET /artist/<id>/audience/timeline.csv?range=` -> `<Artist>-audience-timeline.csv`;
- `GET /artist/<id>/music/songs` -> the Songs page with `a#download-songs` and a table of
  the released songs (most streamed first), each title an `a.song-link` to the song's page
  (`p#songs-empty` instead when there is none);
- `GET /artist/<id>/music/songs.csv?time-filter=all` -> `<Artist>-songs-all.csv`;
- `GET /artist/<id>/song/<spotify track id>/stats` -> a song's page: its Spotify title in
  `h1#song-title`, the same `select#timeline-range` as the Audience page and the download link
  `a#download-timeline` (`timeline.csv?range=<value>`);
- `GET /artist/<id>/song/<track id>/timeline.csv?range=` -> `<Artist>-song-<track id>-timeline.csv`.

Files are byte for byte the real downloads' format (`/work/shared/fixtures/spotify/`): a UTF-8
BOM, LF line endings with a final newline, the artist only in the file name. Timeline:
`date,listeners,streams,followers`, ISO dates, oldest first, ending on the world's last day;
the `all` window starts on the world's first day. Songs: `song,listeners,streams,saves,
release_date`, every title double-quoted (even without a comma), most streamed first, titles as
Spotify shows them (`World.title_on(track, "spotify")`: one is a Radio Edit).

The song timeline has no real sample (the sandbox layout, documented in
`lake/contracts/spotify.py`): `date,streams,listeners,saves`, BOM and LF like the other
downloads, one row per day of the window (zeros before the release), oldest first; streams
are `World.streams(track, day, "spotify")` (the last two days provisional), listeners and
saves derived from them per track and day through the world's hash. The song id in URLs and
the file name is the track's 22-character Spotify id (`Track.spotify_id`).

Under the `layout_change` fault the download links are renamed (`a#export-timeline-csv`, also
on song pages, `a#export-songs-csv`) and labelled "Export"; the page marker `#s4a-app` stays.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from flask import Blueprint, Response, render_template_string, request

from lake.contracts.spotify import audience_timeline, song_timeline, songs
from lake.ingest.contract import Dataset
from lake.sandbox import rng
from lake.sandbox.context import PlatformContext
from lake.sandbox.entities import Artist, Track
from lake.sandbox.world import World

TITLE = "Spotify for Artists"
BOM = "\ufeff"
# value -> (label, days back from the last day; None = the artist's whole history)
RANGES: dict[str, tuple[str, int | None]] = {
    "7day": ("Last 7 days", 7),
    "28day": ("Last 28 days", 28),
    "12months": ("Last 12 months", 365),
    "all": ("Since 2015", None),
}
DEFAULT_RANGE = "28day"


def _header(dataset: Dataset) -> str:
    """A download's header line: the contract's columns (lake/contracts/spotify.py)."""
    return ",".join(dataset.layout("v1").required)


def timeline_days(world: World, window: str) -> list[date]:
    """The days a timeline download of `window` holds (oldest first, to the last day)."""
    back = RANGES[window][1]
    start = world.origin if back is None else world.last_day - timedelta(days=back - 1)
    return world.days(start, world.last_day)


def timeline_csv(world: World, artist: Artist, window: str) -> bytes:
    lines = [_header(audience_timeline)]
    for day in timeline_days(world, window):
        row = world.spotify_artist_day(artist, day)
        lines.append(f"{day.isoformat()},{row.listeners},{row.streams},{row.followers}")
    return (BOM + "\n".join(lines) + "\n").encode("utf-8")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def released_songs(world: World, artist: Artist) -> list[Track]:
    """The artist's songs Spotify lists (released before today), most streamed first."""
    released = [t for t in world.tracks_of(artist) if t.release_date < world.today]
    totals = {t: world.spotify_song_totals(t) for t in released}
    return sorted(released, key=lambda t: (-totals[t].streams, totals[t].title))


def song_day(world: World, track: Track, day: date) -> tuple[int, int, int]:
    """(streams, listeners, saves) of one song on one day: listeners and saves follow the
    day's streams through the world's hash (so provisional days move with their streams)."""
    streams = world.streams(track, day, "spotify")
    u = rng.units(world.seed, "spotify-song-day", track.isrc, day)
    listeners = round(streams / rng.between(u[0], 1.3, 2.2))
    saves = round(streams * rng.between(u[1], 0.01, 0.05))
    return streams, listeners, saves


def song_timeline_csv(world: World, track: Track, window: str) -> bytes:
    lines = [_header(song_timeline)]
    for day in timeline_days(world, window):
        streams, listeners, saves = song_day(world, track, day)
        lines.append(f"{day.isoformat()},{streams},{listeners},{saves}")
    return (BOM + "\n".join(lines) + "\n").encode("utf-8")


def songs_csv(world: World, artist: Artist) -> bytes:
    totals = [world.spotify_song_totals(t) for t in released_songs(world, artist)]
    out = io.StringIO()
    out.write(BOM + _header(songs) + "\n")
    for s in totals:
        out.write(
            f"{_quoted(s.title)},{s.listeners},{s.streams},{s.saves},"
            f"{s.track.release_date.isoformat()}\n"
        )
    return out.getvalue().encode("utf-8")


def blueprint(ctx: PlatformContext) -> Blueprint:
    bp = Blueprint("spotify", __name__)

    def artist_by_id(artist_id: str) -> Artist | None:
        return next((a for a in ctx.world.artists if a.spotify_id == artist_id), None)

    def not_found() -> Response:
        return ctx.error(404, "Not found", "There is no artist with this id in your team.")

    @bp.get("/")
    @ctx.login_required
    def artists() -> str:
        return render_template_string(_PICKER, artists=ctx.world.artists)

    @bp.get("/artist/<artist_id>/audience/stats")
    @ctx.login_required
    def audience(artist_id: str) -> Response | str:
        artist = artist_by_id(artist_id)
        if artist is None:
            return not_found()
        changed = ctx.layout_changed()
        return render_template_string(
            _AUDIENCE,
            artist=artist,
            ranges=RANGES,
            selected=DEFAULT_RANGE,
            link_id="export-timeline-csv" if changed else "download-timeline",
            label="Export" if changed else "Download CSV",
        )

    @bp.get("/artist/<artist_id>/audience/timeline.csv")
    @ctx.login_required
    def timeline(artist_id: str) -> Response:
        artist = artist_by_id(artist_id)
        if artist is None:
            return not_found()
        window = request.args.get("range", DEFAULT_RANGE)
        if window not in RANGES:
            return ctx.error(400, "Bad request", f"range must be one of {', '.join(RANGES)}")
        data = timeline_csv(ctx.world, artist, window)
        return ctx.send_download(data, f"{artist.name}-audience-timeline.csv", "text/csv")

    @bp.get("/artist/<artist_id>/music/songs")
    @ctx.login_required
    def songs_page(artist_id: str) -> Response | str:
        artist = artist_by_id(artist_id)
        if artist is None:
            return not_found()
        changed = ctx.layout_changed()
        world = ctx.world
        return render_template_string(
            _SONGS,
            artist=artist,
            songs=[world.spotify_song_totals(t) for t in released_songs(world, artist)],
            link_id="export-songs-csv" if changed else "download-songs",
            label="Export" if changed else "Download CSV",
        )

    @bp.get("/artist/<artist_id>/music/songs.csv")
    @ctx.login_required
    def songs(artist_id: str) -> Response:
        artist = artist_by_id(artist_id)
        if artist is None:
            return not_found()
        if request.args.get("time-filter", "all") != "all":
            return ctx.error(400, "Bad request", "the sandbox offers time-filter=all only")
        data = songs_csv(ctx.world, artist)
        return ctx.send_download(data, f"{artist.name}-songs-all.csv", "text/csv")

    def song_by_id(artist: Artist, track_id: str) -> Track | None:
        """One of the artist's released songs by its Spotify id."""
        world = ctx.world
        return next(
            (
                t
                for t in world.tracks_of(artist)
                if t.spotify_id == track_id and t.release_date < world.today
            ),
            None,
        )

    def song_not_found() -> Response:
        return ctx.error(404, "Not found", "This artist has no released song with this id.")

    @bp.get("/artist/<artist_id>/song/<track_id>/stats")
    @ctx.login_required
    def song_page(artist_id: str, track_id: str) -> Response | str:
        artist = artist_by_id(artist_id)
        if artist is None:
            return not_found()
        track = song_by_id(artist, track_id)
        if track is None:
            return song_not_found()
        changed = ctx.layout_changed()
        return render_template_string(
            _SONG,
            artist=artist,
            title=ctx.world.title_on(track, "spotify"),
            ranges=RANGES,
            selected=DEFAULT_RANGE,
            link_id="export-timeline-csv" if changed else "download-timeline",
            label="Export" if changed else "Download CSV",
        )

    @bp.get("/artist/<artist_id>/song/<track_id>/timeline.csv")
    @ctx.login_required
    def song_timeline(artist_id: str, track_id: str) -> Response:
        artist = artist_by_id(artist_id)
        if artist is None:
            return not_found()
        track = song_by_id(artist, track_id)
        if track is None:
            return song_not_found()
        window = request.args.get("range", DEFAULT_RANGE)
        if window not in RANGES:
            return ctx.error(400, "Bad request", f"range must be one of {', '.join(RANGES)}")
        data = song_timeline_csv(ctx.world, track, window)
        name = f"{artist.name}-song-{track.spotify_id}-timeline.csv"
        return ctx.send_download(data, name, "text/csv")

    return bp


_HEAD = """<!doctype html>
<html><head><meta charset="utf-8"><title>Spotify for Artists</title></head>
<body><div id="s4a-app">
<nav id="s4a-nav"><a href="{{ url_for('spotify.artists') }}">Artists</a></nav>
"""

_PICKER = (
    _HEAD
    + """<h1>Your artists</h1>
<ul id="artist-picker">
{% for a in artists %}
<li><a class="artist-link" data-artist-name="{{ a.name }}"
  href="{{ url_for('spotify.audience', artist_id=a.spotify_id) }}">{{ a.name }}</a></li>
{% endfor %}
</ul></div></body></html>
"""
)

# The range selector and download link the Audience and song pages share; the link follows
# the selection, as on the real pages.
_TIMELINE_PICKER = """<label>Timeline <select id="timeline-range">
{% for value, (label, _) in ranges.items() %}
<option value="{{ value }}"{% if value == selected %} selected{% endif %}>{{ label }}</option>
{% endfor %}
</select></label>
<a id="{{ link_id }}" href="timeline.csv?range={{ selected }}" download>{{ label }}</a>
<p><a id="songs-tab" href="{{ url_for('spotify.songs_page', artist_id=artist.spotify_id) }}"
  >Music</a></p>
<script>
const select = document.getElementById("timeline-range");
const link = document.getElementById("{{ link_id }}");
select.addEventListener("change", () => {
  link.setAttribute("href", "timeline.csv?range=" + encodeURIComponent(select.value));
});
</script>
</div></body></html>
"""

_AUDIENCE = (
    _HEAD
    + """<h1 id="artist-name">{{ artist.name }}</h1>
<h2>Audience</h2>
"""
    + _TIMELINE_PICKER
)

_SONGS = (
    _HEAD
    + """<h1 id="artist-name">{{ artist.name }}</h1>
<h2>Songs</h2>
<p>Showing: all time</p>
<a id="{{ link_id }}" href="songs.csv?time-filter=all" download>{{ label }}</a>
<table id="songs-table">
<thead><tr><th>#</th><th>Title</th><th>Streams</th><th>Listeners</th><th>Saves</th>
<th>Released</th></tr></thead>
<tbody>
{% for s in songs %}
<tr class="song-row"><td>{{ loop.index }}</td>
<td><a class="song-link" href="{{ url_for('spotify.song_page', artist_id=artist.spotify_id,
  track_id=s.track.spotify_id) }}">{{ s.title }}</a></td>
<td>{{ s.streams }}</td><td>{{ s.listeners }}</td><td>{{ s.saves }}</td>
<td>{{ s.track.release_date.isoformat() }}</td></tr>
{% endfor %}
</tbody></table>
{% if not songs %}<p id="songs-empty">No released songs yet.</p>{% endif %}
</div></body></html>
"""
)

_SONG = (
    _HEAD
    + """<p id="artist-name">{{ artist.name }}</p>
<h1 id="song-title">{{ title }}</h1>
"""
    + _TIMELINE_PICKER
)
