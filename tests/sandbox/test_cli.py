"""`lake sandbox serve` in a real process, and `lake sandbox env`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from lake.cli import app
from lake.sandbox.auth import sandbox_otp
from lake.sandbox.entities import PLATFORMS

from .conftest import MAILCHIMP_KEY


def wait_for(path: Path, process: subprocess.Popen[bytes], seconds: float = 20) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text().strip()
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError(f"the sandbox did not write {path} within {seconds} s")


def test_serve_writes_the_ready_file_and_stops_cleanly(tmp_path: Path) -> None:
    ready = tmp_path / "run" / "sandbox.url"
    command = [sys.executable, "-m", "lake.cli", "sandbox", "serve", "--port", "0"]
    command += ["--today", "2026-11-23", "--ready-file", str(ready), "--quiet"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        url = wait_for(ready, process)
        assert url.startswith("http://127.0.0.1:")
        state = httpx.get(f"{url}/_admin/state", timeout=10).json()
        assert (state["today"], state["last_day"]) == ("2026-11-23", "2026-11-22")
        page = httpx.get(f"{url}/mailchimp/3.0/reports", auth=MAILCHIMP_KEY, timeout=10)
        assert page.status_code == 200 and page.json()["total_items"] >= 22
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err.decode()
    assert out.decode().strip() == url
    assert not ready.exists()  # removed on exit


def test_serve_refuses_a_bad_today() -> None:
    result = CliRunner().invoke(app, ["sandbox", "serve", "--today", "yesterday"])
    assert result.exit_code == 2 and "not a date" in result.output


def test_env_points_every_extractor_at_the_sandbox() -> None:
    result = CliRunner().invoke(app, ["sandbox", "env", "--url", "http://127.0.0.1:9999/"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert len(lines) == 6 * len(PLATFORMS)
    assert lines["LAKE_META_ADS_BASE_URL"] == "http://127.0.0.1:9999/meta_ads"
    assert lines["LAKE_MAILCHIMP_TOKEN"] == "sandbox-mailchimp-token"
    assert lines["LAKE_TIKTOK_ACCOUNTS"] == "bluefrog.music,novareyes.sounds"
    assert lines["LAKE_SPOTIFY_ACCOUNTS"] == "'Blue Frog,Nova Reyes,The Quiet Hours'"
    assert lines["LAKE_META_ADS_ACCOUNTS"].startswith("act_")
    assert lines["LAKE_YOUTUBE_ACCOUNTS"].startswith("UC")
    assert lines["LAKE_TOOLOST_OTP"] == sandbox_otp("toolost")
    assert lines["LAKE_DISTROKID_USERNAME"] == "demo@label.test"
    exported = CliRunner().invoke(app, ["sandbox", "env", "--url", "http://x", "--export"])
    assert all(line.startswith("export LAKE_") for line in exported.stdout.splitlines())
