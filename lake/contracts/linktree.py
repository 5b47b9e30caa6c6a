"""Linktree: analytics GraphQL responses captured from the browser (one JSON per query).

What lands: `extract/linktree.py` drives the Linktree admin in a browser (the sandbox in the
demo) and saves every analytics GraphQL response as served, `graphql_<YYYYMMDD_HHMMSS_micro>
.json`. The names are all alike, so the hooks tell the queries apart by the keys under `data`:

- `getAccountAnalytics.overview.timeseries[]` -> `overview_daily`;
- `getAccountAnalytics.links[]`, `.socials.socials[]`, `.socials.timeseries[]` -> `links`,
  `socials`, `socials_daily`;
- `getAccountAnalytics.lifetime`, `.locations.cities[]`, `.locations.countries[]`,
  `.referrers.referrers[]`, `.devices.devices[]` -> `lifetime`, `cities`, `countries`,
  `referrers`, `devices`;
- `getAccountAnalytics.subscribers.{subscribers,emailSubscribers,smsSubscribers}[]` ->
  `subscribers_daily`;
- `link<ID>` objects (the link-details query) -> `link_titles`.

Rows keep Linktree's field names. Nested `{"total": N}` objects are lifted one level
(`views.total` -> `views_total`); `__typename` becomes `typename` (raw reserves a leading `_`)
and is dropped inside nested objects. Lists (`coordinates`, `notifications`, `payments`) and
`breakdown` land as JSON text. `clickThroughRate` is a ratio that can exceed 1 (clicks can
outnumber views). Not captured as a dataset: `products[]` (always empty so far, shape unknown)
and the window totals of `overview` and `subscribers.total` (sums of the daily rows).

Path through the lake: `extract/linktree.py` -> `landing/linktree/<batch>/` ->
`raw/_source=linktree/_dataset=<name>/` -> `models/staging/linktree/`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from lake.contracts._helpers import (
    Record,
    dig,
    flatten,
    load_json,
    require_object,
    require_record,
    type_name,
)
from lake.errors import ContractError
from lake.ingest.contract import (
    NOT_NULL,
    Column,
    Dataset,
    Freshness,
    Hook,
    Layout,
    ParseInput,
    Source,
)

SOURCE = "linktree"

SOURCE_INFO = Source(
    name=SOURCE,
    title="Linktree",
    description=(
        "Linktree, one profile's analytics: the admin's GraphQL responses captured from the "
        "browser (`graphql_<YYYYMMDD_HHMMSS_micro>.json`, one per query), landed by "
        "`extract/linktree.py` (or dropped by hand), split into datasets and written to the raw "
        'zone by `lake ingest`. Field names are Linktree\'s (`{"total": N}` objects lifted to '
        "`<field>_total`, `__typename` as `typename`); every value is text. The responses do not "
        "name the account: land them with `--account` (the extractor does)."
    ),
    owner="label-marketing",
    freshness=Freshness(
        warn_days=3,
        error_days=8,
        why="The extractor captures daily; a week without a capture means it stopped.",
    ),
)
PATTERN = "graphql_*.json"

_WHAT = "the Linktree GraphQL response"
_FIX = (
    "re-capture the Linktree analytics with extract/linktree.py; an 'errors' response or a "
    "cut-short file usually means the admin session expired (log in again first)"
)
_ANALYTICS = "getAccountAnalytics"
_LINK_KEY = re.compile(r"link\d+")

ParseFn = Callable[[ParseInput], list[Record] | None]


def graphql_data(inp: ParseInput) -> dict[str, Any]:
    """The `data` object of a GraphQL response; a response without one is broken."""
    doc = require_object(load_json(inp, what=_WHAT, fix=_FIX), inp, what=_WHAT, fix=_FIX)
    data = doc.get("data")
    if isinstance(data, dict):
        return data
    if doc.get("errors"):
        raise ContractError(
            "api_error",
            f"{inp.name}: {_WHAT} holds errors and no data: {json.dumps(doc['errors'])[:300]}",
            _FIX,
            {"file": inp.name},
        )
    raise ContractError(
        "unexpected_shape",
        f"{inp.name}: {_WHAT} should have a 'data' object, found {type_name(data)}",
        _FIX,
        {"file": inp.name},
    )


def _rows(inp: ParseInput, items: Any, where: str, extra: Record | None = None) -> list[Record]:
    """Flattened rows of one array found at `where`; anything but an array is broken."""
    if not isinstance(items, list):
        raise ContractError(
            "unexpected_shape",
            f"{inp.name}: data.{where} should be an array, found {type_name(items)}",
            _FIX,
            {"file": inp.name, "path": where},
        )
    what = f"data.{where}"
    return [
        {**flatten(require_record(item, inp, i, what=what, fix=_FIX)), **(extra or {})}
        for i, item in enumerate(items)
    ]


def analytics_array_hook(*path: str) -> ParseFn:
    """A hook for the array at `data.getAccountAnalytics.<path>`; None when it is absent."""
    where = ".".join((_ANALYTICS, *path))

    def parse(inp: ParseInput) -> list[Record] | None:
        items = dig(graphql_data(inp), _ANALYTICS, *path)
        return None if items is None else _rows(inp, items, where)

    parse.__name__ = f"parse_{'_'.join(path)}"
    return parse


def parse_lifetime(inp: ParseInput) -> list[Record] | None:
    """One row of account lifetime totals (`getAccountAnalytics.lifetime`)."""
    lifetime = dig(graphql_data(inp), _ANALYTICS, "lifetime")
    if lifetime is None:
        return None
    record = require_record(lifetime, inp, 0, what=f"data.{_ANALYTICS}.lifetime", fix=_FIX)
    return [flatten(record)]


_SUBSCRIBER_CHANNELS = {"subscribers": "all", "emailSubscribers": "email", "smsSubscribers": "sms"}


def parse_subscribers(inp: ParseInput) -> list[Record] | None:
    """Daily subscriber rows of the three channels, each tagged with `channel` and `interval`."""
    block = dig(graphql_data(inp), _ANALYTICS, "subscribers")
    if block is None:
        return None
    block = require_record(block, inp, 0, what=f"data.{_ANALYTICS}.subscribers", fix=_FIX)
    rows: list[Record] = []
    for key, channel in _SUBSCRIBER_CHANNELS.items():
        if key in block:
            tags = {"channel": channel, "interval": block.get("interval")}
            rows += _rows(inp, block[key], f"{_ANALYTICS}.subscribers.{key}", tags)
    return rows


def parse_link_titles(inp: ParseInput) -> list[Record] | None:
    """One row per `data.link<ID>` object (the links' titles and state)."""
    data = graphql_data(inp)
    keys = [key for key in data if _LINK_KEY.fullmatch(key)]
    if not keys:
        return None
    return [
        flatten(require_record(data[k], inp, i, what=f"data.{k}", fix=_FIX))
        for i, k in enumerate(keys)
    ]


def _dataset(
    name: str,
    description: str,
    parse: ParseFn,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    types: dict[str, str] | None = None,
    primary_key: tuple[str, ...] = (),
    schema: tuple[Column, ...] = (),
) -> Dataset:
    return Dataset(
        source=SOURCE,
        name=name,
        description=description,
        pattern=PATTERN,
        format=Hook(parse),
        layouts=(Layout("graphql_v1", required=required, optional=(*optional, "typename")),),
        types=types or {},
        primary_key=primary_key,
        schema=schema,
    )


_DATE = "date:%Y-%m-%d"
_VIEWS_CLICKS = ("views_total", "clicks_total")
_COUNTS = dict.fromkeys(_VIEWS_CLICKS, "bigint")
_RATE = {"clickThroughRate": "double"}

overview_daily = _dataset(
    "overview_daily",
    "Profile views and link clicks per day (`overview.timeseries[]`; the window is the "
    "query's: 7 days or 365 days, so files overlap). clickThroughRate = clicks / views.",
    analytics_array_hook("overview", "timeseries"),
    required=("date", "totalViews", "totalClicks"),
    optional=("uniqueViews", "uniqueClicks", "clickThroughRate"),
    types={
        "date": _DATE,
        **dict.fromkeys(("totalViews", "totalClicks", "uniqueViews", "uniqueClicks"), "bigint"),
        **_RATE,
    },
    primary_key=("date",),
    schema=(
        Column("date", "The day, `YYYY-MM-DD`.", "internal", tests=NOT_NULL),
        Column("totalViews", "Profile views that day, as text.", "internal", tests=NOT_NULL),
        Column("totalClicks", "Link clicks that day, as text.", "internal", tests=NOT_NULL),
        Column("uniqueViews", "Unique visitors that day, as text.", "internal"),
        Column("uniqueClicks", "Unique clickers that day, as text.", "internal"),
        Column(
            "clickThroughRate",
            "Clicks / views as Linktree reports it (can exceed 1), as text.",
            "internal",
        ),
        Column("typename", "GraphQL `__typename` of the object.", "internal"),
    ),
)

links = _dataset(
    "links",
    "Clicks per link over the query's window (`links[]`): link id, clicks_total, and the "
    "optional `breakdown` (JSON text, null so far). Titles are in `link_titles`.",
    analytics_array_hook("links"),
    required=("id", "clicks_total"),
    optional=("breakdown",),
    types={"clicks_total": "bigint"},
    primary_key=("id",),
    schema=(
        Column("id", "Linktree's link id (digits), as text.", "public", tests=NOT_NULL),
        Column(
            "clicks_total", "Clicks over the capture's window, as text.", "internal", tests=NOT_NULL
        ),
        Column("breakdown", "Per-link breakdown, JSON text (null so far).", "internal"),
        Column("typename", "GraphQL `__typename` of the object.", "internal"),
    ),
)

socials = _dataset(
    "socials",
    "Views and clicks per social icon over the query's window (`socials.socials[]`; `date` "
    "is null there).",
    analytics_array_hook("socials", "socials"),
    required=("name", "clicks_total"),
    optional=("date", "views_total"),
    types={"date": _DATE, **_COUNTS},
    primary_key=("name",),
    schema=(
        Column(
            "name", "The social icon, e.g. `instagram`, `email_address`.", "public", tests=NOT_NULL
        ),
        Column(
            "clicks_total", "Clicks over the capture's window, as text.", "internal", tests=NOT_NULL
        ),
        Column("date", "Always null on these rows.", "internal"),
        Column(
            "views_total",
            "The profile's views over the window (the same on every row), as text.",
            "internal",
        ),
        Column("typename", "GraphQL `__typename` of the object.", "internal"),
    ),
)

socials_daily = _dataset(
    "socials_daily",
    "Views and clicks per social icon and day (`socials.timeseries[]`: one row per icon and "
    "day). `views_total` repeats the profile's window total on every row.",
    analytics_array_hook("socials", "timeseries"),
    required=("date", "name", "clicks_total"),
    optional=("views_total",),
    types={"date": _DATE, **_COUNTS},
    primary_key=("name", "date"),
    schema=(
        Column("date", "The day, `YYYY-MM-DD`.", "internal", tests=NOT_NULL),
        Column("name", "The social icon.", "public", tests=NOT_NULL),
        Column("clicks_total", "Clicks on the icon that day, as text.", "internal", tests=NOT_NULL),
        Column(
            "views_total",
            "The profile's views over the whole window, repeated on every row, as text.",
            "internal",
        ),
        Column("typename", "GraphQL `__typename` of the object.", "internal"),
    ),
)

lifetime = _dataset(
    "lifetime",
    "Account lifetime totals, one row per capture (`lifetime`): views, clicks (total, on "
    "the profile's links, on socials), subscribers, clickThroughRate, payments (JSON text).",
    parse_lifetime,
    required=("views_total", "clicks_total"),
    optional=(
        "clicks_profile",
        "clicks_socials",
        "subscribers_total",
        "clickThroughRate",
        "payments",
    ),
    types={
        **_COUNTS,
        **dict.fromkeys(("clicks_profile", "clicks_socials", "subscribers_total"), "bigint"),
        **_RATE,
    },
    schema=(
        Column("views_total", "Lifetime profile views, as text.", "internal", tests=NOT_NULL),
        Column("clicks_total", "Lifetime clicks, as text.", "internal", tests=NOT_NULL),
        Column("clicks_profile", "Lifetime clicks on the profile's links, as text.", "internal"),
        Column("clicks_socials", "Lifetime clicks on social icons, as text.", "internal"),
        Column("subscribers_total", "Lifetime subscribers, as text.", "internal"),
        Column(
            "clickThroughRate",
            "Clicks / views as Linktree reports it (can exceed 1), as text.",
            "internal",
        ),
        Column("payments", "Payments, JSON text (an empty list so far).", "confidential"),
        Column("typename", "GraphQL `__typename` of the object.", "internal"),
    ),
)

_AUDIENCE_COLUMNS: tuple[Column, ...] = (
    Column("views_total", "Views over the capture's window, as text.", "internal", tests=NOT_NULL),
    Column(
        "clicks_total", "Clicks over the capture's window, as text.", "internal", tests=NOT_NULL
    ),
    Column(
        "clickThroughRate",
        "Clicks / views as Linktree reports it (can exceed 1), as text.",
        "internal",
    ),
    Column("typename", "GraphQL `__typename` of the object.", "internal"),
)


cities = _dataset(
    "cities",
    "Views and clicks per city over the query's window (`locations.cities[]`): city name "
    "('Unknown' when Linktree cannot tell), countryCode, coordinates ([lat, lon] strings, "
    "JSON text), views_total, clicks_total, clickThroughRate. No primary key: clicks are "
    "often reported apart from views for the same place, on rows whose name is null, or "
    "fused with the country ('Lawrenceville-US') while countryCode and coordinates are null.",
    analytics_array_hook("locations", "cities"),
    required=("name", "countryCode", "views_total", "clicks_total"),
    optional=("coordinates", "clickThroughRate"),
    types={**_COUNTS, **_RATE},
    schema=(
        Column("name", "City name (`Unknown` when Linktree cannot tell; may be null).", "internal"),
        Column("countryCode", "ISO country code (may be null).", "internal"),
        Column("coordinates", "Latitude and longitude as a JSON list of two strings.", "internal"),
        *_AUDIENCE_COLUMNS,
    ),
)

countries = _dataset(
    "countries",
    "Views and clicks per country over the query's window (`locations.countries[]`): "
    "country name, ISO countryCode, views_total, clicks_total, clickThroughRate.",
    analytics_array_hook("locations", "countries"),
    required=("name", "countryCode", "views_total", "clicks_total"),
    optional=("clickThroughRate",),
    types={**_COUNTS, **_RATE},
    primary_key=("countryCode",),
    schema=(
        Column("name", "Country name.", "public", tests=NOT_NULL),
        Column("countryCode", "ISO 3166-1 alpha-2 country code.", "public", tests=NOT_NULL),
        *_AUDIENCE_COLUMNS,
    ),
)

referrers = _dataset(
    "referrers",
    "Views and clicks per referrer over the query's window (`referrers.referrers[]`: "
    "Tiktok, Instagram, Direct, ...).",
    analytics_array_hook("referrers", "referrers"),
    required=("name", "views_total", "clicks_total"),
    optional=("clickThroughRate",),
    types={**_COUNTS, **_RATE},
    primary_key=("name",),
    schema=(
        Column("name", "Referrer, e.g. `Tiktok`, `Instagram`, `Direct`.", "public", tests=NOT_NULL),
        *_AUDIENCE_COLUMNS,
    ),
)

devices = _dataset(
    "devices",
    "Views and clicks per device class over the query's window (`devices.devices[]`: "
    "mobile, desktop, tablet, other); clickThroughRate can exceed 1.",
    analytics_array_hook("devices", "devices"),
    required=("name", "views_total", "clicks_total"),
    optional=("clickThroughRate",),
    types={**_COUNTS, **_RATE},
    primary_key=("name",),
    schema=(
        Column("name", "Device class: mobile, desktop, tablet or other.", "public", tests=NOT_NULL),
        *_AUDIENCE_COLUMNS,
    ),
)

subscribers_daily = _dataset(
    "subscribers_daily",
    "Subscribers per channel and day (`subscribers.subscribers[]` -> channel 'all', "
    "`emailSubscribers[]` -> 'email', `smsSubscribers[]` -> 'sms'); `interval` is the "
    "query's grain (DAILY); notifications land as JSON text.",
    parse_subscribers,
    required=("channel", "date", "subscribersTotal"),
    optional=("subscribersClicks", "dailyTotal", "notifications", "interval"),
    types={
        "date": _DATE,
        **dict.fromkeys(("subscribersTotal", "subscribersClicks", "dailyTotal"), "bigint"),
    },
    primary_key=("channel", "date"),
    schema=(
        Column("channel", "all, email or sms (set by the contract).", "internal", tests=NOT_NULL),
        Column("date", "The day, `YYYY-MM-DD`.", "internal", tests=NOT_NULL),
        Column("subscribersTotal", "Subscribers that day, as text.", "internal", tests=NOT_NULL),
        Column("subscribersClicks", "Clicks by subscribers that day, as text.", "internal"),
        Column("dailyTotal", "Daily total as Linktree reports it, as text.", "internal"),
        Column("notifications", "Notifications sent, JSON text.", "internal"),
        Column("interval", "The query's grain (`DAILY`).", "internal"),
        Column("typename", "GraphQL `__typename` of the object.", "internal"),
    ),
)

link_titles = _dataset(
    "link_titles",
    "Title and state of each link (`data.link<ID>` objects of the link-details query): id, "
    "title, active, modifiers_thumbnailUrl.",
    parse_link_titles,
    required=("id", "title"),
    optional=("active", "modifiers_thumbnailUrl"),
    types={"active": "boolean"},
    primary_key=("id",),
    schema=(
        Column("id", "Linktree's link id (digits), as text.", "public", tests=NOT_NULL),
        Column("title", "The link's title.", "public", tests=NOT_NULL),
        Column("active", "Whether the link is shown (`true`/`false`).", "public"),
        Column("modifiers_thumbnailUrl", "The link's thumbnail image URL.", "public"),
        Column("typename", "GraphQL `__typename` of the object.", "internal"),
    ),
)

DATASETS = [
    overview_daily,
    links,
    socials,
    socials_daily,
    lifetime,
    cities,
    countries,
    referrers,
    devices,
    subscribers_daily,
    link_titles,
]
