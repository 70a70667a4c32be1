"""What a user's own SELECT may contain, as data: the syntax nodes, the functions and the
types of the `sqlglot <https://sqlglot.com>`_ tree that :mod:`.queries` checks.

Everything not listed here is refused: an allowlist, not a denylist, so a function
or construct that a future server version adds is refused until someone adds it.
"""

from __future__ import annotations

from sqlglot import exp

#: Dialect names of SQLAlchemy -> sqlglot, for the databases whose SELECTs are checked.
SQLGLOT_DIALECTS: dict[str, str] = {
    "postgresql": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "duckdb": "duckdb",
    "spark": "spark",
}


def _classes(names: str) -> frozenset[type]:
    """The ``sqlglot.exp`` classes of ``names`` (names a sqlglot version lacks are skipped)."""
    return frozenset(getattr(exp, n) for n in names.split() if hasattr(exp, n))


#: The shape of a query: clauses, names, literals, operators, subqueries, windows.
NODES: frozenset[type] = _classes("""
    Select Union Intersect Except With CTE TableAlias Subquery From Join Where Group Having
    Order Ordered Limit Offset Fetch Distinct Qualify Column Identifier Table Alias Star
    Literal Null Boolean RawString Paren Tuple In Between Like ILike Escape Is Not Neg And Or
    Xor EQ NEQ GT GTE LT LTE NullSafeEQ NullSafeNEQ Add Sub Mul Div Mod IntDiv DPipe
    BitwiseAnd BitwiseOr BitwiseXor BitwiseNot BitwiseLeftShift BitwiseRightShift
    DataType DataTypeParam Interval Var Window WindowSpec Filter WithinGroup Exists Any All
""")

#: Functions that only compute on their arguments: aggregates, dates, text, math,
#: conditionals, casts and window functions (as sqlglot names them).
FUNCTIONS: frozenset[type] = _classes("""
    Count CountIf Sum Avg Min Max Stddev StddevPop StddevSamp Variance VariancePop
    ApproxDistinct Median PercentileCont PercentileDisc Quantile GroupConcat ArrayAgg
    LogicalAnd LogicalOr AnyValue
    CurrentDate CurrentTimestamp CurrentDatetime CurrentTime DateTrunc TimestampTrunc
    DatetimeTrunc DateAdd DateSub DateDiff DatetimeAdd DatetimeSub DatetimeDiff TimestampAdd
    TimestampSub TimestampDiff TsOrDsAdd TsOrDsDiff TsOrDsToDate TsOrDsToTimestamp Extract
    Year Month Day Quarter Week DayOfWeek DayOfWeekIso DayOfMonth DayOfYear WeekOfYear
    StrToDate StrToTime TimeToStr TimeStrToTime TimeStrToDate DateStrToDate DateToDateStr
    TimeToUnix UnixToTime UnixToStr Date Datetime Timestamp DateFromParts LastDay AddMonths
    MonthsBetween ToChar ToNumber
    Lower Upper Length Substring Trim Concat ConcatWs Left Right Pad StrPosition Initcap
    Reverse Repeat RegexpLike RegexpILike RegexpExtract RegexpReplace SplitPart Replace Chr
    Ascii MD5 Unicode
    Abs Round Floor Ceil Sqrt Cbrt Pow Exp Ln Log Sign Greatest Least SafeDivide Trunc
    Case If Coalesce Nullif Cast TryCast
    RowNumber Rank DenseRank PercentRank CumeDist Ntile Lag Lead FirstValue LastValue
    NthValue
""")

#: Functions sqlglot does not know by class (``exp.Anonymous``), by lower-case name.
ANONYMOUS: frozenset[str] = frozenset("""
    date_part julianday char_length character_length octet_length to_date to_timestamp
    datediff nvl ifnull substr instr position trunc
""".split())

#: Types a CAST may name (no ``regclass``, ``regproc`` or other catalog types).
TYPES: frozenset[exp.DataType.Type] = frozenset(
    getattr(exp.DataType.Type, n) for n in """
    TINYINT SMALLINT INT MEDIUMINT BIGINT UTINYINT USMALLINT UINT UMEDIUMINT UBIGINT
    DECIMAL DOUBLE FLOAT MONEY CHAR NCHAR VARCHAR NVARCHAR TEXT DATE DATETIME TIMESTAMP
    TIMESTAMPTZ TIMESTAMPLTZ TIME TIMETZ BOOLEAN INTERVAL
""".split() if hasattr(exp.DataType.Type, n))

#: Words a ``Var`` node may hold: date parts (``EXTRACT(YEAR FROM …)``, ``INTERVAL 1 DAY``).
UNITS: frozenset[str] = frozenset("""
    year years quarter quarters month months week weeks day days hour hours minute minutes
    second seconds millisecond milliseconds microsecond microseconds dow doy isodow isoyear
    epoch decade century millennium dayofweek dayofyear weekday year_month day_hour
    day_minute day_second hour_minute hour_second minute_second
""".split())

#: Schemas and table-name prefixes that hold the server's own catalogs, refused even
#: before the connection's own table list is known.
SYSTEM_SCHEMAS: frozenset[str] = frozenset({
    "pg_catalog", "information_schema", "mysql", "performance_schema", "sys", "pg_toast",
    "temp", "sqlite_temp_master", "system",
    # Spark: ``parquet.`/path``` reads files directly; ``global_temp`` holds other sessions'
    # views
    "parquet", "csv", "json", "orc", "text", "avro", "binaryfile", "delta", "jdbc", "libsvm",
    "image", "iceberg", "hudi", "global_temp", "spark_catalog",
})
#: Characters of a file path or URI: never part of a table name a SELECT may read.
PATH_CHARS: frozenset[str] = frozenset("/\\:")
SYSTEM_PREFIXES: tuple[str, ...] = ("pg_", "sqlite_", "duckdb_", "innodb_")
