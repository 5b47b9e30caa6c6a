"""Every published table has one type per column across versions (issue 13, item 6)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from lake.warehouse.publish import list_versions
from tests.warehouse.conftest import TinyLake

COLUMNS_SQL = """
select schema_name || '.' || table_name || '.' || column_name, data_type
from duckdb_columns()
where database_name = current_database() and not internal
order by all
"""


def _column_types(database: Path) -> dict[str, str]:
    with duckdb.connect(str(database), read_only=True) as con:
        return dict(con.execute(COLUMNS_SQL).fetchall())


def test_two_published_versions_have_the_same_column_types(tiny: TinyLake) -> None:
    """Item 6: `lake_ops.publication.previous_version` was INTEGER (a NULL literal) in the
    first version and VARCHAR in the next."""
    for plays in ([("a", 1), ("b", 2)], [("a", 3)]):
        tiny.write_plays(plays)
        tiny.lake("build", check=True)
        tiny.lake("publish", check=True)
    second, first = (tiny.layout.version_db(v.version) for v in list_versions(tiny.layout))
    before, after = _column_types(first), _column_types(second)
    assert "lake_ops.publication.previous_version" in before
    assert "lake_ops.runs.status" in before and "demo.fct_plays.plays" in before
    assert before == after
