"""Issue 24, without a server: a Spark connection is specified like the others, its bound
values cannot end a string literal early, the customer view compiles to Spark SQL with
the dialect's differences, and the SELECT allowlist reads Spark's syntax and refuses its
file reads and JVM calls."""

from __future__ import annotations

import datetime as dt
import decimal

import pandas as pd
import pytest
import sqlalchemy as sa

pytest.importorskip("pyhive", reason="pyhive is not installed: no Spark dialect")

from segmentation.connections import (  # noqa: E402
    ConnectionError_,
    ConnectionSpec,
    checked_select,
    spec_from_secrets,
)
from segmentation.connections.errors import classify_error  # noqa: E402
from segmentation.connections.spark import SparkDialect, spark_literal  # noqa: E402
from segmentation.features import view_queries  # noqa: E402
from segmentation.features.queries import query_sql  # noqa: E402

PASSWORD = "Spark-pw!never-shown"


@pytest.mark.parametrize("url", ["hive://ana@warehouse:10001/sales",
                                 "spark://ana@warehouse:10001/sales"], ids=["hive", "spark"])
def test_a_hive_or_spark_url_is_a_spark_connection(url):
    spec = ConnectionSpec.from_url(url.replace("ana@", f"ana:{PASSWORD}@") + "?auth=LDAP")
    assert (spec.driver, spec.host, spec.port, spec.database, spec.user, spec.auth) == (
        "spark", "warehouse", 10001, "sales", "ana", "LDAP")
    assert spec.safe_label() == "spark://ana@warehouse:10001/sales"
    assert PASSWORD not in repr(spec) + spec.safe_label()
    assert spec.url().get_dialect() is SparkDialect


def test_secrets_block_with_dialect_spark():
    spec = spec_from_secrets({"dialect": "spark", "host": "thrift.example", "database": "dw",
                              "username": "reader", "password": PASSWORD, "auth": "ldap",
                              "schema": "sales"})
    assert (spec.driver, spec.port, spec.auth, spec.schema) == ("spark", None, "LDAP", "sales")
    assert spec.safe_label() == "spark://reader@thrift.example:10000/dw"
    with pytest.raises(ConnectionError_, match="auth"):
        spec_from_secrets({"dialect": "spark", "host": "h", "auth": "magic"})


@pytest.mark.parametrize("value, sql", [
    ("x\\' OR 1=1 --", "'x\\\\\\' OR 1=1 --'"),
    ("it's", "'it\\'s'"),
    ("two\nlines", "'two\\nlines'"),
    (dt.date(2025, 3, 31), "DATE '2025-03-31'"),
    (pd.Timestamp("2025-03-31 12:30"), "TIMESTAMP '2025-03-31 12:30:00'"),
    (decimal.Decimal("1.50"), "1.50BD"),
    (True, "TRUE"), (7, "7"), (None, "NULL"), (["a", "b'"], "('a', 'b\\'')"),
], ids=["backslash-quote", "quote", "newline", "date", "timestamp", "decimal", "bool", "int",
        "null", "list"])
def test_bound_values_become_safe_spark_literals(value, sql):
    """PyHive doubles a quote only, but Spark reads ``\\'`` as an escaped quote: a value
    ending in a backslash would end the string early (issue 24, item 4)."""
    assert spark_literal(value) == sql


def test_the_customer_view_compiles_to_spark_sql():
    tx = sa.table("transactions", sa.column("customer_id"), sa.column("date"),
                  sa.column("amount"))
    sql = query_sql(view_queries(None, as_of="2025-03-31", table_names={"transactions": tx})
                    ["transactions"], SparkDialect())
    # purchase days from distinct (customer, day) pairs: no count(DISTINCT ...), no Expand
    assert "SELECT DISTINCT" in sql and "count(DISTINCT" not in sql
    assert "CAST(`transactions`.`date` AS DATE)" in sql
    assert "DATE '2025-04-01'" in sql                # the bounds as DATE literals
    assert "FILTER" not in sql


def test_a_backtick_in_a_name_is_doubled():
    sql = str(sa.select(sa.column("a`b")).select_from(sa.table("t")).compile(
        dialect=SparkDialect()))
    assert "`a``b`" in sql


