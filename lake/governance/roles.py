"""Roles and who may take them: `lake/governance/roles.toml` (or `LAKE_ROLES_FILE`)."""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from lake.errors import LakeError, NotFoundError, ValidationError

ROLES_FILE = Path(__file__).with_name("roles.toml")
ENCRYPTED_ROLE = "data_engineer"


class RoleRefusedError(LakeError):
    """A user asked for a role the roles file does not give them (refused and logged)."""

    hint = "ask an administrator to add you to the role in lake/governance/roles.toml"


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    schemas: tuple[str, ...]
    masked: bool = True
    paths: tuple[str, ...] = ()
    max_seconds: float | None = None
    users: tuple[str, ...] = ()

    def schemas_of(self, available: list[str], domains: list[str]) -> list[str]:
        """The schemas of `available` this role may read."""
        if "*" in self.schemas:
            return sorted(available)
        wanted = {s for s in self.schemas if not s.startswith("@")}
        if "@domains" in self.schemas:
            wanted |= set(domains)
        return sorted(s for s in available if s in wanted)

    def allows(self, user: str) -> bool:
        return "*" in self.users or user in self.users


def roles_file() -> Path:
    return Path(os.environ.get("LAKE_ROLES_FILE") or ROLES_FILE)


def load_roles(path: Path | None = None) -> dict[str, Role]:
    source = path or roles_file()
    try:
        doc = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValidationError(
            f"cannot read the roles file {source}: {error}", "fix it or unset LAKE_ROLES_FILE"
        ) from error
    roles = {}
    for name, spec in (doc.get("roles") or {}).items():
        roles[name] = Role(
            name=name,
            description=str(spec.get("description", "")),
            schemas=tuple(spec.get("schemas") or ()),
            masked=bool(spec.get("masked", True)),
            paths=tuple(spec.get("paths") or ()),
            max_seconds=spec.get("max_seconds"),
            users=tuple(spec.get("users") or ()),
        )
    unmasked = sorted(n for n, r in roles.items() if not r.masked and n != ENCRYPTED_ROLE)
    if unmasked:
        raise ValidationError(
            f"{source}: only {ENCRYPTED_ROLE} may read unmasked data (not {', '.join(unmasked)})",
            "set masked = true on those roles",
        )
    return roles


def current_user() -> str:
    """`LAKE_USER`, else the operating system's user."""
    return os.environ.get("LAKE_USER") or getpass.getuser()


def get_role(name: str, roles: dict[str, Role] | None = None) -> Role:
    known = roles if roles is not None else load_roles()
    if name not in known:
        raise NotFoundError(f"no role {name!r}", f"known roles: {', '.join(sorted(known))}")
    return known[name]


def authorize(name: str, user: str | None = None) -> Role:
    """The role, when `user` (default: the current one) may take it; RoleRefusedError if not."""
    role = get_role(name)
    who = user or current_user()
    if not role.allows(who):
        raise RoleRefusedError(f"user {who!r} may not take the role {name!r}")
    return role
