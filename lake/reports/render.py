"""A report as a file: HTML (self-contained: inline CSS and SVG, nothing fetched), CSV (the
report's tables, one block each) or PDF (the HTML printed by the same headless Chromium
the extractors drive, `lake/browser.py`)."""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from lake.browser import CHROMIUM_ARGS, chromium_executable
from lake.errors import LakeError
from lake.fsutil import atomic_write_bytes
from lake.reports.model import Report

PDF_TIMEOUT_MS = 60_000


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    csv = "csv"


class ReportRenderError(LakeError):
    """A report could not be written (the browser for PDF failed to start or print)."""

    hint = (
        "check that Chromium runs (`chromium --version`; set LAKE_BROWSER_PATH to another "
        "executable), or render --format html"
    )


def display(value: Any) -> str:
    """A figure as shown in the HTML table: money to the cent, counts with separators."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal) and abs(value) < 1 and value != round(value, 2):
        return f"{value:.3g}"  # below a unit, to 3 figures: an LLM call's 0.000167, not 0.00
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _cell(value: Any) -> Markup:
    numeric = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    attrs = f' class="num" data-value="{escape(str(value))}"' if numeric else ""
    return Markup(f"<td{attrs}>{escape(display(value))}</td>")


def render_html(report: Report, version: str) -> str:
    env = Environment(
        loader=PackageLoader("lake.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    template = env.get_template("report.html.j2")
    rendered_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return template.render(report=report, version=version, rendered_at=rendered_at, cell=_cell)


def _csv_value(value: Any) -> Any:
    """Empty for None; a Decimal in plain notation (0.00000000, never 0E-8)."""
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else value


def render_csv(report: Report) -> str:
    """Every table of the report: a `# <title>` line, the header, the rows, a blank line.
    Values exact (money as its full Decimal), dates ISO."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for index, table in enumerate(report.tables):
        if index:
            writer.writerow([])
        writer.writerow([f"# {table.title}"])
        writer.writerow(table.columns)
        for row in table.rows:
            writer.writerow([_csv_value(v) for v in row])
    return out.getvalue()


def render_pdf(html: str) -> bytes:
    """Print the HTML to A4 PDF with headless Chromium (no network: the page is inline)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_executable(os.environ),
                args=list(CHROMIUM_ARGS),
                headless=True,
            )
            try:
                page = browser.new_page()
                page.set_default_timeout(PDF_TIMEOUT_MS)
                page.set_content(html, wait_until="load")
                return page.pdf(format="A4", print_background=True, landscape=True)
            finally:
                browser.close()
    except PlaywrightError as error:
        raise ReportRenderError(f"Chromium could not print the report: {error}") from error


def write_report(report: Report, version: str, fmt: ReportFormat, reports_dir: Path) -> Path:
    """`<reports_dir>/<report>_<period>_<YYYYMMDD of the period's end>.<format>`, written
    atomically (a failed render leaves no partial file)."""
    name = f"{report.name}_{report.period.label}_{report.period.end:%Y%m%d}.{fmt.value}"
    path = reports_dir / name
    if fmt is ReportFormat.csv:
        data = render_csv(report).encode("utf-8")
    else:
        html = render_html(report, version)
        data = html.encode("utf-8") if fmt is ReportFormat.html else render_pdf(html)
    reports_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)
    return path
