"""The lake runtime: landing store, ingest, (later) publish and governance, and the CLI."""

from lake.errors import ConflictError, ContractError, LakeError, NotFoundError, ValidationError

__all__ = ["ConflictError", "ContractError", "LakeError", "NotFoundError", "ValidationError"]
