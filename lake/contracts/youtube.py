"""YouTube: the Studio "Table data.csv" download and YouTube Analytics API reports (JSON).

What lands: `extract/youtube.py` either saves the YouTube Studio Analytics "Advanced mode"
download (the zip's `Table data.csv`, landed as that CSV) or calls the YouTube Analytics API
(`GET https://youtubeanalytics.googleapis.com/v2/reports?ids=channel==MINE&dimensions=...
&metrics=...`; the sandbox in the demo) and saves each response as `<name>.json`. No real
export was available: both layouts follow the platform's documentation (see
`/work/shared/fixtures/README.md`).

- `table_data`: `Content,Video title,Video publish time,Views,Watch time (hours),Subscribers,
  Impressions,Impressions click-through rate (%)`; the first data row is the `Total` row, kept
  in raw (raw is the file as written; staging drops it); publish time like `Jun 14, 2024`.
- `analytics_report`: `{"kind": "youtubeAnalytics#resultTable", "columnHeaders": [{"name",
  "columnType", "dataType"}, ...], "rows": [[...], ...]}`: the hook turns each row into a
  record keyed by the header names (dimensions such as `day`, `video`, then the metrics).

Path through the lake: `extract/youtube.py` -> `landing/youtube/<batch>/` ->
`raw/_source=youtube/_dataset=<name>/` -> `models/staging/youtube/`.
"""

from __future__ import annotations

from typing import Any

from lake.contracts._helpers import Record, load_json, type_name
from lake.errors import ContractError
from lake.ingest.contract import (
    Column,
    Csv,
    Dataset,
    Freshness,
    Hook,
    Layout,
    ParseInput,
    Source,
    warn_unless,
)

SOURCE = "youtube"

SOURCE_INFO = Source(
    name=SOURCE,
    title="YouTube",
    description=(
        'YouTube: the YouTube Studio analytics download ("Table data.csv") and YouTube Analytics '
        "API reports (`youtubeAnalytics#resultTable` JSON), landed by `extract/youtube.py` or by "
        "hand and written to the raw zone by `lake ingest`. Raw values are text as written. The "
        "channel a file belongs to is the landing metadata's `account` (the file names do not "
        "carry it)."
    ),
    owner="label-marketing",
    freshness=Freshness(
        warn_days=8,
        error_days=15,
        why=(
            "Reports are pulled weekly at least; a fortnight without one means the extract stopped."
        ),
    ),
)

# --- Studio "Table data.csv" ----------------------------------------------------------------

table_data = Dataset(
    source=SOURCE,
    name="table_data",
    description=(
        "YouTube Studio's 'Table data.csv': one row per video (`Content` is the video id) "
        "with views, watch time in hours, subscribers gained, impressions and their "
        "click-through rate in percent. The first data row is the channel `Total` (its "
        "title and publish time are empty): raw keeps it, staging drops it."
    ),
    # Browsers rename repeated downloads 'Table data (1).csv'.
    pattern="Table data*.csv",
    format=Csv(),
    layouts=(
        Layout(
            "studio_v1",
            required=(
                "Content",
                "Video title",
                "Video publish time",
                "Views",
                "Watch time (hours)",
                "Subscribers",
                "Impressions",
                "Impressions click-through rate (%)",
            ),
            optional=("Duration", "Average view duration", "Your estimated revenue (USD)"),
        ),
    ),
    types={
        "Video publish time": "date:%b %d, %Y",
        "Views": "bigint",
        "Watch time (hours)": "double",
        "Subscribers": "bigint",
        "Impressions": "bigint",
        "Impressions click-through rate (%)": "double",
        "Duration": "bigint",
        "Your estimated revenue (USD)": "double",
    },
    primary_key=("Content",),
    schema=(
        Column(
            "Content",
            (
                "The video id (11 characters), or `Total` on the first data row (the channel's "
                "totals, which staging drops)."
            ),
            "internal",
        ),
        Column("Video title", "Title of the video; empty on the `Total` row.", "public"),
        Column(
            "Video publish time",
            (
                "Publish date written `Jun 14, 2024` (English month abbreviation, day, year); "
                "empty on the `Total` row."
            ),
            "public",
        ),
        Column("Views", "Views in the window picked in Studio, an integer as text.", "internal"),
        Column(
            "Watch time (hours)",
            "Watch time in hours, decimal text with a dot (`1008.4536`).",
            "internal",
        ),
        Column(
            "Subscribers",
            (
                "Net subscribers (gained minus lost) in the window, an integer as text; can be "
                "negative."
            ),
            "internal",
        ),
        Column("Impressions", "Thumbnail impressions on YouTube, an integer as text.", "internal"),
        Column(
            "Impressions click-through rate (%)",
            (
                "Views from impressions per impression in percent, two decimals as text (`5.25` ="
                " 5.25 %)."
            ),
            "internal",
        ),
        Column(
            "Duration",
            (
                "Video length in seconds, an integer as text; only when the column was added in "
                "Studio."
            ),
            "internal",
        ),
        Column(
            "Average view duration",
            (
                "Average watch time per view as Studio writes it, `H:MM:SS`; only when the column"
                " was added in Studio."
            ),
            "internal",
        ),
        Column(
            "Your estimated revenue (USD)",
            (
                "Estimated net revenue in USD, decimal text; only for monetised channels that "
                "added the column."
            ),
            "confidential",
        ),
    ),
)

