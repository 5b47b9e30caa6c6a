"""Governance on the demo lake (`make test`'s e2e run): nothing published holds an unmasked
personal value, every published column is classified, and every role has its database."""

from __future__ import annotations

import duckdb

from lake.governance.classification import read_relations, unclassified
from lake.governance.role_dbs import role_db
from lake.governance.roles import load_roles
from lake.governance.scan import docs_catalog, published_databases, scan_published
from lake.warehouse.layout import WarehouseLayout


def test_nothing_published_holds_an_unmasked_personal_value(layout: WarehouseLayout) -> None:
    assert published_databases(layout.paths), "nothing published to scan"
    site = layout.paths.docs / "index.html"
    assert not site.exists() or docs_catalog(site)["nodes"], "the docs catalog was not read"
    findings = scan_published(layout.paths)
    assert not findings, "unmasked personal data:\n" + "\n".join(map(str, findings))


def test_every_published_column_has_a_classification(layout: WarehouseLayout) -> None:
    relations = read_relations(layout)
    assert relations, "no dbt manifest beside the published lake"
    with duckdb.connect(str(layout.published), read_only=True) as con:
        present = [
            (str(s), str(t), str(c))
            for s, t, c in con.execute(
                "select c.schema_name, c.table_name, c.column_name from duckdb_columns() c "
                "join duckdb_tables() t using (database_name, schema_name, table_name)"
            ).fetchall()
        ]
    assert len(present) > 100
    missing = unclassified(relations, present)
    assert not missing, f"published columns without a classification: {', '.join(missing)}"


def test_every_role_has_its_read_only_database(layout: WarehouseLayout) -> None:
    for name in load_roles():
        db = role_db(layout.paths, name)
        assert db.exists(), f"no database for role {name}"
        assert not db.stat().st_mode & 0o222
