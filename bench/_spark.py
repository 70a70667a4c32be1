"""A local Spark Thrift server for the tests and ``bench_spark``: start it, wait for it, load
tables into it, stop it.

The server is the one a cluster runs (``HiveThriftServer2``), started from the pyspark
package (``SPARK_HOME`` = its folder unless set) with ``--master local[2]``. Tables are
written as Parquet files and registered with ``CREATE TABLE … USING parquet LOCATION``,
the layout a lakehouse keeps (no copy through the server).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

import segmentation.connections.spec  # noqa: F401 - registers the spark:// dialect

#: How long the server may take to answer after its start (seconds).
START_TIMEOUT_S = 240


def spark_home() -> Path | None:
    """``SPARK_HOME``, or the installed pyspark package (``None`` without either)."""
    if os.environ.get("SPARK_HOME"):
        return Path(os.environ["SPARK_HOME"])
    try:
        import pyspark
    except ImportError:
        return None
    return Path(pyspark.__file__).resolve().parent


def java_missing() -> bool:
    return shutil.which("java") is None and not os.environ.get("JAVA_HOME")


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


class ThriftServer:
    """One local Spark Thrift server on ``host:port`` (``local[cores]``), logging to
    ``folder/server.log``, its warehouse in ``folder/warehouse``."""

    def __init__(self, port: int, folder: Path, *, host: str = "127.0.0.1",
                 driver_memory: str = "2g", cores: int = 2):
        self.host, self.port, self.folder = host, int(port), Path(folder)
        self.driver_memory, self.cores = driver_memory, int(cores)
        self.process: subprocess.Popen | None = None

    def start(self, timeout_s: float = START_TIMEOUT_S) -> float:
        """Start the server and wait until it answers a query; the seconds it took."""
        home = spark_home()
        if home is None:
            raise RuntimeError("pyspark is not installed and SPARK_HOME is not set")
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            str(home / "bin" / "spark-submit"),
            "--class", "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
            "--master", f"local[{self.cores}]", "--driver-memory", self.driver_memory,
            "--conf", f"spark.sql.warehouse.dir={self.folder / 'warehouse'}",
            "--conf", "spark.ui.enabled=false",
            "--conf", f"spark.driver.extraJavaOptions=-Dderby.system.home={self.folder}",
            "--conf", "spark.sql.shuffle.partitions=4",
            "--hiveconf", f"hive.server2.thrift.port={self.port}",
            "--hiveconf", f"hive.server2.thrift.bind.host={self.host}",
            "spark-internal",
        ]
        env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": self.host}
        t0 = time.perf_counter()
        with open(self.folder / "server.log", "wb") as log:
            self.process = subprocess.Popen(command, cwd=self.folder, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        while time.perf_counter() - t0 < timeout_s:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Spark Thrift server stopped (exit "
                                   f"{self.process.returncode}); see {self.folder}/server.log")
            if port_open(self.host, self.port) and self._answers():
                return time.perf_counter() - t0
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"the Spark Thrift server did not answer within {timeout_s:.0f} s")

    def _answers(self) -> bool:
        engine = sa.create_engine(self.url())
        try:
            with engine.connect() as conn:
                return conn.exec_driver_sql("SELECT 1").scalar() == 1
        except Exception:  # noqa: BLE001 - still starting
            return False
        finally:
            engine.dispose()

    def url(self, database: str = "default") -> str:
        return f"spark://{self.host}:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server (its own process group) and wait for it."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def _arrow_table(frame: pd.DataFrame) -> pa.Table:
    """``frame`` for Parquet as Spark reads it: datetimes as DATE, text as plain strings."""
    fields = []
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            fields.append(pa.field(str(name), pa.date32()))
        elif pd.api.types.is_integer_dtype(col):
            fields.append(pa.field(str(name), pa.int64()))
        elif pd.api.types.is_float_dtype(col):
            fields.append(pa.field(str(name), pa.float64()))
        else:
            fields.append(pa.field(str(name), pa.string()))
    data = {f.name: (frame[f.name].dt.date if f.type == pa.date32() else frame[f.name])
            for f in fields}
    return pa.Table.from_pydict({k: pa.array(v, type=f.type, from_pandas=True)
                                 for (k, v), f in zip(data.items(), fields, strict=True)})


def load_tables(engine: sa.Engine, tables: Mapping[str, pd.DataFrame], folder: Path, *,
                database: str = "default", files: int = 1) -> None:
    """Write each frame as Parquet under ``folder/<database>/<table>/`` and register it as
    the table ``database.table`` (created or replaced). ``files`` splits a table into that
    many files, so that Spark reads them in parallel."""
    for name, frame in tables.items():
        target = Path(folder) / database / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        table = _arrow_table(frame.reset_index(drop=True))
        step = -(-max(1, table.num_rows) // max(1, files))
        for i in range(max(1, files)):
            pq.write_table(table.slice(i * step, step), target / f"part-{i:05d}.parquet")
    for name in tables:
        register_parquet(engine, name, Path(folder) / database / name, database=database)


def register_parquet(engine: sa.Engine, name: str, location: Path, *,
                     database: str = "default") -> None:
    """The Parquet files under ``location`` as the table ``database.name`` (replaced)."""
    from segmentation.connections.spark import spark_literal

    prep = engine.dialect.identifier_preparer
    qualified = f"{prep.quote(database)}.{prep.quote(name)}"
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE IF NOT EXISTS {prep.quote(database)}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {qualified}")
        conn.exec_driver_sql(f"CREATE TABLE {qualified} USING parquet "
                             f"LOCATION {spark_literal(str(location))}")


def drop_database(engine: sa.Engine, database: str) -> None:
    prep = engine.dialect.identifier_preparer
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {prep.quote(database)} CASCADE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
