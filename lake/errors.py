"""Typed errors. Every message says what went wrong and what to do next."""

from __future__ import annotations


class LakeError(Exception):
    """Base class of every error the lake raises on purpose."""

    hint: str = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.hint = hint if hint is not None else self.hint
        super().__init__(f"{message}; {self.hint}" if self.hint else message)
        self.message = message


class NotFoundError(LakeError):
    """An entry, file or version that does not exist (or was deleted)."""

    hint = "check the id with 'lake landing list' or 'lake landing search'"


class NoLakeError(NotFoundError):
    """The lake root does not exist (yet): a command that only reads has nothing to read."""

    hint = (
        "create it with `lake land FILE --source SOURCE` or `lake run`, "
        "or point LAKE_ROOT (or --root) at an existing lake"
    )


class ValidationError(LakeError):
    """Input refused before anything was written: a bad name, subpath or argument."""


class ConflictError(LakeError):
    """A write that would contradict what the lake already holds."""


class ContractError(LakeError):
    """A landing file does not fit its dataset contract (the file goes to quarantine)."""

    def __init__(
        self, kind: str, message: str, hint: str, where: dict[str, object] | None = None
    ) -> None:
        self.kind = kind
        self.where = where or {}
        super().__init__(message, hint)


class ContractDefinitionError(LakeError):
    """A contract module contradicts itself (a column described twice or in no layout, an
    unknown classification); raised when `lake/contracts/` is imported."""


class LockedError(LakeError):
    """Another process holds the lock for the same work."""


class MissingPartError(LakeError):
    """An optional part of lake is not installed: an extra's packages, or a stage's code."""
