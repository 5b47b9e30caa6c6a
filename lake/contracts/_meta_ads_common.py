"""Meta Ads contract helpers shared by `meta_ads.py` and its dataset modules."""

from __future__ import annotations

from collections.abc import Callable

from lake.contracts._helpers import (
    Record,
    load_json,
    public_keys,
    records_array,
)
from lake.ingest.contract import Column, ParseInput

SOURCE = "meta_ads"

TIMESTAMP = "timestamp:%Y-%m-%dT%H:%M:%S%z"
FIX = (
    "re-run extract/meta_ads.py; an 'error' body usually means the access token expired "
    "(set a fresh long-lived token in LAKE_META_ADS_TOKEN) or the app hit its rate limit "
    "(wait and retry)"
)


def records_hook(endpoint: str) -> Callable[[ParseInput], list[Record]]:
    """A hook returning the records of one endpoint's dump (bare array or `{"data": [...]}`)."""
    what = f"the Meta Marketing API '{endpoint}' response"

    def parse(inp: ParseInput) -> list[Record]:
        doc = load_json(inp, what=what, fix=FIX)
        return [public_keys(record) for record in records_array(doc, inp, what=what, fix=FIX)]

    parse.__name__ = f"parse_{endpoint}"
    return parse


def endpoint_pattern(endpoint: str) -> str:
    # `ads.json` or `ads_<stamp>.json`, but not `adsets.json`: the character after the
    # endpoint's name must be '.' or '_'.
    return f"{endpoint}[._]*json"


COMMON_TIMES = ("created_time", "updated_time", "start_time")


ACCOUNT_ID = Column(
    "account_id",
    (
        "Ad account id, the digits without the `act_` prefix, as text; null when not "
        "requested (the landing metadata's `account` names it too)."
    ),
    "internal",
)
"""The ad account id column of the campaigns, ad sets and ads dumps (one declaration)."""
