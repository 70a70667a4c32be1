"""User-facing strings of the Streamlit app (the library registers its own)."""

from segmentation import i18n

i18n.register({
    "app.title": {"en": "Customer tiering", "zh": "客户分层管理"},
    "app.language": {"en": "Language / 语言", "zh": "Language / 语言"},
    "nav.section.analysis": {"en": "Analysis", "zh": "分析"},
    "nav.section.data": {"en": "Data", "zh": "数据"},
    "nav.overview": {"en": "Overview", "zh": "总览"},
    "nav.data": {"en": "Data", "zh": "数据管理"},
    # sidebar
    "side.source": {"en": "Data in use", "zh": "当前数据"},
    "side.source.sample": {"en": "Sample branch network", "zh": "示例网点数据"},
    "side.source.upload": {"en": "Uploaded: {label}", "zh": "已上传：{label}"},
    "side.source.cli": {"en": "Batch load", "zh": "批量导入"},
    "side.source.database": {"en": "Database: {label}", "zh": "数据库：{label}"},
    "side.source.summary": {
        "en": "{customers} customers · {rows} shipments  \n{start} – {end}",
        "zh": "{customers} 位客户 · {rows} 笔交易  \n{start} 至 {end}",
    },
    "side.as_of": {"en": "Analysis date", "zh": "分析日期"},
    "side.as_of.help": {
        "en": "Figures are computed as if today were this date. Defaults to the last "
              "date in the data; later records are ignored.",
        "zh": "所有指标按该日期计算，默认为数据中的最后日期；该日期之后的记录不计入。",
    },
    "side.filters": {"en": "Filters", "zh": "筛选"},
    "side.filters.help": {
        "en": "Every page shows only the customers that match. Leave empty for all.",
        "zh": "所有页面只显示符合条件的客户；留空表示全部。",
    },
    "side.filters.clear": {"en": "Clear filters", "zh": "清除筛选"},
    "side.filters.active": {"en": "{n} of {total} customers match the filters",
                            "zh": "符合筛选条件的客户：{n} / {total}"},
    "filter.region": {"en": "Region", "zh": "区域"},
    "filter.branch": {"en": "Branch", "zh": "网点"},
    "filter.customer_type": {"en": "Customer type", "zh": "客户类型"},
    "filter.area_type": {"en": "Urban / rural", "zh": "城乡"},
    "filter.all": {"en": "All", "zh": "全部"},
    "value.enterprise": {"en": "Enterprise", "zh": "企业客户"},
    "value.individual": {"en": "Individual", "zh": "个人客户"},
    "value.urban": {"en": "Urban", "zh": "城市"},
    "value.rural": {"en": "Rural", "zh": "农村"},
    "common.loading": {"en": "Preparing the customer view…", "zh": "正在计算客户视图…"},
    "common.no_customers": {
        "en": "No customer matches the current filters. Widen or clear the filters in the "
              "sidebar.",
        "zh": "没有符合当前筛选条件的客户，请在侧边栏放宽或清除筛选。",
    },
    "common.no_data": {
        "en": "No dataset is loaded. Open the Data page to upload files.",
        "zh": "尚未加载数据，请到“数据管理”页面上传文件。",
    },
    "common.download_csv": {"en": "Download CSV", "zh": "下载 CSV"},
    # overview
    "ov.title": {"en": "Overview", "zh": "总览"},
    "ov.caption": {
        "en": "Last {days} days up to {as_of}, compared with the {days} days before.",
        "zh": "截至 {as_of} 的近 {days} 天，与之前 {days} 天对比。",
    },
    "ov.metric.customers": {"en": "Customers", "zh": "客户数"},
    "ov.metric.customers.help": {
        "en": "Customers with at least one shipment up to the analysis date. The change "
              "compares with the customers who had already shipped {days} days earlier.",
        "zh": "截至分析日期至少寄过一次件的客户；变化与 {days} 天前的客户数对比。",
    },
    "ov.metric.active_customers": {"en": "Active customers", "zh": "活跃客户"},
    "ov.metric.active_customers.help": {
        "en": "Customers who shipped at least once in the last {days} days.",
        "zh": "近 {days} 天内至少寄件一次的客户。",
    },
    "ov.metric.revenue": {"en": "Revenue", "zh": "收入"},
    "ov.metric.revenue.help": {
        "en": "Net revenue in the last {days} days (refunds deducted), in yuan.",
        "zh": "近 {days} 天净收入（已扣除退款），单位：元。",
    },
    "ov.metric.shipments": {"en": "Shipments", "zh": "寄件量"},
    "ov.metric.shipments.help": {
        "en": "Shipments (transactions with a positive amount) in the last {days} days.",
        "zh": "近 {days} 天的寄件笔数（金额为正的交易）。",
    },
    "ov.metric.avg_satisfaction": {"en": "Avg. satisfaction", "zh": "平均满意度"},
    "ov.metric.avg_satisfaction.help": {
        "en": "Mean survey score in the last {days} days.",
        "zh": "近 {days} 天满意度调查的平均得分。",
    },
    "ov.metric.at_risk": {"en": "Customers at risk", "zh": "流失预警客户"},
    "ov.metric.at_risk.help": {
        "en": "Customers with a churn warning (risk 50% or more), as on the Churn warnings page.",
        "zh": "流失风险不低于 50% 的预警客户，与“流失预警”页面一致。",
    },
    "ov.metric.at_risk.running": {"en": "Checking the churn warnings…",
                                  "zh": "正在计算流失预警…"},
    "ov.metric.at_risk.unavailable": {
        "en": "Churn warnings cannot be computed from this data; the Churn warnings page says "
              "what is missing.",
        "zh": "当前数据无法计算流失预警；“流失预警”页面会说明缺少什么。",
    },
    "ov.metric.at_risk.why": {"en": "Why: see the Churn warnings page",
                              "zh": "原因：查看“流失预警”页面"},
    "ov.no_surveys": {
        "en": "Upload a surveys table on the Data page to see satisfaction here.",
        "zh": "在“数据管理”页面上传满意度调查表后，此处将显示满意度。",
    },
    "ov.trend.title": {"en": "Monthly shipments and revenue", "zh": "每月寄件量与收入"},
    "ov.trend.month": {"en": "Month", "zh": "月份"},
    "ov.trend.shipments": {"en": "Shipments", "zh": "寄件量（笔）"},
    "ov.trend.revenue": {"en": "Revenue (¥)", "zh": "收入（元）"},
    "ov.trend.partial": {
        "en": "The last month is incomplete (data up to {as_of}).",
        "zh": "最后一个月数据不完整（截至 {as_of}）。",
    },
    "ov.sat.title": {"en": "Monthly average satisfaction", "zh": "每月平均满意度"},
    "ov.sat.axis": {"en": "Average score", "zh": "平均得分"},
    "ov.by_region": {"en": "By region", "zh": "按区域"},
    "ov.by_branch": {"en": "By branch", "zh": "按网点"},
    "ov.region.chart": {
        "en": "Revenue by region, last {days} days",
        "zh": "各区域近 {days} 天收入",
    },
    "ov.col.region": {"en": "Region", "zh": "区域"},
    "ov.col.branch": {"en": "Branch", "zh": "网点"},
    "ov.col.customers": {"en": "Customers", "zh": "客户数"},
    "ov.col.active_customers": {"en": "Active", "zh": "活跃客户"},
    "ov.col.revenue": {"en": "Revenue (¥)", "zh": "收入（元）"},
    "ov.col.revenue_change": {"en": "vs previous", "zh": "环比"},
    "ov.col.shipments": {"en": "Shipments", "zh": "寄件量"},
    "ov.col.avg_satisfaction": {"en": "Satisfaction", "zh": "满意度"},
    "ov.col.share": {"en": "Revenue share", "zh": "收入占比"},
    "ov.no_region": {
        "en": "Upload a customers table with a region column to compare regions.",
        "zh": "上传含“区域”列的客户资料表后，可按区域对比。",
    },
    "ov.no_branch": {
        "en": "The data has no branch column, so branches cannot be compared.",
        "zh": "数据中没有“网点”列，无法按网点对比。",
    },
    # data page
    "data.title": {"en": "Data", "zh": "数据管理"},
    "data.current": {"en": "Dataset in use", "zh": "当前使用的数据"},
    "data.loaded_at": {"en": "Loaded {when} (UTC)", "zh": "加载时间 {when}（UTC）"},
    "data.rows": {"en": "Rows", "zh": "行数"},
    "data.table": {"en": "Table", "zh": "数据表"},
    "data.status": {"en": "Status", "zh": "状态"},
    "data.unlocks": {"en": "Unlocks", "zh": "可用功能"},
    "data.loaded": {"en": "loaded", "zh": "已加载"},
    "data.missing": {"en": "not loaded", "zh": "未加载"},
    "data.unlock.transactions": {
        "en": "Overview, tiers, clusters, churn warnings",
        "zh": "总览、客户分级、聚类画像、流失预警",
    },
    "data.unlock.customers": {
        "en": "Region, customer type and urban/rural filters and breakdowns",
        "zh": "按区域、客户类型、城乡筛选与对比",
    },
    "data.unlock.surveys": {
        "en": "Satisfaction trends and drivers; satisfaction signals in churn warnings",
        "zh": "满意度趋势与驱动因素；流失预警中的满意度信号",
    },
    "data.unlock.complaints": {
        "en": "Complaint analysis; complaint signals in churn warnings",
        "zh": "投诉分析；流失预警中的投诉信号",
    },
    "data.summary.customers": {"en": "Customers", "zh": "客户数"},
    "data.summary.range": {"en": "Date range", "zh": "日期范围"},
    "data.summary.branches": {"en": "Branches", "zh": "网点数"},
    "data.summary.shipments": {"en": "Shipments", "zh": "交易笔数"},
    "data.new": {"en": "Load new data", "zh": "导入新数据"},
    "data.new.help": {
        "en": "CSV (UTF-8, GBK or UTF-16), Excel (.xlsx) or Parquet, up to {mb} MB per file. Only "
              "the transactions table is required. Column names in English or Chinese are "
              "recognised; check the mapping below before loading. For larger data, connect "
              "the database or use the batch command line.",
        "zh": "支持 CSV（UTF-8、GBK 或 UTF-16）、Excel（.xlsx）和 Parquet，每个文件不超过 {mb} MB。"
              "只有交易明细表是必需的。可识别中英文列名，导入前请检查下方的列映射。"
              "更大的数据请连接数据库或使用批处理命令行。",
    },
    "data.mode": {"en": "Where does the data come from?", "zh": "数据从哪里来？"},
    "data.mode.files": {"en": "One file per table", "zh": "每个表一个文件"},
    "data.mode.workbook": {"en": "One Excel workbook, one sheet per table",
                           "zh": "一个 Excel 工作簿，每个表一个工作表"},
    "data.upload": {"en": "{table} file", "zh": "{table}文件"},
    "data.upload.required": {"en": "{table} file (required)", "zh": "{table}文件（必需）"},
    "data.upload.workbook": {"en": "Excel workbook", "zh": "Excel 工作簿"},
    "data.workbook.sheets": {"en": "Sheets found: {found}", "zh": "识别到的工作表：{found}"},
    "data.workbook.unplaced": {
        "en": "Sheets not recognised as a table and skipped: {sheets}. Rename a sheet to "
              "transactions, customers, surveys or complaints (or 交易明细, 客户资料, 满意度调查, "
              "投诉记录) to include it.",
        "zh": "以下工作表未能识别，已跳过：{sheets}。如需导入，请将工作表命名为 "
              "交易明细、客户资料、满意度调查 或 投诉记录"
              "（或英文 transactions、customers、surveys、complaints）。",
    },
    "data.encoding": {"en": "Text encoding", "zh": "文本编码"},
    "data.encoding.auto": {"en": "Detect automatically", "zh": "自动检测"},
    "data.sheet": {"en": "Sheet", "zh": "工作表"},
    "data.preview": {"en": "Preview of {table} ({rows} rows)", "zh": "{table}预览（共 {rows} 行）"},
    "data.mapping": {"en": "Column mapping for {table}", "zh": "{table}列映射"},
    "data.mapping.help": {
        "en": "For each field, the column of your file that holds it, guessed from the "
              "headers. Correct a guess if it is wrong. Required: {required}; the other "
              "fields unlock more analysis when present.",
        "zh": "每个字段对应文件中的哪一列，已根据列名自动识别；如有误请修改。必需字段：{required}；"
              "其余字段如有提供，可解锁更多分析。",
    },
    "data.mapping.none": {"en": "— not in this file —", "zh": "— 文件中没有 —"},
    "data.mapping.field_required": {"en": "{field} (required)", "zh": "{field}（必需）"},
    "data.mapping.clash": {
        "en": "{table}: the column '{header}' is chosen for both {first} and {second}. "
              "Choose it for one field only.",
        "zh": "{table}：列“{header}”同时被选为“{first}”和“{second}”，每列只能对应一个字段。",
    },
    "data.read_error": {"en": "This file could not be read: {message}",
                        "zh": "无法读取该文件：{message}"},
    "data.load": {"en": "Validate and load", "zh": "校验并导入"},
    "data.load.need_transactions": {
        "en": "Add a transactions file first: it is the one required table.",
        "zh": "请先添加交易明细文件，这是唯一必需的数据表。",
    },
    "data.status.running": {"en": "Loading…", "zh": "正在导入…"},
    "data.status.validating": {"en": "Checking {table}…", "zh": "正在校验{table}…"},
    "data.status.writing": {"en": "Saving to the workspace…", "zh": "正在写入工作区…"},
    "data.status.done": {"en": "Loaded", "zh": "导入完成"},
    "data.status.failed": {"en": "Not loaded: the data has problems",
                           "zh": "未导入：数据存在问题"},
    "data.failed": {
        "en": "Nothing was loaded; the previous dataset is still in use. Fix these problems "
              "and try again:",
        "zh": "未导入任何数据，仍在使用之前的数据。请修正以下问题后重试：",
    },
    "data.success": {"en": "Loaded. Every page now uses the new data.",
                     "zh": "导入成功，所有页面已切换为新数据。"},
    "data.warnings": {"en": "Loaded with {n} notes", "zh": "导入完成，有 {n} 条提示"},
    "data.problem.table": {"en": "Table", "zh": "数据表"},
    "data.problem.column": {"en": "Column", "zh": "列"},
    "data.problem.rows": {"en": "Rows", "zh": "行数"},
    "data.problem.message": {"en": "What to do", "zh": "说明"},
    "data.restore_sample": {"en": "Go back to the sample data", "zh": "恢复示例数据"},
    "data.restored": {"en": "The sample data is in use again.", "zh": "已恢复示例数据。"},
    "data.size_limit": {
        "en": "Files larger than {mb} MB are refused by the uploader. Split the file by year, "
              "save it as Parquet (much smaller) or use the batch command line. Excel "
              "workbooks are read up to {rows} rows and {wb_mb} MB unpacked; old .xls "
              "workbooks are accepted only to explain how to save them as .xlsx.",
        "zh": "超过 {mb} MB 的文件无法上传。请按年份拆分、另存为 Parquet（体积更小），"
              "或使用批处理命令行。Excel 工作簿最多读取 {rows} 行、解压后 {wb_mb} MB；"
              "旧版 .xls 工作簿可以上传，但只会提示如何另存为 .xlsx。",
    },
    "data.date_order": {"en": "Dates written like 01/03/2024 are", "zh": "形如 01/03/2024 的日期是"},
    "data.date_order.help": {
        "en": "A date column of the upload writes dates as a/b/yyyy and no date in it has a "
              "day above 12, so the order cannot be told from the data. Choose it here; left "
              "on automatic, month/day is used and the load report says so.",
        "zh": "上传数据中有日期列使用 a/b/yyyy 格式，且其中没有大于 12 的日，无法从数据判断顺序。"
              "请在此选择；保持自动时按“月/日”读取，导入报告中会注明。",
    },
    "data.date_order.auto": {"en": "automatic (month/day, stated)", "zh": "自动（按月/日，并注明）"},
    "data.date_order.day": {"en": "day/month: 01/03/2024 = 1 March",
                            "zh": "日/月：01/03/2024 = 3月1日"},
    "data.date_order.month": {"en": "month/day: 01/03/2024 = 3 January",
                              "zh": "月/日：01/03/2024 = 1月3日"},
    "data.secrets_error": {
        "en": "The database connections in the secrets file are not available: {message}",
        "zh": "密钥文件中的数据库连接不可用：{message}",
    },
})

