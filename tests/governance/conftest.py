"""A small shop lake built and published by the tiny dbt project in `project/`: customers with
e-mails, names and phones (restricted), orders (totals), reviews (free text holding an
e-mail, a phone, a card and a CPF)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from lake.config import LakePaths

PROJECT = Path(__file__).parent / "project"
LAKE_BIN = Path(sys.executable).with_name("lake")

CUSTOMERS = [
    ("c1", "Ana.Souza@Example.com", "Ana Souza", "+55 11 91234-5678", "sao paulo"),
    ("c2", "bruno@uol.com.br", "Bruno Lima", "+55 21 99876-4321", "rio"),
    ("c3", "carla@gmail.com", "Carla Dias", None, "recife"),
]
ORDERS = [("o1", "c1", "10.50"), ("o2", "c1", "4.50"), ("o3", "c2", "20.00"), ("o4", "c3", "1.25")]
REVIEWS = [
    ("o1", "great! write me at ana.souza@example.com or call +55 11 91234-5678"),
    ("o3", "card 4111 1111 1111 1111 was charged twice, cpf 529.982.247-25"),
    ("o4", None),
]


@dataclass
class ShopLake:
    root: Path

    @property
    def paths(self) -> LakePaths:
        return LakePaths(self.root)

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "LAKE_ROOT": str(self.root),
            "LAKE_DBT_PROJECT_DIR": str(PROJECT),
            "DO_NOT_TRACK": "1",
            **extra,
        }
        for name in ("LAKE_MASK_SALT", "LAKE_ENCRYPTION_KEY", "LAKE_USER", "LAKE_ROLES_FILE"):
            if name not in extra:
                env.pop(name, None)
        return env

    def lake(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(LAKE_BIN), *args],
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"lake {' '.join(args)} -> {result.returncode}\n{result.stderr}")
        return result

    def write_raw(
        self, dataset: str, columns: list[str], rows: list[tuple[object, ...]], part: int = 0
    ) -> None:
        folder = self.root / "raw" / "_source=shop" / f"_dataset={dataset}" / "_date=2026-11-20"
        folder.mkdir(parents=True, exist_ok=True)
        with duckdb.connect() as con:
            con.execute(f"create table t ({', '.join(f'{c} varchar' for c in columns)})")
            con.executemany(f"insert into t values ({', '.join('?' * len(columns))})", rows)
            con.execute("alter table t add column _sha256 varchar default 'x'")
            con.execute(f"copy t to '{folder / f'part-{part}.parquet'}' (format parquet)")

    def seed(self) -> None:
        self.write_raw(
            "customers", ["customer_id", "email", "full_name", "phone", "city"], CUSTOMERS
        )
        self.write_raw("orders", ["order_id", "customer_id", "amount"], ORDERS)
        self.write_raw("reviews", ["order_id", "message"], REVIEWS)

    def build_and_publish(self, **env: str) -> None:
        self.lake("build", **env)
        self.lake("publish", **env)


def make_shop_lake(root: Path) -> ShopLake:
    lake = ShopLake(root)
    lake.paths.ensure()
    lake.seed()
    return lake


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> ShopLake:
    lake = make_shop_lake(tmp_path_factory.mktemp("gov") / "lake")
    lake.build_and_publish()
    return lake
