"""DuckDB extensions from their pinned PyPI wheels, installed into a lake-local directory.

Database encryption (`ATTACH ... (ENCRYPTION_KEY ...)`) needs `httpfs` loaded (its OpenSSL).
It comes from the wheel `duckdb-extension-httpfs==1.5.5` (a runtime dependency), installed
from the file inside the wheel into `$LAKE_ROOT/_state/duckdb_extensions/`; nothing is ever
downloaded at run time (autoinstall and autoload stay off).
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import duckdb

from lake.config import LakePaths
from lake.errors import LakeError


class ExtensionMissingError(LakeError):
    hint = "install the pinned wheel: `pip install -c constraints.txt -e .` (make setup)"


def extension_dir(paths: LakePaths) -> Path:
    return paths.state / "duckdb_extensions"


def base_config(paths: LakePaths) -> dict[str, str | bool]:
    """Connection settings shared by every governance connection: no download, no autoload."""
    return {
        "extension_directory": str(extension_dir(paths)),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }


def _wheel_file(name: str) -> Path:
    package = f"duckdb_extension_{name}"
    try:
        folder = importlib.resources.files(package)
    except ModuleNotFoundError as error:
        raise ExtensionMissingError(f"the DuckDB extension {name} is not installed") from error
    version = duckdb.__version__
    found = Path(str(folder)) / "extensions" / f"v{version}" / f"{name}.duckdb_extension"
    if not found.exists():
        raise ExtensionMissingError(f"the {name} wheel has no build for DuckDB {version}")
    return found


def load(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Load extension `name`, installing it from its wheel into the lake's folder first."""
    try:
        con.execute(f"load {name}")
        return
    except duckdb.Error:
        pass
    path = str(_wheel_file(name)).replace("'", "''")
    con.execute(f"install '{path}'")
    con.execute(f"load {name}")
