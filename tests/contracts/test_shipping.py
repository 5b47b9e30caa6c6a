"""The shipping contract on trackers in EasyPost's layout (written by the sandbox): a list
page and a polled single tracker, the order id from `reference`, scans as JSON text."""

from __future__ import annotations

import json

from .support import SANDBOX, dataset, hook, parse_input

PAGE = SANDBOX / "shipping" / "trackers_p1.json"


def test_a_page_gives_one_row_per_tracker_with_the_order_and_scans() -> None:
    rows = hook("shipping", "trackers")(parse_input(PAGE))
    doc = json.loads(PAGE.read_text())
    assert [r["id"] for r in rows] == [t["id"] for t in doc["trackers"]]
    assert [r["order_id"] for r in rows] == [t["reference"] for t in doc["trackers"]]
    assert {r["status"] for r in rows} == {"delivered", "in_transit", "return_to_sender", "failure"}
    assert all(
        r["tracking_details"] == t["tracking_details"]
        for r, t in zip(rows, doc["trackers"], strict=True)
    )


def test_a_polled_tracker_is_one_row() -> None:
    (single,) = [p for p in (SANDBOX / "shipping").iterdir() if p.name.startswith("tracker_")]
    (row,) = hook("shipping", "trackers")(parse_input(single))
    assert row["id"] == single.stem.removeprefix("tracker_")


def test_the_signer_the_destination_and_the_scans_are_restricted() -> None:
    schema = {c.name: c.classification for c in dataset("shipping", "trackers").schema}
    assert {schema[n] for n in ("signed_by", "destination_location", "tracking_details")} == {
        "restricted"
    }
