"""`lake db ...`: the application databases' dumps.

lake db restore db_dumps/daily/shop_backup_20261206_020000.sql --target postgresql://...
lake db restore DUMP --target sqlite:///restored/shop.sqlite --confirm

Dumps are written by `lake extract shop_db --dump [--frequency daily|weekly|manual]`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lake.cli_options import fail
from lake.errors import LakeError

app = typer.Typer(
    help="Application databases: restore a dump written by `lake extract shop_db --dump`.",
    no_args_is_help=True,
)


@app.command("restore")
def restore_command(
    dump: Annotated[Path, typer.Argument(help="The dump (.sql, with its .sha256 beside it).")],
    target: Annotated[
        str,
        typer.Option(help="The EMPTY database to restore into: postgresql://... or sqlite:///..."),
    ],
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Restore; without it, only say what would happen.")
    ] = False,
) -> None:
    """Restore a dump into an empty database. The dump's checksum is verified and a target
    that holds tables is refused, before anything is written."""
    from lake.db.dumps import restore_dump

    try:
        plan = restore_dump(dump, target, confirm=confirm)
    except LakeError as error:
        raise fail(error) from error
    if not confirm:
        typer.echo(plan.describe())
        typer.echo("nothing was changed: add --confirm to restore")
        return
    typer.echo(
        f"restored {plan.dump.path.name} into {plan.target.display} ({len(plan.tables)} tables)"
    )
