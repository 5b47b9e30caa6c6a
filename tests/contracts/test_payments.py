"""The payments contract on Stripe's own published example objects (the real shape): lifted
columns, restricted card and billing fields, error bodies and empty pages."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from lake.errors import ContractError

from .support import FIXTURES, SANDBOX, dataset, hook, parse_input

REAL = json.loads((FIXTURES / "payments" / "stripe_example_objects.json").read_text())


def test_the_real_charge_lifts_amounts_order_billing_and_card_fields() -> None:
    (row,) = hook("payments", "charges")(parse_input(SANDBOX / "payments" / "charges_p1.json"))
    assert row["id"] == REAL["charge"]["id"] and row["amount"] == 100
    assert row["currency"] == "usd" and row["created"] == 1234567890
    assert row["billing_name"] == "Jenny Rosen" and row["card_last4"] == "4242"
    assert (row["card_exp_month"], row["card_exp_year"]) == (8, 2030)
    assert row["card_fingerprint"] == "AOB934RVNwzk6xtn" and row["card_brand"] == "visa"
    assert row["order_id"] is None and row["metadata"] == {}


def test_a_single_object_and_a_page_give_the_same_row() -> None:
    parse = hook("payments", "charges")
    single = parse(parse_input(SANDBOX / "payments" / f"charge_{REAL['charge']['id']}.json"))
    assert single == parse(parse_input(SANDBOX / "payments" / "charges_p1.json"))


def test_an_event_names_the_object_it_is_about() -> None:
    (row,) = hook("payments", "events")(parse_input(SANDBOX / "payments" / "events_p1.json"))
    assert (row["type"], row["data_object_id"], row["data_object_type"]) == (
        "plan.created",
        "price_1PgafmB7WZ01zgkW6dKueIc5",
        "plan",
    )


def test_card_billing_and_names_are_restricted() -> None:
    schema = {c.name: c.classification for c in dataset("payments", "charges").schema}
    personal = [n for n in schema if n.startswith(("billing_", "card_last4", "card_exp"))]
    assert len(personal) >= 10
    assert {schema[n] for n in (*personal, "card_fingerprint", "receipt_email")} == {"restricted"}
    assert schema["amount"] == "confidential" and schema["order_id"] == "internal"
    assert dataset("payments", "charges").retention == "personal_data"


def test_an_error_body_is_an_api_error_not_rows() -> None:
    body = json.dumps({"error": {"type": "invalid_request_error", "code": "api_key_expired"}})
    inp = parse_input(SANDBOX / "payments" / "charges_p1.json", body.encode(), "charges_p3.json")
    with pytest.raises(ContractError) as caught:
        hook("payments", "charges")(inp)
    assert caught.value.kind == "api_error" and "api_key_expired" in caught.value.message


def test_an_empty_page_is_a_table_with_the_columns_and_no_rows() -> None:
    body = json.dumps({"object": "list", "data": [], "has_more": False, "url": "/v1/disputes"})
    inp = parse_input(SANDBOX / "payments" / "disputes_p1.json", body.encode())
    table = hook("payments", "disputes")(inp)
    assert isinstance(table, pa.Table) and table.num_rows == 0
    assert set(table.column_names) == set(dataset("payments", "disputes").columns)


def test_another_resources_page_is_not_claimed() -> None:
    inp = parse_input(SANDBOX / "payments" / "refunds_p1.json", name="charges_p1.json")
    assert hook("payments", "charges")(inp) is None
