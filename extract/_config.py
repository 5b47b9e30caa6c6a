"""Per-source settings from the environment (or an untracked `.env`), secrets kept opaque.

Names (SRC is the source in upper case: DISTROKID, TOOLOST, SPOTIFY, TIKTOK, LINKTREE,
META_ADS, YOUTUBE, MAILCHIMP, PAYMENTS, SHIPPING):

| variable | what |
|---|---|
| `LAKE_<SRC>_BASE_URL` | where the site or API is (default: the real one) |
| `LAKE_<SRC>_USERNAME`, `LAKE_<SRC>_PASSWORD` | a browser login |
| `LAKE_<SRC>_TOKEN` | an API token or key |
| `LAKE_<SRC>_ACCOUNTS` | comma list of accounts (handles, artists, ad account ids...) |
| `LAKE_<SRC>_OTP`, `LAKE_<SRC>_OTP_FILE` | a second-factor code, or a file to poll for one |
| `LAKE_<SRC>__<ACCOUNT>_<FIELD>` | a per-account override of USERNAME, PASSWORD, TOKEN, OTP... |
| `LAKE_<SRC>__<ACCOUNT>_BASE_URL` | one account's own site (sources whose accounts are sites) |

`<ACCOUNT>` is the account upper-cased with every non-alphanumeric character turned into `_`
(`zone.a0` -> `ZONE_A0`). Real environment variables win over `.env`. Values of PASSWORD,
TOKEN and OTP are `Secret`s: their `str()` and `repr()` are `***`; `reveal()` gives the value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from extract._errors import ConfigError
from lake.config import PROJECT_DIR

DEFAULT_ACCOUNT = "default"
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]")
_SECRET_FIELDS = ("PASSWORD", "TOKEN", "OTP")


class Secret:
    """A credential that never shows itself in logs, reprs, f-strings or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __format__(self, spec: str) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)


def env_prefix(source: str) -> str:
    """`meta_ads` -> `LAKE_META_ADS`."""
    return "LAKE_" + _NON_ALNUM.sub("_", source).upper()


def account_key(account: str) -> str:
    """The account as it appears in variable names: `zone.a0` -> `ZONE_A0`."""
    return _NON_ALNUM.sub("_", account).upper()


def read_environment(extra_dirs: Iterable[Path] = ()) -> dict[str, str]:
    """The process environment over `.env` files (`extra_dirs` over the working directory's
    over the project directory's); nothing is written back to `os.environ`."""
    merged: dict[str, str] = {}
    for directory in (PROJECT_DIR, Path.cwd(), *extra_dirs):
        values = dotenv_values(directory / ".env") if (directory / ".env").is_file() else {}
        merged.update({k: v for k, v in values.items() if v is not None})
    merged.update(os.environ)
    return merged


@dataclass(frozen=True)
class Credentials:
    """What one account logs in with. Any field may be absent; `require()` says which."""

    source: str
    account: str
    username: str | None = None
    password: Secret | None = None
    token: Secret | None = None
    otp: Secret | None = None
    otp_file: Path | None = None

    def secrets(self) -> list[str]:
        return [s.reveal() for s in (self.password, self.token, self.otp) if s]

    def require(self, *fields: str) -> None:
        """Raise ConfigError naming the variables to set when a field is missing."""
        missing = [f for f in fields if not getattr(self, f)]
        if not missing:
            return
        prefix = env_prefix(self.source)
        names = ", ".join(f"{prefix}_{f.upper()}" for f in missing)
        per_account = (
            f" (or {prefix}__{account_key(self.account)}_<FIELD> for this account only)"
            if self.account != DEFAULT_ACCOUNT
            else ""
        )
        raise ConfigError(
            f"{self.source}: account '{self.account}' has no {', '.join(missing)}",
            f"set {names}{per_account} in the environment or in .env",
        )


@dataclass(frozen=True)
class SourceConfig:
    """Everything the environment says about one source."""

    source: str
    base_url: str | None
    accounts: tuple[str, ...]
    env: Mapping[str, str] = field(repr=False, compare=False)

    @classmethod
    def from_env(cls, source: str, env: Mapping[str, str] | None = None) -> SourceConfig:
        env = read_environment() if env is None else env
        prefix = env_prefix(source)
        raw_accounts = env.get(f"{prefix}_ACCOUNTS", "")
        accounts = tuple(dict.fromkeys(a.strip() for a in raw_accounts.split(",") if a.strip()))
        base_url = (env.get(f"{prefix}_BASE_URL") or "").strip().rstrip("/") or None
        return cls(source, base_url, accounts or (DEFAULT_ACCOUNT,), env)

    def _value(self, account: str, name: str) -> str | None:
        prefix = env_prefix(self.source)
        for key in (f"{prefix}__{account_key(account)}_{name}", f"{prefix}_{name}"):
            value = self.env.get(key)
            if value:
                return value
        return None

    def credentials(self, account: str) -> Credentials:
        values = {name: self._value(account, name) for name in ("USERNAME", "OTP_FILE")}
        secrets = {name: self._value(account, name) for name in _SECRET_FIELDS}
        return Credentials(
            source=self.source,
            account=account,
            username=values["USERNAME"],
            password=Secret(secrets["PASSWORD"]) if secrets["PASSWORD"] else None,
            token=Secret(secrets["TOKEN"]) if secrets["TOKEN"] else None,
            otp=Secret(secrets["OTP"]) if secrets["OTP"] else None,
            otp_file=Path(values["OTP_FILE"]).expanduser() if values["OTP_FILE"] else None,
        )

    def secrets(self) -> list[str]:
        """Every secret value configured for this source, any account (for redaction)."""
        prefix = env_prefix(self.source)
        return [
            value
            for key, value in self.env.items()
            if key.startswith(prefix + "_") and key.rsplit("_", 1)[-1] in _SECRET_FIELDS and value
        ]

    def setting(self, name: str, default: str | None = None) -> str | None:
        """Any other `LAKE_<SRC>_<NAME>` setting (not a secret)."""
        return self.env.get(f"{env_prefix(self.source)}_{name}", default)

    def account_setting(self, account: str, name: str) -> str | None:
        """A setting of one account only, `LAKE_<SRC>__<ACCOUNT>_<NAME>` (not a secret): e.g.
        the base URL of each competitor site (`extract/competitors.py`)."""
        return self.env.get(f"{env_prefix(self.source)}__{account_key(account)}_{name}") or None
