"""`lake serve ...`: long-running services of the lake.

LAKE_EVENTS_WRITE_KEYS=key1 lake serve events --port 8088
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lake.cli_options import RootOption, fail, writable_lake
from lake.errors import LakeError

serve_app = typer.Typer(
    help="Long-running services: the Segment-compatible event collector.",
    no_args_is_help=True,
)


@serve_app.command("events")
def events(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port; 0 picks a free one.")] = 8088,
    root: RootOption = None,
    ready_file: Annotated[
        Path | None,
        typer.Option(help="Write the URL to this file once listening (removed on exit)."),
    ] = None,
    roll_seconds: Annotated[
        float, typer.Option(help="Land the log at least this often (seconds).")
    ] = 60.0,
    roll_mb: Annotated[float, typer.Option(help="... or whenever it holds this many MB.")] = 16.0,
    access_log: Annotated[bool, typer.Option(help="Log every request on stderr.")] = False,
) -> None:
    """Collect events over Segment's HTTP tracking API (write keys: LAKE_EVENTS_WRITE_KEYS);
    records land as NDJSON under landing/events/ for `lake ingest`."""
    from lake.events.config import CollectorConfig, write_keys_from_env
    from lake.events.server import serve

    try:
        keys = write_keys_from_env()
        config = CollectorConfig(
            paths=writable_lake(root),
            write_keys=keys,
            roll_seconds=roll_seconds,
            roll_bytes=int(roll_mb * (1 << 20)),
        )
        serve(config, host, port, ready_file=ready_file, access_log=access_log)
    except LakeError as exc:
        raise fail(exc) from exc
    except OSError as exc:
        raise fail(
            LakeError(f"cannot listen on {host}:{port}: {exc}", "pick another --port")
        ) from exc
