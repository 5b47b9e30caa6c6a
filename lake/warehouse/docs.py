"""`lake docs`: the dbt docs site of the published version, as one static HTML file.

dbt reads the catalog (tables, columns, types) from `warehouse/lake.duckdb` opened read-only
(profile target `published`), so generating docs never blocks a reader. The site is written
to `docs/index.html` (with `docs/version.json` naming the version) and can be opened straight
from disk or served with `lake docs --serve`.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
from pathlib import Path

from lake.errors import LakeError, NotFoundError
from lake.fsutil import atomic_write_json, publish_file
from lake.warehouse.dbt import DbtProject, describe_exception
from lake.warehouse.layout import WarehouseLayout
from lake.warehouse.publish import current_version


class DocsError(LakeError):
    """dbt could not generate the docs site."""


def generate_docs(layout: WarehouseLayout, *, project_dir: Path | None = None) -> Path:
    """Generate the static docs site for the published version; returns its path."""
    version = current_version(layout)
    if version is None:
        raise NotFoundError(
            "nothing is published yet, so there is nothing to document",
            "run `lake run` (or `lake build` then `lake publish`) first",
        )
    target_dir = layout.dbt_dir / "docs-target"
    project = DbtProject(
        lake_root=layout.paths.root,
        database=layout.published,
        target_dir=target_dir,
        log_dir=layout.dbt_dir / "logs",
        target="published",
    )
    if project_dir is not None:
        project.project_dir = project_dir
    result = project.invoke(["docs", "generate", "--static"])
    site = target_dir / "static_index.html"
    if not result.success or not site.exists():
        raise DocsError(
            f"dbt docs generate failed: {describe_exception(result)}",
            f"see {layout.dbt_dir / 'logs' / 'dbt.log'}",
        )
    layout.docs_site.parent.mkdir(parents=True, exist_ok=True)
    staged = layout.docs_site.with_name(".index.html.tmp")
    shutil.copyfile(site, staged)
    publish_file(staged, layout.docs_site)
    atomic_write_json(layout.docs_site.with_name("version.json"), {"version": version})
    return layout.docs_site


def serve_docs(layout: WarehouseLayout, *, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve the docs folder until interrupted (Ctrl-C)."""
    if not layout.docs_site.exists():
        raise NotFoundError(
            f"no docs site at {layout.docs_site}", "run `lake docs` (or `lake run`) first"
        )
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(layout.docs_site.parent)
    )
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        print(f"serving {layout.docs_site} on http://{host}:{server.server_port}/ (Ctrl-C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
