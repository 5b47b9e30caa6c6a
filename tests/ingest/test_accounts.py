"""Exactly once counts the bytes *and* the account they belong to."""

from __future__ import annotations

from tests.ingest.conftest import Lake

BODY = "id,name,price\n1,a,2.50\n2,b,3.00\n"


def test_identical_bytes_from_two_accounts_are_two_facts(lake: Lake) -> None:
    lake.land("widgets.csv", BODY, account="north")
    lake.land("widgets.csv", BODY, account="south")
    summary = lake.ingest()
    assert [f.status for f in summary.files] == ["ingested", "ingested"]
    rows = lake.raw()
    assert len(rows) == 4
    accounts = sorted({r["_landing_metadata"] for r in rows})
    assert ['"account": "north"' in a for a in accounts] == [True, False]
    # lineage keeps the SHA-256 of the bytes, the same for both
    assert len({r["_sha256"] for r in rows}) == 1
    assert len(lake.parquet_files()) == 2


def test_identical_bytes_from_the_same_account_are_a_duplicate(lake: Lake) -> None:
    lake.land("widgets.csv", BODY, account="north")
    lake.land("widgets_again.csv", BODY, account="north")
    summary = lake.ingest()
    assert [f.status for f in summary.files] == ["ingested", "duplicate"]
    assert len(lake.raw()) == 2


def test_without_an_account_the_bytes_and_source_decide(lake: Lake) -> None:
    lake.land("widgets.csv", BODY)
    lake.land("widgets_copy.csv", BODY)
    summary = lake.ingest()
    assert [f.status for f in summary.files] == ["ingested", "duplicate"]
    # the raw file is named by the ingest key (bytes + source; issue 13 item 2)
    assert lake.parquet_files()[0].name.startswith(lake.files[0].ingest_key)


def test_a_rerun_ingests_nothing_twice(lake: Lake) -> None:
    lake.land("widgets.csv", BODY, account="north")
    lake.land("widgets.csv", BODY, account="south")
    lake.ingest()
    again = lake.ingest()
    assert again.files == []
    assert again.already_done == 2
    assert len(lake.raw()) == 4
