"""Validation of everything a caller can put into a landing path, done before any write.

A landing file lives at `landing/<source>/<stamp>/[<subpath>/]<name>`. The name is kept byte
for byte (ingest matches contract globs on it), so it is checked rather than rewritten:

- not empty, not only dots, no `/`, no `\\`, no NUL, no control or line-separator characters;
- at most `MAX_NAME_BYTES` bytes of UTF-8, so that its metadata record `.<name>.entry.json`
  still fits the usual 255-byte file-name limit;
- not of the reserved shape of the store's own records (`.<x>.entry.json`, `.<x>.deleted.json`);
- the whole path relative to the lake root at most `MAX_PATH_BYTES` bytes.

Subpaths are relative posix paths whose every component passes the same checks (255 bytes
each). Sources are lowercase tokens (`[a-z0-9][a-z0-9_-]*`), data types simple tokens.
Metadata must be a JSON object that survives a JSON round trip unchanged.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lake.errors import ValidationError

MAX_COMPONENT_BYTES = 255
RECORD_SUFFIX = ".entry.json"
TOMBSTONE_SUFFIX = ".deleted.json"
MAX_NAME_BYTES = MAX_COMPONENT_BYTES - 1 - max(len(RECORD_SUFFIX), len(TOMBSTONE_SUFFIX))
MAX_PATH_BYTES = 1024
MAX_SOURCE_CHARS = 64

_SOURCE_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_DATA_TYPE_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def is_reserved_name(name: str) -> bool:
    """True for the names of the store's own records, which no data file may take."""
    if not name.startswith(".") or len(name) < 2:
        return False
    return name.endswith(RECORD_SUFFIX) or name.endswith(TOMBSTONE_SUFFIX)


def _check_characters(component: str, what: str) -> None:
    if "\x00" in component:
        raise ValidationError(f"{what} {component!r} contains a NUL byte", "remove it")
    if "/" in component or "\\" in component:
        raise ValidationError(
            f"{what} {component!r} contains a path separator",
            "pass folders as `subpath=` and keep the name a single file name",
        )
    for char in component:
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            raise ValidationError(
                f"{what} {component!r} contains the control character {char!r}",
                "remove control characters (newline, tab, ...) from file and folder names",
            )


def validate_component(component: object, what: str = "name") -> str:
    """Check one path component (a file or folder name) and return it unchanged."""
    if not isinstance(component, str):
        raise ValidationError(f"{what} must be a string, not {type(component).__name__}")
    if component == "":
        raise ValidationError(f"{what} is empty", "give a non-empty file or folder name")
    _check_characters(component, what)
    if set(component) == {"."}:
        raise ValidationError(f"{what} {component!r} is only dots", "use a real file name")
    size = len(component.encode("utf-8"))
    if size > MAX_COMPONENT_BYTES:
        raise ValidationError(
            f"{what} is {size} bytes long in UTF-8 (limit {MAX_COMPONENT_BYTES})",
            "shorten it",
        )
    if is_reserved_name(component):
        raise ValidationError(
            f"{what} {component!r} has the shape of a landing metadata record",
            f"rename it: names like '.<x>{RECORD_SUFFIX}' are reserved for the store",
        )
    return component


