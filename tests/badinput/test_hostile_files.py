"""Issue 14 (hostile input) and issue 13 item 2 (a re-landed file gets stuck): each case is
built here with Python and must reconcile (see conftest.reconcile)."""

from __future__ import annotations

import gzip
import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lake.ingest.contract import Csv, Dataset, Hook, Layout, Ndjson, Parquet, ParseInput
from lake.ingest.engine import Ingestor
from tests.badinput.conftest import WIDGETS, Lake, reconcile

GOOD = "id,name,price\n1,bolt,0.10\n2,nut,0.05\n"
WIDGETS_DS = [("shop", "widgets")]
ZIPPED = replace(WIDGETS, name="zipped", pattern="export*.zip", member="widgets*.csv")
EVENTS = Dataset(
    source="shop",
    name="events",
    description="test: NDJSON events",
    pattern="events*.ndjson",
    format=Ndjson(max_line_size=30 << 20),
    layouts=(Layout("v1", required=("id",)),),
)
TSV = replace(WIDGETS, name="tsv", pattern="widgets*.tsv", format=Csv(delimiter="\t"))
PARQ = replace(WIDGETS, name="parq", pattern="widgets*.parquet", format=Parquet(), types={})


def _hook(_: ParseInput) -> list[dict[str, str]]:
    return [{"id": "1", "name": "a", "price": "1", "views": "5", "Views": "7"}]


HOOKED = replace(WIDGETS, name="hooked", pattern="report*.html", format=Hook(_hook), types={})
ALL = [WIDGETS, ZIPPED, EVENTS, TSV, PARQ, HOOKED]


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _patch_member_header(
    data: bytes, *, flag: int | None = None, method: int | None = None
) -> bytes:
    """Set the general-purpose flag or the compression method in both zip headers."""
    raw = bytearray(data)
    for signature, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        at = raw.find(signature)
        if flag is not None:
            raw[at + flag_at] |= flag
        if method is not None:
            raw[at + method_at : at + method_at + 2] = method.to_bytes(2, "little")
    return bytes(raw)


def _ingest(lake: Lake) -> object:
    return Ingestor(lake.paths, ALL, memory_limit="1GB").run(lake.files)


# ---------------------------------------------------------------- 1: one bad zip stops nothing


@pytest.mark.parametrize("patch", [{"flag": 0x1}, {"method": 99}], ids=["encrypted", "method99"])
def test_a_hostile_zip_is_quarantined_and_the_others_pass(lake: Lake, patch: dict) -> None:
    lake.land("export_1.zip", _patch_member_header(_zip([("widgets.csv", GOOD.encode())]), **patch))
    lake.land("widgets_after.csv", GOOD)
    summary = _ingest(lake)
    assert [f.status for f in summary.files] == ["quarantined", "ingested"]
    kind = summary.files[0].reason["error"]["kind"]
    assert kind in ("encrypted_zip", "unsupported_zip")
    reconcile(lake, summary, datasets=WIDGETS_DS)


def test_an_unforeseen_error_quarantines_only_that_file(lake: Lake, monkeypatch) -> None:
    import lake.ingest.engine as engine

    real = engine.plan

    def explode(datasets, landing_file, scratch, lines=None):  # type: ignore[no-untyped-def]
        if landing_file.name == "widgets_bad.csv":
            raise NotImplementedError("something nobody foresaw")
        return real(datasets, landing_file, scratch, lines)

    monkeypatch.setattr(engine, "plan", explode)
    lake.land("widgets_bad.csv", GOOD + "3,x,1\n")
    lake.land("widgets_good.csv", GOOD)
    summary = _ingest(lake)
    assert [f.status for f in summary.files] == ["quarantined", "ingested"]
    assert "NotImplementedError" in summary.files[0].reason["error"]["message"]
    reconcile(lake, summary, datasets=WIDGETS_DS)


# ---------------------------------------------------------------- 2: rows in = raw + rejected


def test_a_very_long_line_is_rejected_never_lost(lake: Lake) -> None:
    lines = [f"{i}\tw\t1.00" for i in range(1, 11)]
    lines.append("11\t" + "x" * (31 << 20) + "\t1.00")
    lines += [f"{i}\tw\t1.00" for i in range(12, 22)]
    lake.land("widgets.tsv", "id\tname\tprice\n" + "\n".join(lines) + "\n")
    summary = _ingest(lake)
    outcome = summary.files[0]
    if outcome.status == "ingested":
        assert outcome.rows_raw + outcome.rows_rejected == 21
        assert sorted(r["_row_number"] for r in lake.raw("tsv")) != list(range(1, 21))
    reconcile(lake, summary, datasets=[("shop", "tsv")])


