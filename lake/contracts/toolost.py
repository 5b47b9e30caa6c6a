"""TooLost: the analytics API responses for Spotify and Apple Music (one JSON per platform).

What lands: `extract/toolost.py` signs in to the TooLost dashboard API (the sandbox in the demo)
and saves each analytics response as served: `toolost_spotify_<YYYYMMDD_HHMMSS>.json` and
`toolost_apple_<YYYYMMDD_HHMMSS>.json`. One file feeds several datasets, one per array:

- Spotify: `streams[]` (daily, counts as *strings*, dates unordered) and `discovery[]`
  (Discovery Mode months with their `fees`);
- Apple: `totalStreams[]` (daily, *integer* counts), `totalShazam[]` (daily, counts as strings,
  still under the key `streams`), `tracksTotal[]` (per ISRC), `countryTotal[]` and the scalar
  `streamTotal` (one `apple_summary` row).

The arrays are read by DuckDB (`Json(records_path=...)`); only the scalar needs a hook.

The portal's monthly sales statements land as `toolost_sales_<YYYY-MM>.csv` (dataset `sales`,
layout in its description; no real sample exists, the layout is the sandbox's).

Path through the lake: `extract/toolost.py` -> `landing/toolost/<batch>/` ->
`raw/_source=toolost/_dataset=<name>/` -> `models/staging/toolost/`.
"""

from __future__ import annotations

from lake.contracts._helpers import Record, load_json, require_object
from lake.ingest.contract import (
    Column,
    Csv,
    Dataset,
    Freshness,
    Hook,
    Json,
    Layout,
    ParseInput,
    Source,
)

SOURCE = "toolost"

SOURCE_INFO = Source(
    name=SOURCE,
    title="TooLost",
    description=(
        "TooLost, the distributor: its analytics API responses for Spotify and Apple Music, one "
        "JSON file per platform and run, landed by `extract/toolost.py` and split by `lake "
        "ingest` into one raw dataset per array; and the portal's monthly sales statements "
        "(`toolost_sales_<YYYY-MM>.csv`, dataset `sales`). Raw values are text as written "
        "(Spotify counts are strings, Apple stream counts integers, Shazam counts strings). The "
        "account a file belongs to is the landing metadata's `account` (the file names do not "
        "carry it)."
    ),
    owner="label-ops",
    freshness=Freshness(
        warn_days=3,
        error_days=7,
        why="Pulled daily: three days without a response means the session or the extract broke.",
    ),
)
SPOTIFY_FILES = "toolost_spotify_*.json"
APPLE_FILES = "toolost_apple_*.json"

_REFETCH = (
    "re-run extract/toolost.py to fetch the response again; if the new file is broken the "
    "same way, check that the TooLost session is still valid (an expired one returns an HTML "
    "login page or an error object)"
)

_DATE = "date:%Y-%m-%d"


def _daily(
    name: str, pattern: str, path: str, description: str, schema: tuple[Column, ...]
) -> Dataset:
    """A `[{"date": "YYYY-MM-DD", "streams": N}, ...]` array of one response."""
    return Dataset(
        source=SOURCE,
        name=name,
        description=description,
        pattern=pattern,
        format=Json(records_path=path),
        layouts=(Layout("date_streams", required=("date", "streams")),),
        types={"date": _DATE, "streams": "bigint"},
        primary_key=("date",),
        schema=schema,
    )


spotify_streams = _daily(
    "spotify_streams",
    SPOTIFY_FILES,
    "$.streams",
    "Spotify streams per day across the catalogue (`streams[]` of the TooLost Spotify "
    "response). Counts are JSON strings; dates come unordered.",
    schema=(
        Column(
            "date", "The day, `YYYY-MM-DD`; the response's array is not in date order.", "internal"
        ),
        Column(
            "streams",
            (
                "Spotify streams that day across the catalogue, an integer as text (a JSON string"
                " in the response)."
            ),
            "internal",
        ),
    ),
)

