"""Shared parsing helpers for the contract hooks (not a source: the registry skips `_` modules).

- `load_json`: decode a landing file as JSON, or raise a `ContractError` that says what to do.
- `records_array`: the records of an API response that is either a bare array or `{"data": [...]}`.
- `public_keys` / `flatten`: make record keys fit raw column names (no leading `_`, one level).
- `parse_js_value`: read a JavaScript object/array literal (JSON-ish: single quotes, bare keys,
  trailing commas, comments) out of a page script, without `eval`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from lake.errors import ContractError
from lake.ingest.contract import Classification, Column, ParseInput, Records

Record = dict[str, Any]


# --- JSON files -------------------------------------------------------------------------------


def load_json(inp: ParseInput, *, what: str, fix: str) -> Any:
    """Decode `inp` as UTF-8 JSON (a BOM is allowed); raise `ContractError('unparseable')`.

    `what` names the document ("the TooLost Apple analytics response"), `fix` says what to do.
    """
    try:
        return json.loads(inp.text())
    except UnicodeDecodeError as exc:
        raise ContractError(
            "unparseable",
            f"{inp.name}: {what} is not UTF-8 text ({exc.reason} at byte {exc.start})",
            fix,
            {"file": inp.name, "byte": exc.start},
        ) from exc
    except json.JSONDecodeError as exc:
        raise ContractError(
            "unparseable",
            f"{inp.name}: {what} is not valid JSON ({exc.msg} at line {exc.lineno}, "
            f"column {exc.colno})",
            fix,
            {"file": inp.name, "line": exc.lineno, "column": exc.colno},
        ) from exc


def require_object(doc: Any, inp: ParseInput, *, what: str, fix: str) -> dict[str, Any]:
    """`doc` must be a JSON object; otherwise the file is broken."""
    if not isinstance(doc, dict):
        raise ContractError(
            "unexpected_shape",
            f"{inp.name}: {what} should be a JSON object, found {type_name(doc)}",
            fix,
            {"file": inp.name},
        )
    return doc


def records_array(doc: Any, inp: ParseInput, *, what: str, fix: str) -> list[Record]:
    """The records of a response that is a bare array or an object with a `data` array.

    Graph-API style responses (`{"data": [...], "paging": {...}}`) and plain dumps (`[...]`)
    are both accepted; an `{"error": ...}` body or anything else raises with `fix` as hint.
    """
    if isinstance(doc, dict) and "error" in doc and "data" not in doc:
        raise ContractError(
            "api_error",
            f"{inp.name}: {what} is an API error response: {json.dumps(doc['error'])[:300]}",
            fix,
            {"file": inp.name},
        )
    records = doc.get("data") if isinstance(doc, dict) else doc
    if not isinstance(records, list):
        raise ContractError(
            "unexpected_shape",
            f"{inp.name}: {what} should be a JSON array or an object with a 'data' array, "
            f"found {type_name(doc)}",
            fix,
            {"file": inp.name},
        )
    return [
        require_record(item, inp, index, what=what, fix=fix) for index, item in enumerate(records)
    ]


def api_error(inp: ParseInput, error: Any, *, what: str, fix: str) -> ContractError:
    """The file is the API's error body (`{"error": ...}`) instead of data."""
    return ContractError(
        "api_error",
        f"{inp.name}: {what} is an API error: {json.dumps(error)[:300]}",
        fix,
        {"file": inp.name},
    )


def require_record(item: Any, inp: ParseInput, index: int, *, what: str, fix: str) -> Record:
    """One element of a records array must be an object."""
    if not isinstance(item, dict):
        raise ContractError(
            "unexpected_shape",
            f"{inp.name}: record {index} of {what} should be a JSON object, "
            f"found {type_name(item)}",
            fix,
            {"file": inp.name, "record": index},
        )
    return item


def type_name(value: Any) -> str:
    """A JSON-ish name for a Python value, for error messages."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def dig(doc: Any, *path: str) -> Any:
    """`doc[path[0]][path[1]]...`, or None as soon as a step is missing or not an object."""
    for step in path:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(step)
    return doc


# --- lifted fields ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One raw column lifted out of a nested JSON object: its name, its dotted path in the
    object (`billing_details.address.city`), what it holds, who may see it and the type its
    text must parse as. `column()` is its contract `Column`, `value(obj)` its value."""

    name: str
    path: str
    description: str
    classification: Classification = "internal"
    type: str | None = None

    def column(self) -> Column:
        return Column(self.name, self.description, self.classification, type=self.type)

    def value(self, obj: Record) -> Any:
        return dig(obj, *self.path.split("."))


def lifted_rows(fields: tuple[Field, ...], objects: list[Record]) -> Records:
    """One row per object with each field's value; an empty page is a table with the fields'
    columns and no rows (the source said: nothing in this window), not a file without columns."""
    if not objects:
        return pa.table({f.name: pa.array([], type=pa.string()) for f in fields})
    return [{f.name: f.value(obj) for f in fields} for obj in objects]


# --- record keys ------------------------------------------------------------------------------


def public_keys(record: Mapping[str, Any]) -> Record:
    """Strip leading underscores (`__typename` -> `typename`, `_links` -> `links`): raw reserves
    `_` for lineage columns. A key the source already spells without underscores wins."""
    out: Record = {}
    for key, value in record.items():
        name = key.lstrip("_") or key
        if name != key and name in record:
            continue
        out[name] = value
    return out


