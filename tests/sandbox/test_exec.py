"""`lake sandbox exec`: a sandbox that lives exactly as long as one command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

LAKE = [sys.executable, "-m", "lake.cli"]


def _exec(*command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LAKE, "sandbox", "exec", "--today", "2026-11-20", "--", *command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


def test_the_command_sees_a_running_sandbox_and_its_settings(tmp_path: Path) -> None:
    script = (
        "import os, httpx; "
        "r = httpx.get(os.environ['LAKE_MAILCHIMP_BASE_URL'] + '/3.0/reports', "
        "auth=('x', os.environ['LAKE_MAILCHIMP_TOKEN'])); "
        "print(r.status_code, r.json()['total_items'], os.environ['LAKE_EXTRACT_TODAY'], "
        "os.environ['LAKE_MAILCHIMP_BASE_URL'])"
    )
    done = _exec(sys.executable, "-c", script, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    status, total, today, base_url = done.stdout.split()
    assert (status, today) == ("200", "2026-11-20")
    assert int(total) > 10
    # the sandbox stopped with the command
    try:
        httpx.get(base_url, timeout=2)
    except httpx.TransportError:
        pass
    else:
        raise AssertionError(f"the sandbox at {base_url} still answers after the command ended")


def test_the_commands_exit_status_is_passed_on(tmp_path: Path) -> None:
    assert _exec(sys.executable, "-c", "raise SystemExit(3)", cwd=tmp_path).returncode == 3


def test_no_command_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [*LAKE, "sandbox", "exec"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "give the command" in done.stderr
