"""`lake contracts ...`: what follows from the dataset contracts.

lake contracts sources              # write models/staging/<source>/_<source>__sources.yml
lake contracts sources --check      # exit 1 listing every file that differs from its contract
lake contracts sources spotify      # only these sources
"""

from __future__ import annotations

from typing import Annotated

import typer

from lake.cli_options import fail
from lake.config import PROJECT_DIR
from lake.contracts import sources as contract_sources
from lake.contracts.sources_yaml import COMMAND, check, write
from lake.errors import ValidationError

app = typer.Typer(
    help="Dataset contracts: generate what follows from them (the dbt sources YAML).",
    no_args_is_help=True,
)


def _selected(names: list[str] | None) -> tuple[str, ...]:
    known = contract_sources()
    unknown = sorted(set(names or ()) - set(known))
    if unknown:
        raise ValidationError(
            f"no contract declares source {', '.join(unknown)}",
            f"pick from: {', '.join(known)} (one module per source in lake/contracts/)",
        )
    return tuple(names) if names else known


@app.command("sources")
def sources_command(
    names: Annotated[
        list[str] | None, typer.Argument(metavar="[SOURCE]...", help="Default: every source.")
    ] = None,
    check_only: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 when a file drifted.")
    ] = False,
) -> None:
    """Render each source's dbt sources YAML from its contract."""
    try:
        selected = _selected(names)
    except ValidationError as error:
        raise fail(error) from error
    if check_only:
        drifts = check(PROJECT_DIR, selected)
        for drift in drifts:
            typer.echo(drift.describe(PROJECT_DIR))
        if drifts:
            typer.echo(f"{len(drifts)} file(s) differ from their contract: run `{COMMAND}`.")
            raise typer.Exit(1)
        typer.echo(f"{len(selected)} sources YAML file(s) match their contracts.")
        return
    changed = write(PROJECT_DIR, selected)
    for path in changed:
        typer.echo(f"wrote {path.relative_to(PROJECT_DIR)}")
    typer.echo(f"{len(changed)} of {len(selected)} file(s) changed.")
