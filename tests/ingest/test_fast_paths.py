"""The ingest's fast paths and the slow paths beside them: row numbers from a parallel read,
type checks skipped only when the source type guarantees them, rows re-read for their reasons
only when a check failed, NDJSON keys found from the distinct key lists."""

from __future__ import annotations

import io
import json

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lake.ingest.contract import Csv, Dataset, Layout, Ndjson, Parquet
from lake.ingest.engine import Ingestor, source_type_holds

from .conftest import Lake

PRICES = Dataset(
    source="shop",
    name="prices",
    description="parquet prices",
    pattern="prices*.parquet",
    format=Parquet(),
    layouts=(Layout("v1", required=("id", "amount"), optional=("made_on",)),),
    types={"id": "bigint", "amount": "decimal(18,8)", "made_on": "date:%Y-%m-%d"},
)
EVENTS = Dataset(
    source="shop",
    name="events",
    description="ndjson events",
    pattern="events*.ndjson",
    format=Ndjson(),
    layouts=(Layout("v1", required=("a",)),),
    types={"a": "integer"},
)
PLAYS = Dataset(
    source="shop",
    name="plays",
    description="a CSV big enough for DuckDB to read in parallel",
    pattern="plays*.csv",
    format=Csv(),
    layouts=(Layout("v1", required=("id", "title", "amount")),),
    types={"id": "bigint", "amount": "decimal(18,2)"},
)


def _parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


@pytest.mark.parametrize(
    ("source_type", "spec", "holds"),
    [
        ("BIGINT", "bigint", True),
        ("BIGINT", "int8", True),
        ("DECIMAL(18,8)", "decimal(18, 8)", True),
        ("INTEGER", "bigint", False),  # would hold, but only exact types are trusted
        ("BIGINT", "integer", False),  # may overflow
        ("DECIMAL(18,8)", "decimal(18,2)", False),
        ("VARCHAR", "bigint", False),
        ("TIMESTAMP", "timestamp:%Y-%m-%d %H:%M:%S", False),  # a format checks the text
        (None, "bigint", False),  # CSV and JSON columns have no type of their own
        ("BIGINT", "no_such_type", False),
    ],
)
def test_a_check_is_skipped_only_when_the_source_type_is_the_contract_type(
    source_type: str | None, spec: str, holds: bool
) -> None:
    assert source_type_holds(duckdb.connect(), source_type, spec) is holds


def test_parquet_with_the_contract_types_lands_every_row_as_text(lake: Lake) -> None:
    table = pa.table(
        {
            "id": pa.array([10, 20, 30], pa.int64()),
            "amount": pa.array(["1.50000000", "2.25000000", "0E-8"], pa.string()).cast(
                pa.decimal128(18, 8)
            ),
        }
    )
    lake.land("prices.parquet", _parquet(table))
    (outcome,) = lake.ingest([PRICES]).files
    assert (outcome.status, outcome.rows_raw, outcome.rows_rejected) == ("ingested", 3, 0)
    rows = lake.raw("prices")
    assert [(r["_row_number"], r["id"], r["amount"]) for r in rows] == [
        (1, "10", "1.50000000"),
        (2, "20", "2.25000000"),
        (3, "30", "0.00000000"),
    ]
    assert lake.rejects() == []


def test_parquet_with_text_columns_is_checked_and_bad_rows_rejected(lake: Lake) -> None:
    table = pa.table(
        {
            "id": pa.array([10, 20, 30, 40], pa.int64()),  # the contract type: not checked
            "amount": ["1.5", "lots", "2", "3.25"],  # text: checked as decimal(18,8)
            "made_on": ["2026-01-05", "2026-01-06", "05/01/2026", None],
        }
    )
    lake.land("prices.parquet", _parquet(table))
    (outcome,) = lake.ingest([PRICES]).files
    assert (outcome.rows_landed, outcome.rows_raw, outcome.rows_rejected) == (4, 2, 2)
    assert [(r["_row_number"], r["id"]) for r in lake.raw("prices")] == [(1, "10"), (4, "40")]
    rejects = lake.rejects()
    assert [(r["_row_number"], r["column_name"]) for r in rejects] == [
        (2, "amount"),
        (3, "made_on"),
    ]
    assert rejects[0]["error"] == "amount: cannot read lots as decimal(18,8)"
    assert json.loads(rejects[1]["raw_record"])["made_on"] == "05/01/2026"


