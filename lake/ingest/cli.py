"""`lake ingest` (landing -> raw, exactly once) and `lake quarantine ...` (the files that
failed their contract, and why)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lake.cli_options import JsonFlag, RootOption, console, emit, fail, lake_paths
from lake.config import LakePaths
from lake.errors import LakeError
from lake.ingest import quarantine as quarantine_ops
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore

if TYPE_CHECKING:  # the engine (DuckDB, pyarrow) is imported when an ingest runs
    from lake.ingest.outcomes import FileOutcome, IngestSummary, LandingFile

quarantine_app = typer.Typer(
    help="Files that failed their contract, and why.", no_args_is_help=True
)

# ---------------------------------------------------------------------------- ingest


def run_ingest(
    paths: LakePaths, *, retry: set[str] | None = None, wait: bool = True, show: bool = True
) -> IngestSummary:
    from lake.ingest.engine import Ingestor

    store = SyncLandingStore(paths)
    files = landing_files(store)
    if not show or not console.is_terminal:
        return Ingestor(paths).run(files, retry=retry, wait=wait)
    with Progress(
        TextColumn("ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=len(files))

        def advance(landing_file: LandingFile, _: FileOutcome | None) -> None:
            progress.update(task, advance=1, description=landing_file.name[:50])

        return Ingestor(paths).run(files, retry=retry, wait=wait, progress=advance)


FILE_TABLE_LIMIT = 40
"""Above this many files, `lake ingest` prints the per-source table only (unless --files)."""


def ingest(
    root: RootOption = None,
    no_wait: Annotated[
        bool, typer.Option("--no-wait", help="Refuse instead of waiting for a running ingest.")
    ] = False,
    files: Annotated[
        bool | None,
        typer.Option(
            "--files/--no-files",
            help=f"Print one line per file (default: when at most {FILE_TABLE_LIMIT} files).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Validate new landing files and write them to the raw zone, exactly once.

    Files that fail their contract go to quarantine (listed in the summary); the exit status
    is non-zero only if the run itself crashed.
    """
    paths = lake_paths(root)
    try:
        summary = run_ingest(paths, wait=not no_wait, show=not as_json)
    except LakeError as error:
        raise fail(error) from error
    if as_json:
        emit(summary.to_dict())
        return
    print_summary(summary, files=files)


def print_summary(summary: IngestSummary, *, files: bool | None = None) -> None:
    if files or (files is None and len(summary.files) <= FILE_TABLE_LIMIT):
        _print_file_table(summary)
    table = Table(
        "source", "ingested", "quarantined", "duplicates", "rows", "rejected", title="by source"
    )
    for source, counts in summary.by_source().items():
        table.add_row(
            source,
            str(counts["ingested"]),
            f"[yellow]{counts['quarantined']}[/]" if counts["quarantined"] else "0",
            str(counts["duplicate"]),
            f"{counts['rows_raw']:,}",
            f"{counts['rows_rejected']:,}",
        )
    console.print(table)
    data = summary.to_dict()
    console.print(
        f"batch {summary.batch_id}: {data['ingested']} ingested, {data['quarantined']} "
        f"quarantined, {data['duplicates']} duplicates, {data['already_done']} already done; "
        f"{data['rows_raw']:,} rows to raw, {data['rows_rejected']:,} rejected"
    )
    for outcome in summary.by_status("quarantined"):
        reason = outcome.reason or {}
        console.print(
            f"[yellow]quarantined[/] {outcome.quarantine_path}: "
            f"{reason.get('error', {}).get('message')}\n    what to do: {reason.get('what_to_do')}"
        )
    for outcome in summary.by_status("duplicate"):
        if outcome.what_to_do:
            console.print(
                f"[yellow]duplicate of a quarantined file[/] {outcome.landing_path}\n"
                f"    what to do: {outcome.what_to_do}"
            )