def test_rows_the_reader_loses_quarantine_the_file(lake: Lake, monkeypatch) -> None:
    """The check does not trust the reader: a reader that drops a record silently (as DuckDB
    did with ~31 MiB lines) is caught by the line count of the hash pass."""
    import lake.ingest.parts as parts

    real = parts.rejects_from_duckdb  # the line reader's (NDJSON and log lines)
    monkeypatch.setattr(parts, "rejects_from_duckdb", lambda con, table: real(con, table)[1:])
    body = '{"id": 1}\n' + '{"id": 2, "x": "' + "y" * 200 + '"}\n' + '{"id": 3}\n'
    lake.land("events.ndjson", body)
    short_lines = replace(EVENTS, format=Ndjson(max_line_size=100))
    summary = Ingestor(lake.paths, [short_lines]).run(lake.files)
    assert summary.files[0].status == "quarantined"
    assert summary.files[0].reason["error"]["kind"] == "rows_unaccounted"
    reconcile(lake, summary, datasets=[("shop", "events")])


def test_quoted_line_breaks_still_reconcile(lake: Lake) -> None:
    lake.land("widgets.csv", 'id,name,price\n1,"two\nlines",1.00\n\n2,b,2.00\n')
    summary = _ingest(lake)
    assert summary.files[0].status == "ingested"
    assert summary.files[0].rows_raw == 2
    reconcile(lake, summary, datasets=WIDGETS_DS)


# ---------------------------------------------------------------- 3: lineage cannot be forged


@pytest.mark.parametrize("kind", ["csv", "ndjson", "parquet"])
def test_a_column_named_like_lineage_is_rescued(lake: Lake, kind: str) -> None:
    if kind == "csv":
        lake.land(
            "widgets.csv",
            "id,name,price,_row_number\n" + "".join(f"{i},w,1,1\n" for i in range(1, 41)),
        )
        dataset = "widgets"
    elif kind == "ndjson":
        lake.land(
            "events.ndjson", "".join(f'{{"id": {i}, "_ROW_NUMBER": 1}}\n' for i in range(1, 41))
        )
        dataset = "events"
    else:
        table = pa.table(
            {
                "id": [str(i) for i in range(1, 41)],
                "name": ["w"] * 40,
                "price": ["1"] * 40,
                "_row_number": [1] * 40,
            }
        )
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        lake.land("widgets.parquet", buffer.getvalue())
        dataset = "parq"
    summary = _ingest(lake)
    assert summary.files[0].status == "ingested", summary.files[0].reason
    rows = lake.raw(dataset)
    assert sorted(r["_row_number"] for r in rows) == list(range(1, 41))
    assert '"1"' in rows[0]["_rescued"] and "_row_number" in rows[0]["_rescued"].lower()
    assert summary.files[0].outputs[0].lineage_named
    reconcile(lake, summary, datasets=[("shop", dataset)])


# ---------------------------------------------------------------- 4: case duplicates, one rule


def test_case_duplicates_from_a_hook_are_refused(lake: Lake) -> None:
    lake.land("report.html", "<html></html>")
    summary = _ingest(lake)
    assert summary.files[0].status == "quarantined"
    assert summary.files[0].reason["error"]["kind"] == "duplicate_columns"
    reconcile(lake, summary, datasets=[])


