"""Running the application under uvicorn: bind, announce the URL, drain on SIGTERM.

uvicorn handles SIGINT and SIGTERM itself: it stops accepting connections, lets the
requests in flight finish (each one waits for its fsync), then runs the application's
lifespan shutdown, where the collector commits, seals and lands its log.
"""

from __future__ import annotations

import gc
import signal
import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn

from lake.events.app import create_app
from lake.events.collector import Collector
from lake.events.config import CollectorConfig
from lake.fsutil import atomic_write_bytes


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def _announce(server: uvicorn.Server, url: str, ready_file: Path | None) -> None:
    while not server.started and not server.should_exit:
        time.sleep(0.02)
    if not server.started:
        return
    # everything built so far lives as long as the server: keep the collector's garbage
    # collections short (fewer p99 pauses under load)
    gc.freeze()
    if ready_file is not None:
        ready_file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(ready_file, (url + "\n").encode())
    sys.stdout.write(url + "\n")
    sys.stdout.flush()


def _drained(signum: int, frame: object) -> None:
    """The signal uvicorn re-raises after its graceful shutdown: nothing is left to do."""


def serve(
    config: CollectorConfig,
    host: str,
    port: int,
    *,
    ready_file: Path | None = None,
    access_log: bool = False,
) -> None:
    """Serve until SIGTERM or SIGINT; the log is landed before this returns. The collector
    starts first, so a locked or unreadable log stops the command with its own message."""
    collector = Collector(config)
    collector.start()
    try:
        sock = bind(host, port)
    except OSError:
        collector.stop()
        raise
    bound_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{bound_port}"
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config, collector),
            loop="uvloop",
            http="httptools",
            lifespan="on",
            access_log=access_log,
            log_level="warning",
            timeout_graceful_shutdown=30,
            backlog=2048,
        )
    )
    threading.Thread(target=_announce, args=(server, url, ready_file), daemon=True).start()
    # uvicorn drains on SIGTERM/SIGINT, then re-raises the signal to the handler that was
    # there before it: a no-op one, so a drained collector exits with status 0
    for handled in (signal.SIGTERM, signal.SIGINT):
        signal.signal(handled, _drained)
    try:
        server.run(sockets=[sock])
    finally:
        if ready_file is not None:
            ready_file.unlink(missing_ok=True)
    if not server.started:
        raise SystemExit(2)
