"""The mask salt and the encryption key: from the environment, else generated once.

`LAKE_MASK_SALT` salts the SHA-256 of masked identifiers; `LAKE_ENCRYPTION_KEY` encrypts the
`data_engineer` role database. When one is unset, a random value is generated once into
`$LAKE_ROOT/_state/secrets/<name>` (mode 0600, folder 0700) with a warning naming the file,
never the value. Neither is ever written to a log or to the repository.
"""

from __future__ import annotations

import logging
import os
import secrets as random_secrets
from pathlib import Path

from lake.config import LakePaths

SALT_ENV = "LAKE_MASK_SALT"
KEY_ENV = "LAKE_ENCRYPTION_KEY"
log = logging.getLogger("lake.governance")


def secrets_dir(paths: LakePaths) -> Path:
    return paths.state / "secrets"


def mask_salt(paths: LakePaths) -> str:
    return _secret(paths, SALT_ENV, "mask_salt")


def encryption_key(paths: LakePaths) -> str:
    return _secret(paths, KEY_ENV, "encryption_key")


def _secret(paths: LakePaths, env: str, name: str) -> str:
    given = os.environ.get(env, "").strip()
    if given:
        return given
    path = secrets_dir(paths) / name
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    return _generate(path, env)


def _generate(path: Path, env: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    value = random_secrets.token_hex(32)
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(staged, path)  # never replaces one another process generated first
    except FileExistsError:
        value = path.read_text(encoding="utf-8").strip()
    finally:
        staged.unlink(missing_ok=True)
    log.warning(
        "%s is unset: generated one into %s (owner-only); set %s to choose it "
        "(README, Governance: rotation)",
        env,
        path,
        env,
    )
    return value
