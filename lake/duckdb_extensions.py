"""DuckDB extensions from their pinned PyPI wheels, never downloaded at run time.

DuckDB's own wheel carries only json, parquet and icu. Others come as the wheels
`duckdb-extension-<name>==<duckdb version>` (pinned in constraints.txt), each holding the
signed extension file `duckdb_extension_<name>/extensions/v<version>/<name>.duckdb_extension`.
`load_extension(con, "postgres")` installs that file into a project-local extension
directory (`build/duckdb_extensions/`, or `LAKE_DUCKDB_EXTENSION_DIR`) and loads it, with
autoloading and autoinstalling switched off so nothing is ever fetched from the network.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import duckdb

from lake.config import PROJECT_DIR
from lake.errors import LakeError
from lake.fsutil import file_lock

EXTENSION_DIR_ENV = "LAKE_DUCKDB_EXTENSION_DIR"


class ExtensionMissingError(LakeError):
    """A DuckDB extension's pinned wheel is not installed."""


def extension_dir() -> Path:
    """Where extensions are installed for this project."""
    configured = os.environ.get(EXTENSION_DIR_ENV, "").strip()
    return Path(configured) if configured else PROJECT_DIR / "build" / "duckdb_extensions"


def extension_file(name: str) -> Path:
    """The extension file inside the pinned wheel `duckdb-extension-<name>`."""
    version = duckdb.__version__
    package = f"duckdb_extension_{name}"
    spec = importlib.util.find_spec(package)
    hint = (
        f"install the pinned wheel: pip install -c constraints.txt "
        f"duckdb-extension-{name}=={version} (make setup does)"
    )
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionMissingError(f"the DuckDB extension {name!r} is not installed", hint)
    root = Path(next(iter(spec.submodule_search_locations)))
    path = root / "extensions" / f"v{version}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise ExtensionMissingError(
            f"the wheel {package} holds no extension for DuckDB {version} ({path})", hint
        )
    return path


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Install (once) and load extension `name` from its wheel on `con`; never downloads."""
    directory = extension_dir()
    directory.mkdir(parents=True, exist_ok=True)
    con.execute("set autoinstall_known_extensions = false")
    con.execute("set autoload_known_extensions = false")
    con.execute(f"set extension_directory = {_literal(str(directory))}")
    source = extension_file(name)
    with file_lock(directory / f".{name}.lock"):
        con.execute(f"install {_literal(str(source))}")
    con.execute(f"load {name}")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
