"""`lake ingest`: landing -> raw, exactly once, with quarantine and rejects.

For each landing file not yet in the ledger: find the contracts that claim it, read it with
DuckDB, match a layout, check typed columns, and write Parquet with lineage columns to
`raw/_source=<src>/_dataset=<name>/_date=<landing date>/<key>.parquet` (key: the SHA-256 of
the bytes, or of the bytes and the account when the landing metadata names one: see
`LandingFile.ingest_key`). Rows that cannot be read or typed go to the rejects table
`quarantine/_rows/...`; a file that fails its contract is copied to `quarantine/<source>/...`
beside a JSON reason. The ledger row is written last, so a crash at any point leaves outputs
the next run overwrites or sweeps.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import duckdb

from lake.config import LakePaths
from lake.contracts import all_datasets
from lake.errors import ContractError, LockedError
from lake.failpoints import crash_point
from lake.fsutil import file_lock, publish_file
from lake.ingest.checking import match_layout, reconcile, source_type_holds
from lake.ingest.contract import Dataset
from lake.ingest.ledger import Ledger, LedgerRow
from lake.ingest.outcomes import (
    REJECTS_DIR,
    DatasetOutput,
    FileOutcome,
    IngestSummary,
    LandingFile,
    ProgressCallback,
    duplicate,
    mark_resolved,
    new_batch_id,
    no_contract,
    quarantine_file,
    short_summary,
    unexpected_error,
    utc_now,
    verify_landed_bytes,
)
from lake.ingest.planning import plan
from lake.ingest.readers import Part, read_part
from lake.ingest.schema_files import ensure_schema_files
from lake.ingest.writing import PartWriter

__all__ = [
    "REJECTS_DIR",
    "FileOutcome",
    "IngestSummary",
    "Ingestor",
    "LandingFile",
    "source_type_holds",
]

_INGEST_KEY = re.compile(r"[0-9a-f]{64}")


class Ingestor:
    """Runs one ingest batch under an exclusive lock."""

    def __init__(
        self,
        paths: LakePaths,
        datasets: Sequence[Dataset] | None = None,
        *,
        memory_limit: str = "3GB",
        threads: int | None = None,
    ) -> None:
        self.paths = paths.ensure()
        self.datasets = tuple(datasets) if datasets is not None else all_datasets()
        self.memory_limit = memory_limit
        self.threads = threads or max(1, os.cpu_count() or 1)
        self.ledger_path = paths.state / "ingest_ledger.sqlite"
        self.lock_path = paths.ingest_lock
        self._db: duckdb.DuckDBPyConnection | None = None
        self._erased: dict[Path, dict[str, set[str]]] = {}
        """Landing files that brought back personal values of erased subjects."""

    # ------------------------------------------------------------------ the batch

    def run(
        self,
        files: Iterable[LandingFile],
        *,
        retry: set[str] | None = None,
        wait: bool = True,
        progress: ProgressCallback | None = None,
    ) -> IngestSummary:
        """Ingest every new file of `files`; `retry` re-runs these SHA-256s even if quarantined."""
        with file_lock(self.lock_path, blocking=wait) as held:
            if not held:
                raise LockedError(
                    f"another ingest, or a build reading the raw zone, is running "
                    f"(pid {self._lock_owner()})",
                    "wait for it to finish, then run `lake ingest` again",
                )
            self._erased = {}
            ledger = Ledger(self.ledger_path)
            try:
                summary = self._run_locked(ledger, files, retry or set(), progress)
            finally:
                ledger.close()
            if self._erased:  # after the commit: the ledger knows these files by their path
                from lake.governance.erasure import erase_later_copies

                erase_later_copies(self.paths, self._erased)
            return summary

    def _lock_owner(self) -> str:
        try:
            return self.lock_path.read_text().strip() or "unknown"
        except OSError:
            return "unknown"

    def _run_locked(
        self,
        ledger: Ledger,
        files: Iterable[LandingFile],
        retry: set[str],
        progress: ProgressCallback | None,
    ) -> IngestSummary:
        self.recover(ledger)
        ensure_schema_files(self.paths, self.datasets)
        started = utc_now()
        summary = IngestSummary(batch_id=new_batch_id(started), started_at=started.isoformat())
        ledger.start_batch(summary.batch_id, summary.started_at)
        seen = ledger.seen_paths()
        with self._database(summary.batch_id):
            for landing_file in sorted(files, key=lambda f: (f.landed_at, f.rel_path)):
                outcome = self._process(ledger, landing_file, summary.batch_id, seen, retry)
                if outcome is None:
                    summary.already_done += 1
                else:
                    summary.files.append(outcome)
                    seen.add(landing_file.rel_path)
                if progress:
                    progress(landing_file, outcome)
        summary.finished_at = utc_now().isoformat()
        ledger.finish_batch(summary.batch_id, summary.finished_at, short_summary(summary))
        return summary

    def recover(self, ledger: Ledger) -> list[Path]:
        """Repair what a crashed run left: scratch files and outputs that were never committed.
        Only files named like an ingest's output (`<64 hex ingest key>...parquet`) are swept:
        a file another tool put in raw is not the ingest's to delete."""
        for scratch in self.paths.tmp.glob("ingest-*"):
            shutil.rmtree(scratch, ignore_errors=True)
        committed = ledger.ingested_shas()
        swept: list[Path] = []
        for zone in (self.paths.raw, self.paths.quarantine / REJECTS_DIR):
            for parquet in zone.glob("_source=*/_dataset=*/_date=*/*.parquet"):
                key = parquet.name[:64]
                if _INGEST_KEY.fullmatch(key) and key not in committed:
                    parquet.unlink()
                    swept.append(parquet)
        self._resolve_retried(ledger)
        return swept

    def _resolve_retried(self, ledger: Ledger) -> None:
        """A retry that committed but died before marking its quarantine reason resolved."""
        for row in ledger.rows(status="ingested"):
            if not row.reason:
                continue
            reason = self.paths.root / (row.reason.get("quarantine_path") or "")
            reason = reason.with_name(reason.name + ".reason.json")
            if reason.is_file() and not json.loads(reason.read_text()).get("resolved_at"):
                mark_resolved(self.paths, row.landing_path, row.batch_id, row.processed_at)

    # ------------------------------------------------------------------ one file

    def _process(
        self,
        ledger: Ledger,
        landing_file: LandingFile,
        batch_id: str,
        seen: set[str],
        retry: set[str],
    ) -> FileOutcome | None:
        sha = landing_file.ingest_key
        retrying = sha in retry or landing_file.sha256 in retry
        if landing_file.rel_path in seen and not retrying:
            return None
        existing = ledger.find(landing_file)
        if existing is not None and existing.sha256 != sha:  # a row keyed the old way
            landing_file = replace(landing_file, key=existing.sha256)
            sha = existing.sha256
        if existing and not (retrying and existing.status == "quarantined"):
            if existing.landing_path == landing_file.rel_path:
                return None
            ledger.record_sighting(
                landing_file.rel_path, sha, batch_id, utc_now().isoformat(), "duplicate"
            )
            return duplicate(landing_file, existing)
        scratch = self.paths.tmp / f"ingest-{batch_id}-{sha[:12]}"
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            try:
                outcome = self._ingest(landing_file, batch_id, scratch)
            except ContractError as error:
                outcome = quarantine_file(self.paths, landing_file, batch_id, error)
            except Exception as error:  # any failure reading one file quarantines that file
                unexpected = unexpected_error(landing_file, error)
                outcome = quarantine_file(self.paths, landing_file, batch_id, unexpected)
            self._commit(ledger, landing_file, batch_id, outcome, existing if retrying else None)
            crash_point("committed")
            return outcome
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _commit(
        self,
        ledger: Ledger,
        landing_file: LandingFile,
        batch_id: str,
        outcome: FileOutcome,
        retried: LedgerRow | None,
    ) -> None:
        """Write the ledger row; a retried file that now ingests keeps its quarantine history."""
        crash_point("before_commit")
        now = utc_now().isoformat()
        ledger.record(
            LedgerRow(
                sha256=landing_file.ingest_key,
                status=outcome.status,
                source=landing_file.source,
                name=landing_file.name,
                landing_path=landing_file.rel_path,
                size=landing_file.size,
                batch_id=batch_id,
                processed_at=now,
                rows_landed=outcome.rows_landed,
                rows_raw=outcome.rows_raw,
                rows_rejected=outcome.rows_rejected,
                outputs=[o.__dict__ for o in outcome.outputs],
                reason=outcome.reason or (retried.reason if retried else None),
                quarantine_path=outcome.quarantine_path
                or (retried.quarantine_path if retried else None),
            ),
            seen_at=now,
        )
        if retried and outcome.status == "ingested":
            # after the commit: a crash in between is repaired by recover()
            mark_resolved(self.paths, landing_file.rel_path, batch_id, now)

    def _ingest(self, landing_file: LandingFile, batch_id: str, scratch: Path) -> FileOutcome:
        if landing_file.size == 0 or landing_file.path.stat().st_size == 0:
            raise ContractError(
                "empty_file",
                f"{landing_file.name} is empty (0 bytes)",
                "the download failed or was interrupted: fetch the export again and land it",
            )
        lines = verify_landed_bytes(landing_file)
        parts = plan(self.datasets, landing_file, scratch, lines)
        staged: list[tuple[Path, Path]] = []
        outputs: list[DatasetOutput] = []
        recognised = False
        for dataset, part, suffix in parts:
            result = self._write_part(landing_file, dataset, part, suffix, batch_id, scratch)
            if result is None:
                continue
            recognised = True
            output, files = result
            outputs.append(output)
            staged.extend(files)
        if not recognised:
            raise no_contract(landing_file, [d for d, _, _ in parts], parsed=True)
        crash_point("staged")
        for tmp, target in staged:
            publish_file(tmp, target)
            crash_point("published_one")
        crash_point("published")
        return FileOutcome(
            landing_file.rel_path,
            landing_file.source,
            landing_file.sha256,
            "ingested",
            outputs=outputs,
        )

    # ------------------------------------------------------------------ outputs

    @contextlib.contextmanager
    def _database(self, batch_id: str) -> Iterator[None]:
        """One in-memory DuckDB for the whole batch (opening one costs ~40 ms: per file, that
        was most of the time a batch of small API responses took). Each part gets its own
        connection to it (`cursor()`), so temporary tables never outlive their file."""
        self._db = duckdb.connect(
            config={
                "memory_limit": self.memory_limit,
                "threads": self.threads,
                "temp_directory": str(self.paths.tmp / f"ingest-{batch_id}-spill"),
                "preserve_insertion_order": True,
            }
        )
        try:
            yield
        finally:
            self._db.close()
            self._db = None

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if self._db is None:
            raise RuntimeError("Ingestor._connect() outside a batch")
        return self._db.cursor()

    def _write_part(
        self,
        landing_file: LandingFile,
        dataset: Dataset,
        part: Part,
        suffix: str,
        batch_id: str,
        scratch: Path,
    ) -> tuple[DatasetOutput, list[tuple[Path, Path]]] | None:
        con = self._connect()
        try:
            landed = read_part(con, part, dataset)
            if landed is None:
                return None
            layout = match_layout(dataset, landed, part)
            writer = PartWriter(con, self.paths, landing_file, dataset, layout, landed, batch_id)
            output, staged = writer.write(part, suffix, scratch)
            reconcile(part, dataset, output)
            for key, values in writer.erased_values.items():
                found = self._erased.setdefault(landing_file.path, {})
                found.setdefault(key, set()).update(values)
            return output, staged
        finally:
            con.close()
