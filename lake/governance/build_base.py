"""The unmasked state a build starts from.

The published version is masked (restricted columns hashed or scrubbed), so a build that
started from a copy of it would carry masked rows into incremental models and snapshots:
the data_engineer database would then hold old rows masked beside new ones unmasked, and a
snapshot would see every restricted value change. The data_engineer database is the same
version unmasked (written from the build before masking, encrypted at rest): when it holds
the published version whole, the build starts from a decrypted copy of it instead.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from lake.config import LakePaths
from lake.governance.role_dbs import attach_encrypted, role_db, role_manifest
from lake.governance.roles import ENCRYPTED_ROLE, load_roles

SOURCE = "lake_unmasked_base"


def copy_unmasked_base(paths: LakePaths, version: str | None, target: Path) -> bool:
    """Write `target` as a decrypted copy of the data_engineer database when that database is
    `version` and holds every schema (its role reads "*"); False (nothing written) otherwise."""
    engineer = role_db(paths, ENCRYPTED_ROLE)
    role = load_roles().get(ENCRYPTED_ROLE)
    if version is None or not engineer.exists() or role is None or "*" not in role.schemas:
        return False
    if role_manifest(paths, ENCRYPTED_ROLE).get("masked"):
        return False  # a rollback to a version whose unmasked copy was not kept
    target.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(target)) as con:
            attach_encrypted(con, paths, engineer, SOURCE, read_only=True)
            row = con.execute(f"select version from {SOURCE}.lake_ops.publication").fetchone()
            if row is None or str(row[0]) != version:
                con.execute(f"detach {SOURCE}")
                raise _NotThisVersion
            target_name = str(con.execute("select current_database()").fetchone()[0])  # type: ignore[index]
            con.execute(f'copy from database {SOURCE} to "{target_name}"')
            con.execute(f"detach {SOURCE}")
            con.execute("checkpoint")
    except (_NotThisVersion, duckdb.Error):
        # an engineer database of another version, or one the current key cannot open (the
        # key was rotated): the masked published version is the base (see the README)
        target.unlink(missing_ok=True)
        Path(f"{target}.wal").unlink(missing_ok=True)
        return False
    return True


class _NotThisVersion(Exception):
    pass
