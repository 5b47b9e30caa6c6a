"""An incremental build starts from the unmasked copy of the published version (the
data_engineer database), not from the masked published file: rows built before stay unmasked
for the data engineer and masked for everyone else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lake.governance.access import open_role
from lake.governance.build_base import copy_unmasked_base
from lake.governance.role_dbs import role_manifest

from .conftest import ShopLake, make_shop_lake

pytestmark = pytest.mark.slow
NEW_REVIEW = ("o5", "new review, mail me at dora@example.org")


def _messages(lake: ShopLake) -> dict[str, str]:
    with open_role(lake.paths, "data_engineer", user="data_engineer") as con:
        _, rows = con.query(
            "select order_id, message from staging.stg_shop__review_log where message is not null"
        )
    return {str(o): str(m) for o, m in rows}


def test_rows_of_earlier_builds_stay_unmasked_for_the_data_engineer(tmp_path: Path) -> None:
    lake = make_shop_lake(tmp_path / "lake")
    lake.build_and_publish()
    lake.write_raw("orders", ["order_id", "customer_id", "amount"], [("o5", "c3", "2.00")], 1)
    lake.write_raw("reviews", ["order_id", "message"], [NEW_REVIEW], 1)
    lake.build_and_publish()

    messages = _messages(lake)
    assert "ana.souza@example.com" in messages["o1"]  # built by the first build, unmasked
    assert messages["o5"] == NEW_REVIEW[1]  # appended by the second
    published = (lake.paths.warehouse / "lake.duckdb").read_bytes()
    assert b"ana.souza@example.com" not in published
    assert b"dora@example.org" not in published


def test_without_the_engineer_database_the_build_starts_from_the_published_file(
    tmp_path: Path,
) -> None:
    lake = make_shop_lake(tmp_path / "lake")
    lake.build_and_publish()
    for engineer in (lake.paths.warehouse / "roles").glob("data_engineer.*"):
        engineer.chmod(0o644)
        engineer.unlink()
    lake.write_raw("reviews", ["order_id", "message"], [NEW_REVIEW], 1)
    lake.lake("build")  # still builds, from the masked published version
    lake.lake("publish")
    assert "dora@example.org" in _messages(lake)["o5"]


def _versions(lake: ShopLake) -> list[str]:
    listed = json.loads(lake.lake("versions", "--json").stdout)
    return [v["version"] for v in listed]


def test_a_rollback_gives_the_data_engineer_that_version_unmasked(tmp_path: Path) -> None:
    lake = make_shop_lake(tmp_path / "lake")
    lake.build_and_publish()
    lake.write_raw("orders", ["order_id", "customer_id", "amount"], [("o5", "c3", "2.00")], 1)
    lake.write_raw("reviews", ["order_id", "message"], [NEW_REVIEW], 1)
    lake.build_and_publish()
    newest, first = _versions(lake)[:2]
    history = lake.paths.warehouse / "roles" / "history"
    assert [p.name for p in history.glob("*.duckdb")] == [f"data_engineer.{first}.duckdb"]

    lake.lake("rollback")
    messages = _messages(lake)
    assert "o5" not in messages and "ana.souza@example.com" in messages["o1"]
    assert role_manifest(lake.paths, "data_engineer")["version"] == first
    lake.lake("rollback", newest)  # forward again: the newer copy was kept in its turn
    assert _messages(lake)["o5"] == NEW_REVIEW[1]

    for kept in history.glob("*"):  # no unmasked copy of the first version any more
        kept.unlink()
    lake.lake("rollback", first)
    manifest = role_manifest(lake.paths, "data_engineer")
    assert manifest["version"] == first and manifest["masked"] is True
    assert "ana.souza@example.com" not in _messages(lake)["o1"]  # masked, and said so
    base = tmp_path / "base.duckdb"
    assert not copy_unmasked_base(lake.paths, first, base)  # a build starts from the file
