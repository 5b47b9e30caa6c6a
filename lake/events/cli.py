"""`lake serve ...`: long-running services of the lake.

LAKE_EVENTS_WRITE_KEYS=key1 lake serve events --port 8088
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lake.cli_options import JsonFlag, RootOption, console, emit, fail, writable_lake
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
    dedup_hours: Annotated[
        float, typer.Option(help="Remember landed messageIds this long (retries stored once).")
    ] = 168.0,
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
            dedup_seconds=dedup_hours * 3600,
        )
        serve(config, host, port, ready_file=ready_file, access_log=access_log)
    except LakeError as exc:
        raise fail(exc) from exc
    except OSError as exc:
        raise fail(
            LakeError(f"cannot listen on {host}:{port}: {exc}", "pick another --port")
        ) from exc


@serve_app.command("shop-sessions")
def shop_sessions(
    root: RootOption = None,
    seed: Annotated[int, typer.Option(help="The sandbox world's seed.")] = 20240601,
    today: Annotated[str, typer.Option(help="The world's today, YYYY-MM-DD.")] = "2026-11-20",
    origin: Annotated[str, typer.Option(help="The world's first day, YYYY-MM-DD.")] = "2024-11-20",
    json_output: JsonFlag = False,
) -> None:
    """Replay the sandbox shop's visits through a collector started for the purpose, then
    stop it: the events land under landing/events/ for the next `lake ingest` (make demo)."""
    from datetime import date

    from lake.errors import MissingPartError
    from lake.events.replay import replay_through_collector

    try:
        from lake.sandbox.shop.sessions import shop_sessions as sessions_of
        from lake.sandbox.world import World
    except ImportError as exc:
        missing = MissingPartError(
            f"the sandbox is not installed ({exc})", "pip install -e '.[sandbox]' (make setup)"
        )
        raise fail(missing) from exc

    paths = writable_lake(root)
    try:
        shop = World(
            seed=seed, today=date.fromisoformat(today), origin=date.fromisoformat(origin)
        ).shop
        batches = sessions_of(
            shop.table("orders"),
            shop.table("order_items"),
            shop.table("products"),
            shop.table("customers"),
            seed=seed,
        )
        summary = replay_through_collector(paths, batches)
    except LakeError as exc:
        raise fail(exc) from exc
    if json_output:
        emit(summary.to_dict())
    else:
        console.print(
            f"shop sessions: {summary.batches} batches, {summary.calls} calls sent, "
            f"{summary.accepted} stored, {summary.duplicates} duplicates not stored again "
            f"({summary.retried_batches} retried, {summary.late_batches} late, "
            f"{summary.skewed_batches} from skewed clocks)"
        )
