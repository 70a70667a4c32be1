"""User-facing strings of the database connection (Data page and sidebar)."""

from segmentation import i18n

i18n.register({
    "data.mode.database": {"en": "Company database", "zh": "公司数据库"},
    "db.details": {"en": "What the database said", "zh": "数据库返回的信息"},
    # choosing a connection
    "db.intro": {
        "en": "Read the data where it lives: the figures are computed inside your database and "
              "only one row per customer comes to the app. The app only reads; it never changes "
              "your database.",
        "zh": "直接读取数据库中的数据：各项指标在数据库内部计算，每位客户只有一行结果传到本应用。"
              "本应用只读取，绝不修改您的数据库。",
    },
    "db.connection": {"en": "Connection", "zh": "连接"},
    "db.connection.new": {"en": "New connection…", "zh": "新建连接…"},
    "db.connection.secrets": {"en": "{name} (from secrets.toml)", "zh": "{name}（来自 secrets.toml）"},
    "db.connection.saved": {"en": "{name} (saved)", "zh": "{name}（已保存）"},
    "db.connection.help": {
        "en": "Connections named in .streamlit/secrets.toml under [connections.<name>] appear "
              "here, as do connections saved from this page.",
        "zh": "在 .streamlit/secrets.toml 的 [connections.<名称>] 中配置的连接，"
              "以及在本页保存的连接，都会列在这里。",
    },
    "db.driver": {"en": "Database type", "zh": "数据库类型"},
    "db.driver.postgresql": {"en": "PostgreSQL", "zh": "PostgreSQL"},
    "db.driver.mysql": {"en": "MySQL", "zh": "MySQL"},
    "db.driver.mariadb": {"en": "MariaDB", "zh": "MariaDB"},
    "db.driver.sqlite": {"en": "SQLite file", "zh": "SQLite 文件"},
    "db.driver.duckdb": {"en": "DuckDB file", "zh": "DuckDB 文件"},
    "db.driver.spark": {"en": "Apache Spark (Thrift server)", "zh": "Apache Spark（Thrift 服务）"},
    "db.host": {"en": "Host", "zh": "主机"},
    "db.port": {"en": "Port", "zh": "端口"},
    "db.database": {"en": "Database", "zh": "数据库名"},
    "db.file": {"en": "File path on the server", "zh": "服务器上的文件路径"},
    "db.file.folders": {"en": "Files are opened only from: {folders}",
                        "zh": "只能打开以下文件夹中的文件：{folders}"},
    "db.file.no_folders": {
        "en": "No folder is allowed for database files yet: the administrator lists them in "
              "[database] allowed_folders of .streamlit/secrets.toml (or SEG_DB_FOLDERS).",
        "zh": "尚未允许任何存放数据库文件的文件夹：请管理员在 .streamlit/secrets.toml 的 "
              "[database] allowed_folders（或 SEG_DB_FOLDERS）中列出。",
    },
    "db.user": {"en": "User", "zh": "用户名"},
    "db.password": {"en": "Password", "zh": "密码"},
    "db.password.help": {
        "en": "Kept only for this session unless you tick “Remember the password” when saving. "
              "It is never shown again.",
        "zh": "仅在本次会话中使用；除非保存时勾选“记住密码”。密码不会再次显示。",
    },
    "db.password.saved": {
        "en": "A password is saved for this connection. It is only used with this server, "
              "port, database and user: change any of them and type the password again.",
        "zh": "该连接已保存密码。它只用于这里的服务器、端口、数据库和用户："
              "修改其中任何一项，都需要重新输入密码。",
    },
    "db.schema": {"en": "Schema (optional)", "zh": "Schema（可选）"},
    "db.schema.help": {"en": "Where the tables are, e.g. public or sales. Empty: the default.",
                       "zh": "数据表所在的 schema，例如 public 或 sales；留空表示默认。"},
    "db.connect": {"en": "Connect", "zh": "连接"},
    "db.cancel": {"en": "Cancel", "zh": "取消"},
    "db.cancelled": {
        "en": "Cancelled: the database stopped the query. Nothing was changed. Queries also stop "
              "by themselves after {seconds} seconds, or when you press Stop at the top right.",
        "zh": "已取消：数据库已停止该查询，没有任何改动。查询超过 {seconds} 秒也会自动停止，"
              "您也可以点击右上角的“停止”。",
    },
    "db.connecting": {"en": "Connecting…", "zh": "正在连接…"},
    "db.connected": {"en": "Connected to {target}: {n} tables and views.",
                     "zh": "已连接 {target}：共 {n} 个表和视图。"},
    "db.no_tables": {
        "en": "Connected to {target}, but this user sees no tables or views there. Check the "
              "schema, or ask for read access.",
        "zh": "已连接 {target}，但该用户看不到任何表或视图。请检查 schema，或申请读取权限。",
    },
    # tables and mapping
    "db.tables": {"en": "Tables", "zh": "数据表"},
    "db.tables.help": {
        "en": "For each kind of data, pick the table or view that holds it, or write one "
              "SELECT. Only transactions are required.",
        "zh": "为每类数据选择存放它的表或视图，或编写一条 SELECT 查询。只有交易明细是必需的。",
    },
    "db.source": {"en": "{table}: table or view", "zh": "{table}：表或视图"},
    "db.source.none": {"en": "— not used —", "zh": "— 不使用 —"},
    "db.source.query": {"en": "Write a SELECT…", "zh": "编写 SELECT…"},
    "db.query": {"en": "SELECT for {table}", "zh": "{table}的 SELECT 查询"},
    "db.query.help": {
        "en": "One read-only SELECT (WITH … SELECT is fine). Rename or convert columns here, "
              "e.g. CAST(amount_text AS DECIMAL(18, 2)) AS amount.",
        "zh": "单条只读 SELECT（可以使用 WITH … SELECT）。可在此重命名或转换列，"
              "例如 CAST(amount_text AS DECIMAL(18, 2)) AS amount。",
    },
    "db.query.empty": {"en": "Write the SELECT, then press Ctrl+Enter.",
                       "zh": "请编写 SELECT 查询，然后按 Ctrl+Enter。"},
    "db.preview": {"en": "First rows of {table}", "zh": "{table}前几行"},
    "db.mapping.none": {"en": "— not in this table —", "zh": "— 该表中没有 —"},
    # saving and using
    "db.save": {"en": "Save this connection and its table mapping",
                "zh": "保存该连接及其表映射"},
    "db.save.name": {"en": "Name", "zh": "名称"},
    "db.save.password": {"en": "Remember the password (stored in the workspace folder)",
                         "zh": "记住密码（保存在工作区文件夹中）"},
    "db.use": {"en": "Check and use this database", "zh": "校验并使用该数据库"},
    "db.checking": {"en": "Checking the tables and counting rows…",
                    "zh": "正在校验数据表并统计行数…"},
    "db.in_use": {"en": "Every page now reads from {name}.", "zh": "所有页面现在都读取 {name}。"},
    "db.saved": {"en": "Saved as “{name}”.", "zh": "已保存为“{name}”。"},
    # the database in use
    "db.current": {
        "en": "Connected database **{name}** ({target}). Figures are computed inside the "
              "database; results are kept until you refresh or change the analysis date.",
        "zh": "已连接数据库 **{name}**（{target}）。指标在数据库内部计算；"
              "结果会保留，直到您刷新或更改分析日期。",
    },
    "db.status.mapped": {"en": "read in the database", "zh": "在数据库中读取"},
    "db.refresh": {"en": "Refresh from the database", "zh": "从数据库刷新"},
    "db.refreshed": {"en": "Refreshed: new rows in the database are now included.",
                     "zh": "已刷新：数据库中的新数据已纳入计算。"},
    "db.disconnect": {"en": "Stop using the database", "zh": "停止使用数据库"},
    "db.sql": {"en": "SQL that runs in the database", "zh": "在数据库中运行的 SQL"},
    "db.sql.help": {
        "en": "The one aggregation per table that builds the customer view (no credentials "
              "in it). Your administrator can review it or turn it into a view.",
        "zh": "构建客户视图时每张表运行的一条汇总查询（不含任何账号信息）。"
              "管理员可以审阅它，或将其建成视图。",
    },
    "db.sql.transactions": {"en": "Transactions → one row per customer",
                            "zh": "交易明细 → 每位客户一行"},
    "db.sql.branches": {"en": "Home branch per customer", "zh": "客户所属网点"},
    "db.sql.customers": {"en": "Customer attributes", "zh": "客户属性"},
    "db.sql.surveys": {"en": "Surveys → one row per customer", "zh": "满意度调查 → 每位客户一行"},
    "db.sql.complaints": {"en": "Complaints → one row per customer",
                          "zh": "投诉记录 → 每位客户一行"},
    "db.lost": {
        "en": "The connection to “{name}” was lost (the app restarted and its password was not "
              "saved). The workspace data is shown; reconnect on the Data page.",
        "zh": "与“{name}”的连接已断开（应用重启且未保存密码）。当前显示工作区数据；"
              "请在“数据”页面重新连接。",
    },
    # sidebar picker
    "side.source.pick": {"en": "Data source", "zh": "数据来源"},
    "side.source.workspace": {"en": "Workspace data ({label})", "zh": "工作区数据（{label}）"},
})
