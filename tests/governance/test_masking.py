"""The masking macros and the personal-data scanner, on values."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from lake.governance.classification import ColumnClass, masking_of, unclassified
from lake.governance.masking import install_macros
from lake.governance.scan import (
    card_like,
    cpf_valid,
    docs_catalog,
    kinds_in,
    scan_database,
    scan_docs,
)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    install_macros(connection, "pepper")
    return connection


def one(con: duckdb.DuckDBPyConnection, sql: str, *args: object) -> object:
    row = con.execute(sql, list(args)).fetchone()
    assert row is not None
    return row[0]


def test_identifiers_hash_with_the_salt_and_join(con) -> None:
    a = one(con, "select lake_mask_hash('Ana Souza')")
    assert a == one(con, "select lake_mask_hash('Ana Souza')")
    assert str(a).startswith("h:") and len(str(a)) == 66
    assert a != one(con, "select lake_mask_hash('Ana Souzb')")
    other = duckdb.connect()
    install_macros(other, "another salt")
    assert a != one(other, "select lake_mask_hash('Ana Souza')")


def test_partial_masks_keep_a_hint(con) -> None:
    assert one(con, "select lake_mask_email('Ana.Souza@Example.COM')") == "***@example.com"
    assert one(con, "select lake_mask_phone('+55 11 91234-5678')") == "***5678"
    assert one(con, "select lake_mask_email(null)") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me: ana.souza@example.com!", "mail me: [email]!"),
        ("call +55 11 91234-5678 today", "call [phone] today"),
        ("or (11) 91234-5678", "or [phone]"),
        ("or 11 91234-5678, 021.99876.4321 or 555-123-4567", "or [phone], [phone] or [phone]"),
        ("card 4111 1111 1111 1111 twice", "card [card] twice"),
        ("card 4111111111111111", "card [card]"),
        ("cpf 529.982.247-25.", "cpf [cpf]."),
        ("cpf 52998224725", "cpf [cpf]"),
        ("2 items, delivered 2018-05-01, order 12", "2 items, delivered 2018-05-01, order 12"),
        # JSON text: a number right after an escape (no word boundary before it)
        (
            r'{"m": "cpf:\n52998224725\ncard\t4111111111111111"}',
            r'{"m": "cpf:\n[cpf]\ncard\t[card]"}',
        ),
        ("cpfs 52998224725 52998224725", "cpfs [cpf] [cpf]"),
    ],
)
def test_free_text_is_scrubbed(con, text: str, expected: str) -> None:
    assert one(con, "select lake_mask_text(?)", text) == expected


@pytest.mark.parametrize("macro", ["hash", "email", "phone", "text"])
def test_masking_twice_changes_nothing(con, macro: str) -> None:
    value = "Ana <ana@x.com.br> +55 11 91234-5678"
    once = one(con, f"select lake_mask_{macro}(?)", value)
    assert one(con, f"select lake_mask_{macro}(?)", once) == once


def test_masking_follows_meta_then_the_name() -> None:
    assert masking_of("customer_email", ColumnClass("restricted")) == "email"
    assert masking_of("phone", ColumnClass("restricted")) == "phone"
    assert masking_of("message", ColumnClass("restricted")) == "text"
    assert masking_of("full_name", ColumnClass("restricted")) == "hash"
    assert masking_of("full_name", ColumnClass("restricted", "null")) == "null"


def test_unclassified_columns_are_named() -> None:
    relations = {("shop", "dim_customer"): {"customer_id": ColumnClass("internal")}}
    present = [
        ("shop", "dim_customer", "customer_id"),
        ("shop", "dim_customer", "email"),
        ("shop", "undeclared", "x"),
        ("lake_ops", "runs", "run_id"),
    ]
    assert unclassified(relations, present) == ["shop.dim_customer.email", "shop.undeclared.x"]


def test_check_digits() -> None:
    assert card_like("4111111111111111") and not card_like("4111111111111112")
    assert not card_like("120224932583872338")  # a Meta id: Luhn-valid, no card brand
    assert cpf_valid("52998224725") and not cpf_valid("52998224726")
    assert not cpf_valid("11111111111")
    assert [k for k, _ in kinds_in("x ana@b.com +55 11 91234-5678 y")] == ["email", "phone"]


@pytest.mark.parametrize(
    "text",
    ["11 91234-5678", "(11) 91234-5678", "021.99876.4321", "555-123-4567", "+55 21 998764321"],
)
def test_the_scanner_finds_phones_in_national_formats(text: str) -> None:
    assert [k for k, _ in kinds_in(f"call {text} today")] == ["phone"]


@pytest.mark.parametrize(
    "text", ["2018-05-01 12:30:00", "order 12345678", "v1.2.3", "192.168.1.1", "1 234.56 BRL"]
)
def test_the_scanner_leaves_dates_ids_and_amounts(text: str) -> None:
    assert list(kinds_in(text)) == []


def test_the_scanner_names_table_and_column(tmp_path: Path) -> None:
    db = tmp_path / "leak.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema shop")
        con.execute(
            "create table shop.dim_customer as select 'c1' as id, 'ana@b.com' as email, "
            "'ok' as note union all select 'c2', '***@b.com', 'cpf 529.982.247-25'"
        )
    found = {(f.table, f.column, f.kind) for f in scan_database(db)}
    assert found == {("shop.dim_customer", "email", "email"), ("shop.dim_customer", "note", "cpf")}


def test_the_docs_catalog_is_scanned(tmp_path: Path) -> None:
    site = tmp_path / "index.html"
    catalog = {
        "metadata": {},
        "nodes": {"model.x.dim_customer": {"stats": {"note": {"value": "a@b.com"}}}},
        "sources": {},
    }
    site.write_text(f"<script>n=[{{label:'x',catalog:{json.dumps(catalog)}}}]</script>")
    assert docs_catalog(site)["nodes"]
    assert [(f.table, f.kind) for f in scan_docs(site)] == [("model.x.dim_customer", "email")]


def test_the_scanner_finds_numbers_right_after_a_json_escape() -> None:
    text = r'{"m": "cpf:\n52998224725\ncard\t4111111111111111\n(11) 91234-5678"}'
    assert sorted(k for k, _ in kinds_in(text)) == ["card", "cpf", "phone"]
