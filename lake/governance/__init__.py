"""Governance: personal data masked before publishing, one read-only database per role,
retention and erasure, backup, restore and export (README.md, "Governance").

`secrets` (the mask salt and the encryption key), `classification` (what the contracts and
models' `meta` say about each published column), `masking` (DuckDB SQL macros), `roles`
(`roles.toml`), `role_dbs` (written at publish), `access` (hardened read-only connections, the
access log), `publishing` (what `lake publish` calls), `retention`, `erasure`, `backup`,
`export`, `scan` (the personal-data scanner the tests run over everything published).
"""
