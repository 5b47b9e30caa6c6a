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
from lake.ingest.contract import Csv, Dataset, Hook, Layout, ParseInput

SOURCE = "youtube"

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
)

DATASETS = [table_data, analytics_report]