@pytest.mark.parametrize("sql, expected", [
    ("SELECT customer_id, sum(amount) AS s FROM transactions GROUP BY customer_id",
     "SELECT `customer_id`, SUM(`amount`) AS `s` FROM `transactions` GROUP BY `customer_id`"),
    ("SELECT datediff(max(`date`), min(`date`)) AS d FROM transactions",
     "SELECT DATEDIFF(MAX(`date`), MIN(`date`)) AS `d` FROM `transactions`"),
], ids=["aggregate", "dates"])
def test_spark_selects_pass_the_allowlist(sql, expected):
    assert checked_select(sql, "spark", tables=["transactions"]) == expected


@pytest.mark.parametrize("sql, code", [
    ("SELECT * FROM parquet.`/etc/passwd`", "forbidden_table"),
    ("SELECT * FROM csv.`file:///etc/passwd`", "forbidden_table"),
    ("SELECT * FROM `/etc/passwd`", "forbidden_table"),
    ("SELECT * FROM global_temp.views_of_others", "forbidden_table"),
    ("SELECT reflect('java.lang.Runtime', 'getRuntime') FROM transactions",
     "forbidden_function"),
    ("SELECT java_method('java.lang.System', 'exit', 1)", "forbidden_function"),
    ("SELECT * FROM read_files('/etc/passwd')", "forbidden_function"),
    ("SELECT input_file_name() FROM transactions", "forbidden_function"),
    ("SELECT * FROM range(1000000000000)", "forbidden_function"),
    ("SET spark.sql.thriftServer.queryTimeout=0", "not_read_only"),
    ("CACHE TABLE transactions", "not_read_only"),
    ("SELECT 1; DROP TABLE transactions", "not_read_only"),
], ids=["parquet-path", "csv-uri", "quoted-path", "global-temp", "reflect", "java-method",
        "read-files", "input-file-name", "range", "set", "cache", "two-statements"])
def test_spark_attacks_are_refused_without_a_table_list(sql, code):
    with pytest.raises(ConnectionError_) as info:
        checked_select(sql, "spark")
    assert info.value.code == code


@pytest.mark.parametrize("message, code", [
    ("TFetchResultsResp(status=TStatus(statusCode=3, infoMessages=['*org.apache.hive.service"
     ".cli.HiveSQLException:Expected state FINISHED, but found TIMEDOUT:36:35'], "
     "errorMessage='Expected state FINISHED, but found TIMEDOUT'), operationHandle=None)",
     "timeout"),
    ("TFetchResultsResp(status=TStatus(statusCode=3, errorMessage='Expected state FINISHED, "
     "but found CANCELED'))", "cancelled"),
    ("Could not connect to any of [('127.0.0.1', 1)]", "unreachable"),
    ("TExecuteStatementResp(status=TStatus(statusCode=3, errorMessage='Error running query: "
     "[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found.'), "
     "operationHandle=None)", "table_missing"),
], ids=["timeout", "cancel", "unreachable", "table"])
def test_thrift_server_errors_are_classified(message, code):
    spec = ConnectionSpec("spark", host="h", password=PASSWORD)
    err = classify_error(RuntimeError(message), spec)
    assert err.code == code
    assert PASSWORD not in err.message("en")


def test_other_errors_show_the_servers_message_not_its_stack():
    spec = ConnectionSpec("spark", host="h")
    err = classify_error(RuntimeError(
        "TExecuteStatementResp(status=TStatus(statusCode=3, infoMessages=['*org.apache.hive."
        "service.cli.HiveSQLException:Error running query: boom:43:42', 'org.apache.spark.sql."
        "X:y:Z.scala:1'], sqlState='42601', errorCode=0, errorMessage='Error running query: "
        "[PARSE_SYNTAX_ERROR] Syntax error at or near x.\\n== SQL ==\\nselect x'), "
        "operationHandle=None)"), spec)
    assert err.code == "other"
    assert err.params["detail"] == "[PARSE_SYNTAX_ERROR] Syntax error at or near x."