def test_csv_read_in_parallel_keeps_exact_row_numbers_and_reject_lines(lake: Lake) -> None:
    rows = 1_500_000  # about 60 MB: several of DuckDB's CSV buffers, read by two threads
    path = lake.paths.tmp / "plays.csv"
    duckdb.execute(
        f"copy (select i as id, 'title ' || i || ', \"quoted\"' as title, "
        f"case when i = {rows - 7} then 'n/a' else (i % 1000)::varchar || '.25' end as amount "
        f"from range(1, {rows + 1}) t(i)) to '{path}' (format csv, header true)"
    )
    lake.land("plays.csv", path.read_bytes())
    path.unlink()
    ingestor = Ingestor(lake.paths, [PLAYS], memory_limit="1GB", threads=2)
    (outcome,) = ingestor.run(lake.files).files
    assert (outcome.rows_landed, outcome.rows_raw, outcome.rows_rejected) == (rows, rows - 1, 1)
    glob = lake.paths.raw / "_source=shop/_dataset=plays/*/*.parquet"
    counts = duckdb.sql(
        f"select count(*), count(*) filter (where id::bigint <> _row_number), "
        f"max(_row_number) from read_parquet('{glob}')"
    ).fetchone()
    assert counts == (rows - 1, 0, rows)
    (reject,) = lake.rejects()
    assert (reject["_row_number"], reject["line"]) == (rows - 7, rows - 6)
    assert reject["error"] == "amount: cannot read n/a as decimal(18,2)"


def test_csv_with_a_column_named_rowid_still_gets_row_numbers(lake: Lake) -> None:
    dataset = Dataset(
        source="shop",
        name="widgets",
        description="a rowid column hides DuckDB's pseudo-column",
        pattern="widgets*.csv",
        format=Csv(),
        layouts=(Layout("v1", required=("rowid", "name")),),
        types={"rowid": "bigint"},
    )
    lake.land("widgets.csv", "rowid,name\n7,bolt\nx,nut\n9,washer\n")
    (outcome,) = lake.ingest([dataset]).files
    assert [(r["_row_number"], r["rowid"]) for r in lake.raw()] == [(1, "7"), (3, "9")]
    assert [(r["_row_number"], r["line"]) for r in lake.rejects()] == [(2, 3)]
    assert outcome.rows_landed == 3


def test_ndjson_keys_in_first_seen_order_and_lines_as_row_numbers(lake: Lake) -> None:
    lines = [
        '{"z": 1, "b": "x", "a": 1}',
        "{not json",
        '{"a": 2, "c": true}',
        '{"a": "three"}',
        '{"a": 4, "b": null}',
    ]
    lake.land("events.ndjson", "\n".join(lines) + "\n")
    (outcome,) = lake.ingest([EVENTS]).files
    # keys first seen in one record sort by name; later records add theirs after
    assert outcome.outputs[0].rescued_columns == ["b", "z", "c"]
    rows = lake.raw("events")
    assert [(r["_row_number"], r["a"]) for r in rows] == [(1, "1"), (3, "2"), (5, "4")]
    assert json.loads(rows[1]["_rescued"]) == {"b": None, "z": None, "c": "true"}
    rejects = lake.rejects()
    assert [(r["line"], r["_row_number"]) for r in rejects] == [(2, None), (None, 4)]
    assert rejects[0]["error"] == "invalid JSON line"
    assert rejects[1]["error"] == "a: cannot read three as integer"
    assert (outcome.rows_landed, outcome.rows_raw, outcome.rows_rejected) == (5, 3, 2)


