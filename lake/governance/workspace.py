"""`lake workspace USER PROJECT`: a writable scratch DuckDB that sees its role's database.

`workspace/<user>/<project>/scratch.duckdb` is the default database (write your tables
there); the role's database is attached read-only as `lake` (`select * from lake.music...`).
The same hardening as `lake query` applies: no file outside the workspace folder, no
extension loading, configuration locked.
"""

from __future__ import annotations

import re
from pathlib import Path

from lake.config import LakePaths
from lake.errors import ValidationError
from lake.governance.access import RoleConnection, open_role

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def workspace_db(paths: LakePaths, user: str, project: str) -> Path:
    for label, value in (("user", user), ("project", project)):
        if not _NAME.fullmatch(value) or ".." in value:
            raise ValidationError(
                f"bad {label} name {value!r}", "use letters, digits, '.', '_' or '-' (max 64)"
            )
    return paths.root / "workspace" / user / project / "scratch.duckdb"


def open_workspace(paths: LakePaths, user: str, project: str, role: str) -> RoleConnection:
    """The workspace's connection, created when new; `user` must hold `role`."""
    db = workspace_db(paths, user, project)
    db.parent.mkdir(parents=True, exist_ok=True)
    return open_role(paths, role, user=user, workspace=db)
