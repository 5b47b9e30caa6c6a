"""What a report is: charts and tables computed from the published marts for one period."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb

from lake.reports.periods import Period, PeriodKind


@dataclass(frozen=True)
class Table:
    """A table as shown (HTML) and exported (CSV): column headers and rows of values."""

    name: str
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    svg: str


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    period: Period
    charts: Sequence[Chart]
    tables: Sequence[Table]
    notes: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class ReportDefinition:
    """One kind of report: its name, default period kind, the last day its data covers
    (for the latest complete period) and how it is computed from the published database."""

    name: str
    title: str
    default_kind: PeriodKind
    last_day: Callable[[duckdb.DuckDBPyConnection], date | None]
    compute: Callable[[duckdb.DuckDBPyConnection, Period], Report]
    description: str


def number(value: Any) -> float:
    """A figure as a float for drawing (tables keep the exact Decimal)."""
    if value is None:
        return 0.0
    return float(value) if isinstance(value, Decimal | int | float) else 0.0


def percent_change(current: object, previous: object) -> str:
    """`+12.5%`: the change from `previous` to `current` (against its size, so a negative
    previous figure still gives the direction); empty without a previous figure."""
    if previous in (None, 0) or current is None:
        return ""
    return f"{(number(current) - number(previous)) / abs(number(previous)):+.1%}"