spotify_discovery = Dataset(
    source=SOURCE,
    name="spotify_discovery",
    description=(
        "Spotify Discovery Mode per month (`discovery[]` of the TooLost Spotify response): "
        "`date` is the month's first day, `streams` the streams it brought (a string), `fees` "
        "the fee charged for it in USD (a string with 8 decimals)."
    ),
    pattern=SPOTIFY_FILES,
    format=Json(records_path="$.discovery"),
    layouts=(Layout("date_streams_fees", required=("date", "streams", "fees")),),
    types={"date": _DATE, "streams": "bigint", "fees": "decimal(18,8)"},
    primary_key=("date",),
    schema=(
        Column("date", "The month's first day, `YYYY-MM-01`.", "internal"),
        Column(
            "streams",
            (
                "Streams Discovery Mode brought that month, an integer as text (a JSON string in "
                "the response)."
            ),
            "internal",
        ),
        Column(
            "fees",
            ("Discovery Mode fee charged for the month in USD, a decimal with 8 places as text."),
            "confidential",
        ),
    ),
)

apple_streams = _daily(
    "apple_streams",
    APPLE_FILES,
    "$.totalStreams",
    "Apple Music streams per day across the catalogue (`totalStreams[]` of the TooLost Apple "
    "response). Counts are JSON integers here, unlike Spotify's.",
    schema=(
        Column(
            "date", "The day, `YYYY-MM-DD`; the response's array is not in date order.", "internal"
        ),
        Column(
            "streams",
            (
                "Apple Music streams that day across the catalogue, an integer as text (a JSON "
                "integer in the response)."
            ),
            "internal",
        ),
    ),
)

apple_shazam = _daily(
    "apple_shazam",
    APPLE_FILES,
    "$.totalShazam",
    "Shazam recognitions per day (`totalShazam[]` of the TooLost Apple response). The count "
    "sits under the key `streams` and is a JSON string.",
    schema=(
        Column(
            "date", "The day, `YYYY-MM-DD`; the response's array is not in date order.", "internal"
        ),
        Column(
            "streams",
            (
                "Shazam recognitions that day (TooLost keeps the key `streams`), an integer as "
                "text (a JSON string in the response)."
            ),
            "internal",
        ),
    ),
)

apple_tracks = Dataset(
    source=SOURCE,
    name="apple_tracks",
    description=(
        "Apple Music streams per track over the response's window (`tracksTotal[]`): ISRC, "
        "track and release titles, cover image URL, streams (an integer)."
    ),
    pattern=APPLE_FILES,
    format=Json(records_path="$.tracksTotal"),
    layouts=(
        Layout(
            "isrc_streams",
            required=("isrc", "streams"),
            optional=("track", "release", "cover"),
        ),
    ),
    types={"streams": "bigint"},
    primary_key=("isrc",),
    schema=(
        Column("isrc", "The track's ISRC (12 characters).", "public"),
        Column(
            "streams",
            "Apple Music streams of the track over the response's window, an integer as text.",
            "internal",
        ),
        Column("track", "Track title as released.", "public"),
        Column("release", "Title of the release the track is on.", "public"),
        Column("cover", "URL of the release's cover artwork on TooLost's storage.", "public"),
    ),
)

apple_countries = Dataset(
    source=SOURCE,
    name="apple_countries",
    description=(
        "Apple Music streams per country over the response's window (`countryTotal[]`): "
        "ISO 3166-1 alpha-2 `country`, `streams` (an integer)."
    ),
    pattern=APPLE_FILES,
    format=Json(records_path="$.countryTotal"),
    layouts=(Layout("country_streams", required=("country", "streams")),),
    types={"streams": "bigint"},
    primary_key=("country",),
    schema=(
        Column("country", "Country, ISO 3166-1 alpha-2 (e.g. `US`).", "internal"),
        Column(
            "streams",
            (
                "Apple Music streams from the country over the response's window, an integer as "
                "text."
            ),
            "internal",
        ),
    ),
)


def parse_apple_summary(inp: ParseInput) -> list[Record] | None:
    """One row holding the response's scalar `streamTotal`; None if the response has none."""
    what = "the TooLost Apple analytics response"
    doc = require_object(load_json(inp, what=what, fix=_REFETCH), inp, what=what, fix=_REFETCH)
    if "streamTotal" not in doc:
        return None
    return [{"streamTotal": doc["streamTotal"]}]


