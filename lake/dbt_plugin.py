"""A dbt-duckdb plugin that creates the database file's folder before DuckDB opens it.

DuckDB cannot create missing parent folders, so plain `dbt build --profiles-dir .` on a fresh
clone (no lake yet) failed before running anything. profiles.yml lists this module under the
`dev` target's `plugins`; dbt-duckdb calls `update_connection_config` right before it
connects. Imports nothing of lake, so dbt loads it in an instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

IN_MEMORY = (":memory:", "")


class Plugin(BasePlugin):
    def update_connection_config(self, creds: Any, config: dict[str, Any]) -> None:
        path = str(creds.path or "")
        if path in IN_MEMORY or ":" in path.split("/", 1)[0]:  # :memory:, md:, s3://...
            return
        Path(path).parent.mkdir(parents=True, exist_ok=True)
