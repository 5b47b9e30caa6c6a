"""The `lake` command: land files, ingest them, inspect quarantine and the landing store.

Every subcommand has --help; the ones a machine reads take --json and print one JSON
document on stdout (progress and tables go to stderr / the terminal only).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from extract.runner import extract_command
from lake.cli_options import JsonFlag, RootOption, console, emit, fail
from lake.config import LakePaths
from lake.contracts.cli import app as contracts_app
from lake.errors import LakeError
from lake.ingest import quarantine as quarantine_ops
from lake.ingest.engine import FileOutcome, Ingestor, IngestSummary, LandingFile
from lake.ingest.landed import landing_files
from lake.landing import Entry, SyncLandingStore
from lake.sandbox.cli import app as sandbox_app
from lake.warehouse import cli as warehouse_cli

app = typer.Typer(
    help="A zone-based data lake on dbt + DuckDB: landing -> raw -> staging -> curated.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
quarantine_app = typer.Typer(
    help="Files that failed their contract, and why.", no_args_is_help=True
)
landing_app = typer.Typer(help="Browse and search the landing store.", no_args_is_help=True)
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(landing_app, name="landing")
app.add_typer(sandbox_app, name="sandbox")
app.add_typer(contracts_app, name="contracts")
app.command("extract")(extract_command)
warehouse_cli.register(app)

DATA_TYPES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".parquet": "parquet",
    ".zip": "zip",
    ".gz": "gzip",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
}


def _paths(root: Path | None) -> LakePaths:
    return LakePaths.from_env(root).ensure()


# ---------------------------------------------------------------------------- land


def _expand(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            yield path
        else:
            raise typer.BadParameter(f"{path} does not exist", param_hint="PATH")


def data_type_of(path: Path) -> str:
    return DATA_TYPES.get(path.suffix.lower(), "binary")


@app.command()
def land(
    files: Annotated[list[Path], typer.Argument(help="Files or folders a person downloaded.")],
    source: Annotated[str, typer.Option("--source", "-s", help="Source platform, e.g. tiktok.")],
    dataset: Annotated[
        str | None, typer.Option("--dataset", "-d", help="Dataset, when the name is ambiguous.")
    ] = None,
    account: Annotated[
        str | None, typer.Option("--account", help="Account the export belongs to.")
    ] = None,
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Put downloaded exports into the landing zone, byte for byte, through the landing store."""
    store = SyncLandingStore(_paths(root))
    chosen = list(_expand(files))
    landed: list[Entry] = []
    with _BytesProgress(sum(p.stat().st_size for p in chosen), "landing") as advance:
        for path in chosen:
            metadata: dict[str, Any] = {"source": source, "landed_by": "lake land"}
            metadata["original_path"] = str(path.resolve())
            if dataset:
                metadata["dataset"] = dataset
            if account:
                metadata["account"] = account
            try:
                entry = store.store(path.name, path, data_type_of(path), metadata=metadata)
            except LakeError as error:
                raise fail(error) from error
            landed.append(entry)
            advance(path.stat().st_size)
    if as_json:
        emit({"landed": [e.to_dict() for e in landed]})
        return
    table = Table("file", "id", "sha256", "bytes", "landing path", title="landed")
    for entry in landed:
        table.add_row(entry.name, entry.id, entry.sha256[:12], f"{entry.size:,}", entry.path)
    console.print(table)


class _Advance:
    def __init__(self, progress: Progress | None, task: int | None) -> None:
        self.progress, self.task = progress, task

    def __call__(self, amount: int) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task, amount)


class _BytesProgress:
    def __init__(self, total: int, label: str) -> None:
        self.total, self.label = total, label
        self.progress: Progress | None = None

    def __enter__(self) -> _Advance:
        if not console.is_terminal:
            return _Advance(None, None)
        self.progress = Progress(
            TextColumn(self.label),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.progress.start()
        return _Advance(self.progress, self.progress.add_task(self.label, total=self.total))

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


# ---------------------------------------------------------------------------- ingest


def run_ingest(
    paths: LakePaths, *, retry: set[str] | None = None, wait: bool = True, show: bool = True
) -> IngestSummary:
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


@app.command()
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
    paths = _paths(root)
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
    items = quarantine_ops.items(_paths(root), include_resolved=include_resolved)
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
        item = quarantine_ops.find(_paths(root), ref)
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
    paths = _paths(root)
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
    rows = quarantine_ops.rejects_summary(_paths(root))
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


# ---------------------------------------------------------------------------- landing


@landing_app.command("list")
def landing_list(
    subpath: Annotated[str | None, typer.Argument(help="Folder under landing/.")] = None,
    data_type: Annotated[str | None, typer.Option("--type", help="csv, json, zip...")] = None,
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Live entries (latest version of each) in the landing zone."""
    entries = SyncLandingStore(_paths(root)).list(data_type=data_type, subpath=subpath)
    _entries_out(entries, as_json, "landing")


@landing_app.command("search")
def landing_search(
    query: Annotated[str, typer.Argument(help="Words to find in names, metadata and text.")],
    data_type: Annotated[str | None, typer.Option("--type")] = None,
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Full-text search over the landing zone, best match first."""
    entries = SyncLandingStore(_paths(root)).search(query, data_type=data_type)
    _entries_out(entries, as_json, f"search: {query}")


@landing_app.command("stats")
def landing_stats(root: RootOption = None, as_json: JsonFlag = False) -> None:
    """Entries and bytes in the landing zone, by data type and by source."""
    stats = SyncLandingStore(_paths(root)).get_stats()
    payload = stats.to_dict() if hasattr(stats, "to_dict") else stats
    if as_json:
        emit(payload)
        return
    console.print_json(json.dumps(payload, default=str))


@landing_app.command("reindex")
def landing_reindex(root: RootOption = None) -> None:
    """Rebuild the search index from the landing files and their records alone."""
    SyncLandingStore(_paths(root)).rebuild_index()
    console.print("landing index rebuilt")


def _entries_out(entries: list[Entry], as_json: bool, title: str) -> None:
    if as_json:
        emit({"entries": [e.to_dict() for e in entries]})
        return
    table = Table("id", "v", "source", "type", "bytes", "path", title=title)
    for entry in entries:
        table.add_row(
            entry.id,
            str(entry.version),
            entry.source,
            entry.data_type,
            f"{entry.size:,}",
            entry.path,
        )
    console.print(table)


if __name__ == "__main__":
    app()
