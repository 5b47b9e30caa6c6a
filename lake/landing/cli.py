"""`lake land` (put downloaded exports into the landing zone) and `lake landing ...`
(browse and search it)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lake.cli_options import (
    JsonFlag,
    RootOption,
    console,
    emit,
    fail,
    lake_paths,
    writable_lake,
)
from lake.errors import LakeError
from lake.landing import Entry, SyncLandingStore

app = typer.Typer(help="Browse and search the landing store.", no_args_is_help=True)

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


# ---------------------------------------------------------------------------- land


def _expand(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from _files_in(path)
        elif path.is_file():
            yield path
        else:
            raise typer.BadParameter(f"{path} does not exist", param_hint="PATH")


def _files_in(folder: Path) -> list[Path]:
    """The regular files under a folder. Symbolic links inside it are skipped with a warning,
    never followed: a link could point anywhere (`/etc/shadow`), and landing copies bytes
    into the lake, where they are searchable and quoted in quarantine reasons."""
    found: list[Path] = []
    for directory, dirs, names in os.walk(folder, followlinks=False):
        for name in sorted(dirs + names):
            candidate = Path(directory) / name
            if candidate.is_symlink():
                console.print(
                    f"[yellow]warning:[/] skipped {escape(str(candidate))}: a symbolic link "
                    "(lake land never follows links inside a folder; name the target itself)",
                    highlight=False,
                )
            elif name in names and candidate.is_file():
                found.append(candidate)
    return sorted(found)


def _check_source(source: str) -> None:
    """Refuse a source no contract declares, before anything is read or written."""
    from lake.contracts import check_source

    try:
        check_source(source)
    except LakeError as error:
        raise fail(error) from error


def data_type_of(path: Path) -> str:
    return DATA_TYPES.get(path.suffix.lower(), "binary")


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
    _check_source(source)
    chosen = list(_expand(files))
    store = SyncLandingStore(writable_lake(root))
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


# ---------------------------------------------------------------------------- landing


@app.command("list")
def landing_list(
    subpath: Annotated[str | None, typer.Argument(help="Folder under landing/.")] = None,
    data_type: Annotated[str | None, typer.Option("--type", help="csv, json, zip...")] = None,
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Live entries (latest version of each) in the landing zone."""
    entries = SyncLandingStore(lake_paths(root)).list(data_type=data_type, subpath=subpath)
    _entries_out(entries, as_json, "landing")


@app.command("search")
def landing_search(
    query: Annotated[str, typer.Argument(help="Words to find in names, metadata and text.")],
    data_type: Annotated[str | None, typer.Option("--type")] = None,
    root: RootOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Full-text search over the landing zone, best match first."""
    entries = SyncLandingStore(lake_paths(root)).search(query, data_type=data_type)
    _entries_out(entries, as_json, f"search: {query}")


@app.command("stats")
def landing_stats(root: RootOption = None, as_json: JsonFlag = False) -> None:
    """Entries and bytes in the landing zone, by data type and by source."""
    stats = SyncLandingStore(lake_paths(root)).get_stats()
    payload = stats.to_dict() if hasattr(stats, "to_dict") else stats
    if as_json:
        emit(payload)
        return
    console.print_json(json.dumps(payload, default=str))


@app.command("reindex")
def landing_reindex(root: RootOption = None) -> None:
    """Rebuild the search index from the landing files and their records alone."""
    SyncLandingStore(lake_paths(root)).rebuild_index()
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
