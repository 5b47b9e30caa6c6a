"""What every reader of an ingest shares: the part being read (`Part`), what reading it
gave (`Landed`, `Reject`), and the checks of a file's first bytes (binary, UTF-16, header,
delimiter) and of DuckDB's errors, turned into contract errors a person can act on."""

from __future__ import annotations

import codecs
import csv
import gzip
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from lake.errors import ContractError
from lake.ingest.contract import Csv
from lake.ingest.scan import LineCount, UnpackLimits, bounded_copy
from lake.ingest.sql import literal

HEAD_BYTES = 1 << 16
# the first record whose keys are read on their own is looked for among these
FIRST_RECORDS = 1000


@dataclass(frozen=True)
class Reject:
    """A record that did not land: where it was and why."""

    error: str
    line: int | None = None
    row_number: int | None = None
    column: str | None = None
    raw: str | None = None


@dataclass
class Landed:
    """Rows to land: `relation` (a table name or a parenthesised SELECT) yields the source's
    columns as text plus `_row_number`. `types` holds the source's own type of a column when
    the format has one (Parquet): a check that such a type always passes can be skipped.
    `parse_rejects()` is complete once the relation has been read."""

    relation: str
    header: list[str]
    empty: bool = False
    parse_rejects: Callable[[], list[Reject]] = field(default=lambda: [])
    types: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Part:
    """One readable unit: a file on disk (a landing file, or a member extracted from a zip)."""

    path: Path
    name: str
    landing_path: str
    metadata: dict[str, Any]
    lines: LineCount | None = None  # counted independently of the readers (scan.py)
    scratch: Path | None = None  # where a reader may write a normalised copy


# the columns an ingest adds to every raw row, and raw's partition columns: a file's own column
# of one of these names (any case) is read under another name (`column_alias`) and rescued
LINEAGE = frozenset(
    (
        "_rescued",
        "_source_file",
        "_sha256",
        "_batch_id",
        "_ingested_at",
        "_landed_at",
        "_row_number",
        "_layout",
        "_landing_metadata",
        "_source",
        "_dataset",
        "_date",
    )
)


def column_alias(name: str) -> str:
    """The name a file's column has in a reader's relation: its own, unless it would forge
    (or be overwritten by) a lineage column."""
    return f"__file_{name}" if name.lower() in LINEAGE else name


def lineage_collisions(header: list[str]) -> list[str]:
    return [name for name in header if name.lower() in LINEAGE]


def name_blank_columns(header: list[str]) -> list[str]:
    """A header field with no name (a trailing delimiter) gets `column<N>` (1-based), as
    DuckDB names columns; the values are kept (in `_rescued`) instead of refusing the file."""
    taken = {h.lower() for h in header}
    named: list[str] = []
    for index, name in enumerate(header, start=1):
        if not name:
            name = f"column{index}"
            while name.lower() in taken:
                name += "_"
            taken.add(name.lower())
        named.append(name)
    return named