apple_summary = Dataset(
    source=SOURCE,
    name="apple_summary",
    description=(
        "The scalar `streamTotal` of the TooLost Apple response, one row per file: the Apple "
        "Music streams over the response's window (equal to the sums of totalStreams, "
        "tracksTotal and countryTotal; staging can reconcile them)."
    ),
    pattern=APPLE_FILES,
    format=Hook(parse_apple_summary),
    layouts=(Layout("stream_total", required=("streamTotal",)),),
    types={"streamTotal": "bigint"},
    primary_key=(),
    schema=(
        Column(
            "streamTotal",
            (
                "Apple Music streams over the response's window across the catalogue, an integer "
                "as text; equals the sums of `apple_streams`, `apple_tracks` and "
                "`apple_countries` of the same file."
            ),
            "internal",
        ),
    ),
)

SALES_COLUMNS = (
    "Reporting Month",
    "Sale Month",
    "Store",
    "Country",
    "Artist",
    "Release",
    "Track Title",
    "ISRC",
    "UPC",
    "Quantity",
    "Currency",
    "Gross Earnings",
    "Net Earnings",
)

sales = Dataset(
    source=SOURCE,
    name="sales",
    description=(
        "The monthly sales (earnings) statement from the TooLost portal, one file per reporting "
        "month (`toolost_sales_<YYYY-MM>.csv`): UTF-8 without BOM, comma-separated, CRLF line "
        "ends, quotes only where a value needs them. One row per reporting month, sale month, "
        "store, country and track: `Reporting Month` (the statement's month, YYYY-MM), `Sale "
        "Month` (when the streams happened, YYYY-MM, one to three months earlier), `Store` "
        "(DSP), `Country` (ISO 3166-1 alpha-2), `Artist`, `Release`, `Track Title`, `ISRC` "
        "(TooLost may write it with hyphens), `UPC` (12 digits, text), `Quantity` (streams, an "
        "integer), `Currency` (EUR or USD, per row: the store's currency), `Gross Earnings` and "
        "`Net Earnings` (after TooLost's fee) as exact decimals with 8 places in that currency. "
        "A statement is final: a later file for the same month replaces it."
    ),
    pattern="toolost_sales_*.csv",
    format=Csv(delimiter=","),
    layouts=(Layout("v1_13_columns", required=SALES_COLUMNS),),
    types={
        "Reporting Month": "date:%Y-%m",
        "Sale Month": "date:%Y-%m",
        "Quantity": "bigint",
        "Gross Earnings": "decimal(18,8)",
        "Net Earnings": "decimal(18,8)",
    },
    primary_key=("Reporting Month", "Sale Month", "Store", "Country", "ISRC"),
    schema=(
        Column("Reporting Month", "The statement's month, `YYYY-MM`.", "internal"),
        Column(
            "Sale Month",
            (
                "Month the streams or sales happened, `YYYY-MM`, one to three months before the "
                "reporting month."
            ),
            "internal",
        ),
        Column("Store", "The store (DSP), e.g. `Spotify`, `Apple Music`.", "public"),
        Column("Country", "Country of the sale, ISO 3166-1 alpha-2 (e.g. `US`).", "internal"),
        Column("Artist", "Artist name as released.", "public"),
        Column("Release", "Release (album or single) title as released.", "public"),
        Column("Track Title", "Track title as released.", "public"),
        Column(
            "ISRC",
            "The track's ISRC; TooLost may write it with hyphens (`QT-NI9-25-02472`).",
            "public",
        ),
        Column("UPC", "The release's UPC, 12 digits, as text (keeps leading zeros).", "public"),
        Column("Quantity", "Streams or units sold, an integer as text.", "internal"),
        Column(
            "Currency",
            "Currency of the row's earnings, `EUR` or `USD` (the store's currency, per row).",
            "internal",
        ),
        Column(
            "Gross Earnings",
            (
                "Earnings before TooLost's fee in the row's currency, a decimal with 8 places as "
                "text."
            ),
            "confidential",
        ),
        Column(
            "Net Earnings",
            (
                "Earnings after TooLost's fee in the row's currency, a decimal with 8 places as "
                "text: what the label is paid."
            ),
            "confidential",
        ),
    ),
    freshness=Freshness(
        warn_days=45,
        error_days=75,
        why="statements are published monthly (on the 15th of the next month)",
    ),
)

DATASETS = [
    spotify_streams,
    spotify_discovery,
    apple_streams,
    apple_shazam,
    apple_tracks,
    apple_countries,
    apple_summary,
    sales,
]