# --- Analytics API report -------------------------------------------------------------------

RESULT_TABLE = "youtubeAnalytics#resultTable"
_FIX = (
    "re-run extract/youtube.py for this report; a report needs 'columnHeaders' and rows as "
    "long as the headers (an 'error' body usually means the OAuth token expired)"
)

_DIMENSIONS = (
    "day",
    "month",
    "video",
    "country",
    "insightTrafficSourceType",
    "deviceType",
    "ageGroup",
    "gender",
    "subscribedStatus",
    "creatorContentType",
)
_COUNT_METRICS = (
    "views",
    "estimatedMinutesWatched",
    "averageViewDuration",
    "subscribersGained",
    "subscribersLost",
    "likes",
    "dislikes",
    "comments",
    "shares",
    "videoThumbnailImpressions",
)
_RATE_METRICS = (
    "averageViewPercentage",
    "videoThumbnailImpressionsClickRate",
    "viewerPercentage",
    "estimatedRevenue",
)
_ALL_COLUMNS = _DIMENSIONS + _COUNT_METRICS + _RATE_METRICS


def _headers(doc: dict[str, Any], inp: ParseInput) -> list[str]:
    headers = doc.get("columnHeaders")
    if not isinstance(headers, list) or not all(
        isinstance(h, dict) and isinstance(h.get("name"), str) for h in headers
    ):
        raise ContractError(
            "unexpected_shape",
            f"{inp.name}: 'columnHeaders' should be an array of objects with a 'name', "
            f"found {type_name(headers)}",
            _FIX,
            {"file": inp.name},
        )
    return [h["name"] for h in headers]


def _row(names: list[str], row: Any, index: int, inp: ParseInput) -> Record:
    if not isinstance(row, list) or len(row) != len(names):
        raise ContractError(
            "unexpected_shape",
            f"{inp.name}: row {index} should be an array of {len(names)} values (one per "
            f"column header), found {type_name(row)}"
            + (f" of {len(row)}" if isinstance(row, list) else ""),
            _FIX,
            {"file": inp.name, "row": index},
        )
    return dict(zip(names, row, strict=True))


def parse_analytics_report(inp: ParseInput) -> list[Record] | None:
    """Rows of a `youtubeAnalytics#resultTable`, keyed by header name; None for other JSON."""
    doc = load_json(inp, what="the YouTube Analytics report", fix=_FIX)
    if not isinstance(doc, dict) or doc.get("kind") != RESULT_TABLE:
        return None
    names = _headers(doc, inp)
    rows = doc.get("rows") or []  # the API omits `rows` when the report is empty
    if not isinstance(rows, list):
        raise ContractError(
            "unexpected_shape",
            f"{inp.name}: 'rows' should be an array, found {type_name(rows)}",
            _FIX,
            {"file": inp.name},
        )
    return [_row(names, row, index, inp) for index, row in enumerate(rows)]


def _by(dimension: str) -> Layout:
    """A report layout keyed by one dimension; every other known column is optional."""
    return Layout(
        f"by_{dimension}",
        required=(dimension,),
        optional=tuple(c for c in _ALL_COLUMNS if c != dimension),
    )


