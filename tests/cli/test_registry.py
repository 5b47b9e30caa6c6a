"""The one way commands are registered: entry points, loaded lazily; `lake --help` fast."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lake import cli_lazy
from lake.cli import app
from lake.cli_lazy import command_entries, static_help

REPO = Path(__file__).parents[2]
runner = CliRunner()

EXPECTED = {
    "extract", "land", "ingest", "quarantine", "landing", "run", "build", "publish",
    "rollback", "versions", "docs", "status", "contracts", "sandbox",
    "serve",  # lake/events/cli.py
    "db",  # lake/db/cli.py
    "report",  # lake/reports/cli.py
    "dataset",  # lake/datasets/cli.py
    # lake/governance/cli.py
    "query", "workspace", "export", "retention", "erase", "backup", "restore",
}  # fmt: skip


def test_every_command_is_registered_once() -> None:
    assert set(command_entries()) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_listed_help_is_the_commands_own(name: str) -> None:
    """`lake --help` reads the help from the source: it must say what the loaded command says."""
    entry = command_entries()[name]
    listed = static_help(entry.module, entry.attribute)
    assert listed
    assert entry.load().help.strip() == listed.strip()


def test_help_imports_neither_dbt_nor_the_extractors() -> None:
    code = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from lake.cli import app\n"
        "result = CliRunner().invoke(app, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'extract' in result.output and 'sandbox' in result.output\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in {'dbt', 'extract', 'duckdb'}]\n"
        "print(json.dumps(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize("args", [["--help"], ["ingest", "--help"]])
def test_help_imports_no_heavy_package(args: list[str]) -> None:
    """What made help slow was importing what the command does not need (dbt, the browser,
    the sandbox's web framework, the payment client): checked by what is imported, not by a
    stopwatch, so a busy machine cannot fail it (speed lives in `make bench`)."""
    code = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from lake.cli import app\n"
        f"result = CliRunner().invoke(app, {args!r})\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'Usage' in result.output\n"
        "heavy = {'dbt', 'playwright', 'flask', 'stripe', 'pyarrow'}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & heavy)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert json.loads(done.stdout) == []


def test_a_missing_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_lazy, "is_installed", lambda name: name.lower() != "flask")
    result = runner.invoke(app, ["sandbox", "env", "--url", "http://127.0.0.1:1"])
    assert result.exit_code == 2
    assert "needs flask" in result.output
    assert "pip install 'lake[sandbox]'" in result.output


def test_the_sandbox_extra_declares_flask() -> None:
    assert cli_lazy.missing_requirements("sandbox") == []
    assert cli_lazy.missing_requirements("no-such-extra") == []


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_nothing_in_lake_imports_extract() -> None:
    """extract/ depends on lake/, never the reverse."""
    offenders = [
        f"{path.relative_to(REPO)}:{line} imports {name}"
        for path in sorted((REPO / "lake").rglob("*.py"))
        for line, name in _imports(path)
        if name == "extract" or name.startswith("extract.")
    ]
    assert offenders == []


def test_no_module_is_over_600_lines() -> None:
    allowed = {
        REPO / "lake" / "sandbox" / "world.py",
        REPO / "lake" / "sandbox" / "shop" / "world.py",
    }
    long = [
        f"{path.relative_to(REPO)}: {n} lines"
        for folder in ("lake", "extract", "bench", "tests")
        for path in sorted((REPO / folder).rglob("*.py"))
        if path not in allowed and (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    ]
    assert long == []
