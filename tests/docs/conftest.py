"""The dbt docs site, served by `lake docs --serve`, and one headless Chromium to browse it.

The site is `LAKE_DOCS_SITE` when it names an existing file (`make test` points it at the site
its `lake run` on the sandbox generated). Otherwise the session generates one without any lake:
`dbt docs generate --static --empty-catalog` on the memory target, so the columns come from the
YAML. Screenshots go to `build/artefacts/docs/`, which `make test` keeps.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from lake.config import PROJECT_DIR
from lake.warehouse.dbt import DbtProject, describe_exception

ARTEFACTS = PROJECT_DIR / "build" / "artefacts" / "docs"
SERVER_START_SECONDS = 30.0
PAGE_TIMEOUT_MS = 20_000


@dataclass(frozen=True)
class ServedSite:
    """The site file and the URL `lake docs --serve` answers on."""

    file: Path
    url: str


def generate_site(work: Path) -> Path:
    """`dbt docs generate --static --empty-catalog` on this project, with no lake at all."""
    project = DbtProject(
        lake_root=work / "lake",
        database=None,
        target_dir=work / "target",
        log_dir=work / "logs",
        target="memory",
    )
    (work / "lake").mkdir(parents=True, exist_ok=True)
    result = project.invoke(["docs", "generate", "--static", "--empty-catalog"])
    site = work / "target" / "static_index.html"
    if not result.success or not site.exists():
        pytest.fail(
            f"dbt docs generate failed: {describe_exception(result)}; "
            f"see {work / 'logs' / 'dbt.log'}"
        )
    return site


@pytest.fixture(scope="session")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("LAKE_DOCS_SITE")
    if configured and Path(configured).is_file():
        return Path(configured).resolve()
    return generate_site(tmp_path_factory.mktemp("docs-generate"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _, stderr = process.communicate()
            pytest.fail(f"`lake docs --serve` exited with {process.returncode}: {stderr.decode()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"`lake docs --serve` did not listen on port {port} in {SERVER_START_SECONDS}s")


@pytest.fixture(scope="session")
def served_site(docs_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """`lake docs --serve --no-generate` on a lake root whose docs/index.html is the site."""
    root = tmp_path_factory.mktemp("docs-lake")
    (root / "docs").mkdir()
    shutil.copyfile(docs_site, root / "docs" / "index.html")
    port = free_port()
    lake = Path(sys.executable).with_name("lake")
    if not lake.is_file():
        pytest.fail(f"no `lake` command next to {sys.executable}: run `make setup`")
    env = {k: v for k, v in os.environ.items() if k not in ("LAKE_ROOT", "LAKE_DUCKDB_PATH")}
    command = [str(lake), "docs", "--serve", "--no-generate", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--root", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        wait_for_port(process, port)
        yield ServedSite(file=root / "docs" / "index.html", url=f"http://127.0.0.1:{port}/")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def site_page(browser: Browser, served_site: ServedSite) -> Iterator[Page]:
    """One page on the served site, loaded once for a module's tests that only click around."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(served_site.url)
        page.get_by_placeholder("Search for models...").wait_for()
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def artefacts() -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS
