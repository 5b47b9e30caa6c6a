"""The warehouse commands of `lake`: run, build, publish, rollback, versions, docs, status."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.status import Status
from rich.table import Table

from lake.cli_options import (
    JsonFlag,
    RootOption,
    compact_table,
    console,
    emit,
    fail,
    lake_paths,
    writable_lake,
)
from lake.errors import LakeError
from lake.warehouse.build import EMPTY, BuildResult, run_build
from lake.warehouse.docs import generate_docs, serve_docs
from lake.warehouse.layout import WarehouseLayout
from lake.warehouse.ledger import (
    RunRecord,
    Stage,
    close_abandoned,
    load_run,
    load_runs,
    new_run_id,
    now_iso,
    write_ledger_tables,
)
from lake.warehouse.lock import run_lock
from lake.warehouse.publish import (
    DEFAULT_KEEP,
    current_version,
    list_versions,
    publish,
    rollback,
)
from lake.warehouse.run import Pipeline, RunOptions
from lake.warehouse.status import lake_status


class FirstStage(StrEnum):
    extract = "extract"
    ingest = "ingest"
    build = "build"


WaitOption = Annotated[
    float,
    typer.Option("--wait", min=0, help="Seconds to wait for a running run (default: refuse)."),
]
ProjectOption = Annotated[
    Path | None,
    typer.Option(
        "--project-dir", envvar="LAKE_DBT_PROJECT_DIR", help="dbt project (default: this repo)."
    ),
]
FullRefreshFlag = Annotated[
    bool,
    typer.Option(
        "--full-refresh",
        help="Build every model whole from the raw zone (default: incremental models add "
        "only what is new since the published version).",
    ),
]
KeepOption = Annotated[
    int, typer.Option("--keep", min=1, help="Published versions kept for rollback.")
]


def _layout(root: Path | None) -> WarehouseLayout:
    """The warehouse of an existing lake ("no lake at PATH" otherwise: nothing is created)."""
    return WarehouseLayout(lake_paths(root)).ensure()


def _new_or_existing_layout(root: Path | None) -> WarehouseLayout:
    """The warehouse of the lake, created (and said so) when there is none: builds and runs."""
    return WarehouseLayout(writable_lake(root)).ensure()


def _check_sources(sources: list[str]) -> None:
    """`lake run --source`: every name must be a known source (the contracts' sources are the
    extractors'), refused before anything runs."""
    from lake.contracts import check_source

    try:
        for source in sources:
            check_source(source)
    except LakeError as error:
        raise fail(error) from error


@contextlib.contextmanager
def _spinner(what: str, quiet: bool) -> Iterator[Callable[[str], None] | None]:
    """A status line on stderr saying what `what` is doing now (only on a terminal, and not
    with --json); yields the function that updates it (None when quiet)."""
    if quiet or not console.is_terminal:
        yield None
        return
    with console.status(f"[bold]{what}[/]") as status:
        yield lambda text: status.update(f"[bold]{what}[/]: {escape(text)}")


class RichListener:
    """Progress of `lake run` on the terminal: a spinner per stage, a line when it ends."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not console.is_terminal
        self.status: Status | None = None
        self.stage = ""

    def started(self, stage: str) -> None:
        self.stage = stage
        if self.quiet:
            return
        self.status = console.status(f"[bold]{stage}[/]")
        self.status.start()

    def note(self, text: str) -> None:
        if self.status is not None:
            self.status.update(f"[bold]{self.stage}[/]: {text}")

    def finished(self, stage: Stage) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None
        if self.quiet:  # the summary table (or the JSON document) says it once, at the end
            return
        mark = {"ok": "[green]ok[/]", "skipped": "[yellow]skipped[/]"}.get(
            stage.status, f"[red]{stage.status}[/]"
        )
        console.print(f"{stage.name:<8} {mark:<20} {stage.seconds:7.1f} s  {_stage_text(stage)}")


def _stage_text(stage: Stage) -> str:
    detail = stage.detail
    if stage.name == "extract":
        statuses = detail.get("sources", {})
        skipped = [s for s, status in statuses.items() if status == "not_configured"]
        failed = [s for s, status in statuses.items() if status not in ("ok", "not_configured")]
        text = f"{len(statuses)} sources, {detail.get('files', 0)} files landed"
        text += f"; not configured: {', '.join(skipped)}" if skipped else ""
        return text + (f"; failed: {', '.join(failed)}" if failed else "")
    if stage.name == "ingest":
        return (
            f"{detail.get('ingested', 0)} ingested, {detail.get('duplicate', 0)} duplicates, "
            f"{detail.get('quarantined', 0)} quarantined, {detail.get('rows', 0)} rows"
        )
    if stage.name == "build":
        tests = detail.get("tests", {})
        models = detail.get("models", {})
        empty = detail.get("empty_sources") or []
        return (
            f"{models.get('built', 0)} built, tests {tests.get('passed', 0)} passed / "
            f"{tests.get('warned', 0)} warned / {tests.get('failed', 0)} failed"
            + (f"; empty (no data landed): {', '.join(empty)}" if empty else "")
            + (f"; {detail['error']}" if detail.get("error") else "")
        )
    if stage.name == "publish":
        return (
            f"version {detail.get('version', '')}"
            if "version" in detail
            else str(detail.get("reason") or detail.get("error", ""))
        )
    return str(detail.get("site") or detail.get("error") or detail.get("reason") or "")


def print_run(record: RunRecord, layout: WarehouseLayout) -> None:
    table = Table("stage", "status", "seconds", "what happened", title=f"lake run {record.run_id}")
    for stage in record.stages:
        table.add_row(stage.name, stage.status, f"{stage.seconds:.1f}", _stage_text(stage))
    console.print(table)
    if record.next_actions:
        actions = Table("next", "what", "command", title="what to do next")
        for action in record.next_actions[:20]:
            actions.add_row(action.kind, action.message, action.command)
        if len(record.next_actions) > 20:
            actions.add_row("...", f"{len(record.next_actions) - 20} more: lake status", "")
        console.print(actions)
    console.print(f"status: [bold]{record.status}[/]   record: {layout.runs / record.run_id}.json")


def print_build(result: BuildResult) -> None:
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
    models, tests = result.model_counts(), result.test_counts()
    console.print(
        f"build {'[green]ok[/]' if result.ok else '[red]failed[/]'}: {models['built']} built, "
        f"{models['failed']} failed; tests {tests['passed']} passed, {tests['warned']} warned, "
        f"{tests['failed']} failed ({timings})"
    )
    for node in result.failed_nodes:
        console.print(f"  [red]{node.status}[/] {node.resource_type} {node.name}: {node.message}")
    if result.error:
        console.print(f"  [red]{result.error}[/]")


def run_command(
    root: RootOption = None,
    start: Annotated[
        FirstStage,
        typer.Option(
            "--from", help="First stage: extract (default), ingest (what landed) or build."
        ),
    ] = FirstStage.extract,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Extract only these sources.")
    ] = None,
    since: Annotated[
        datetime | None,
        typer.Option("--since", formats=["%Y-%m-%d"], help="Extract from this day."),
    ] = None,
    docs: Annotated[
        bool, typer.Option("--docs/--no-docs", help="Regenerate the docs site.")
    ] = True,
    keep: KeepOption = DEFAULT_KEEP,
    wait: WaitOption = 0.0,
    project_dir: ProjectOption = None,
    full_refresh: FullRefreshFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Extract -> ingest -> build -> publish -> docs, recorded in runs/ and in the warehouse.

    Exit status 0 when every stage succeeded, 1 when a source failed or the build's tests
    failed (the published version then stays as it was), 2 when the run could not start.
    """
    _check_sources(source or [])
    paths = writable_lake(root)
    options = RunOptions(
        start=start.value,
        sources=source or [],
        since=since.date() if since else None,
        docs=docs,
        keep=keep,
        wait=wait,
        project_dir=project_dir,
        full_refresh=full_refresh,
    )
    pipeline = Pipeline(paths, options, RichListener(quiet=as_json))
    try:
        record = pipeline.run()
    except LakeError as error:
        raise fail(error) from error
    if as_json:
        emit(record.to_dict())
    else:
        print_run(record, pipeline.layout)
        _print_where(pipeline.layout)
    raise typer.Exit(code=0 if record.status == "ok" else 1)


def _print_where(layout: WarehouseLayout) -> None:
    if not layout.published.exists():
        return
    console.print(f"docs site:          {layout.docs_site}  (or: lake docs --serve)")
    console.print(f"published database: {layout.published}")
    console.print(f"query it:           duckdb -readonly {layout.published}")


def build_command(
    root: RootOption = None,
    wait: WaitOption = 0.0,
    project_dir: ProjectOption = None,
    full_refresh: FullRefreshFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Build and test the warehouse in the private build database (nothing is published).

    Exit status 1 when a model or an error-severity test failed (they are listed)."""
    layout = _new_or_existing_layout(root)
    record = RunRecord(run_id=new_run_id(), command="lake build")
    try:
        with run_lock(layout.lock, command="lake build", wait=wait):
            close_abandoned(layout, current_run=record.run_id)
            result = _recorded_build(layout, record, project_dir, full_refresh, quiet=as_json)
    except LakeError as error:
        raise fail(error) from error
    if as_json:
        emit(result.to_dict())
    else:
        print_build(result)
    raise typer.Exit(code=0 if result.ok else 1)


def _recorded_build(
    layout: WarehouseLayout,
    record: RunRecord,
    project_dir: Path | None,
    full_refresh: bool,
    *,
    quiet: bool,
) -> BuildResult:
    """The build, its record ended with an outcome whatever happens (an exception: failed)."""
    stage = record.stage("build")
    record.save(layout)
    try:
        with _spinner("build", quiet) as progress:
            result = run_build(
                layout,
                record.run_id,
                project_dir=project_dir,
                full_refresh=full_refresh,
                progress=progress,
            )
    except BaseException as error:
        record.fail(error, stage)
        record.save(layout)
        raise
    record.ended_at = now_iso()
    _record_build(record, stage, result)
    record.save(layout)
    return result


def _record_build(record: RunRecord, stage: Stage, result: BuildResult) -> None:
    stage.status = "ok" if result.ok else "failed"
    stage.seconds = round(sum(result.timings.values()), 3)
    stage.detail.update(timings=result.timings, models=result.model_counts())
    record.tests = result.test_counts()
    record.rows = result.rows
    record.failing_tests = [node.to_dict() for node in result.failed_nodes]
    record.status = "built" if result.ok else "failed"


def publish_command(
    root: RootOption = None,
    keep: KeepOption = DEFAULT_KEEP,
    wait: WaitOption = 0.0,
    as_json: JsonFlag = False,
) -> None:
    """Promote the last build to warehouse/lake.duckdb, if every error-severity test passed."""
    layout = _layout(root)
    try:
        with run_lock(layout.lock, command="lake publish", wait=wait):
            result = _publish_recorded(layout, keep)
    except LakeError as error:
        raise fail(error, code=1) from error
    if as_json:
        emit(result)
        return
    console.print(f"published version [bold]{result['version']}[/] -> {layout.published}")
    if result["archived"]:
        console.print(f"archived: {', '.join(result['archived'])}")


def _publish_recorded(layout: WarehouseLayout, keep: int) -> dict[str, Any]:
    """Publish, adding the publish stage to the build's run record (when there is one)."""
    verdict_run = (
        json.loads(layout.build_verdict.read_text()) if layout.build_verdict.exists() else {}
    ).get("run_id", "")
    record = load_run(layout, verdict_run) or RunRecord(run_id=new_run_id(), command="lake publish")
    stage = record.stage("publish")
    stage.started_at = now_iso()
    started = time.monotonic()

    def before_stamp(version: str) -> None:
        stage.seconds = round(time.monotonic() - started, 3)
        record.published_version = version
        record.status = "published"
        record.ended_at = now_iso()
        record.save(layout)

    try:
        result = publish(
            layout,
            keep=keep,
            before_stamp=before_stamp,
            ledger_writer=lambda con: write_ledger_tables(con, load_runs(layout)),
        )
    except BaseException as error:
        _record_failed_publish(layout, record, stage, error)
        raise
    stage.status = "ok"
    stage.seconds = round(time.monotonic() - started, 3)
    stage.detail.update(result.to_dict())
    record.save(layout)
    return result.to_dict()


def _record_failed_publish(
    layout: WarehouseLayout, record: RunRecord, stage: Stage, error: BaseException
) -> None:
    """A publish that raised: its stage and the run failed, unless the swap happened
    (`lake.duckdb` is the new version: the run stays `published`)."""
    version = record.published_version
    record.fail(error, stage)
    if version is not None and current_version(layout) == version:
        record.status = "published"
    else:
        record.published_version = None
    record.save(layout)


def rollback_command(
    version: Annotated[
        str | None, typer.Argument(help="Version to restore (default: the previous one).")
    ] = None,
    root: RootOption = None,
    wait: WaitOption = 0.0,
    as_json: JsonFlag = False,
) -> None:
    """Point warehouse/lake.duckdb at an earlier version (restored from archive/ if needed)."""
    layout = _layout(root)
    try:
        with run_lock(layout.lock, command="lake rollback", wait=wait):
            previous, current = rollback(layout, version)
    except LakeError as error:
        raise fail(error, code=1) from error
    record = RunRecord(run_id=new_run_id(), command=f"lake rollback {current}")
    record.published_version, record.status, record.ended_at = current, "rolled_back", now_iso()
    record.stage("rollback").detail.update(previous=previous, current=current)
    record.stages[0].status = "ok"
    record.save(layout)
    if as_json:
        emit({"previous": previous, "current": current})
        return
    console.print(f"rolled back: {previous} -> [bold]{current}[/] ({layout.published})")


def versions_command(root: RootOption = None, as_json: JsonFlag = False) -> None:
    """The published versions kept for rollback, and the archived ones."""
    versions = [v.to_dict() for v in list_versions(_layout(root))]
    if as_json:
        emit(versions)
        return
    table = Table("version", "published at", "run", "where", "tests passed/warned/failed")
    for v in versions:
        tests = v["tests"] or {}
        where = "archive" if v["archived"] else ("[bold]published[/]" if v["current"] else "kept")
        table.add_row(
            v["version"],
            v["published_at"],
            v["run_id"],
            where,
            f"{tests.get('passed', '-')}/{tests.get('warned', '-')}/{tests.get('failed', '-')}",
        )
    console.print(table)


def docs_command(
    root: RootOption = None,
    serve: Annotated[bool, typer.Option("--serve", help="Serve the site on localhost.")] = False,
    generate: Annotated[
        bool, typer.Option("--generate/--no-generate", help="Regenerate before serving.")
    ] = True,
    port: Annotated[int, typer.Option("--port", help="Port for --serve.")] = 8080,
    project_dir: ProjectOption = None,
) -> None:
    """Generate the dbt docs site (one static HTML file) for the published version."""
    layout = _layout(root)
    try:
        if generate:
            site = generate_docs(layout, project_dir=project_dir)
            console.print(f"docs site: {site}")
        if serve:
            serve_docs(layout, port=port)
    except LakeError as error:
        raise fail(error, code=1) from error


def status_command(
    root: RootOption = None,
    runs: Annotated[int, typer.Option("--runs", min=1, help="How many runs to show.")] = 5,
    freshness: Annotated[
        bool, typer.Option("--freshness/--no-freshness", help="Run dbt source freshness.")
    ] = True,
    project_dir: ProjectOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Last runs, source freshness, the published version and open quarantine items."""
    layout = _layout(root)
    with _spinner("status", as_json) as say:
        if say is not None:
            say("checking source freshness (dbt)" if freshness else "reading the runs")
        status = lake_status(layout, runs=runs, freshness=freshness, project_dir=project_dir)
    if as_json:
        emit(status)
        return
    _print_status(status)


def _print_status(status: dict[str, Any]) -> None:
    published = status["published"]
    where = f" at {published['published_at']} ({published['path']})"
    console.print(
        f"published: [bold]{published['version'] or 'nothing yet'}[/]"
        + (where if published["version"] else "")
    )
    if status["running"]:
        owner = status["running"]
        console.print(
            f"running: {owner.get('command')} (pid {owner.get('pid')}, since "
            f"{owner.get('started_at')})"
        )
    _print_runs(status["runs"])
    if "freshness" in status:
        _print_freshness(status["freshness"], status.get("freshness_error") or "")
    console.print(f"open quarantine items: {len(status['quarantine'])}")
    for action in status["next_actions"][:10]:
        console.print(
            f"  next: {action['kind']}: {escape(action['message'])}  [dim]{action['command']}[/]"
        )


def _print_runs(runs: list[dict[str, Any]]) -> None:
    if not runs:
        console.print("last runs: none yet (lake run, or lake build)")
        return
    table = compact_table("run", "command", "status", "started", "stages (s)", "tests p/w/f")
    table.title = "last runs"
    for run in runs:
        tests = run["tests"] or {}
        table.add_row(
            run["run_id"],
            run["command"].removeprefix("lake "),
            run["status"],
            _short_time(run["started_at"]),
            " ".join(f"{name}:{seconds:.0f}" for name, (_, seconds) in run["stages"].items()),
            f"{tests.get('passed', '-')}/{tests.get('warned', '-')}/{tests.get('failed', '-')}",
        )
    console.print(table)


def _print_freshness(items: list[dict[str, Any]], error: str) -> None:
    """Loaded source tables in a table; those never loaded (no raw file yet) in one line."""
    never = [i for i in items if not i["max_loaded_at"] and i["status"] in (EMPTY, "runtime error")]
    loaded = [i for i in items if i not in never]
    if loaded:
        table = compact_table("source table", "status", "last loaded", "age h", "warn/error")
        table.title = "source freshness"
        for item in loaded:
            table.add_row(
                f"{item['source']}.{item['table']}",
                item["status"],
                _short_time(item["max_loaded_at"]),
                "" if item["age_hours"] is None else str(item["age_hours"]),
                f"{_short_period(item['warn_after'])}/{_short_period(item['error_after'])}",
            )
        console.print(table)
    if never:
        per_source: dict[str, int] = {}
        for item in never:
            per_source[item["source"]] = per_source.get(item["source"], 0) + 1
        listed = ", ".join(f"{source} ({n})" for source, n in per_source.items())
        console.print(f"source tables with no raw data yet: {listed}")
    if error:
        console.print(f"freshness could not be checked: {escape(error)}")


def _short_time(iso: str | None) -> str:
    """`2026-12-06T15:24:15.123+00:00` -> `2026-12-06 15:24` (UTC)."""
    return (iso or "")[:16].replace("T", " ")


def _short_period(period: str) -> str:
    """`3 day` -> `3d` (dbt's freshness thresholds)."""
    count, _, unit = (period or "-").partition(" ")
    return f"{count}{unit[:1]}" if unit else count
