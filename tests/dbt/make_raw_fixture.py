"""Write a raw-zone Parquet file for the DistroKid bank-details dataset, for dbt development.

Stand-in for `lake land` + `lake ingest` until they exist: it produces the same shape the
ingest writes, so the dbt project can be built and tested against it.

    $LAKE_ROOT/raw/_source=distrokid/_dataset=bank_details/_date=<YYYY-MM-DD>/<batch>.parquet

Columns: the TSV header names exactly as written, all VARCHAR; then the lineage columns
`_rescued`, `_source_file`, `_sha256`, `_batch_id`, `_ingested_at`, `_landed_at`,
`_row_number`, `_layout`, `_landing_metadata`.

Usage: `python tests/dbt/make_raw_fixture.py <lake_root>` (or import `write_raw_fixture`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb

FIXTURE_NAME = "distrokid/dk_bank_details_20250529_043711_sample.tsv"


def _fixtures_dir() -> Path:
    """`$LAKE_FIXTURES_DIR`, else the repository's `tests/fixtures/platforms/`, else the
    shared copy."""
    if os.environ.get("LAKE_FIXTURES_DIR"):
        return Path(os.environ["LAKE_FIXTURES_DIR"])
    in_repo = Path(__file__).resolve().parents[1] / "fixtures" / "platforms"
    if (in_repo / FIXTURE_NAME).is_file():
        return in_repo
    return Path("/work/shared/fixtures")


FIXTURE_TSV = _fixtures_dir() / FIXTURE_NAME
"""The real-format sample: 1,440 rows, Earnings sum 120.17732204 USD, 214 negative rows."""

DEFAULT_LANDED_AT = datetime(2025, 5, 29, 4, 40, 0)
V2_EXTRA_COLUMNS = ("Date Inserted", "Source Type", "Recoup (USD)")


def write_raw_fixture(
    lake_root: str | Path,
    *,
    source_tsv: Path = FIXTURE_TSV,
    landed_at: datetime = DEFAULT_LANDED_AT,
    limit: int | None = None,
    v2_layout: bool = False,
) -> Path:
    """Write one landing file's rows into the raw zone under `lake_root`; return the path.

    `landed_at` (naive, UTC) is when the file entered landing: the staging model keeps the
    rows of the export with the greatest `_landed_at`. `limit` keeps the first rows only (an
    older, shorter export). `v2_layout` adds the three columns of the newer 16-column layout
    with synthetic values, to exercise `union_by_name` and the typing of the new columns.
    """
    lake_root = Path(lake_root)
    content = source_tsv.read_bytes()
    # A variant (shorter, or in the newer layout) stands for a different landing file, so it
    # gets its own digest, as a real export would.
    variant = f"|limit={limit}|v2={v2_layout}".encode() if limit or v2_layout else b""
    sha256 = hashlib.sha256(content + variant).hexdigest()
    landing_dir = landed_at.strftime("%Y-%m-%d-%H%M")
    source_file = f"landing/distrokid/{landing_dir}/{source_tsv.name}"
    batch_id = f"{landed_at:%Y%m%dT%H%M%S}-{sha256[:12]}"
    ingested_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    layout = "v2_16_columns" if v2_layout else "v1_13_columns"
    metadata = json.dumps(
        {
            "source": "distrokid",
            "account": "fixture",
            "extracted_at": landed_at.isoformat() + "Z",
            "original_name": source_tsv.name,
        }
    )

    out_dir = (
        lake_root
        / "raw"
        / "_source=distrokid"
        / "_dataset=bank_details"
        / f"_date={landed_at:%Y-%m-%d}"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    out_path = out_dir / f"{sha256}.parquet"

    con = duckdb.connect()
    try:
        # One thread keeps the file order, so `_row_number` is the line in the file.
        con.execute("set threads = 1")
        con.execute(
            "create table landed as "
            "select * from read_csv(?, delim = '\t', header = true, all_varchar = true)",
            [str(source_tsv)],
        )
        header = [row[0] for row in con.execute("describe landed").fetchall()]
        source_columns = ", ".join(f'"{name}"' for name in header)
        v2_columns = (
            """,
            "Reporting Date" as "Date Inserted",
            case when "Store" like 'YouTube%' then 'Video' else 'Streaming' end
                as "Source Type",
            '0.00000000' as "Recoup (USD)\""""
            if v2_layout
            else ""
        )
        limit_clause = f"limit {int(limit)}" if limit is not None else ""
        con.execute(
            f"""
            copy (
                select
                    {source_columns}{v2_columns},
                    null::varchar as _rescued,
                    ?::varchar as _source_file,
                    ?::varchar as _sha256,
                    ?::varchar as _batch_id,
                    ?::timestamp as _ingested_at,
                    ?::timestamp as _landed_at,
                    _row_number,
                    ?::varchar as _layout,
                    ?::varchar as _landing_metadata
                from (select *, row_number() over () as _row_number from landed)
                order by _row_number
                {limit_clause}
            ) to '{out_path}' (format parquet)
            """,
            [source_file, sha256, batch_id, ingested_at, landed_at, layout, metadata],
        )
    finally:
        con.close()
    return out_path


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_raw_fixture.py <lake_root>")
    print(write_raw_fixture(sys.argv[1]))