#: canonical column -> label, for the mapping editor (English / Chinese)
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "customer_id": {"en": "customer ID", "zh": "客户编号"},
    "date": {"en": "date", "zh": "日期"},
    "amount": {"en": "amount", "zh": "金额"},
    "quantity": {"en": "quantity", "zh": "件数"},
    "weight_kg": {"en": "weight (kg)", "zh": "重量（kg）"},
    "service": {"en": "service", "zh": "业务类型"},
    "channel": {"en": "channel", "zh": "渠道"},
    "branch": {"en": "branch", "zh": "网点"},
    "destination": {"en": "destination", "zh": "目的地"},
    "name": {"en": "name", "zh": "名称"},
    "phone": {"en": "phone", "zh": "电话"},
    "customer_type": {"en": "customer type", "zh": "客户类型"},
    "region": {"en": "region", "zh": "区域"},
    "area_type": {"en": "urban / rural", "zh": "城乡"},
    "signup_date": {"en": "signup date", "zh": "开户日期"},
    "account_manager": {"en": "account manager", "zh": "客户经理"},
    "score": {"en": "overall score", "zh": "总体评分"},
    "speed": {"en": "speed score", "zh": "时效评分"},
    "attitude": {"en": "attitude score", "zh": "服务态度评分"},
    "accuracy": {"en": "accuracy score", "zh": "准确性评分"},
    "price": {"en": "price score", "zh": "价格评分"},
    "convenience": {"en": "convenience score", "zh": "便利性评分"},
    "comment": {"en": "comment", "zh": "评价内容"},
    "category": {"en": "complaint category", "zh": "投诉类别"},
    "complaint_id": {"en": "complaint ID", "zh": "投诉编号"},
    "severity": {"en": "severity", "zh": "严重程度"},
    "status": {"en": "status", "zh": "处理状态"},
    "resolved_date": {"en": "resolved date", "zh": "解决日期"},
}