def normalise_line_endings(part: Part) -> Path:
    """A copy of the part with every CRLF and lone CR as LF, in scratch (only for a file
    whose line endings are mixed, which DuckDB's CSV reader refuses)."""
    if part.scratch is None:
        raise RuntimeError("normalise_line_endings() without a scratch folder")
    target = part.scratch / f"lf-{part.path.name}"
    last_cr = False
    with part.path.open("rb") as src, target.open("wb") as out:
        while chunk := src.read(1 << 20):
            if last_cr and chunk[:1] == b"\n":
                chunk = chunk[1:]
            last_cr = chunk[-1:] == b"\r"
            out.write(chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
    return target


def run_line_reader(
    con: duckdb.DuckDBPyConnection, part: Part, statement: Callable[[Path], str]
) -> None:
    """Run a read_csv statement over the part; if DuckDB refuses it because its line
    endings are mixed (CRLF, CR and LF), run it again over a copy with LF endings."""
    try:
        con.execute(statement(part.path))
        return
    except duckdb.Error as exc:
        mixed = part.lines is not None and part.lines.mixed and part.scratch is not None
        if not mixed or "state machine" not in str(exc):
            raise file_error(part, exc) from exc
    run_statement(con, part, statement(normalise_line_endings(part)))


def read_lines(con: duckdb.DuckDBPyConnection, part: Part, max_line_size: int) -> list[Reject]:
    """Every line of the part, unparsed, into the temp table `landed_lines` (`line`, in file
    order: `rowid + 1` is the line number); the lines DuckDB could not read (too long) are
    returned as rejects."""
    run_line_reader(
        con,
        part,
        lambda path: (
            "create or replace temp table landed_lines as select line from read_csv("
            f"{literal(str(path))}, columns = {{'line': 'VARCHAR'}}, header = false, "
            "delim = '\x01', quote = '', escape = '', auto_detect = false, "
            f"max_line_size = {int(max_line_size)}, "
            "store_rejects = true, rejects_table = 'line_reject_errors', "
            "rejects_scan = 'line_reject_scans', rejects_limit = 0)"
        ),
    )
    return rejects_from_duckdb(con, "line_reject_errors")


def head_bytes(part: Part, size: int = HEAD_BYTES) -> bytes:
    with part.path.open("rb") as handle:
        return handle.read(size)


def gunzip(source: Path, target: Path, name: str) -> LineCount:
    """Decompress a gzip file to `target`, checking its CRC and length (a truncated download
    fails here instead of landing half its rows), within the unpacking limits."""
    try:
        with gzip.open(source, "rb") as src, target.open("wb") as out:
            return bounded_copy(src, out, name, source.stat().st_size, UnpackLimits.from_env())
    except (OSError, EOFError, zlib.error) as exc:
        raise ContractError(
            "corrupt_gzip",
            f"{name} is not a complete gzip file ({exc})",
            "the download was probably cut short: fetch the export again, land it, and "
            "run 'lake ingest'",
        ) from exc


def looks_binary(head: bytes) -> bool:
    if b"\x00" in head[:8192]:
        return True
    sample = head[:8192]
    if not sample:
        return False
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control / len(sample) > 0.05


def check_utf16(head: bytes, encoding: str, name: str) -> None:
    """UTF-16 (Excel's 'Unicode text') read as UTF-8 is the commonest wrong encoding."""
    if "16" in encoding:
        return
    odd_nuls = head[1:2048:2].count(0)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or odd_nuls > len(head[:2048]) // 4:
        raise ContractError(
            "encoding",
            f"{name} is UTF-16 text, but its contract expects {encoding}",
            "export as UTF-8 (in Excel: 'CSV UTF-8'), or set encoding='utf-16' in the "
            "contract, then 'lake quarantine retry'",
        )


def decode_head(head: bytes, encoding: str, name: str) -> str:
    decoder = codecs.getincrementaldecoder(_python_codec(encoding))(errors="strict")
    try:
        return decoder.decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise ContractError(
            "encoding",
            f"{name} is not valid {encoding} (at byte {exc.start})",
            f"export the file as {encoding}, or set encoding=... in its contract "
            "(e.g. 'latin-1'), then 'lake quarantine retry'",
            {"byte": exc.start},
        ) from exc


def _python_codec(encoding: str) -> str:
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def duckdb_encoding(encoding: str) -> str:
    lowered = encoding.lower().replace("_", "-")
    return {"utf8": "utf-8", "latin1": "latin-1", "iso-8859-1": "latin-1"}.get(lowered, lowered)


def first_record(text: str, fmt: Csv) -> tuple[list[str], int]:
    """The header fields and the length in characters of the header line (any line ending)."""
    lines = text.splitlines()
    first_line = lines[0] if lines else ""
    try:
        header = next(csv.reader([first_line], delimiter=fmt.delimiter, quotechar=fmt.quote))
    except (StopIteration, csv.Error):
        header = []
    return [h.strip() for h in header], len(first_line)


def refuse_duplicate_columns(names: list[str], name: str) -> None:
    """Column names must be unique ignoring case: DuckDB (and Spark) do not tell `Name` from
    `name`, so one would silently read the other's values."""
    seen: dict[str, list[str]] = {}
    for column in names:
        seen.setdefault(column.lower(), []).append(column)
    duplicates = sorted({c for group in seen.values() if len(group) > 1 for c in group})
    if duplicates:
        raise ContractError(
            "duplicate_columns",
            f"{name} has duplicate column names (case is not told apart): {', '.join(duplicates)}",
            "columns must be unique to be told apart; re-export the file, or rename the "
            "columns in a copy and 'lake land' it again",
            {"columns": duplicates},
        )


def check_header(header: list[str], text: str, fmt: Csv, name: str) -> None:
    if not header or all(not h for h in header):
        raise ContractError(
            "no_header",
            f"{name} has no header line",
            "the contract expects a header row; check that this is the right export",
        )
    refuse_duplicate_columns(header, name)
    if len(header) == 1 and fmt.delimiter not in text.splitlines()[0]:
        guess = _guess_delimiter(text)
        if guess and guess != fmt.delimiter:
            raise ContractError(
                "wrong_delimiter",
                f"{name} looks {guess!r}-delimited but its contract expects {fmt.delimiter!r}",
                f"export with {fmt.delimiter!r} as the separator, or set delimiter={guess!r} "
                "in the contract, then 'lake quarantine retry'",
                {"expected": fmt.delimiter, "found": guess},
            )


def _guess_delimiter(text: str) -> str | None:
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
    except csv.Error:
        return None


def rejects_from_duckdb(con: duckdb.DuckDBPyConnection, table: str) -> list[Reject]:
    """One reject per line (DuckDB may report several errors for one line)."""
    rows = con.execute(
        "select line, string_agg(distinct column_name, ', '), "
        "string_agg(error_type || ': ' || error_message, '; '), any_value(csv_line) "
        f"from {table} group by line order by line"
    ).fetchall()
    return [
        Reject(error=message, line=line, column=column, raw=raw)
        for line, column, message, raw in rows
    ]


def run_statement(con: duckdb.DuckDBPyConnection, part: Part, statement: str) -> None:
    try:
        con.execute(statement)
    except duckdb.Error as exc:
        raise file_error(part, exc) from exc


def file_error(part: Part, exc: Exception) -> ContractError:
    message = str(exc).splitlines()[0][:500]
    lowered = message.lower()
    if "gzip" in lowered or "zlib" in lowered or "inflate" in lowered:
        return ContractError(
            "corrupt_gzip",
            f"{part.name}: the gzip stream is damaged ({message})",
            "re-download the file from the source, land it again, and run 'lake ingest'",
        )
    if "unicode" in lowered or "encoding" in lowered:
        return ContractError(
            "encoding",
            f"{part.name}: {message}",
            "export the file in the encoding its contract names, or fix the contract's "
            "encoding, then 'lake quarantine retry'",
        )
    if "parquet" in lowered or "magic" in lowered:
        return ContractError(
            "corrupt_parquet",
            f"{part.name} is not a readable Parquet file ({message})",
            "re-export the file from the tool that wrote it and land it again",
        )
    return ContractError(
        "unreadable",
        f"{part.name} could not be read: {message}",
        "inspect the file ('lake quarantine show'), fix the contract or re-export the file, "
        "then 'lake quarantine retry'",
    )