def test_ndjson_keys_found_in_every_record_not_only_the_first(lake: Lake) -> None:
    # the keys pass reads the first record's keys, then aggregates only the records whose
    # keys differ: a key first seen deep in the file, and a file that starts with more lines
    # than that first look covers which are not JSON, both still give every key
    late = "".join(f'{{"a": {i}}}\n' for i in range(1, 50_000)) + '{"a": 50000, "late": "y"}\n'
    lake.land("events.ndjson", late)
    (outcome,) = lake.ingest([EVENTS]).files
    assert outcome.outputs[0].rescued_columns == ["late"]
    assert outcome.rows_raw == 50_000
    bad_start = "not json\n" * 1_200 + '{"b": 1, "a": 1}\n{"a": 2}\n'
    lake.land("events-2.ndjson", bad_start)
    (outcome,) = lake.ingest([EVENTS]).files
    assert outcome.outputs[0].rescued_columns == ["b"]
    assert (outcome.rows_raw, outcome.rows_rejected) == (2, 1_200)
    rows = lake.raw("events")[-2:]
    assert [(r["_row_number"], r["a"]) for r in rows] == [(1_201, "1"), (1_202, "2")]


def test_ndjson_values_keep_the_text_the_json_wrote(lake: Lake) -> None:
    lines = [
        '{"a": 1, "note": 1.50, "note.en": "caf\\u00e9 \\"q\\""}',
        '{"a": 2, "note": {"b": [1, 2]}, "note.en": 1e3}',
        '{"a": 3, "note": true, "note.en": null}',
        '{"a": 4, "note": 12345678901234567890123}',
    ]
    lake.land("events.ndjson", "\n".join(lines) + "\n")
    (outcome,) = lake.ingest([EVENTS]).files
    assert outcome.rows_raw == 4
    texts = [json.loads(r["_rescued"]) for r in lake.raw("events")]
    assert texts == [
        {"note": "1.5", "note.en": 'café "q"'},
        {"note": '{"b":[1,2]}', "note.en": "1000.0"},
        {"note": "true", "note.en": None},
        {"note": "12345678901234567890123", "note.en": None},
    ]


def test_ndjson_with_a_line_that_is_not_an_object_is_quarantined(lake: Lake) -> None:
    lake.land("events.ndjson", '{"a": 1}\n[1, 2]\n"text"\n')
    (outcome,) = lake.ingest([EVENTS]).files
    assert outcome.status == "quarantined"
    assert outcome.reason["error"]["kind"] == "not_records"
    assert "2 records are not JSON objects" in outcome.reason["error"]["message"]
    assert lake.raw("events") == []


def test_ndjson_blank_line_keeps_line_numbers_through_the_ingest(lake: Lake) -> None:
    lake.land("events.ndjson", '{"a": 1}\n\n{"a": 2}\n{"a": "x"}\n')
    (outcome,) = lake.ingest([EVENTS]).files
    assert (outcome.rows_raw, outcome.rows_rejected) == (2, 1)
    assert [(r["_row_number"], r["a"]) for r in lake.raw("events")] == [(1, "1"), (3, "2")]
    assert [(r["_row_number"], r["error"]) for r in lake.rejects()] == [
        (4, "a: cannot read x as integer")
    ]


def test_ndjson_rows_follow_the_file_order_on_a_large_file(lake: Lake) -> None:
    body = "".join(f'{{"a": {i}, "name": "item {i}"}}\n' for i in range(1, 300_001))
    lake.land("events.ndjson", body)
    (outcome,) = lake.ingest([EVENTS]).files
    assert (outcome.rows_landed, outcome.rows_raw, outcome.rows_rejected) == (300_000, 300_000, 0)
    glob = lake.paths.raw / "_source=shop/_dataset=events/*/*.parquet"
    mismatches = duckdb.sql(
        f"select count(*), count(*) filter (where a::bigint <> _row_number) "
        f"from read_parquet('{glob}')"
    ).fetchone()
    assert mismatches == (300_000, 0)
