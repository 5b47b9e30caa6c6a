"""`lake dataset ...`: datasets exported from the published lake into `$LAKE_ROOT/datasets/`.

lake dataset llm-training [--root R] [--json]
"""

from __future__ import annotations

import typer
from rich.markup import escape

from lake.cli_options import JsonFlag, RootOption, console, emit, fail, lake_paths
from lake.errors import LakeError

app = typer.Typer(
    help="Export datasets (e.g. LLM training data) from the published lake, masked.",
    no_args_is_help=True,
)


@app.command("llm-training")
def llm_training_command(root: RootOption = None, as_json: JsonFlag = False) -> None:
    """Write the LLM calls flagged keep_for_training as chat-format JSON lines
    ($LAKE_ROOT/datasets/llm_training.jsonl), personal data masked."""
    from lake.datasets.training import export_training_dataset

    try:
        export = export_training_dataset(lake_paths(root))
    except LakeError as error:
        raise fail(error) from error
    if as_json:
        emit(export.as_json())
        return
    console.print(
        f"{export.lines} calls written to {escape(str(export.path))} "
        f"(published version {escape(export.version)})",
        soft_wrap=True,
    )
