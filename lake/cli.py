"""The `lake` command.

Its commands and command groups are registered in one place, the
`[project.entry-points."lake.commands"]` table of pyproject.toml, one line each, and each is
imported only when it runs or shows its help (`lake/cli_lazy.py`): `lake --help` imports
neither dbt nor the extractors. Every subcommand has --help; the ones a machine reads take
--json and print one JSON document on stdout (progress and tables go to stderr).
"""

from __future__ import annotations

import typer

from lake.cli_lazy import LazyGroup

app = typer.Typer(
    cls=LazyGroup,
    help="A zone-based data lake on dbt + DuckDB: landing -> raw -> staging -> curated.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,  # its two options wrapped in 80 columns; nothing documents them
)


@app.callback()
def main() -> None:
    pass  # a group of its own; the help is the Typer's above


if __name__ == "__main__":
    app()
