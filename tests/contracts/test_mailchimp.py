"""Mailchimp contract (sandbox page in the documented layout): reports flattened per campaign."""

from __future__ import annotations

import json

from .support import SANDBOX, expect_contract_error, hook, parse_input

PAGE = SANDBOX / "mailchimp" / "reports_0.json"

parse_reports = hook("mailchimp", "reports")


def test_one_row_per_report() -> None:
    document = json.loads(PAGE.read_text())
    rows = parse_reports(parse_input(PAGE))
    assert len(rows) == len(document["reports"]) == document["total_items"] == 2


def test_counters_are_lifted_to_columns() -> None:
    row = parse_reports(parse_input(PAGE))[0]
    assert row["id"] == "42694e9e57"
    assert row["emails_sent"] == 1520
    assert row["opens_total"] == 1013 and row["unique_opens"] == 688
    assert row["open_rate"] == 0.4537
    assert row["clicks_total"] == 241 and row["click_rate"] == 0.1002
    assert row["hard_bounces"] == 3 and row["soft_bounces"] == 11
    assert row["forwards_count"] == 2
    assert row["list_stats"]["open_rate"] == 44.1  # other nested objects stay whole
    assert "links" in row and not [k for k in row if k.startswith("_")]
    assert not {"opens", "clicks", "bounces", "forwards"} & set(row)


def test_minimal_report_keeps_only_what_it_has() -> None:
    page = {"reports": [{"id": "x1", "emails_sent": 3, "send_time": "2024-01-01T00:00:00+00:00"}]}
    assert parse_reports(parse_input(PAGE, json.dumps(page).encode())) == page["reports"]


def test_hook_ignores_other_json() -> None:
    assert parse_reports(parse_input(PAGE, b'{"lists": [], "total_items": 0}')) is None
    assert parse_reports(parse_input(PAGE, b"[]")) is None


def test_api_error_is_refused_with_a_key_hint() -> None:
    body = {
        "type": "x",
        "title": "API Key Invalid",
        "status": 401,
        "detail": "Your API key may be invalid",
    }
    inp = parse_input(PAGE, json.dumps(body).encode())
    expect_contract_error(parse_reports, inp, "api_error", "MAILCHIMP_API_KEY")


def test_broken_page_is_refused_with_a_hint() -> None:
    truncated = parse_input(PAGE, PAGE.read_bytes()[:200])
    expect_contract_error(parse_reports, truncated, "unparseable", "extract/mailchimp.py")
    not_a_list = parse_input(PAGE, b'{"reports": {"id": "x"}}')
    expect_contract_error(parse_reports, not_a_list, "unexpected_shape", "extract/mailchimp.py")
    not_objects = parse_input(PAGE, b'{"reports": ["x"]}')
    expect_contract_error(parse_reports, not_objects, "unexpected_shape", "extract/mailchimp.py")
