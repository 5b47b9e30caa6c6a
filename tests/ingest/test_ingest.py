"""Ingest behaviour: exactly once, schema drift, layouts, lineage, retry, crash repair."""

from __future__ import annotations

import gzip
import io
import json
import zipfile

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lake.errors import LockedError
from lake.fsutil import file_lock
from lake.ingest import quarantine as quarantine_ops
from lake.ingest.contract import Csv, Dataset, Json, Layout, Ndjson, Parquet
from lake.ingest.engine import Ingestor
from lake.ingest.ledger import Ledger

from .conftest import WIDGETS, Lake

GOOD = "id,name,price\n1,bolt,0.10\n2,nut,0.05\n"
# the contract after a fix: the export calls the name column "title"
WIDGETS_WITH_TITLE = Dataset(
    source="shop",
    name="widgets",
    description="fixed: the export calls it title",
    pattern="widgets*.csv",
    format=Csv(),
    layouts=(Layout("v1", required=("id", "title", "price")),),
)


def test_rerun_adds_no_rows(lake: Lake) -> None:
    lake.land("widgets.csv", GOOD)
    first = lake.ingest()
    assert first.to_dict()["ingested"] == 1
    second = lake.ingest()
    assert second.files == [] and second.already_done == 1
    assert len(lake.raw()) == 2
    assert len(lake.parquet_files()) == 1


def test_same_bytes_under_a_new_name_add_nothing(lake: Lake) -> None:
    original = lake.land("widgets.csv", GOOD)
    lake.ingest()
    lake.land("widgets-copy.csv", GOOD)
    (outcome,) = lake.ingest().files
    assert outcome.status == "duplicate"
    assert outcome.duplicate_of == original.rel_path
    assert len(lake.raw()) == 2
    # the sighting is recorded once; a third run reports nothing new
    assert lake.ingest().files == []


def test_same_name_with_new_bytes_is_a_new_version(lake: Lake) -> None:
    lake.land("widgets.csv", GOOD)
    lake.ingest()
    lake.land("widgets.csv", GOOD + "3,washer,0.02\n")
    (outcome,) = lake.ingest().files
    assert outcome.status == "ingested" and outcome.rows_raw == 3
    rows = lake.raw()
    assert len(rows) == 5
    assert len({r["_sha256"] for r in rows}) == 2


def test_lineage_columns(lake: Lake) -> None:
    landing_file = lake.land("widgets.csv", GOOD, account="main-shop")
    summary = lake.ingest()
    rows = lake.raw()
    assert [r["_row_number"] for r in rows] == [1, 2]
    row = rows[0]
    assert row["_source_file"] == landing_file.rel_path
    assert row["_sha256"] == landing_file.sha256
    assert row["_batch_id"] == summary.batch_id
    assert row["_layout"] == "v1"
    assert json.loads(row["_landing_metadata"])["account"] == "main-shop"
    assert row["_ingested_at"] is not None and row["_landed_at"].year == 2026
    assert (row["_source"], row["_dataset"], str(row["_date"])) == ("shop", "widgets", "2026-11-23")
    # raw keeps text exactly as written
    assert row["price"] == "0.10"


def test_extra_column_is_rescued_and_missing_optional_is_null(lake: Lake) -> None:
    lake.land("widgets.csv", "id,name,price,weight_g\n1,bolt,0.10,12\n")
    (outcome,) = lake.ingest().files
    (row,) = lake.raw()
    assert json.loads(row["_rescued"]) == {"weight_g": "12"}
    assert row["colour"] is None
    assert outcome.outputs[0].rescued_columns == ["weight_g"]
    assert outcome.outputs[0].missing_optional == ["colour", "made_on"]


