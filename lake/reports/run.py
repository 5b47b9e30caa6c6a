"""Render one report from the published database: pick the period, compute, write the file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from lake.config import LakePaths
from lake.errors import NotFoundError, ValidationError
from lake.reports.model import ReportDefinition
from lake.reports.music import REPORTS as MUSIC_REPORTS
from lake.reports.periods import Period, latest_complete, parse_period
from lake.reports.render import ReportFormat, write_report
from lake.reports.shop_fulfilment import REPORTS as SHOP_FULFILMENT_REPORTS
from lake.reports.shop_llm_usage import REPORTS as SHOP_LLM_USAGE_REPORTS
from lake.reports.shop_revenue import REPORTS as SHOP_REVENUE_REPORTS
from lake.warehouse.layout import WarehouseLayout
from lake.warehouse.publish import current_version

REPORTS: dict[str, ReportDefinition] = {
    **MUSIC_REPORTS,
    **SHOP_FULFILMENT_REPORTS,
    **SHOP_LLM_USAGE_REPORTS,
    **SHOP_REVENUE_REPORTS,
}


class NoPublishedLakeError(NotFoundError):
    hint = "build and publish it first: `lake run` (or `lake build` then `lake publish`)"


class NoDataError(NotFoundError):
    hint = "land and ingest the report's sources, then `lake run`"


@dataclass(frozen=True)
class RenderedReport:
    report: str
    period: str
    start: str
    end: str
    format: str
    path: Path
    version: str

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "path": str(self.path)}


def reports_dir(paths: LakePaths) -> Path:
    return paths.root / "reports"


def definition(name: str) -> ReportDefinition:
    try:
        return REPORTS[name]
    except KeyError:
        raise ValidationError(
            f"no report named {name!r}; the reports are: {', '.join(sorted(REPORTS))}"
        ) from None


def choose_period(
    con: duckdb.DuckDBPyConnection, report: ReportDefinition, text: str | None
) -> Period:
    if text is not None:
        return parse_period(text)
    last_day = report.last_day(con)
    if last_day is None:
        raise NoDataError(f"the published lake has no data for the report {report.name!r}")
    return latest_complete(last_day, report.default_kind)


def render_report(
    paths: LakePaths, name: str, period_text: str | None, fmt: ReportFormat
) -> RenderedReport:
    report_def = definition(name)
    layout = WarehouseLayout(paths)
    if not layout.published.exists():
        raise NoPublishedLakeError(f"no published database at {layout.published}")
    version = current_version(layout) or "unknown"
    with duckdb.connect(str(layout.published), read_only=True) as con:
        period = choose_period(con, report_def, period_text)
        report = report_def.compute(con, period)
    path = write_report(report, version, fmt, reports_dir(paths))
    return RenderedReport(
        report=name,
        period=period.label,
        start=period.start.isoformat(),
        end=period.end.isoformat(),
        format=fmt.value,
        path=path,
        version=version,
    )
