"""The messages of connection and query problems (``conn.error.*``) and of risky
database users (``conn.risk.*``), in English and Simplified Chinese."""

from __future__ import annotations

from .. import i18n

i18n.register({
    "conn.error.unreachable": {
        "en": "Cannot reach the database server {target}: the host name is unknown or nothing "
              "answers on that port. Check host and port, and that the server runs and accepts "
              "connections from this machine (firewall, VPN).",
        "zh": "无法连接数据库服务器 {target}：主机名无法解析，或该端口无人应答。请检查主机和端口，"
              "并确认服务器正在运行且允许本机连接（防火墙、VPN）。",
    },
    "conn.error.auth": {
        "en": "The database {target} refused the login of user “{user}”: wrong user name or "
              "password, or the user may not connect from this machine. Check the credentials "
              "with your database administrator.",
        "zh": "数据库 {target} 拒绝了用户“{user}”的登录：用户名或密码错误，"
              "或该用户不允许从本机连接。"
              "请与数据库管理员核对账号信息。",
    },
    "conn.error.unknown_database": {
        "en": "The database “{database}” does not exist on {target}. Check the database name "
              "(or the file path) for typing errors.",
        "zh": "{target} 上不存在数据库“{database}”。请检查数据库名称（或文件路径）是否拼写正确。",
    },
    "conn.error.table_missing": {
        "en": "A table or view the query needs does not exist in {target}, or this user cannot "
              "see it. Check the table names (and the schema) in the table mapping.",
        "zh": "查询所需的表或视图在 {target} 中不存在，或当前用户无权查看。"
              "请检查表映射中的表名（及 schema）。",
    },
    "conn.error.timeout": {
        "en": "The query on {target} took longer than the time limit and was stopped. Narrow "
              "it (fewer rows, a shorter date range) or ask for an index or a prepared view.",
        "zh": "{target} 上的查询超过时间限制，已被终止。"
              "请缩小查询范围（更少的行、更短的日期区间），"
              "或请管理员建立索引或准备好的视图。",
    },
    "conn.error.cancelled": {
        "en": "The query on {target} was cancelled. Nothing was changed; start it again when "
              "you are ready, or narrow it (fewer rows, a shorter date range).",
        "zh": "{target} 上的查询已取消，没有任何改动；准备好后可重新开始，"
              "或缩小查询范围（更少的行、更短的日期区间）。",
    },
    "conn.error.permission": {
        "en": "The database {target} refused the statement: the connection is read-only or the "
              "user lacks the privilege. This app only reads; use a plain SELECT and ask for "
              "read access (SELECT) to the tables you need.",
        "zh": "数据库 {target} 拒绝执行该语句：连接为只读，或用户缺少相应权限。本应用只读取数据；"
              "请只使用 SELECT 查询，并为所需的表申请读取（SELECT）权限。",
    },
    "conn.error.not_read_only": {
        "en": "Only one plain SELECT (or WITH … SELECT) statement is allowed, written so that "
              "it can be checked: no changes to data or tables, no SELECT … INTO, no FOR "
              "UPDATE, no second statement.",
        "zh": "只允许单条普通 SELECT（或 WITH … SELECT）语句，且须能被检查："
              "不得修改数据或表结构，不得使用 SELECT … INTO、FOR UPDATE，也不得包含第二条语句。",
    },
    "conn.error.too_many_customer_rows": {
        "en": "This request would bring more than {limit:,} customer rows from the warehouse "
              "into the app, so it was stopped there. Customer rows travel per scope: open the "
              "dashboard with a login for a branch or a region (only its customers travel), "
              "or score the whole network where the data lives: python -m segmentation score "
              "--database NAME --write-table TABLE (the scores stay in the warehouse).",
        "zh": "该请求会从数据仓库向应用传入超过 {limit:,} 行客户数据，已在仓库端停止。客户数据"
              "按权限范围传入：请使用某个网点或区域的账号打开看板（只传入该范围的客户），"
              "或在数据所在处为全网评分：python -m segmentation score --database NAME "
              "--write-table TABLE（评分结果留在数据仓库中）。",
    },
    "conn.error.write_unsupported": {
        "en": "Scores cannot be written back to a {dialect} database; use PostgreSQL, MySQL / "
              "MariaDB, DuckDB or Spark, or write a file with --out PATH.",
        "zh": "无法把评分写回 {dialect} 数据库；请使用 PostgreSQL、MySQL / MariaDB、DuckDB "
              "或 Spark，或用 --out PATH 写入文件。",
    },
    "conn.error.too_many_rows": {
        "en": "The query returns {rows:,} rows, more than the limit of {limit:,}. Aggregate in "
              "SQL or add a WHERE condition to bring fewer rows.",
        "zh": "该查询返回 {rows:,} 行，超过上限 {limit:,} 行。"
              "请在 SQL 中先汇总，或添加 WHERE 条件减少行数。",
    },
    "conn.error.type_mismatch": {
        "en": "The database {target} cannot compute with one of the mapped columns: a column "
              "has the wrong type (for example amounts stored as text, or customer ids that "
              "are numbers in one table and text in another). Check the mapped columns. "
              "Database says: {detail}",
        "zh": "数据库 {target} 无法对某个已映射的列进行计算：列的类型不对（例如金额存为文本，"
              "或客户编号在一张表中是数字、在另一张表中是文本）。请检查列映射。数据库提示：{detail}",
    },
    "conn.error.dialect_missing": {
        "en": "The SQLAlchemy dialect for “{dialect}” is not installed. Install it into the "
              "app's environment (for example .venv/bin/pip install trino[sqlalchemy] for Trino, "
              "snowflake-sqlalchemy for Snowflake) and restart the app.",
        "zh": "未安装“{dialect}”的 SQLAlchemy 方言。请将其安装到本应用的运行环境中"
              "（例如 Trino 使用 .venv/bin/pip install trino[sqlalchemy]，"
              "Snowflake 使用 snowflake-sqlalchemy），然后重启应用。",
    },
    "conn.error.bad_spec": {
        "en": "The connection settings are incomplete or invalid: {detail}.",
        "zh": "连接设置不完整或无效：{detail}。",
    },
    "conn.error.bad_identifier": {
        "en": "“{name}” is not a valid {what} name: use letters, digits and _ only (it must not "
              "start with a digit; no spaces, quotes or other signs; at most 63 characters). "
              "Check the name with your database administrator.",
        "zh": "“{name}”不是有效的{what_zh}名称：只能使用字母、数字和下划线"
              "（不能以数字开头；不能包含空格、引号或其他符号；最多 63 个字符）。"
              "请与数据库管理员核对该名称。",
    },
    "conn.error.file_no_folders": {
        "en": "Database files cannot be opened here yet: no folder is allowed for them. Ask the "
              "administrator to add the folder that holds {path} to [database] allowed_folders "
              "in .streamlit/secrets.toml (or to the SEG_DB_FOLDERS environment variable) and "
              "restart the app.",
        "zh": "目前不能在这里打开数据库文件：尚未允许任何文件夹。请管理员将存放 {path} 的文件夹"
              "加入 .streamlit/secrets.toml 的 [database] allowed_folders"
              "（或环境变量 SEG_DB_FOLDERS），然后重启应用。",
    },
    "conn.error.file_not_allowed": {
        "en": "The file {path} is outside the folders this app may open database files from "
              "({folders}). Put the file into one of them, or ask the administrator to add its "
              "folder to [database] allowed_folders in .streamlit/secrets.toml (or to "
              "SEG_DB_FOLDERS).",
        "zh": "文件 {path} 不在本应用允许打开数据库文件的文件夹中（{folders}）。"
              "请将文件放入其中一个文件夹，或请管理员将其所在文件夹加入 .streamlit/secrets.toml 的 "
              "[database] allowed_folders（或 SEG_DB_FOLDERS）。",
    },
    "conn.error.file_system": {
        "en": "{path} is a system path (/proc, /dev, /sys): database files are never opened from "
              "there. Enter the path of a SQLite or DuckDB file in an allowed folder.",
        "zh": "{path} 是系统路径（/proc、/dev、/sys）：数据库文件绝不会从这些位置打开。"
              "请输入位于允许文件夹中的 SQLite 或 DuckDB 文件路径。",
    },
    "conn.error.file_workspace": {
        "en": "{path} is inside the app's own workspace folder, which holds its settings and "
              "saved connections: it is never opened as a company database. Choose the "
              "company's own database file.",
        "zh": "{path} 位于本应用自己的工作区文件夹中，其中存放着应用的设置和已保存的连接："
              "它不会被当作公司数据库打开。请选择公司自己的数据库文件。",
    },
    "conn.error.file_missing": {
        "en": "There is no database file at {path}. Check the path for typing errors.",
        "zh": "路径 {path} 处没有数据库文件。请检查路径是否拼写正确。",
    },
    "conn.error.forbidden_function": {
        "en": "The SELECT calls {function}(), which this app does not allow: a custom SELECT "
              "may only use aggregate, date, text, math, conditional and cast functions "
              "(sum, count, date_trunc, lower, round, coalesce, CAST …), nothing that acts "
              "on the server (locks, files, other sessions or settings). Remove it from the "
              "query.",
        "zh": "该 SELECT 调用了 {function}()，本应用不允许使用：自定义 SELECT 只能使用聚合、日期、"
              "文本、数学、条件和类型转换函数（sum、count、date_trunc、lower、round、coalesce、"
              "CAST 等），不能使用作用于服务器的函数（锁、文件、其他会话或设置）。"
              "请从查询中删除它。",
    },
    "conn.error.forbidden_table": {
        "en": "The SELECT reads “{table}”, which is not a table or view of the connected "
              "schema: a custom SELECT may only read the schema's own tables, never the "
              "server's catalogs (pg_catalog, information_schema, mysql …). Choose a table "
              "of the list.",
        "zh": "该 SELECT 读取了“{table}”，它不是所连接 schema 中的表或视图：自定义 SELECT "
              "只能读取该 schema 自己的表，不能读取服务器的系统目录"
              "（pg_catalog、information_schema、mysql 等）。请选择列表中的表。",
    },
    "conn.error.forbidden_sql": {
        "en": "The SELECT uses “{what}”, which a custom SELECT may not contain: no user "
              "variables (@x, :=), parameters, INTO, FOR UPDATE, nested WITH, table "
              "functions or catalog types. Write it as a plain SELECT over the schema's "
              "tables.",
        "zh": "该 SELECT 使用了“{what}”，自定义 SELECT 不允许包含它：不得使用用户变量"
              "（@x、:=）、参数、INTO、FOR UPDATE、嵌套 WITH、表函数或系统类型。"
              "请改写为对该 schema 中的表的普通 SELECT。",
    },
    "conn.error.custom_select_unsupported": {
        "en": "Custom SELECTs cannot be checked for a {dialect} database: choose tables or "
              "views, or ask the database administrator for a view that holds the rows.",
        "zh": "无法检查 {dialect} 数据库的自定义 SELECT：请选择表或视图，"
              "或请数据库管理员建立包含这些数据的视图。",
    },
    "conn.error.custom_select_privileged": {
        "en": "Custom SELECTs are refused for the database user “{user}”: it holds {rights} "
              "(a superuser, or may read or write the server's files or stop other "
              "sessions), so a SELECT could reach beyond the data. Choose tables or views "
              "instead, or have the database administrator create a read-only user and "
              "connect as it: {grants} (see “A read-only database user” in the README).",
        "zh": "数据库用户“{user}”不能使用自定义 SELECT：它拥有 {rights}"
              "（超级用户，或可以读写服务器上的文件、终止其他会话），SELECT 可能越出数据范围。"
              "请改为选择表或视图，或请数据库管理员创建只读用户并用它连接：{grants}"
              "（见 README 的“A read-only database user”一节）。",
    },
    "conn.risk.superuser": {
        "en": "Careful: the user “{user}” is a database superuser (or may read the server's "
              "files). The app keeps its sessions read-only and refuses dangerous functions, "
              "but a superuser can get around such limits. Connect as a user that may only "
              "SELECT the tables the dashboard needs.",
        "zh": "注意：用户“{user}”是数据库超级用户（或可以读取服务器上的文件）。"
              "本应用的会话保持只读并拒绝危险函数，但超级用户可以绕过这些限制。"
              "请改用只能对仪表板所需的表执行 SELECT 的用户连接。",
    },
    "conn.risk.can_write": {
        "en": "Careful: the user “{user}” may change data or tables in this database. The app "
              "only reads (its sessions are read-only), but a user that may only SELECT is "
              "the safer choice: ask your database administrator for one.",
        "zh": "注意：用户“{user}”可以修改该数据库中的数据或表结构。本应用只读取数据"
              "（会话为只读），但只能执行 SELECT 的用户更安全：请向数据库管理员申请这样的用户。",
    },
    "conn.error.other": {
        "en": "The database {target} reported an error: {detail}",
        "zh": "数据库 {target} 报告了一个错误：{detail}",
    },
})
