"""`lake sandbox ...`: serve the offline sandbox, and point the extractors at it.

lake sandbox serve --port 0 --ready-file build/sandbox.url &   # a free port
eval "$(lake sandbox env --url "$(cat build/sandbox.url)" --export)"
"""

from __future__ import annotations

import shlex
import signal
import sys
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Annotated

import httpx
import typer

from lake.errors import LakeError
from lake.sandbox.entities import PLATFORMS

app = typer.Typer(
    help="The offline sandbox: a local web server standing in for the label's platforms.",
    no_args_is_help=True,
)

DEFAULT_PORT = 8765

OriginOption = Annotated[
    str | None,
    typer.Option(
        envvar="LAKE_SANDBOX_ORIGIN",
        help="The world's first day, YYYY-MM-DD (default: today - 730 days). Pin it to run "
        "the same world on later days: history then grows instead of shifting.",
    ),
]


def _parse_today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port; 0 picks a free one.")] = DEFAULT_PORT,
    seed: Annotated[int, typer.Option(help="World seed.")] = 20240601,
    today: Annotated[
        str | None,
        typer.Option(help="The world's today, YYYY-MM-DD (default: $LAKE_SANDBOX_TODAY or UTC)."),
    ] = None,
    origin: OriginOption = None,
    ready_file: Annotated[
        Path | None,
        typer.Option(help="Write the URL to this file once listening (removed on exit)."),
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No access log on stderr.")] = False,
) -> None:
    """Serve every platform's pages and APIs until interrupted (Ctrl-C or SIGTERM)."""
    from lake.fsutil import atomic_write_bytes
    from lake.sandbox.app import sandbox_state
    from lake.sandbox.server import make_sandbox_server, server_url
    from lake.sandbox.world import World

    try:
        world = World(seed=seed, today=_parse_today(today), origin=_parse_today(origin))
        server = make_sandbox_server(world, host, port, quiet=quiet)
    except (LakeError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    url = server_url(server)
    signal.signal(signal.SIGTERM, _stop)
    try:
        if ready_file is not None:
            ready_file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(ready_file, (url + "\n").encode())
        typer.echo(url)
        sys.stdout.flush()
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox_state(server.app).stopping.set()
        server.server_close()
        sandbox_state(server.app).close()
        if ready_file is not None:
            ready_file.unlink(missing_ok=True)


def env_lines(url: str, seed: int = 20240601, shop_db_url: str | None = None) -> list[str]:
    """`NAME=value` lines pointing every extractor at the sandbox at `url` (and, given its
    `shop_db_url`, `lake extract shop_db` at the shop's application database)."""
    from lake.sandbox.auth import SandboxConfig, sandbox_otp
    from lake.sandbox.world import World

    world = World(seed=seed)
    config = SandboxConfig.from_env()
    accounts = {
        "distrokid": [world.mailchimp_account],
        "toolost": [world.mailchimp_account],
        "spotify": [a.name for a in world.artists],
        "tiktok": [a.handle for a in world.tiktok_accounts],
        "linktree": [p.username for p in world.linktree_profiles],
        "meta_ads": [world.meta_account.id],
        "youtube": [world.youtube_channel.id],
        "mailchimp": [world.mailchimp_account],
    }
    lines = []
    for platform in PLATFORMS:
        prefix = f"LAKE_{platform.upper()}"
        lines += [
            f"{prefix}_BASE_URL={url.rstrip('/')}/{platform}",
            f"{prefix}_USERNAME={config.username}",
            f"{prefix}_PASSWORD={config.password}",
            f"{prefix}_TOKEN={config.token(platform)}",
            f"{prefix}_ACCOUNTS={','.join(accounts[platform])}",
            f"{prefix}_OTP={sandbox_otp(platform)}",
        ]
    if shop_db_url:
        lines.append(f"LAKE_SHOP_DB_URL={shop_db_url}")
    return lines


@app.command()
def env(
    url: Annotated[str, typer.Option(help="The running sandbox, e.g. http://127.0.0.1:8765.")],
    seed: Annotated[int, typer.Option(help="The sandbox's world seed.")] = 20240601,
    export: Annotated[bool, typer.Option("--export", help="Prefix lines with 'export '.")] = False,
) -> None:
    """Print the environment (dotenv lines, shell-quoted) that points every extractor at a
    running sandbox."""
    from lake.sandbox.server import AdminClient

    prefix = "export " if export else ""
    shop_db_url = None
    try:  # the shop database's file is the running sandbox's: ask it
        shop_db_url = AdminClient(url.rstrip("/")).shop_db()["url"]
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        typer.echo(
            f"warning: no LAKE_SHOP_DB_URL: the sandbox at {url} did not say where its shop "
            f"database is ({exc}); start it first (lake sandbox serve)",
            err=True,
        )
    for line in env_lines(url, seed, shop_db_url):
        name, _, value = line.partition("=")
        typer.echo(f"{prefix}{name}={shlex.quote(value)}")


@app.command(
    "exec",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def exec_(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="World seed.")] = 20240601,
    today: Annotated[
        str | None,
        typer.Option(help="The world's today, YYYY-MM-DD (default: $LAKE_SANDBOX_TODAY or UTC)."),
    ] = None,
    origin: OriginOption = None,
) -> None:
    """Run a command against a sandbox that lives as long as the command: start it on a free
    port, run the command with the `lake sandbox env` variables set (and the extractors'
    today set to the world's), stop it, and exit with the command's status.

    Example: `lake sandbox exec --today 2026-11-20 -- lake extract --json`
    """
    import os
    import subprocess

    from lake.sandbox.server import running_sandbox
    from lake.sandbox.world import World

    command = list(ctx.args)
    if not command:
        typer.echo("error: give the command to run after '--', e.g. -- lake extract", err=True)
        raise typer.Exit(code=2)
    world = World(seed=seed, today=_parse_today(today), origin=_parse_today(origin))
    with running_sandbox(world) as sandbox:
        env = dict(os.environ)
        for line in env_lines(sandbox.url, seed, sandbox.shop_db_url):
            name, _, value = line.partition("=")
            env[name] = value
        env["LAKE_EXTRACT_TODAY"] = world.today.isoformat()
        env["LAKE_SANDBOX_TODAY"] = world.today.isoformat()
        try:
            completed = subprocess.run(command, env=env, check=False)
        except OSError as exc:
            typer.echo(f"error: cannot run {command[0]!r}: {exc}", err=True)
            raise typer.Exit(code=127) from exc
    raise typer.Exit(code=completed.returncode)
