"""`lake report NAME [--period PERIOD] [--format html|pdf|csv]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from lake.cli_options import JsonFlag, RootOption, console, emit, fail, lake_paths
from lake.errors import LakeError
from lake.reports.render import ReportFormat
from lake.reports.run import REPORTS, render_report

PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        help="2026-W47 (a week), 2026-11 (a month) or 2026-11-20 (a day); default: the "
        "latest complete period of the report's kind in the published data.",
    ),
]
FormatOption = Annotated[
    ReportFormat, typer.Option("--format", help="html (charts and tables), pdf or csv.")
]


def report_command(
    name: Annotated[str, typer.Argument(help=f"The report: {', '.join(REPORTS)}.")],
    period: PeriodOption = None,
    fmt: FormatOption = ReportFormat.html,
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Render a report from the published marts into $LAKE_ROOT/reports/."""
    paths = lake_paths(root)
    try:
        rendered = render_report(paths, name, period, fmt)
    except LakeError as error:
        raise fail(error) from error
    if as_json:
        emit(rendered.as_json())
        return
    console.print(
        f"{escape(rendered.report)} {escape(rendered.period)}: {escape(str(rendered.path))}",
        soft_wrap=True,
    )
    typer.echo(str(Path(rendered.path)))
