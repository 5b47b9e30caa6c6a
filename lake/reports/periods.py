"""Report periods: an ISO week (`2026-W47`), a month (`2026-11`) or a day (`2026-11-20`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from lake.errors import ValidationError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class PeriodKind(StrEnum):
    week = "week"
    month = "month"
    day = "day"


@dataclass(frozen=True, order=True)
class Period:
    """A closed range of days [start, end] and its name as written on the command line."""

    start: date
    end: date
    kind: PeriodKind
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return containing(self.start - timedelta(days=1), self.kind)

    def shifted(self, count: int) -> Period:
        """The period `count` periods of this kind earlier (count >= 0)."""
        period = self
        for _ in range(count):
            period = period.previous()
        return period


def parse_period(text: str) -> Period:
    """`2026-W47`, `2026-11` or `2026-11-20` as a Period; anything else is refused."""
    text = text.strip()
    try:
        if match := _WEEK.match(text):
            start = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return containing(start, PeriodKind.week)
        if match := _MONTH.match(text):
            return containing(date(int(match[1]), int(match[2]), 1), PeriodKind.month)
        if match := _DAY.match(text):
            return containing(date(int(match[1]), int(match[2]), int(match[3])), PeriodKind.day)
    except ValueError as error:
        raise ValidationError(f"no such period {text!r} ({error})") from error
    raise ValidationError(
        f"cannot read the period {text!r}: write a week as 2026-W47, a month as 2026-11 "
        "or a day as 2026-11-20"
    )


def containing(day: date, kind: PeriodKind) -> Period:
    """The period of `kind` that holds `day`."""
    if kind is PeriodKind.day:
        return Period(day, day, kind, day.isoformat())
    if kind is PeriodKind.week:
        start = day - timedelta(days=day.isoweekday() - 1)
        year, week, _ = start.isocalendar()
        return Period(start, start + timedelta(days=6), kind, f"{year}-W{week:02d}")
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return Period(start, following - timedelta(days=1), kind, f"{start:%Y-%m}")


def latest_complete(last_day: date, kind: PeriodKind) -> Period:
    """The latest period of `kind` whose every day is on or before `last_day` (the last day
    the data covers): the week of a Sunday, the month of its last day, the day itself."""
    period = containing(last_day, kind)
    return period if period.end <= last_day else period.previous()
