"""Events: the shop's clickstream, as Segment's HTTP tracking API calls (one NDJSON per type).

What lands: `lake serve events` (lake/events/) accepts track, page, screen, identify, group
and alias calls from Segment-compatible SDKs, logs them durably and rolls them into
`<dataset>_<segment>.ndjson` files under `landing/events/<minute>/`, one record per line,
every field of the call type present (null when the client sent none). Field names are the
tracking API's own (`messageId`, `userId`, `anonymousId`, `timestamp`, ...); `properties`,
`traits`, `context` and `integrations` land as JSON text. The collector stores a retried
`messageId` once within its deduplication window; staging deduplicates by `messageId` too.

Personal data: `traits` (names, e-mail addresses the client identifies) and `context` (it
holds `context.ip`, the client's address) are restricted.

Path through the lake: `lake serve events` -> `landing/events/<minute>/` ->
`raw/_source=events/_dataset=<tracks|pages|...>/` -> `models/staging/events/`.
"""

from __future__ import annotations

from lake.events.messages import DATASETS as DATASET_OF_TYPE
from lake.events.messages import fields_of
from lake.ingest.contract import (
    NOT_NULL,
    Column,
    Dataset,
    Freshness,
    Layout,
    Ndjson,
    Source,
)

SOURCE = "events"

SOURCE_INFO = Source(
    name=SOURCE,
    title="Events",
    description=(
        "The shop's clickstream: Segment tracking-API calls (track, page, screen, identify, "
        "group, alias) sent by the web and app clients to `lake serve events`, which lands "
        "one NDJSON file per call type (`<dataset>_<segment>.ndjson`); `lake ingest` writes "
        "them to the raw zone. Field names are the tracking API's; every value is text and "
        "nested objects are JSON text."
    ),
    owner="shop-analytics",
    freshness=Freshness(
        warn_days=1,
        error_days=3,
        why="The collector lands its log every minute while clients send; a day without "
        "events means the collector or the clients stopped.",
    ),
    extractor="lake/events/ (lake serve events)",
)

_TIME = (
    "An ISO-8601 date-time with a time zone, as the client sent it (the collector refuses others)."
)
_COLUMNS: dict[str, Column] = {
    c.name: c
    for c in (
        Column(
            "messageId",
            "The call's unique id, set by the client's SDK (or by the collector when the "
            "client sent none, prefixed `lake-`). A retried call repeats it.",
            "internal",
            tests=NOT_NULL,
        ),
        Column(
            "type",
            "The call type: track, page, screen, identify, group or alias.",
            "internal",
            tests=NOT_NULL,
        ),
        Column(
            "userId",
            "The application's user id, once the user is known (login); a pseudonymous key.",
            "internal",
        ),
        Column(
            "anonymousId",
            "The client's id for a visitor before login (a random UUID kept in the browser).",
            "internal",
        ),
        Column("timestamp", f"When the event happened, by the client's clock. {_TIME}", "internal"),
        Column("sentAt", f"When the client sent the call (its batch's). {_TIME}", "internal"),
        Column(
            "receivedAt",
            "When the collector received the call, by its clock (UTC, milliseconds).",
            "internal",
            tests=NOT_NULL,
        ),
        Column(
            "context",
            "The call's context as JSON text (library, page, user agent, locale, and `ip`, the "
            "client's address: personal data).",
            "restricted",
        ),
        Column(
            "integrations", "Destinations the client enabled or disabled, JSON text.", "internal"
        ),
        Column("event", "The track call's event name (`Product Viewed`, ...).", "internal"),
        Column("name", "The page or screen name.", "internal"),
        Column("category", "The page or screen category.", "internal"),
        Column("properties", "The call's properties, JSON text.", "internal"),
        Column(
            "traits",
            "Traits of the user or group (names, e-mail): personal data, JSON text.",
            "restricted",
        ),
        Column("groupId", "The group's (account's) id.", "internal"),
        Column("previousId", "The id the alias call merges into `userId`.", "internal"),
    )
}

_DESCRIPTIONS = {
    "track": "Track calls: one row per user action (`event`, e.g. `Product Viewed`, "
    "`Order Completed`), with its `properties`.",
    "page": "Page calls: one row per page view of the web shop.",
    "screen": "Screen calls: one row per screen view of the mobile app.",
    "identify": "Identify calls: who a user is (`userId`, `traits`), sent at login and "
    "sign-up; links the visitor's `anonymousId` to the `userId`.",
    "group": "Group calls: a user joining a group (`groupId`, `traits`).",
    "alias": "Alias calls: `previousId` merged into `userId`.",
}


_RARE = ("group", "alias")
_NOT_CHECKED = Freshness(
    0,
    0,
    why="Group and alias calls come only from clients that use them (accounts of businesses, "
    "merged identities): no schedule says when the next one is due, so none is checked.",
    checked=False,
)


def _dataset(call_type: str) -> Dataset:
    fields = fields_of(call_type)
    restricted = any(_COLUMNS[f].classification == "restricted" for f in fields)
    return Dataset(
        source=SOURCE,
        name=DATASET_OF_TYPE[call_type],
        description=_DESCRIPTIONS[call_type],
        pattern=f"{DATASET_OF_TYPE[call_type]}_*.ndjson",
        format=Ndjson(max_line_size=64 * 1024),
        layouts=(Layout("segment_v1", required=fields),),
        primary_key=("messageId",),
        schema=tuple(_COLUMNS[f] for f in fields),
        retention="personal_data" if restricted else "raw_default",
        freshness=None if call_type not in _RARE else _NOT_CHECKED,
    )


tracks = _dataset("track")
pages = _dataset("page")
screens = _dataset("screen")
identifies = _dataset("identify")
groups = _dataset("group")
aliases = _dataset("alias")

DATASETS = [tracks, pages, screens, identifies, groups, aliases]
