"""`lake extract`: run the chosen sources concurrently, with a live display, and report each.

```
lake extract                       # every source in extract/
lake extract mailchimp tiktok      # just these
lake extract --since 2026-10-01    # ignore the saved windows, fetch from this day
lake extract --json                # one JSON document with the per-source results
```

The exit status is 0 when every source succeeded, 1 when any failed, 2 when the command
itself was wrong. The running itself is `extract/runner.py`.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from extract._config import read_environment
from extract.runner import Runner, RunReport, resolve_extractors
from lake.cli_options import writable_lake
from lake.errors import LakeError, ValidationError

DUMP_FREQUENCIES = ("daily", "weekly", "manual")

# ---------------------------------------------------------------------------- display


class LiveBoard:
    """A live table of sources and accounts, fed by the runner's events."""

    def __init__(self, console: Console, sources: Sequence[str]) -> None:
        self.console = console
        self.rows: dict[str, dict[str, Any]] = {
            s: {
                "status": "waiting",
                "account": "",
                "files": 0,
                "bytes": 0,
                "event": "",
                "started": None,
            }
            for s in sources
        }

    def __call__(
        self, source: str, account: str | None, event: str, fields: dict[str, Any]
    ) -> None:
        row = self.rows.setdefault(source, {"files": 0, "bytes": 0, "started": None})
        if event == "source_started":
            row.update(status="running", started=time.monotonic())
        elif event == "source_finished":
            row["status"] = fields.get("status", "?")
        elif event == "landed":
            row["files"] += 1
            row["bytes"] += int(fields.get("bytes") or 0)
        if account:
            row["account"] = account
        row["event"] = event

    def __rich__(self) -> Table:
        table = Table("source", "status", "account", "files", "bytes", "last event", "time")
        colours = {"ok": "green", "failed": "red", "running": "yellow"}
        for source, row in self.rows.items():
            status = row["status"]
            elapsed = f"{time.monotonic() - row['started']:.0f}s" if row["started"] else ""
            table.add_row(
                source,
                f"[{colours.get(status, 'white')}]{status}[/]",
                row.get("account", ""),
                str(row["files"]),
                f"{row['bytes']:,}",
                row.get("event", ""),
                elapsed,
            )
        return table


def print_report(console: Console, report: RunReport) -> None:
    table = Table(
        "source",
        "account",
        "status",
        "files",
        "bytes",
        "window",
        "error / note",
        title=f"extract {report.run_id}",
    )
    for source in report.sources:
        if source.error is not None:
            table.add_row(source.source, "-", "[red]failed[/]", "0", "0", "", source.error.message)
        for acc in source.accounts:
            window = f"{acc.window['start']}..{acc.window['end']}" if acc.window else ""
            colour = "green" if acc.status == "ok" else "red"
            detail = acc.error.message if acc.error else (acc.note or "")
            table.add_row(
                source.source,
                acc.account,
                f"[{colour}]{acc.status}[/]",
                str(len(acc.files)),
                f"{acc.bytes:,}",
                window,
                detail,
            )
    console.print(table)
    for source in report.sources:
        errors = [source.error] if source.error else []
        errors += [a.error for a in source.accounts if a.error]
        for error in errors:
            assert error is not None
            console.print(f"[red]{source.source}[/] {error.type}: {error.message}")
            console.print(f"    what to do: {error.hint}")
            if error.screenshot:
                console.print(f"    screenshot: {error.screenshot}")
            if error.html:
                console.print(f"    page html:  {error.html}")
    console.print(f"log: {report.log}")


# ---------------------------------------------------------------------------- command


def _dump_env(sources: Sequence[str], dump: bool, frequency: str) -> dict[str, str] | None:
    """The run's environment with `LAKE_SHOP_DB_DUMP` set by `--dump --frequency`."""
    if frequency not in DUMP_FREQUENCIES:
        raise ValidationError(
            f"--frequency {frequency!r}", f"use one of {', '.join(DUMP_FREQUENCIES)}"
        )
    if not dump:
        return None
    if "shop_db" not in sources:
        raise ValidationError("--dump applies to shop_db only", "run: lake extract shop_db --dump")
    return {**read_environment(), "LAKE_SHOP_DB_DUMP": frequency}


def extract_command(
    sources: Annotated[
        list[str] | None, typer.Argument(help="Sources to run (default: all in extract/).")
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option("--since", formats=["%Y-%m-%d"], help="Fetch from this day (YYYY-MM-DD)."),
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, help="Sources run at the same time.")
    ] = 4,
    root: Annotated[
        Path | None,
        typer.Option("--root", envvar="LAKE_ROOT", help="Lake root (default ./datalake)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document on stdout.")
    ] = False,
    dump: Annotated[
        bool,
        typer.Option(
            "--dump", help="shop_db: also write a full logical dump to db_dumps/<frequency>/."
        ),
    ] = False,
    frequency: Annotated[
        str, typer.Option(help="shop_db --dump: daily, weekly or manual (the dump's folder).")
    ] = "manual",
) -> None:
    """Fetch new data from the platforms and land it, byte for byte, in the landing zone.

    Sources run concurrently; one failing is reported (with a screenshot for browser sources)
    and does not stop the others. Exit status 1 when any source failed.
    """
    console = Console(stderr=True)
    try:
        extractors = resolve_extractors(sources or [])  # unknown sources: refused first
        env = _dump_env(list(extractors), dump, frequency)
        paths = writable_lake(root)
        board = LiveBoard(console, list(extractors))
        runner = Runner(
            paths,
            env=env,
            since=since.date() if since else None,
            concurrency=concurrency,
            listener=board,
        )
        if not as_json and console.is_terminal:
            with Live(Group(board), console=console, refresh_per_second=4, transient=True):
                report = asyncio.run(runner.run(extractors))
        else:
            report = asyncio.run(runner.run(extractors))
    except LakeError as error:
        console.print(f"[bold red]error:[/] {error}")
        raise typer.Exit(code=2) from error
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        print_report(console, report)
    raise typer.Exit(code=0 if report.ok else 1)


if __name__ == "__main__":  # pragma: no cover - `python -m extract.cli`
    typer.run(extract_command)