def validate_name(name: object) -> str:
    """Check a data file name; it is stored exactly as given."""
    checked = validate_component(name, "name")
    size = len(checked.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        raise ValidationError(
            f"name is {size} bytes long in UTF-8 (limit {MAX_NAME_BYTES}, so that its "
            f"record '.<name>{RECORD_SUFFIX}' fits in {MAX_COMPONENT_BYTES} bytes)",
            "shorten the name",
        )
    return checked


def validate_subpath(subpath: object, *, allow_trailing_slash: bool = False) -> str:
    """Check a relative folder path and return it as a posix string ('' for none)."""
    if subpath is None:
        return ""
    if isinstance(subpath, os.PathLike):
        subpath = os.fspath(subpath)
    if not isinstance(subpath, str):
        raise ValidationError(f"subpath must be a string, not {type(subpath).__name__}")
    if subpath.startswith("/"):
        raise ValidationError(
            f"subpath {subpath!r} is absolute", "give a folder relative to the landing folder"
        )
    if allow_trailing_slash and subpath.endswith("/"):
        subpath = subpath[:-1]
    if subpath == "":
        return ""
    for part in subpath.split("/"):
        if part == "..":
            raise ValidationError(
                f"subpath {subpath!r} contains '..'", "give a folder inside the landing zone"
            )
        validate_component(part, "subpath component")
    return subpath


def validate_source(source: object) -> str:
    """Check a source name: lowercase letters, digits, `_` and `-`."""
    if not isinstance(source, str) or not _SOURCE_RE.fullmatch(source):
        raise ValidationError(
            f"source {source!r} is not a valid source name",
            "use lowercase letters, digits, '_' and '-', starting with a letter or digit "
            "(e.g. 'distrokid')",
        )
    if len(source) > MAX_SOURCE_CHARS:
        raise ValidationError(
            f"source {source!r} is longer than {MAX_SOURCE_CHARS}", "use a shorter name"
        )
    return source


def validate_data_type(data_type: object) -> str:
    """Check a content kind such as 'csv', 'ndjson' or 'parquet'."""
    if not isinstance(data_type, str) or not _DATA_TYPE_RE.fullmatch(data_type):
        raise ValidationError(
            f"data_type {data_type!r} is not a simple token",
            "use a short lowercase word such as 'csv', 'tsv', 'json', 'ndjson', 'parquet', "
            "'zip', 'html' or 'gzip'",
        )
    return data_type


def validate_metadata(metadata: object) -> dict[str, Any]:
    """Check metadata is a JSON object that round-trips unchanged; return a deep copy."""
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise ValidationError(
            f"metadata must be a dict, not {type(metadata).__name__}",
            "pass a JSON-serialisable dict",
        )
    try:
        text = json.dumps(dict(metadata), allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            f"metadata is not JSON-serialisable: {exc}",
            "use only dicts with string keys, lists, strings, numbers, booleans and None",
        ) from exc
    copy = json.loads(text)
    if copy != metadata:
        raise ValidationError(
            "metadata changes in a JSON round trip (non-string keys, tuples or sets?)",
            "use only dicts with string keys, lists, strings, numbers, booleans and None",
        )
    return copy


def resolve_source(source: str | None, metadata: Mapping[str, Any]) -> str:
    """The source from the `source=` keyword or `metadata['source']`; required."""
    from_meta = metadata.get("source")
    if source is None and from_meta is None:
        raise ValidationError(
            "no source given",
            "pass source='<platform>' (or metadata={'source': ...}) so the file lands under "
            "landing/<source>/",
        )
    if source is not None and from_meta is not None and source != from_meta:
        raise ValidationError(
            f"source={source!r} disagrees with metadata['source']={from_meta!r}",
            "give one source, or the same one in both places",
        )
    return validate_source(source if source is not None else from_meta)


def check_path_length(relative: str) -> None:
    """Refuse a path (relative to the lake root) longer than `MAX_PATH_BYTES`."""
    size = len(relative.encode("utf-8"))
    if size > MAX_PATH_BYTES:
        raise ValidationError(
            f"the landing path would be {size} bytes long (limit {MAX_PATH_BYTES})",
            "use a shorter name or subpath",
        )


def check_no_escaping_symlink(root: Path, directory: Path) -> None:
    """Refuse if any existing component from `root` down to `directory` is a symlink that
    leads outside the lake root."""
    real_root = root.resolve()
    current = root
    for part in directory.relative_to(root).parts:
        current = current / part
        if not current.is_symlink():
            if not current.exists():
                return
            continue
        target = current.resolve()
        if target != real_root and real_root not in target.parents:
            raise ValidationError(
                f"{current} is a symlink to {target}, outside the lake root {real_root}",
                "remove the symlink or choose another source/subpath; the landing store "
                "never writes outside the lake",
            )
