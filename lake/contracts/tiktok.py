"""TikTok: the TikTok Studio analytics export (zipped CSV) and per-video stats (JSON).

What lands: `extract/tiktok.py` signs in to TikTok Studio (the sandbox in the demo) and saves
the analytics download as served: `Overview_<start YYYY-MM-DD>_<export Unix seconds>_<account>
.zip`, a zip holding `Overview.csv` (UTF-8 BOM, every value quoted, dates *without a year*
such as "May 28"). Raw keeps the text; staging resolves the year from the window in the file
name (`_source_file`), which is also the only place the account appears.

Per-video stats (`video_<video id>.json`) use the **sandbox layout** defined here, since no
real export was available: one JSON object per video, or a JSON array of them, with

    {"id": "7372781234567890123",   # the video id, a string (19 digits: never a number)
     "create_time": 1716900000,     # Unix seconds, as TikTok's APIs give it
     "desc": "caption #tags",       # the caption
     "views": 1234, "likes": 56, "comments": 7, "shares": 3,
     # optional: "duration" (seconds), "title", "share_url", "cover_image_url"}

Path through the lake: `extract/tiktok.py` -> `landing/tiktok/<batch>/` ->
`raw/_source=tiktok/_dataset=<name>/` -> `models/staging/tiktok/`.
"""

from __future__ import annotations

from lake.contracts._helpers import Record, load_json, public_keys, require_record, type_name
from lake.errors import ContractError
from lake.ingest.contract import (
    NOT_NULL,
    Column,
    Csv,
    Dataset,
    Freshness,
    Hook,
    Layout,
    ParseInput,
    Source,
)

SOURCE = "tiktok"

SOURCE_INFO = Source(
    name=SOURCE,
    title="TikTok",
    description=(
        "TikTok Studio, one account's analytics: the 'Overview' export (a zip holding "
        "`Overview.csv`, dates without a year) and per-video stats (JSON, sandbox layout), landed"
        " by `extract/tiktok.py` (or dropped by hand), validated and written to the raw zone by "
        "`lake ingest`. Every raw column is text exactly as TikTok wrote it."
    ),
    owner="label-marketing",
    freshness=Freshness(
        warn_days=3,
        error_days=8,
        why="The extractor runs daily; a week without a new export means it stopped.",
    ),
)

overview = Dataset(
    source=SOURCE,
    name="overview",
    description=(
        "Account totals per day from the TikTok Studio 'Overview' export (`Overview.csv` in "
        "the zip): video views, profile views, likes, comments, shares. `Date` has no year "
        "('May 28'): the window runs from the date in the zip's name to its export time, so "
        "staging assigns the year; the account is only in the zip's name."
    ),
    pattern="Overview_*.zip",
    member="Overview.csv",
    format=Csv(),
    layouts=(
        Layout(
            "v1",
            required=("Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"),
        ),
    ),
    # `Date` stays text: a yearless 'February 29' would not parse in a default year.
    types={
        "Video Views": "bigint",
        "Profile Views": "bigint",
        "Likes": "bigint",
        "Comments": "bigint",
        "Shares": "bigint",
    },
    primary_key=("Date",),
    schema=(
        Column(
            "Date",
            "Day of the window without a year, e.g. `May 28`, `February 29`.",
            "internal",
            tests=NOT_NULL,
        ),
        Column("Video Views", "Video views that day, as text.", "internal", tests=NOT_NULL),
        Column("Profile Views", "Profile views that day, as text.", "internal", tests=NOT_NULL),
        Column("Likes", "Likes that day, as text.", "internal", tests=NOT_NULL),
        Column("Comments", "Comments that day, as text.", "internal", tests=NOT_NULL),
        Column("Shares", "Shares that day, as text.", "internal", tests=NOT_NULL),
    ),
)

_VIDEO_FIX = (
    "re-run extract/tiktok.py for this video; a per-video file must hold one JSON object "
    "(or an array of them) in the layout described in lake/contracts/tiktok.py"
)


def parse_video(inp: ParseInput) -> list[Record] | None:
    """The video object(s) of a `video_*.json` file; None if the JSON is not video stats."""
    what = "the TikTok per-video stats"
    doc = load_json(inp, what=what, fix=_VIDEO_FIX)
    items = doc if isinstance(doc, list) else [doc]
    if not items:
        return []
    if not isinstance(items[0], dict):
        raise ContractError(
            "unexpected_shape",
            f"{inp.name}: {what} should be an object or an array of objects, "
            f"found {type_name(items[0])}",
            _VIDEO_FIX,
            {"file": inp.name},
        )
    if "id" not in items[0]:
        return None
    return [
        public_keys(require_record(item, inp, i, what=what, fix=_VIDEO_FIX))
        for i, item in enumerate(items)
    ]


video_stats = Dataset(
    source=SOURCE,
    name="video_stats",
    description=(
        "Per-video stats (sandbox layout, see the module docstring): one row per video and "
        "file: id (a 19-digit string), create_time (Unix seconds), desc (caption), views, "
        "likes, comments, shares. Each file is a snapshot: staging keeps the latest per video."
    ),
    pattern="video_*.json",
    format=Hook(parse_video),
    layouts=(
        Layout(
            "sandbox_v1",
            required=("id", "create_time", "views", "likes", "comments", "shares"),
            optional=("desc", "duration", "title", "share_url", "cover_image_url"),
        ),
    ),
    types={
        "id": "varchar",
        "create_time": "bigint",
        "views": "bigint",
        "likes": "bigint",
        "comments": "bigint",
        "shares": "bigint",
        "duration": "bigint",
    },
    primary_key=("id",),
    schema=(
        Column("id", "The video id, a 19-digit string.", "public", tests=NOT_NULL),
        Column(
            "create_time",
            "When the video was posted, Unix seconds as text.",
            "public",
            tests=NOT_NULL,
        ),
        Column("views", "Views to date, as text.", "internal", tests=NOT_NULL),
        Column("likes", "Likes to date, as text.", "internal", tests=NOT_NULL),
        Column("comments", "Comments to date, as text.", "internal", tests=NOT_NULL),
        Column("shares", "Shares to date, as text.", "internal", tests=NOT_NULL),
        Column("desc", "The caption (with hashtags).", "public"),
        Column("duration", "Length in seconds, as text.", "public"),
        Column("title", "The video's title, when it has one.", "public"),
        Column("share_url", "Public link to the video.", "public"),
        Column("cover_image_url", "Link to the cover image.", "public"),
    ),
)

DATASETS = [overview, video_stats]
