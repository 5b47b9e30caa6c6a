"""The bad-input corpus: every kind of broken file gets a clear outcome and loses nothing.

A file that fails its contract is quarantined (a byte-identical copy beside a JSON reason a
person can act on); bad rows inside a good file go to the rejects table while the good rows
land; a legitimate empty export is recorded with zero rows.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import pytest

from lake.errors import ContractError
from lake.ingest.contract import Csv, Dataset, Hook, Json, Layout, Ndjson, Parquet

from .conftest import WIDGETS, Lake

GOOD = "id,name,price\n1,bolt,0.10\n2,nut,0.05\n"

EVENTS_ND = Dataset(
    source="shop",
    name="events",
    description="test contract: ndjson events",
    pattern="events*.ndjson*",
    format=Ndjson(),
    layouts=(Layout("v1", required=("event_id", "kind")),),
    types={"event_id": "bigint"},
)
ORDERS_JSON = Dataset(
    source="shop",
    name="orders",
    description="test contract: json orders",
    pattern="orders*.json",
    format=Json(),
    layouts=(Layout("v1", required=("order_id",)),),
)
ARCHIVED = Dataset(
    source="shop",
    name="archived_widgets",
    description="test contract: widgets inside a zip",
    pattern="export*.zip",
    member="widgets*.csv",
    format=Csv(),
    layouts=(Layout("v1", required=("id", "name", "price")),),
)
PRICES_PARQUET = Dataset(
    source="shop",
    name="prices",
    description="test contract: parquet prices",
    pattern="prices*.parquet",
    format=Parquet(),
    layouts=(Layout("v1", required=("sku", "price")),),
)


def _boom(_: object) -> None:
    raise ValueError("chart script changed")


BROKEN_HOOK = Dataset(
    source="shop",
    name="page",
    description="test contract: a hook that fails",
    pattern="page*.html",
    format=Hook(_boom),
    layouts=(Layout("v1", required=("x",)),),
)
ALL = [WIDGETS, EVENTS_ND, ORDERS_JSON, ARCHIVED, PRICES_PARQUET, BROKEN_HOOK]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _quarantined(lake: Lake, name: str, content: bytes | str, kind: str) -> dict:
    landing_file = lake.land(name, content)
    summary = lake.ingest(ALL)
    (outcome,) = summary.files
    assert outcome.status == "quarantined", outcome.to_dict()
    reason = outcome.reason or {}
    assert reason["error"]["kind"] == kind, reason
    # the copy is byte-identical, the reason says what to do, nothing reached raw
    copy = lake.paths.root / outcome.quarantine_path
    assert copy.read_bytes() == landing_file.path.read_bytes()
    on_disk = json.loads(copy.with_name(copy.name + ".reason.json").read_text())
    assert on_disk["what_to_do"] and on_disk["error"]["message"]
    assert on_disk["sha256"] == landing_file.sha256
    assert lake.parquet_files() == []
    # landing is untouched
    assert landing_file.path.exists()
    return reason


def test_zero_bytes_is_quarantined(lake: Lake) -> None:
    _quarantined(lake, "widgets.csv", b"", "empty_file")


def test_header_only_is_a_legitimate_empty_export(lake: Lake) -> None:
    lake.land("widgets.csv", "id,name,price\n")
    (outcome,) = lake.ingest(ALL).files
    assert outcome.status == "ingested"
    assert (outcome.rows_landed, outcome.rows_raw, outcome.rows_rejected) == (0, 0, 0)
    assert lake.raw() == []
    assert not list(lake.paths.quarantine.rglob("*.reason.json"))


def test_binary_garbage_named_csv(lake: Lake) -> None:
    garbage = bytes(range(256)) * 40
    reason = _quarantined(lake, "widgets.csv", garbage, "not_text")
    assert "binary" in reason["error"]["message"]


def test_wrong_encoding_utf16(lake: Lake) -> None:
    reason = _quarantined(lake, "widgets.csv", GOOD.encode("utf-16"), "encoding")
    assert "UTF-16" in reason["error"]["message"]


def test_wrong_encoding_latin1_in_header(lake: Lake) -> None:
    content = "id,name,price,d\xe9tail\n1,bolt,0.10,x\n".encode("latin-1")
    _quarantined(lake, "widgets.csv", content, "encoding")


def test_corrupt_gzip(lake: Lake) -> None:
    _quarantined(lake, "widgets.csv.gz", b"\x1f\x8b\x08\x00garbage-not-deflate", "corrupt_gzip")


def test_truncated_gzip(lake: Lake) -> None:
    body = GOOD + "".join(f"{i},item {i},{i}.00\n" for i in range(3, 50_000))
    data = gzip.compress(body.encode())
    _quarantined(lake, "widgets.csv.gz", data[: len(data) // 2], "corrupt_gzip")


def test_corrupt_zip(lake: Lake) -> None:
    _quarantined(lake, "export.zip", b"PK\x03\x04 this is not a zip at all", "corrupt_zip")


def test_zip_without_matching_member(lake: Lake) -> None:
    reason = _quarantined(lake, "export.zip", _zip({"readme.txt": b"hello"}), "no_matching_member")
    assert reason["error"]["where"]["members"] == ["readme.txt"]


def test_json_syntax_error(lake: Lake) -> None:
    _quarantined(lake, "orders.json", '[{"order_id": 1}, {"order_id": ', "json_syntax")


def test_json_that_is_not_an_array_of_records(lake: Lake) -> None:
    _quarantined(lake, "orders.json", '{"order_id": 1}', "not_records")


def test_wrong_delimiter(lake: Lake) -> None:
    reason = _quarantined(lake, "widgets.csv", GOOD.replace(",", ";"), "wrong_delimiter")
    assert reason["error"]["where"] == {"expected": ",", "found": ";"}


def test_duplicate_column_names(lake: Lake) -> None:
    reason = _quarantined(
        lake, "widgets.csv", "id,name,price,name\n1,a,1.00,b\n", "duplicate_columns"
    )
    assert reason["error"]["where"]["columns"] == ["name"]


def test_column_names_differing_only_in_case(lake: Lake) -> None:
    # DuckDB and Spark do not tell `Name` from `name`: one would read the other's values
    reason = _quarantined(
        lake, "widgets.csv", "id,name,price,Name\n1,a,1.00,b\n", "duplicate_columns"
    )
    assert reason["error"]["where"]["columns"] == ["Name", "name"]


def test_json_keys_differing_only_in_case(lake: Lake) -> None:
    body = '{"id": 1, "name": "a", "price": "1.00"}\n{"id": 2, "Name": "b", "price": "2.00"}\n'
    reason = _quarantined(lake, "events.ndjson", body, "duplicate_columns")
    assert reason["error"]["where"]["columns"] == ["Name", "name"]


def test_missing_required_column(lake: Lake) -> None:
    reason = _quarantined(lake, "widgets.csv", "id,name\n1,bolt\n", "missing_required_columns")
    assert reason["error"]["where"]["missing"] == ["price"]


def test_file_matching_no_contract(lake: Lake) -> None:
    reason = _quarantined(lake, "gadgets.csv", GOOD, "no_contract")
    assert "widgets*.csv*" in reason["what_to_do"]


def test_unknown_dataset_hint(lake: Lake) -> None:
    lake.land("widgets.csv", GOOD, dataset="sprockets")
    (outcome,) = lake.ingest(ALL).files
    assert outcome.status == "quarantined"
    assert outcome.reason["error"]["kind"] == "unknown_dataset"


def test_corrupt_parquet(lake: Lake) -> None:
    _quarantined(lake, "prices.parquet", b"PAR1 not really parquet PAR1", "corrupt_parquet")


def test_parser_hook_failure(lake: Lake) -> None:
    reason = _quarantined(lake, "page.html", "<html></html>", "parser_failed")
    assert "chart script changed" in reason["error"]["message"]


def test_ragged_rows_are_rejected_and_good_rows_land(lake: Lake) -> None:
    lake.land("widgets.csv", "id,name,price\n1,bolt,0.10\n2,nut\n3,washer,0.02,extra\n4,pin,0.01\n")
    (outcome,) = lake.ingest(ALL).files
    assert outcome.status == "ingested"
    assert [r["id"] for r in lake.raw()] == ["1", "4"]
    rejects = lake.rejects()
    assert [r["line"] for r in rejects] == [3, 4]
    assert "MISSING COLUMNS" in rejects[0]["error"]
    assert "TOO MANY COLUMNS" in rejects[1]["error"]
    assert rejects[0]["raw_record"] == "2,nut"
    assert (outcome.rows_landed, outcome.rows_raw, outcome.rows_rejected) == (4, 2, 2)


def test_unparsable_number_and_date_are_rejected_with_line(lake: Lake) -> None:
    content = (
        "id,name,price,made_on\n"
        "1,bolt,0.10,2026-01-05\n"
        "two,nut,0.05,2026-01-06\n"
        "3,washer,cheap,2026-01-07\n"
        "4,pin,0.01,07/01/2026\n"
        "5,gear,1.50,\n"
    )
    lake.land("widgets.csv", content)
    (outcome,) = lake.ingest(ALL).files
    assert outcome.status == "ingested"
    assert [r["id"] for r in lake.raw()] == ["1", "5"]
    rejects = lake.rejects()
    assert [(r["line"], r["column_name"]) for r in rejects] == [
        (3, "id"),
        (4, "price"),
        (5, "made_on"),
    ]
    assert "cannot read 'two'" not in rejects[0]["error"]  # the message quotes the value plainly
    assert "id: cannot read two as bigint" in rejects[0]["error"]
    assert json.loads(rejects[1]["raw_record"])["price"] == "cheap"


def test_ndjson_with_one_bad_line(lake: Lake) -> None:
    lines = [json.dumps({"event_id": i, "kind": "click"}) for i in range(1, 6)]
    lines[2] = '{"event_id": 3, "kind": '
    lake.land("events.ndjson", "\n".join(lines) + "\n")
    (outcome,) = lake.ingest(ALL).files
    assert outcome.status == "ingested"
    assert [r["event_id"] for r in lake.raw("events")] == ["1", "2", "4", "5"]
    (reject,) = lake.rejects()
    assert reject["line"] == 3 and reject["error"] == "invalid JSON line"
    assert (outcome.rows_landed, outcome.rows_raw, outcome.rows_rejected) == (5, 4, 1)


def _with_line_limit(max_line_size: int) -> Dataset:
    return Dataset(
        source="shop",
        name="widgets",
        description="widgets with a small line limit",
        pattern="widgets*.csv",
        format=Csv(max_line_size=max_line_size),
        layouts=(Layout("v1", required=("id", "name", "price")),),
    )


def test_line_longer_than_the_maximum(lake: Lake) -> None:
    small = _with_line_limit(64)
    lake.land("widgets.csv", f"id,name,price\n1,bolt,0.10\n2,{'x' * 200},0.05\n3,nut,0.01\n")
    (outcome,) = lake.ingest([small]).files
    assert outcome.status == "ingested"
    assert [r["id"] for r in lake.raw()] == ["1", "3"]
    (reject,) = lake.rejects()
    assert reject["line"] == 3 and "LINE SIZE" in reject["error"].upper()


def test_header_longer_than_the_maximum_quarantines(lake: Lake) -> None:
    small = _with_line_limit(16)
    lake.land("widgets.csv", "id,name,price,a_very_long_column_name\n1,b,2,3\n")
    (outcome,) = lake.ingest([small]).files
    assert outcome.status == "quarantined"
    assert outcome.reason["error"]["kind"] == "line_too_long"


def test_contract_error_carries_kind_and_hint() -> None:
    error = ContractError("x", "msg", "do this", {"line": 3})
    assert (error.kind, error.hint, error.where) == ("x", "do this", {"line": 3})
    assert "do this" in str(error)


@pytest.mark.parametrize("n_bad", [0, 1, 7])
def test_row_invariant_landing_equals_raw_plus_rejected(lake: Lake, n_bad: int) -> None:
    rows = [f"{i},item {i},{i}.25" for i in range(1, 101)]
    for j in range(n_bad):
        rows[10 * j + 5] = f"{j},broken"  # ragged
    lake.land("widgets.csv", "id,name,price\n" + "\n".join(rows) + "\n")
    (outcome,) = lake.ingest(ALL).files
    landing_rows = 100  # counted from what we wrote, not from the ingest
    assert outcome.rows_landed == landing_rows
    assert len(lake.raw()) + len(lake.rejects()) == landing_rows
    assert outcome.rows_raw == len(lake.raw()) == 100 - n_bad