def test_each_file_is_matched_to_the_layout_it_fits(lake: Lake) -> None:
    two_layouts = Dataset(
        source="shop",
        name="widgets",
        description="widgets, v2 added stock",
        pattern="widgets*.csv",
        format=Csv(),
        layouts=(
            Layout("v2", required=("id", "name", "price", "stock")),
            Layout("v1", required=("id", "name", "price")),
        ),
    )
    lake.land("widgets-old.csv", GOOD)
    lake.land("widgets-new.csv", "id,name,price,stock\n3,washer,0.02,40\n")
    summary = lake.ingest([two_layouts])
    assert sorted(f.outputs[0].layout for f in summary.files) == ["v1", "v2"]
    rows = lake.raw()
    assert {(r["id"], r["_layout"], r["stock"]) for r in rows} == {
        ("1", "v1", None),
        ("2", "v1", None),
        ("3", "v2", "40"),
    }
    ledger = Ledger(lake.paths.state / "ingest_ledger.sqlite")
    layouts = {r.name: r.outputs[0]["layout"] for r in ledger.rows()}
    ledger.close()
    assert layouts == {"widgets-old.csv": "v1", "widgets-new.csv": "v2"}


def test_crlf_cr_bom_and_tsv(lake: Lake) -> None:
    tsv = Dataset(
        source="shop",
        name="widgets",
        description="tab separated",
        pattern="widgets*.tsv",
        format=Csv(delimiter="\t"),
        layouts=(Layout("v1", required=("id", "name", "price")),),
    )
    lake.land("widgets-cr.tsv", "\ufeffid\tname\tprice\r1\tbolt\t0.10\r2\tnut\t0.05\r")
    lake.land("widgets-crlf.tsv", "id\tname\tprice\r\n3\twasher\t0.02\r\n")
    summary = lake.ingest([tsv])
    assert all(f.status == "ingested" for f in summary.files)
    assert sorted(r["id"] for r in lake.raw()) == ["1", "2", "3"]


