"""The writing of an ingest: one part's rows to raw Parquet (with lineage columns) and its
rejected rows to the rejects Parquet, both in scratch until the file is published."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from lake.config import LakePaths
from lake.governance.suppression import redact_suppressed
from lake.ingest.checking import all_valid, invalid, source_type_holds
from lake.ingest.contract import Csv, Dataset, Layout
from lake.ingest.outcomes import REJECTS_DIR, DatasetOutput, LandingFile, rel, utc_now
from lake.ingest.parts import column_alias, lineage_collisions
from lake.ingest.readers import Landed, Part, Reject, file_error
from lake.ingest.sql import ident, literal

# zstd at level 1: about as fast to write as snappy, and raw text compresses 2-3x better.
# Parquet's v2 encodings (DELTA_LENGTH_BYTE_ARRAY for text that a dictionary does not fit,
# delta-packed integers): the COPY of 1 GB of CSV text writes in 3.0 s instead of 3.6 s, and
# 6% smaller. DuckDB, pyarrow and Spark 3.3+ read them. A dictionary of at most 4,096 entries
# per column and row group (DuckDB's default: a fifth of the row group, ~24,000): columns with
# fewer distinct values (countries, stores, titles, the lineage constants) keep theirs, and
# ids, timestamps and checksums no longer fill 24,000 entries only to drop them: same sizes,
# 8-19% less CPU (bench/README.md).
PARQUET_OPTIONS = (
    "compression zstd, compression_level 1, parquet_version v2, dictionary_size_limit 4096"
)


class PartWriter:
    """Turns landed rows into raw Parquet plus rejects Parquet, in scratch."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        paths: LakePaths,
        landing_file: LandingFile,
        dataset: Dataset,
        layout: Layout,
        landed: Landed,
        batch_id: str,
    ) -> None:
        self.con = con
        self.paths = paths
        self.file = landing_file
        self.dataset = dataset
        self.layout = layout
        self.landed = landed
        self.batch_id = batch_id
        self.ingested_at = utc_now().replace(tzinfo=None)
        self.erased_values: dict[str, set[str]] = {}
        """Per erased subject's key, the personal values this file brought back."""

    def write(
        self, part: Part, suffix: str, scratch: Path
    ) -> tuple[DatasetOutput, list[tuple[Path, Path]]]:
        """Raw Parquet plus rejects Parquet, in scratch. The COPY that writes raw leaves out
        the rows failing a type check; only when it wrote fewer rows than the source holds (a
        count DuckDB answers without parsing the values) are the failures read again, with
        their reasons, for the rejects."""
        partition = (
            f"_source={self.dataset.source}/_dataset={self.dataset.name}/"
            f"_date={self.file.landed_at.date().isoformat()}"
        )
        out = scratch / f"out{suffix}-{self.dataset.name}.parquet"
        checks = self._checks()
        total = self._count(part) if checks else 0
        rows_raw = self._copy(out, checks, part)
        if rows_raw:  # subjects erased by `lake erase`
            for key, values in redact_suppressed(self.paths, self.dataset, out).values.items():
                self.erased_values.setdefault(key, set()).update(values)
        parse_rejects = self.landed.parse_rejects()
        failing = rows_raw < total
        typed_rejects = self._typed_rejects(checks, parse_rejects) if failing else []
        staged: list[tuple[Path, Path]] = []
        raw_target: Path | None = None
        if rows_raw > 0:
            raw_target = self.paths.raw / partition / f"{self.file.ingest_key}{suffix}.parquet"
            staged.append((out, raw_target))
        rejects = parse_rejects + typed_rejects
        rejects_target: Path | None = None
        if rejects:
            tmp = scratch / f"rejects{suffix}-{self.dataset.name}.parquet"
            self._write_rejects(tmp, rejects)
            rejects_target = (
                self.paths.quarantine
                / REJECTS_DIR
                / partition
                / f"{self.file.ingest_key}{suffix}.parquet"
            )
            staged.append((tmp, rejects_target))
        output = DatasetOutput(
            dataset=self.dataset.name,
            layout=self.layout.name,
            member=part.name if suffix else None,
            rows_landed=rows_raw + len(rejects),
            rows_raw=rows_raw,
            rows_rejected=len(rejects),
            raw_path=rel(self.paths, raw_target) if raw_target else None,
            rejects_path=rel(self.paths, rejects_target) if rejects_target else None,
            rescued_columns=self._extras(),
            lineage_named=lineage_collisions(self.landed.header),
            missing_optional=[c for c in self.layout.optional if c not in self.landed.header],
        )
        return output, staged

    def _checks(self) -> list[tuple[str, str]]:
        """The typed columns to check; a column whose source type is the contract's type
        (a Parquet BIGINT for `bigint`) always passes, so it is not checked."""
        return [
            (column, spec)
            for column, spec in self.dataset.types.items()
            if column in self.landed.header
            and column in self.dataset.columns
            and spec.lower() not in ("varchar", "text")
            and not source_type_holds(self.con, self.landed.types.get(column), spec)
        ]

    def _count(self, part: Part) -> int:
        """Rows in the source: table metadata, Parquet footers, or a scan that extracts nothing
        (DuckDB drops the unused columns)."""
        statement = f"select count(*) from {self.landed.relation}"
        try:
            row = self.con.execute(statement).fetchone()
        except duckdb.Error as exc:
            raise file_error(part, exc) from exc
        return int(row[0]) if row else 0

    def _copy(self, out: Path, checks: list[tuple[str, str]], part: Part) -> int:
        where = f" where {all_valid(checks)}" if checks else ""
        statement = (
            f"copy (select {self._select_list()} from {self.landed.relation}{where}) to "
            f"{literal(str(out))} (format parquet, {PARQUET_OPTIONS})"
        )
        try:
            with raw_copy_settings(self.con):
                result = self.con.execute(statement).fetchone()
        except duckdb.Error as exc:
            raise file_error(part, exc) from exc
        return int(result[0]) if result else 0

    def _extras(self) -> list[str]:
        known = set(self.dataset.columns)
        return [h for h in self.landed.header if h not in known]

    def _select_list(self) -> str:
        header = set(self.landed.header)
        columns = [
            f"{ident(column_alias(c)) if c in header else 'null::varchar'} as {ident(c)}"
            for c in self.dataset.columns
        ]
        extras = self._extras()
        rescued = (
            "json_object("
            + ", ".join(f"{literal(c)}, {ident(column_alias(c))}" for c in extras)
            + ")::varchar"
            if extras
            else "null::varchar"
        )
        metadata = json.dumps(self.file.metadata, sort_keys=True, default=str)
        landed_at = self.file.landed_at.astimezone(UTC).replace(tzinfo=None).isoformat()
        lineage = [
            f"{rescued} as _rescued",
            f"{literal(self.file.rel_path)} as _source_file",
            f"{literal(self.file.sha256)} as _sha256",
            f"{literal(self.batch_id)} as _batch_id",
            f"{literal(self.ingested_at.isoformat())}::timestamp as _ingested_at",
            f"{literal(landed_at)}::timestamp as _landed_at",
            "_row_number::bigint as _row_number",
            f"{literal(self.layout.name)} as _layout",
            f"{literal(metadata)} as _landing_metadata",
        ]
        return ", ".join(columns + lineage)

    def _typed_rejects(
        self, checks: list[tuple[str, str]], parse_rejects: list[Reject]
    ) -> list[Reject]:
        reasons = ", ".join(
            f"case when {invalid(column, spec)} then "
            f"{literal(column + ': cannot read ')} || {ident(column)} || "
            f"{literal(' as ' + spec)} end"
            for column, spec in checks
        )
        present = [c for c in self.dataset.columns if c in self.landed.header]
        values = ", ".join(f"{literal(c)}, {ident(column_alias(c))}" for c in present)
        rows = self.con.execute(
            f"select _row_number, concat_ws('; ', {reasons}), json_object({values})::varchar "
            f"from {self.landed.relation} where not ({all_valid(checks)}) order by _row_number"
        ).fetchall()
        parse_lines = sorted(r.line for r in parse_rejects if r.line)
        return [
            Reject(
                error=reason,
                row_number=row,
                line=self._line_of(row, parse_lines),
                column=reason.split(":", 1)[0],
                raw=raw,
            )
            for row, reason, raw in rows
        ]

    def _line_of(self, row_number: int, parse_lines: list[int]) -> int | None:
        """The physical line of a CSV record (exact unless quoted fields hold newlines)."""
        if not isinstance(self.dataset.format, Csv):
            return None
        line = row_number + 1
        for rejected in parse_lines:
            if rejected <= line:
                line += 1
        return line

    def _write_rejects(self, target: Path, rejects: list[Reject]) -> None:
        ingested_at = self.ingested_at
        table = pa.table(
            {
                "_source_file": [self.file.rel_path] * len(rejects),
                "_sha256": [self.file.sha256] * len(rejects),
                "_batch_id": [self.batch_id] * len(rejects),
                "_ingested_at": pa.array([ingested_at] * len(rejects), pa.timestamp("us")),
                "line": pa.array([r.line for r in rejects], pa.int64()),
                "_row_number": pa.array([r.row_number for r in rejects], pa.int64()),
                "column_name": pa.array([r.column for r in rejects], pa.string()),
                "error": pa.array([r.error for r in rejects], pa.string()),
                "raw_record": pa.array([r.raw for r in rejects], pa.string()),
            }
        )
        pq.write_table(table, target, compression="zstd")


@contextlib.contextmanager
def raw_copy_settings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Settings for the COPY to raw alone, restored at once (they are database-wide, and other
    statements count on the defaults):

    * row groups written in the order the threads finish them (~30% faster on two cores than
      keeping the source's order). Every reader numbers the records before this point
      (`_row_number`: a temp table's rowid, a stored window, Parquet's `file_row_number`), so
      a record's position in its file stays exact; readers of raw order by `_row_number`;
    * no filter pushdown, so the type checks stay above the projection that extracts the
      values: pushed below it, each check would inline its column's expression, and NDJSON's
      `from_json` (the record's parse) would run once for the checks and again for the
      output (+0.6 to 0.9 s on 1 GB)."""
    con.execute("set preserve_insertion_order = false")
    con.execute("set disabled_optimizers = 'filter_pushdown'")
    try:
        yield
    finally:
        con.execute("set preserve_insertion_order = true")
        con.execute("reset disabled_optimizers")