def _print_file_table(summary: IngestSummary) -> None:
    table = Table("source", "file", "status", "dataset(s)", "rows", "rejected", title="ingest")
    for outcome in summary.files:
        datasets = ", ".join(o.dataset for o in outcome.outputs) or "-"
        table.add_row(
            outcome.source,
            Path(outcome.landing_path).name,
            _status_text(outcome.status),
            datasets,
            f"{outcome.rows_raw:,}",
            f"{outcome.rows_rejected:,}",
        )
    console.print(table)


def _status_text(status: str) -> str:
    colours = {"ingested": "green", "quarantined": "yellow", "duplicate": "dim"}
    return f"[{colours.get(status, 'white')}]{status}[/]"


# ---------------------------------------------------------------------------- quarantine


@quarantine_app.command("list")
def quarantine_list(
    root: RootOption = None,
    include_resolved: Annotated[
        bool, typer.Option("--all", help="Also list files a retry has resolved.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Quarantined files with the reason they failed."""
    items = quarantine_ops.items(lake_paths(root), include_resolved=include_resolved)
    if as_json:
        emit({"items": items})
        return
    table = Table("sha256", "source", "file", "error", "quarantined at", title="quarantine")
    for item in items:
        table.add_row(
            item["sha256"][:12],
            item["source"],
            item["file"],
            item["error"]["kind"],
            item["quarantined_at"][:19],
        )
    console.print(table)
    console.print(f"{len(items)} file(s); 'lake quarantine show SHA' explains one")


@quarantine_app.command("show")
def quarantine_show(
    ref: Annotated[str, typer.Argument(help="SHA-256 prefix or path of the quarantined file.")],
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Everything known about one quarantined file: what failed, where, what to do."""
    try:
        item = quarantine_ops.find(lake_paths(root), ref)
    except LakeError as error:
        raise fail(error) from error
    if as_json:
        emit(item)
        return
    error = item["error"]
    console.print(f"[bold]{item['file']}[/] ({item['source']}, sha256 {item['sha256']})")
    console.print(f"  landing:    {item['landing_path']}")
    console.print(f"  quarantine: {item['quarantine_path']}")
    console.print(f"  failed:     {error['kind']}: {error['message']}")
    if error.get("where"):
        console.print(f"  where:      {json.dumps(error['where'])[:400]}")
    console.print(f"  what to do: {item['what_to_do']}")
    console.print(f"  retry with: {item['retry']}")
    if item.get("resolved_at"):
        console.print(
            f"  resolved:   {item['resolved_at']} (batch {item.get('resolved_by_batch')})"
        )


@quarantine_app.command("retry")
def quarantine_retry(
    refs: Annotated[
        list[str] | None, typer.Argument(help="SHA-256 prefixes or paths; none = all open.")
    ] = None,
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Ingest quarantined files again with the current contracts (after fixing one)."""
    paths = lake_paths(root)
    try:
        chosen = (
            [quarantine_ops.find(paths, ref) for ref in refs]
            if refs
            else quarantine_ops.items(paths)
        )
        summary = run_ingest(paths, retry={i["sha256"] for i in chosen}, show=not as_json)
    except LakeError as error:
        raise fail(error) from error
    retried = {i["sha256"] for i in chosen}
    outcomes = [o for o in summary.files if o.sha256 in retried]
    if as_json:
        emit({"batch_id": summary.batch_id, "retried": [o.to_dict() for o in outcomes]})
        return
    for outcome in outcomes:
        console.print(f"{_status_text(outcome.status)} {outcome.landing_path}")
    still = sum(1 for o in outcomes if o.status == "quarantined")
    console.print(f"{len(outcomes) - still} resolved, {still} still quarantined")


@quarantine_app.command("rows")
def quarantine_rows(root: RootOption = None, as_json: JsonFlag = False) -> None:
    """Rows rejected inside otherwise good files (the rejects table), per file."""
    rows = quarantine_ops.rejects_summary(lake_paths(root))
    if as_json:
        emit({"rejects": rows})
        return
    table = Table("source", "dataset", "file", "rows", "first error", title="rejected rows")
    for row in rows:
        table.add_row(
            row["source"],
            row["dataset"],
            Path(row["source_file"]).name,
            str(row["rows"]),
            str(row["first_error"])[:80],
        )
    console.print(table)
