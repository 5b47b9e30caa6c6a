"""An incremental build starts from the unmasked copy of the published version (the
data_engineer database), not from the masked published file: rows built before stay unmasked
for the data engineer and masked for everyone else."""

from __future__ import annotations

from pathlib import Path

import pytest

from lake.governance.access import open_role

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