def test_gzip_zip_ndjson_json_and_parquet_formats(lake: Lake) -> None:
    datasets = [
        WIDGETS,
        Dataset(
            "shop",
            "zipped",
            "zip member",
            "export*.zip",
            Csv(),
            (Layout("v1", ("id",)),),
            member="widgets*.csv",
        ),
        Dataset("shop", "events", "ndjson", "events*.ndjson", Ndjson(), (Layout("v1", ("id",)),)),
        Dataset(
            "shop",
            "orders",
            "json under data",
            "orders*.json",
            Json(records_path="$.data"),
            (Layout("v1", ("id",)),),
        ),
        Dataset(
            "shop",
            "prices",
            "parquet",
            "prices*.parquet",
            Parquet(),
            (Layout("v1", ("id", "tags")),),
        ),
    ]
    lake.land("widgets.csv.gz", gzip.compress(GOOD.encode()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Export/widgets.csv", GOOD)
        archive.writestr("readme.txt", "ignored")
    lake.land("export.zip", buffer.getvalue())
    lake.land("events.ndjson", '{"id": 1, "nested": {"a": [1, 2]}}\n{"id": 2}\n')
    lake.land("orders.json", json.dumps({"data": [{"id": "120224903624100075"}], "paging": {}}))
    sink = io.BytesIO()
    pq.write_table(pa.table({"id": [1, 2], "tags": [["a"], ["b", "c"]]}), sink)
    lake.land("prices.parquet", sink.getvalue())
    summary = lake.ingest(datasets)
    assert [f.status for f in summary.files] == ["ingested"] * 5
    assert len(lake.raw("widgets")) == 2
    assert lake.raw("zipped")[0]["_source_file"].endswith("export.zip")
    events = lake.raw("events")
    assert json.loads(json.loads(events[0]["_rescued"])["nested"]) == {"a": [1, 2]}
    assert lake.raw("orders")[0]["id"] == "120224903624100075"  # an 18-digit id stays exact
    prices = lake.raw("prices")
    assert [json.loads(p["tags"]) for p in prices] == [["a"], ["b", "c"]]


def test_row_numbers_follow_the_file_order_on_a_large_file(lake: Lake) -> None:
    body = "".join(f"{i},item {i},{i % 97}.{i % 100:02d}\n" for i in range(1, 300_001))
    lake.land("widgets.csv", "id,name,price\n" + body)
    lake.ingest()
    glob = lake.paths.raw / "_source=shop/_dataset=widgets/*/*.parquet"
    mismatches = duckdb.sql(
        f"select count(*) from read_parquet('{glob}') where id::bigint <> _row_number"
    ).fetchone()
    assert mismatches == (0,)


def test_quarantine_retry_after_fixing_the_contract(lake: Lake) -> None:
    landing_file = lake.land("widgets.csv", "id,title,price\n1,bolt,0.10\n")
    (outcome,) = lake.ingest().files
    assert outcome.status == "quarantined"
    item = quarantine_ops.find(lake.paths, landing_file.sha256[:8])
    assert item["error"]["kind"] == "missing_required_columns"
    assert "lake quarantine retry" in item["retry"]
    # a plain re-run does not retry it
    assert lake.ingest().files == []
    fixed = WIDGETS_WITH_TITLE
    (retried,) = lake.ingest([fixed], retry={landing_file.sha256}).files
    assert retried.status == "ingested"
    assert len(lake.raw()) == 1
    assert quarantine_ops.items(lake.paths) == []
    resolved = quarantine_ops.items(lake.paths, include_resolved=True)
    assert resolved[0]["resolved_at"] is not None
    # the quarantined copy is kept: nothing in quarantine is deleted
    assert (lake.paths.root / resolved[0]["quarantine_path"]).exists()


def test_recovery_sweeps_uncommitted_outputs(lake: Lake) -> None:
    lake.land("widgets.csv", GOOD)
    lake.ingest()
    orphan = (
        lake.paths.raw / "_source=shop/_dataset=widgets/_date=2026-11-23" / ("f" * 64 + ".parquet")
    )
    orphan.write_bytes(lake.parquet_files()[0].read_bytes())
    foreign = orphan.with_name("added-by-hand.parquet")  # not the ingest's: left alone
    foreign.write_bytes(orphan.read_bytes())
    scratch = lake.paths.tmp / "ingest-old-batch"
    scratch.mkdir()
    ingestor = Ingestor(lake.paths, [WIDGETS])
    ledger = Ledger(ingestor.ledger_path)
    swept = ingestor.recover(ledger)
    ledger.close()
    assert swept == [orphan] and not orphan.exists() and not scratch.exists()
    assert foreign.exists()
    assert len(lake.raw()) == 4  # two rows committed, the same two in the foreign file


def test_a_second_ingest_refuses_while_one_runs(lake: Lake) -> None:
    lake.land("widgets.csv", GOOD)
    ingestor = Ingestor(lake.paths, [WIDGETS])
    with file_lock(ingestor.lock_path) as held:
        assert held
        with pytest.raises(
            LockedError, match="another ingest, or a build reading the raw zone, is running"
        ):
            ingestor.run(lake.files, wait=False)
    assert ingestor.run(lake.files, wait=False).to_dict()["ingested"] == 1


def test_a_retry_that_died_before_marking_its_reason_is_repaired(lake: Lake) -> None:
    landing_file = lake.land("widgets.csv", "id,title,price\n1,bolt,0.10\n")
    lake.ingest()
    fixed = WIDGETS_WITH_TITLE
    lake.ingest([fixed], retry={landing_file.sha256})
    # simulate a kill between the ledger commit and marking the reason resolved
    (item,) = quarantine_ops.items(lake.paths, include_resolved=True)
    reason_path = lake.paths.root / (item["quarantine_path"] + ".reason.json")
    reason_path.write_text(json.dumps({**item, "resolved_at": None}))
    assert len(quarantine_ops.items(lake.paths)) == 1
    assert lake.ingest([fixed]).files == []
    assert quarantine_ops.items(lake.paths) == []
