"""The dbt sources YAML is generated from the contracts: no drift, and drift is reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from lake.cli import app
from lake.config import PROJECT_DIR
from lake.contracts import all_datasets, datasets_for, sources
from lake.contracts import cli as contracts_cli
from lake.contracts.sources_yaml import check, first_difference, render, table_columns, yaml_path
from lake.errors import ContractDefinitionError
from lake.ingest.contract import Column, Csv, Dataset, Layout


@pytest.mark.parametrize("source", sources())
def test_committed_sources_yaml_matches_its_contract(source: str) -> None:
    path = yaml_path(PROJECT_DIR, source)
    found = first_difference(path.read_text(encoding="utf-8"), render(source))
    assert found is None, (
        f"{path.relative_to(PROJECT_DIR)} line {found and found[0]}: committed "
        f"{found and found[1]!r}, the contract renders {found and found[2]!r}; "
        "run `lake contracts sources`"
    )


@pytest.mark.parametrize("source", sources())
def test_rendered_yaml_has_every_contract_column_and_classification(source: str) -> None:
    (declared,) = yaml.safe_load(render(source))["sources"]
    tables = {t["name"]: t for t in declared["tables"]}
    for dataset in datasets_for(source):
        columns = {c["name"]: c for c in tables[dataset.name]["columns"]}
        assert list(columns) == [c.name for c in table_columns(dataset)]
        assert set(dataset.columns) <= set(columns)
        for column in table_columns(dataset):
            assert columns[column.name]["config"]["meta"]["classification"] == (
                column.classification
            )
            assert " ".join(columns[column.name]["description"].split()) == " ".join(
                column.description.split()
            )


def test_every_dataset_describes_every_column() -> None:
    for dataset in all_datasets():
        described = {c.name for c in dataset.schema}
        assert set(dataset.columns) <= described, dataset.key


def _copy_project(tmp_path: Path) -> Path:
    for source in sources():
        target = yaml_path(tmp_path, source)
        target.parent.mkdir(parents=True)
        shutil.copy(yaml_path(PROJECT_DIR, source), target)
    return tmp_path


def test_check_names_the_file_and_first_differing_line(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    path = yaml_path(project, "spotify")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "classification: public" in line)
    lines[index] = lines[index].replace("public", "internal")
    path.write_text("".join(lines), encoding="utf-8")
    yaml_path(project, "tiktok").unlink()

    drifts = check(project, sources())

    assert [(d.path, d.line) for d in drifts] == [
        (yaml_path(project, "spotify"), index + 1),
        (yaml_path(project, "tiktok"), 0),
    ]
    assert "classification: internal" in (drifts[0].committed or "")
    assert "classification: public" in (drifts[0].rendered or "")


def test_cli_check_exits_1_listing_drift_and_write_repairs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _copy_project(tmp_path)
    monkeypatch.setattr(contracts_cli, "PROJECT_DIR", project)
    path = yaml_path(project, "mailchimp")
    path.write_text(path.read_text(encoding="utf-8").replace("owner: ", "owner: x"), "utf-8")
    runner = CliRunner()

    drifted = runner.invoke(app, ["contracts", "sources", "--check"])
    assert drifted.exit_code == 1
    assert "models/staging/mailchimp/_mailchimp__sources.yml:" in drifted.output
    assert "spotify" not in drifted.output

    assert runner.invoke(app, ["contracts", "sources", "mailchimp"]).exit_code == 0
    assert runner.invoke(app, ["contracts", "sources", "--check"]).exit_code == 0
    assert path.read_text(encoding="utf-8") == render("mailchimp")


def test_cli_refuses_an_unknown_source() -> None:
    result = CliRunner().invoke(app, ["contracts", "sources", "--check", "myspace"])
    assert result.exit_code == 2
    assert "myspace" in result.output


def _dataset(schema: tuple[Column, ...], retention: str = "raw_default") -> Dataset:
    return Dataset(
        "shop",
        "orders",
        "orders",
        "orders*.csv",
        Csv(),
        (Layout("v1", ("id", "email")),),
        schema=schema,
        retention=retention,  # type: ignore[arg-type]
    )


def test_a_column_without_description_is_refused() -> None:
    with pytest.raises(ContractDefinitionError, match="email has no Column"):
        _dataset((Column("id", "Order id.", "internal"),))


def test_an_unknown_classification_is_refused() -> None:
    with pytest.raises(ContractDefinitionError, match="'secret'"):
        _dataset((Column("id", "Id.", "internal"), Column("email", "E-mail.", "secret")))  # type: ignore[arg-type]


def test_restricted_columns_need_a_personal_data_retention() -> None:
    schema = (Column("id", "Id.", "internal"), Column("email", "Buyer's e-mail.", "restricted"))
    with pytest.raises(ContractDefinitionError, match="retention is raw_default"):
        _dataset(schema)
    assert _dataset(schema, "personal_data").retention == "personal_data"


def test_column_types_merge_into_types() -> None:
    dataset = _dataset(
        (Column("id", "Id.", "internal", type="bigint"), Column("email", "E.", "restricted")),
        "personal_data",
    )
    assert dataset.types == {"id": "bigint"}
