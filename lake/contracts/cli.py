"""`lake contracts ...`: the dataset contracts (placeholder; its commands come with the
contracts work)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Dataset contracts.", no_args_is_help=True)
