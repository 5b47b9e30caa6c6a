"""Shipping: the carrier's trackers (EasyPost's tracking API), JSON pages and single trackers.

What lands: `extract/shipping.py` saves each page of `GET /v2/trackers` as served,
`trackers_p<n>.json` (`{"trackers": [...], "has_more": bool}`), and each open tracker it
polls, `tracker_<id>.json` (one tracker object). The layout follows EasyPost's API reference;
the shop's order id travels in `reference`.

One row per tracker per landed file, the scans (`tracking_details`) as JSON text: staging
keeps the newest version of each tracker and unnests its scans.

Path through the lake: `extract/shipping.py` -> `landing/shipping/<batch>/` ->
`raw/_source=shipping/_dataset=trackers/` -> `models/staging/shipping/`.
"""

from __future__ import annotations

from lake.contracts._helpers import (
    Field,
    Record,
    api_error,
    lifted_rows,
    load_json,
    require_record,
    type_name,
)
from lake.errors import ContractError
from lake.ingest.contract import Dataset, Freshness, Hook, Layout, ParseInput, Records, Source

SOURCE = "shipping"

SOURCE_INFO = Source(
    name=SOURCE,
    title="Shipping (EasyPost)",
    description=(
        "The carrier's trackers of the shop's shipments (EasyPost's tracking API): listed by "
        "creation time and polled until final by `extract/shipping.py`, written to the raw "
        "zone by `lake ingest`. The shop's order id is `reference`."
    ),
    owner="shop-operations",
    freshness=Freshness(
        warn_days=2, error_days=4, why="Polled daily while parcels are on their way."
    ),
)

_WHAT = "the EasyPost trackers response"
_FIX = (
    "re-run extract/shipping.py; an error body means the API key was refused (set "
    "LAKE_SHIPPING_TOKEN) or the carrier API failed (retry later)"
)

FIELDS: tuple[Field, ...] = (
    Field("id", "id", "Tracker id (`trk_` + 32 hex characters)."),
    Field("object", "object", "EasyPost's object type, `Tracker`."),
    Field("tracking_code", "tracking_code", "The carrier's tracking code (`AB123456789BR`)."),
    Field(
        "status",
        "status",
        "Latest status: `unknown`, `pre_transit`, `in_transit`, `out_for_delivery`, "
        "`delivered`, `available_for_pickup`, `return_to_sender`, `failure`, `cancelled`, "
        "`error`.",
    ),
    Field("status_detail", "status_detail", "Detail of the status (`arrived_at_facility`, ...)."),
    Field(
        "created_at",
        "created_at",
        "When the tracker was created, ISO 8601 UTC (`2026-11-22T05:38:10Z`).",
        type="timestamp:%Y-%m-%dT%H:%M:%SZ",
    ),
    Field(
        "updated_at",
        "updated_at",
        "When the tracker last changed (its newest scan), ISO 8601 UTC.",
        type="timestamp:%Y-%m-%dT%H:%M:%SZ",
    ),
    Field(
        "est_delivery_date",
        "est_delivery_date",
        "The carrier's estimated delivery time, ISO 8601 UTC; null when unknown.",
        type="timestamp:%Y-%m-%dT%H:%M:%SZ",
    ),
    Field("carrier", "carrier", "The carrier (`Correios`, `USPS`, ...)."),
    Field("order_id", "reference", "The shop's order id (the tracker's `reference`)."),
    Field("signed_by", "signed_by", "Who signed for the parcel.", "restricted"),
    Field("weight", "weight", "Weight in ounces as the carrier reports it.", type="double"),
    Field("shipment_id", "shipment_id", "EasyPost shipment id, when bought through EasyPost."),
    Field("mode", "mode", "`production` or `test`."),
    Field(
        "finalized", "finalized", "`true` once the tracker reached a final state.", type="boolean"
    ),
    Field("is_return", "is_return", "`true` for a parcel on its way back.", type="boolean"),
    Field("carrier_service", "carrier_detail.service", "The carrier's service (`SEDEX`, ...)."),
    Field(
        "origin_location",
        "carrier_detail.origin_location",
        "Where the parcel left from (the seller's city and state).",
        "confidential",
    ),
    Field(
        "destination_location",
        "carrier_detail.destination_location",
        "Where the parcel goes (the customer's city and state).",
        "restricted",
    ),
    Field(
        "tracking_details",
        "tracking_details",
        "The carrier's scans as JSON array text (`status`, `status_detail`, `message`, "
        "`datetime`, `tracking_location` with the customer's city at delivery).",
        "restricted",
    ),
    Field("public_url", "public_url", "The tracker's public tracking page.", "confidential"),
)


def parse_trackers(inp: ParseInput) -> Records | None:
    """One row per tracker of a list page, or the one tracker of a single response."""
    doc = load_json(inp, what=_WHAT, fix=_FIX)
    if not isinstance(doc, dict):
        return None
    if "error" in doc and "trackers" not in doc:
        raise api_error(inp, doc["error"], what=_WHAT, fix=_FIX)
    if doc.get("object") == "Tracker":
        items: list[Record] = [doc]
    elif "trackers" in doc:
        if not isinstance(doc["trackers"], list):
            raise ContractError(
                "unexpected_shape",
                f"{inp.name}: 'trackers' should be an array, found {type_name(doc['trackers'])}",
                _FIX,
                {"file": inp.name},
            )
        items = [
            require_record(t, inp, i, what=_WHAT, fix=_FIX) for i, t in enumerate(doc["trackers"])
        ]
    else:
        return None
    return lifted_rows(FIELDS, items)


_REQUIRED = ("id", "tracking_code", "status", "created_at")

trackers = Dataset(
    source=SOURCE,
    name="trackers",
    description=(
        "One row per tracker per landed file (`GET /v2/trackers` pages and polled "
        "`tracker_<id>.json`): tracking code, the shop's order id, status, times, scans as "
        "JSON text. A tracker is landed again each time it is polled: staging keeps the newest."
    ),
    pattern="tracker*.json",
    format=Hook(parse_trackers),
    layouts=(
        Layout(
            "trackers_v2",
            required=_REQUIRED,
            optional=tuple(f.name for f in FIELDS if f.name not in _REQUIRED),
        ),
    ),
    primary_key=("id",),
    schema=tuple(f.column() for f in FIELDS),
    retention="personal_data",
)

DATASETS = [trackers]
