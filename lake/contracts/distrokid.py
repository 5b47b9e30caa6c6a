"""DistroKid: the bank-details earnings export (TSV) and the stats pages (HTML charts).

Lands from `extract/distrokid.py` or `lake land --source distrokid`; raw at
`raw/source=distrokid/dataset=<name>/`; staged in `models/staging/distrokid/`.
"""

from __future__ import annotations

from lake.ingest.contract import Csv, Dataset, Layout

_BANK_DETAILS_2024 = (
    "Reporting Date",
    "Sale Month",
    "Store",
    "Artist",
    "Title",
    "ISRC",
    "UPC",
    "Quantity",
    "Team Percentage",
    "Song/Album",
    "Country of Sale",
    "Songwriter Royalties Withheld",
    "Earnings (USD)",
)

bank_details = Dataset(
    source="distrokid",
    name="bank_details",
    description=(
        "The 'bank details' earnings export: one row per store, month, country and track, "
        "re-exported in full every time. Lines end with CR only; money has 8 decimals."
    ),
    pattern="*bank_details*.tsv",
    format=Csv(delimiter="\t"),
    layouts=(
        # Newer exports (2025) add three columns; the older layout is the 13-column one.
        Layout(
            "v2_16_columns",
            required=(*_BANK_DETAILS_2024, "Date Inserted", "Source Type", "Recoup (USD)"),
        ),
        Layout("v1_13_columns", required=_BANK_DETAILS_2024),
    ),
    types={
        "Reporting Date": "date:%Y-%m-%d",
        "Sale Month": "date:%Y-%m",
        "Quantity": "bigint",
        "Team Percentage": "decimal(9,4)",
        "Songwriter Royalties Withheld": "decimal(18,8)",
        "Earnings (USD)": "decimal(18,8)",
    },
    primary_key=(),
)

DATASETS = [bank_details]
