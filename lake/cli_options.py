"""What every `lake` subcommand shares: options, the stderr console, JSON output, errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lake.config import LakePaths
from lake.errors import LakeError

console = Console(stderr=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
RootOption = Annotated[
    Path | None,
    typer.Option("--root", envvar="LAKE_ROOT", help="Lake root (default ./datalake)."),
]


def emit(payload: Any) -> None:
    """The one JSON document a `--json` command prints on stdout."""
    sys.stdout.write(json.dumps(payload, indent=2, default=str) + "\n")


def fail(error: LakeError, code: int = 2) -> typer.Exit:
    """Print the error (what went wrong, what to do) and return the exit to raise."""
    console.print(f"[bold red]error:[/] {escape(str(error))}", soft_wrap=True)
    return typer.Exit(code=code)


def lake_paths(root: Path | None) -> LakePaths:
    """The paths of an existing lake under `root` (or $LAKE_ROOT), for a command that reads
    it: "no lake at PATH" (exit 2, nothing created) when there is none."""
    try:
        return LakePaths.from_env(root).existing().ensure()
    except LakeError as error:
        raise fail(error) from error


def writable_lake(root: Path | None) -> LakePaths:
    """The lake under `root` (or $LAKE_ROOT), for a command that writes: created when there is
    none yet, saying so once on stderr."""
    paths = LakePaths.from_env(root)
    try:
        created = not paths.exists
        paths.ensure()
    except LakeError as error:
        raise fail(error) from error
    if created:
        console.print(f"created a new lake at {escape(str(paths.root))}", soft_wrap=True)
    return paths


def compact_table(*columns: str, title: str | None = None) -> Table:
    """A table whose rows never wrap (a long cell ends with an ellipsis), so it reads in an
    80-column terminal and in a pipe; `--json` has every value whole."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column, no_wrap=True, overflow="ellipsis")
    return table
