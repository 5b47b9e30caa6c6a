"""Report periods: the three spellings, their days, and the latest complete one."""

from __future__ import annotations

from datetime import date

import pytest

from lake.errors import ValidationError
from lake.reports.periods import PeriodKind, latest_complete, parse_period


@pytest.mark.parametrize(
    ("text", "start", "end", "kind"),
    [
        ("2026-W47", date(2026, 11, 16), date(2026, 11, 22), PeriodKind.week),
        ("2026-W01", date(2025, 12, 29), date(2026, 1, 4), PeriodKind.week),
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30), PeriodKind.month),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), PeriodKind.month),
        ("2026-11-20", date(2026, 11, 20), date(2026, 11, 20), PeriodKind.day),
    ],
)
def test_a_period_is_its_days(text: str, start: date, end: date, kind: PeriodKind) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.kind, period.label) == (start, end, kind, text)


@pytest.mark.parametrize("text", ["2026-W54", "2026-13", "2026-11-31", "11/2026", "last week"])
def test_a_bad_period_is_refused_saying_how_to_write_one(text: str) -> None:
    with pytest.raises(ValidationError, match=r"2026-W47|no such period"):
        parse_period(text)


def test_the_latest_complete_period_ends_on_or_before_the_last_day() -> None:
    friday, sunday = date(2026, 11, 20), date(2026, 11, 22)
    assert latest_complete(friday, PeriodKind.week).label == "2026-W46"
    assert latest_complete(sunday, PeriodKind.week).label == "2026-W47"
    assert latest_complete(friday, PeriodKind.month).label == "2026-10"
    assert latest_complete(date(2026, 11, 30), PeriodKind.month).label == "2026-11"
    assert latest_complete(friday, PeriodKind.day).label == "2026-11-20"


def test_previous_periods_step_back_across_years() -> None:
    assert parse_period("2026-W01").previous().label == "2025-W52"
    assert parse_period("2026-01").shifted(2).label == "2025-11"
