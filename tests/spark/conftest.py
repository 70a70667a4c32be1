"""One local Spark Thrift server for the test session, holding part of the sample.

``SEG_TEST_SPARK_URL`` (``spark://127.0.0.1:PORT/default`` or ``hive://…``; ``.ci/run``
sets it) names the server. When nothing answers on that port the session starts one
there (``bench/_spark.py``: pyspark's ``HiveThriftServer2``, ``local[2]``), waits for it
and stops it at the end; a server already running there is used as it is. Tests that
need it are skipped, naming the variable, only when it is unset.

The sample's first 2,000 customers (all four tables) are written as Parquet and
registered in a database of their own (``seg_spark_<pid>``), dropped at the end.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

SPARK_ENV = "SEG_TEST_SPARK_URL"
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
CUSTOMERS = 2_000
AS_OF = "2025-03-31"


@dataclass(frozen=True)
class SparkData:
    url: str                       # spark://host:port/<the session's database>
    database: str
    tables: dict[str, pd.DataFrame]
    folder: Path


def sample_subset(n: int = CUSTOMERS) -> dict[str, pd.DataFrame]:
    """The sample's first ``n`` customers (by id), every table."""
    tables = {name: pd.read_parquet(SAMPLE / f"{name}.parquet")
              for name in ("transactions", "customers", "surveys", "complaints")}
    ids = set(sorted(tables["transactions"]["customer_id"].unique())[:n])
    return {name: frame[frame["customer_id"].isin(ids)].reset_index(drop=True)
            for name, frame in tables.items()}


@pytest.fixture(scope="session")
def spark_server(tmp_path_factory) -> Iterator[sa.URL]:
    """The server of ``SEG_TEST_SPARK_URL``, started for the session if not running."""
    from bench._spark import ThriftServer, java_missing, port_open, spark_home
    from segmentation.connections import ConnectionSpec

    text = os.environ.get(SPARK_ENV)
    if not text:
        pytest.skip(f"{SPARK_ENV} is not set: no Spark Thrift server to test against")
    spec = ConnectionSpec.from_url(text)
    host, port = spec.host or "127.0.0.1", spec.port or 10000
    server = None
    if not port_open(host, port):
        if spark_home() is None or java_missing():
            pytest.fail(f"{SPARK_ENV} is set but nothing answers on {host}:{port}, and Spark "
                        "cannot be started here (pip install pyspark; Java 17+)")
        server = ThriftServer(port, tmp_path_factory.mktemp("spark-server"), host=host)
        seconds = server.start()
        print(f"\nstarted the Spark Thrift server on {host}:{port} in {seconds:.0f} s")
    yield sa.make_url(f"spark://{host}:{port}/default")
    if server is not None:
        server.stop()


@pytest.fixture(scope="session")
def spark_data(spark_server, tmp_path_factory) -> Iterator[SparkData]:
    """Part of the sample (:data:`CUSTOMERS` customers) loaded into the server."""
    from bench._spark import drop_database, load_tables

    database = f"seg_spark_{os.getpid()}"
    folder = tmp_path_factory.mktemp("spark-tables")
    tables = sample_subset()
    admin = sa.create_engine(spark_server)
    t0 = time.perf_counter()
    load_tables(admin, tables, folder, database=database)
    print(f"\nloaded {CUSTOMERS:,} customers into Spark in {time.perf_counter() - t0:.1f} s")
    yield SparkData(spark_server.set(database=database).render_as_string(), database, tables,
                    folder)
    try:
        drop_database(admin, database)
    finally:
        admin.dispose()


# the app's AppTest fixtures (a workspace with the sample, the frame on every run)
from tests.app.conftest import frame_on_every_run, sample_workspace  # noqa: E402, F401


def write_spark_secrets(folder, spark_url: str):
    """A secrets file in ``folder`` whose ``[connections.spark]`` block names the session's
    Spark server (``spark_url``); returns its path."""
    url = sa.make_url(spark_url)
    secrets = folder / "secrets.toml"
    secrets.write_text("[connections.spark]\n"
                       'dialect = "spark"\n'
                       f'host = "{url.host}"\nport = {url.port}\n'
                       f'database = "{url.database}"\n', encoding="utf-8")
    return secrets