def flatten(
    record: Mapping[str, Any], *, skip: tuple[str, ...] = ("__typename",), prefix: bool = True
) -> Record:
    """Lift the keys of nested objects one level up: `{"views": {"total": 3}}` ->
    `{"views_total": 3}` (or `{"total": 3}` with `prefix=False`, unless that name is taken).
    Keys in `skip` are dropped from nested objects (GraphQL's `__typename` says nothing the
    parent key does not); arrays and deeper objects stay values (the engine keeps them as JSON
    text). Leading underscores are stripped from the result's keys (see `public_keys`)."""
    out: Record = {}
    for key, value in record.items():
        if not isinstance(value, dict):
            out[key] = value
            continue
        for inner, inner_value in value.items():
            if inner in skip:
                continue
            name = inner if not prefix and inner not in record else f"{key}_{inner}"
            out[name] = inner_value
    return public_keys(out)


# --- JavaScript literals in HTML pages -----------------------------------------------------


class JsSyntaxError(ValueError):
    """A JavaScript literal that cannot be read; `pos` is the offset in the page."""

    def __init__(self, message: str, pos: int) -> None:
        super().__init__(f"{message} at offset {pos}")
        self.pos = pos


def parse_js_value(text: str, pos: int) -> tuple[Any, int]:
    """Read one JavaScript literal (object, array, string, number, true/false/null) starting at
    `pos` (leading whitespace allowed); return it and the offset just past it.

    Strict JSON is tried first; then a tolerant reader that accepts what page scripts write:
    single-quoted strings, bare identifier keys, trailing commas, `//` and `/* */` comments,
    `undefined` (-> None), hex numbers. Never evaluates code.
    """
    start = skip_js_space(text, pos)
    try:
        return json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError:
        return _JsReader(text).value(start)


_NUMBER = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None, "undefined": None}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def skip_js_space(text: str, pos: int) -> int:
    """Skip whitespace and comments."""
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
        elif text.startswith("//", pos):
            end = text.find("\n", pos)
            pos = len(text) if end < 0 else end + 1
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            if end < 0:
                raise JsSyntaxError("unterminated comment", pos)
            pos = end + 2
        else:
            break
    return pos


class _JsReader:
    """Recursive-descent reader of JavaScript literals (see `parse_js_value`)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def value(self, pos: int) -> tuple[Any, int]:
        pos = skip_js_space(self.text, pos)
        if pos >= len(self.text):
            raise JsSyntaxError("unexpected end of script", pos)
        char = self.text[pos]
        if char == "{":
            return self.object(pos + 1)
        if char == "[":
            return self.array(pos + 1)
        if char in "\"'":
            return self.string(pos)
        return self.scalar(pos)

    def object(self, pos: int) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        while True:
            pos = skip_js_space(self.text, pos)
            if self.text.startswith("}", pos):
                return out, pos + 1
            key, pos = self.key(pos)
            pos = self.expect(":", pos)
            out[key], pos = self.value(pos)
            pos = self.separator("}", pos)
            if self.text.startswith("}", pos):
                return out, pos + 1

    def array(self, pos: int) -> tuple[list[Any], int]:
        out: list[Any] = []
        while True:
            pos = skip_js_space(self.text, pos)
            if self.text.startswith("]", pos):
                return out, pos + 1
            item, pos = self.value(pos)
            out.append(item)
            pos = self.separator("]", pos)
            if self.text.startswith("]", pos):
                return out, pos + 1

    def key(self, pos: int) -> tuple[str, int]:
        if pos < len(self.text) and self.text[pos] in "\"'":
            return self.string(pos)
        match = _IDENT.match(self.text, pos) or _NUMBER.match(self.text, pos)
        if not match:
            raise JsSyntaxError("expected an object key", pos)
        return match.group(), match.end()

    def expect(self, token: str, pos: int) -> int:
        pos = skip_js_space(self.text, pos)
        if not self.text.startswith(token, pos):
            raise JsSyntaxError(f"expected {token!r}", pos)
        return pos + len(token)

    def separator(self, closer: str, pos: int) -> int:
        """After an item: a comma (a trailing one before `closer` is fine) or `closer`."""
        pos = skip_js_space(self.text, pos)
        if self.text.startswith(",", pos):
            return skip_js_space(self.text, pos + 1)
        if self.text.startswith(closer, pos):
            return pos
        raise JsSyntaxError(f"expected ',' or {closer!r}", pos)

    def string(self, pos: int) -> tuple[str, int]:
        quote, pos, parts = self.text[pos], pos + 1, []
        while pos < len(self.text):
            char = self.text[pos]
            if char == quote:
                return "".join(parts), pos + 1
            if char == "\n":
                break
            if char == "\\":
                decoded, pos = self.escape(pos + 1)
                parts.append(decoded)
                continue
            parts.append(char)
            pos += 1
        raise JsSyntaxError("unterminated string", pos)

    def escape(self, pos: int) -> tuple[str, int]:
        char = self.text[pos : pos + 1]
        if char in ("u", "x"):
            width = 4 if char == "u" else 2
            digits = self.text[pos + 1 : pos + 1 + width]
            if len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                raise JsSyntaxError(f"bad \\{char} escape", pos)
            return chr(int(digits, 16)), pos + 1 + width
        if char == "\n":  # line continuation
            return "", pos + 1
        if not char:
            raise JsSyntaxError("unterminated string", pos)
        return _ESCAPES.get(char, char), pos + 1

    def scalar(self, pos: int) -> tuple[Any, int]:
        ident = _IDENT.match(self.text, pos)
        if ident and ident.group() in _LITERALS:
            return _LITERALS[ident.group()], ident.end()
        number = _NUMBER.match(self.text, pos)
        if not number:
            raise JsSyntaxError("expected a value", pos)
        return _number(number.group()), number.end()


def _number(token: str) -> int | float:
    sign = -1 if token.startswith("-") else 1
    digits = token.lstrip("+-")
    if digits[:2].lower() == "0x":
        return sign * int(digits, 16)
    if any(c in digits for c in ".eE"):
        return float(token)
    return int(token)