def test_case_duplicates_in_parquet_are_refused(lake: Lake) -> None:
    table = pa.table({"id": ["1"], "ID": ["2"], "name": ["a"], "price": ["1"]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    lake.land("widgets.parquet", buffer.getvalue())
    summary = _ingest(lake)
    assert summary.files[0].status == "quarantined"
    assert summary.files[0].reason["error"]["kind"] == "duplicate_columns"
    reconcile(lake, summary, datasets=[])


# ---------------------------------------------------------------- 5: landed bytes are checked


def test_a_landing_file_changed_after_landing_is_quarantined(lake: Lake) -> None:
    landed = lake.land("changed_widgets.csv", GOOD)
    landed.path.write_text(GOOD + "3,evil,9.99\n")
    summary = Ingestor(lake.paths, [replace(WIDGETS, pattern="*widgets*.csv")]).run(lake.files)
    assert summary.files[0].status == "quarantined"
    assert summary.files[0].reason["error"]["kind"] == "landing_changed"
    assert lake.raw() == []
    reconcile(lake, summary, datasets=WIDGETS_DS)


def test_landing_files_are_read_only(tmp_path: Path) -> None:
    from lake.config import LakePaths
    from lake.landing import SyncLandingStore

    source = tmp_path / "widgets.csv"
    source.write_text(GOOD)
    store = SyncLandingStore(LakePaths(tmp_path / "lake").ensure())
    entry = store.store("widgets.csv", source, "csv", metadata={"source": "shop"})
    mode = (tmp_path / "lake" / entry.path).stat().st_mode & 0o777
    assert mode == 0o444


# ---------------------------------------------------------------- 6: decompression limits


def test_a_gzip_bomb_stops_at_the_limit(lake: Lake, monkeypatch) -> None:
    monkeypatch.setenv("LAKE_INGEST_MAX_UNPACKED_BYTES", str(64 << 20))
    bomb = gzip.compress(GOOD.encode() + b"0" * (200 << 20), compresslevel=9)
    assert len(bomb) < 1 << 20
    lake.land("widgets.csv.gz", bomb)
    lake.land("widgets_after.csv", GOOD)
    summary = _ingest(lake)
    assert [f.status for f in summary.files] == ["quarantined", "ingested"]
    reason = summary.files[0].reason["error"]
    assert reason["kind"] == "decompression_limit"
    assert "UTF-16" not in reason["message"]
    reconcile(lake, summary, datasets=WIDGETS_DS)


def test_a_zip_bomb_stops_at_the_ratio_limit(lake: Lake) -> None:
    lake.land("export_1.zip", _zip([("widgets.csv", GOOD.encode() + b"\0" * (300 << 20))]))
    summary = _ingest(lake)
    assert summary.files[0].reason["error"]["kind"] == "decompression_limit"
    reconcile(lake, summary, datasets=[])


# ---------------------------------------------------------------- 7: mixed line endings


@pytest.mark.parametrize(
    "body",
    [
        b"id,name,price\n1,a,1.00\r\n2,b,2.00\n3,c,3.00\n",
        b"id,name,price\n1,a,1.00\r2,b,2.00\n3,c,3.00\n",
        b"id,name,price\r\n1,a,1.00\r2,b,2.00\n3,c,3.00",
    ],
    ids=["one-crlf", "cr-and-lf", "all-three"],
)
def test_mixed_line_endings_read_correctly(lake: Lake, body: bytes) -> None:
    lake.land("widgets.csv", body)
    summary = _ingest(lake)
    assert summary.files[0].status == "ingested", summary.files[0].reason
    assert [r["name"] for r in lake.raw()] == ["a", "b", "c"]
    reconcile(lake, summary, datasets=WIDGETS_DS)


# ---------------------------------------------------------------- 8: the smaller ones


def test_an_empty_header_name_is_kept_not_a_binder_error(lake: Lake) -> None:
    lake.land("widgets.csv", "id,name,price,\n1,a,1.00,\n2,b,2.00,x\n")
    summary = _ingest(lake)
    assert summary.files[0].status == "ingested", summary.files[0].reason
    assert "column4" in summary.files[0].outputs[0].rescued_columns
    reconcile(lake, summary, datasets=WIDGETS_DS)


def test_duplicate_zip_member_names_are_refused(lake: Lake) -> None:
    with pytest.warns(UserWarning):
        data = _zip([("widgets.csv", GOOD.encode()), ("widgets.csv", GOOD.encode())])
    lake.land("export_1.zip", data)
    summary = _ingest(lake)
    assert summary.files[0].status == "quarantined"
    assert summary.files[0].reason["error"]["kind"] == "duplicate_members"
    reconcile(lake, summary, datasets=[])


# ---------------------------------------------------------------- issue 13 item 2


def test_the_same_bytes_under_another_source_reach_raw(lake: Lake) -> None:
    other = replace(WIDGETS, source="store")
    lake.land("widgets.csv", GOOD, source="nowhere")
    first = Ingestor(lake.paths, [WIDGETS, other]).run(lake.files)
    assert first.files[0].status == "quarantined"
    lake.land("widgets.csv", GOOD, source="store")
    second = Ingestor(lake.paths, [WIDGETS, other]).run(lake.files)
    assert [f.status for f in second.files] == ["ingested"]
    assert len(lake.raw(source="store")) == 2


def test_a_duplicate_of_a_quarantined_file_says_to_retry(lake: Lake) -> None:
    lake.land("widgets.csv", "id,name\n1,a\n")
    lake.land("widgets_again.csv", "id,name\n1,a\n")
    summary = _ingest(lake)
    assert [f.status for f in summary.files] == ["quarantined", "duplicate"]
    data = summary.to_dict()["files"][1]
    assert f"lake quarantine retry {lake.files[0].sha256[:12]}" in data["what_to_do"]


def test_an_old_ledger_row_still_means_the_same_file(lake: Lake) -> None:
    """A ledger written when the key was the bare SHA-256 keeps its meaning."""
    from lake.ingest.ledger import Ledger

    landed = lake.land("widgets.csv", GOOD)
    legacy = replace(landed, key=landed.legacy_key)
    Ingestor(lake.paths, [WIDGETS]).run([legacy])
    again = lake.land("widgets_copy.csv", GOOD)
    summary = Ingestor(lake.paths, [WIDGETS]).run([landed, again])
    assert [f.status for f in summary.files] == ["duplicate"]
    ledger = Ledger(lake.paths.state / "ingest_ledger.sqlite")
    assert [r.sha256 for r in ledger.rows()] == [landed.sha256]
    ledger.close()