analytics_report = Dataset(
    source=SOURCE,
    name="analytics_report",
    description=(
        "YouTube Analytics API reports (`youtubeAnalytics#resultTable`), one row per result "
        "row with one column per header: the report's dimensions (day, month, video, "
        "country, ...) then its metrics (views, estimatedMinutesWatched, subscribersGained, "
        "...). The layout is the first dimension the report has; a report's other columns "
        "are NULL."
    ),
    pattern="*.json",
    format=Hook(parse_analytics_report),
    layouts=tuple(_by(d) for d in ("day", "month", "video", "country")),
    types={
        "day": "date:%Y-%m-%d",
        "month": "date:%Y-%m",
        **dict.fromkeys(_COUNT_METRICS, "bigint"),
        **dict.fromkeys(_RATE_METRICS, "double"),
    },
    primary_key=(),
    schema=(
        Column(
            "day",
            "Dimension `day`: the day, `YYYY-MM-DD`; null unless the report has it.",
            "internal",
        ),
        Column(
            "month",
            "Dimension `month`: the month, `YYYY-MM`; null unless the report has it.",
            "internal",
        ),
        Column(
            "video",
            "Dimension `video`: the video id (11 characters); null unless the report has it.",
            "internal",
        ),
        Column(
            "country",
            (
                "Dimension `country`: ISO 3166-1 alpha-2 code (`ZZ` = unknown); null unless the "
                "report has it."
            ),
            "internal",
        ),
        Column(
            "insightTrafficSourceType",
            (
                "Dimension: how viewers found the video (`YT_SEARCH`, `SUGGESTED`, `EXT_URL`, "
                "`BROWSE`, ...); no staging model reads it yet."
            ),
            "internal",
        ),
        Column(
            "deviceType",
            (
                "Dimension: `MOBILE`, `DESKTOP`, `TABLET`, `TV`, `GAME_CONSOLE` or "
                "`UNKNOWN_PLATFORM`; no staging model reads it yet."
            ),
            "internal",
        ),
        Column(
            "ageGroup",
            (
                "Dimension: viewer age bracket (`age13-17`, `age18-24`, ... `age65-`); no staging"
                " model reads it yet."
            ),
            "internal",
        ),
        Column(
            "gender",
            "Dimension: `female`, `male` or `user_specified`; no staging model reads it yet.",
            "internal",
        ),
        Column(
            "subscribedStatus",
            ("Dimension: `SUBSCRIBED` or `UNSUBSCRIBED` viewers; no staging model reads it yet."),
            "internal",
        ),
        Column(
            "creatorContentType",
            (
                "Dimension: `VIDEO_ON_DEMAND`, `SHORTS`, `LIVE_STREAM` or `STORY`; no staging "
                "model reads it yet."
            ),
            "internal",
        ),
        Column("views", "Metric: views, an integer as text.", "internal"),
        Column(
            "estimatedMinutesWatched", "Metric: minutes watched, an integer as text.", "internal"
        ),
        Column(
            "averageViewDuration",
            "Metric: average view length in seconds, an integer as text.",
            "internal",
        ),
        Column("subscribersGained", "Metric: subscribers gained, an integer as text.", "internal"),
        Column("subscribersLost", "Metric: subscribers lost, an integer as text.", "internal"),
        Column("likes", "Metric: likes, an integer as text.", "internal"),
        Column("dislikes", "Metric: dislikes, an integer as text.", "internal"),
        Column("comments", "Metric: comments, an integer as text.", "internal"),
        Column("shares", "Metric: shares, an integer as text.", "internal"),
        Column(
            "videoThumbnailImpressions",
            "Metric: thumbnail impressions, an integer as text.",
            "internal",
        ),
        Column(
            "averageViewPercentage",
            "Metric: average share of the video watched per view, in percent, decimal text.",
            "internal",
        ),
        Column(
            "videoThumbnailImpressionsClickRate",
            ("Metric: views per thumbnail impression in percent, decimal text (`5.63` = 5.63 %)."),
            "internal",
        ),
        Column(
            "viewerPercentage",
            (
                "Metric: share of logged-in viewers in the row's demographic group, in percent, "
                "decimal text (only with ageGroup/gender)."
            ),
            "internal",
        ),
        Column(
            "estimatedRevenue",
            "Metric: estimated net revenue in USD, decimal text (needs the monetary scope).",
            "confidential",
        ),
    ),
    tests=(
        warn_unless(
            "source_youtube_analytics_report__one_dimension",
            "(day is not null)::int + (month is not null)::int + (video is not null)::int"
            ' + (country is not null)::int = 1 and coalesce("insightTrafficSourceType",'
            ' "deviceType", "ageGroup", gender, "subscribedStatus", "creatorContentType")'
            " is null",
            "Warns on rows of reports with several dimensions (e.g. day and video) or "
            "dimensions other than day, month, video and country: no staging model reads them "
            "yet (each staging model reads the reports of exactly one dimension).",
        ),
    ),
)

DATASETS = [table_data, analytics_report]
