"""Messages of the file readers' problems (English and Chinese)."""

from __future__ import annotations

from .. import i18n

i18n.register({
    "table.file": {"en": "file", "zh": "文件"},
    "problem.file_not_found": {
        "en": "The file '{file}' does not exist. Check the path.",
        "zh": "文件“{file}”不存在，请检查路径。",
    },
    "problem.unsupported_format": {
        "en": "The file '{file}' has an unsupported type '{suffix}'. Use CSV (.csv, .txt, .tsv), "
              "Excel (.xlsx, .xlsm) or Parquet (.parquet); save old .xls workbooks as .xlsx "
              "first.",
        "zh": "文件“{file}”的类型“{suffix}”不受支持。请使用 CSV（.csv、.txt、.tsv）、"
              "Excel（.xlsx、.xlsm）或 Parquet（.parquet）文件；旧版 .xls 工作簿请先另存为 .xlsx。",
    },
    "problem.empty_file": {
        "en": "The file '{file}' is empty: it has no data rows. Check that you picked the right "
              "file or sheet.",
        "zh": "文件“{file}”是空的，没有任何数据行。请确认选择了正确的文件或工作表。",
    },
    "problem.unreadable_file": {
        "en": "The file '{file}' could not be read as {kind} ({reason}). Check that it is not "
              "damaged or password-protected and that its type matches its name.",
        "zh": "无法按 {kind} 格式读取文件“{file}”（{reason}）。请确认文件未损坏、未加密，"
              "且扩展名与实际格式一致。",
    },
    "problem.unreadable_encoding": {
        "en": "The file '{file}' could not be decoded as text (tried {tried}). Save it as "
              "\"CSV UTF-8\", or choose its encoding (for example gbk) explicitly.",
        "zh": "无法识别文件“{file}”的文字编码（已尝试 {tried}）。请将其另存为“CSV UTF-8”，"
              "或手动指定编码（例如 gbk）。",
    },
    "problem.sheet_not_found": {
        "en": "The workbook '{file}' has no sheet {sheet}. Its sheets are: {sheets}.",
        "zh": "工作簿“{file}”中没有工作表 {sheet}。现有工作表：{sheets}。",
    },
    "problem.html_file": {
        "en": "The file '{file}' is a web page (HTML), not a table: the browser probably saved "
              "the page that links to the download instead of the file itself. Download the "
              "file again (for example right-click the link and choose \"Save link as\"), or "
              "export it from the system as CSV or Excel.",
        "zh": "文件“{file}”是一个网页（HTML），不是数据表：浏览器保存的可能是下载链接所在的页面，"
              "而不是文件本身。请重新下载该文件（例如右键点击链接选择“链接另存为”），"
              "或从系统中导出 CSV 或 Excel 文件。",
    },
    "problem.legacy_excel": {
        "en": "The file '{file}' is an old Excel 97-2003 workbook (.xls), which this app cannot "
              "read. Open it in Excel (or WPS / LibreOffice), choose \"Save As\" → \"Excel "
              "Workbook (*.xlsx)\" or \"CSV UTF-8\", and load that file.",
        "zh": "文件“{file}”是旧版 Excel 97-2003 工作簿（.xls），本应用无法读取。"
              "请用 Excel（或 WPS、LibreOffice）打开，选择“另存为”→“Excel 工作簿（*.xlsx）”"
              "或“CSV UTF-8”，再上传新文件。",
    },
    "problem.csv_open_quote": {
        "en": "The file '{file}': the double quote (\") opened on line {line} is never closed, "
              "so everything after it would be read as one value. Add the closing quote or "
              "remove the stray one on that line, then load the file again.",
        "zh": "文件“{file}”：第 {line} 行的英文双引号（\"）没有闭合，其后的所有内容都会被当作"
              "一个值读取。请在该行补上闭合的引号或删除多余的引号，然后重新上传。",
    },
    "problem.workbook_too_large": {
        "en": "The workbook '{file}' unpacks to {size} MB of data (the file itself is {packed} "
              "MB); workbooks are read up to {limit} MB unpacked. Reading it would take "
              "minutes and much memory. Save the table as CSV (or Parquet) and load that, or "
              "split the workbook.",
        "zh": "工作簿“{file}”解压后有 {size} MB 数据（文件本身 {packed} MB）；"
              "工作簿解压后最多读取 {limit} MB。读取它将耗时数分钟并占用大量内存。"
              "请将数据表另存为 CSV（或 Parquet）后上传，或拆分该工作簿。",
    },
    "problem.workbook_compression": {
        "en": "The workbook '{file}' is compressed {ratio}:1 ({packed} MB unpacking to {size} "
              "MB), far beyond what real spreadsheets reach (at most {limit}:1 is accepted); it "
              "was not opened, as such files are built to exhaust memory (a \"zip bomb\"). If "
              "the data is genuine, save it as CSV and load that.",
        "zh": "工作簿“{file}”的压缩比为 {ratio}:1（{packed} MB 解压为 {size} MB），"
              "远超真实电子表格的水平（最多接受 {limit}:1）；这类文件通常是为耗尽内存而构造的"
              "（“压缩炸弹”），因此未打开。如果数据确实无误，请另存为 CSV 后上传。",
    },
    "problem.workbook_too_many_rows": {
        "en": "The workbook '{file}' has {count} rows ({sheets}); at most {limit} rows are read "
              "from Excel workbooks. Save the table as CSV (or Parquet), which has no such "
              "limit and reads much faster, and load that.",
        "zh": "工作簿“{file}”共有 {count} 行（{sheets}）；Excel 工作簿最多读取 {limit} 行。"
              "请将数据表另存为 CSV（或 Parquet，无此限制且读取快得多）后上传。",
    },
    "problem.workbook_rows_counted": {
        "en": "The workbook '{file}' holds more than {limit} rows (counted while reading, up "
              "to sheet '{sheet}'), although its sheets declare fewer; at most {limit} rows "
              "are read from Excel workbooks. Save the table as CSV (or Parquet), which has "
              "no such limit and reads much faster, and load that.",
        "zh": "工作簿“{file}”实际超过 {limit} 行（读取时计数，至工作表“{sheet}”），"
              "尽管其工作表声明的行数更少；Excel 工作簿最多读取 {limit} 行。"
              "请将数据表另存为 CSV（或 Parquet，无此限制且读取快得多）后上传。",
    },
    "problem.parquet_too_large": {
        "en": "The Parquet file '{file}' decodes to {size} MB of data (the file itself is "
              "{packed} MB); Parquet files are read up to {limit} MB decoded. Such a file "
              "would exhaust the memory. Split it into smaller files, or leave out columns "
              "that are not needed (long texts).",
        "zh": "Parquet 文件“{file}”解码后有 {size} MB 数据（文件本身 {packed} MB）；"
              "Parquet 文件解码后最多读取 {limit} MB，否则会耗尽内存。"
              "请将其拆分为较小的文件，或去掉不需要的列（长文本）。",
    },
    "problem.parquet_too_many_rows": {
        "en": "The Parquet file '{file}' has {count} rows; at most {limit} rows are read from "
              "one file. Split it into smaller files, or connect the database that holds the "
              "data instead.",
        "zh": "Parquet 文件“{file}”共有 {count} 行；单个文件最多读取 {limit} 行。"
              "请将其拆分为较小的文件，或直接连接存放这些数据的数据库。",
    },
    "problem.bad_secrets_file": {
        "en": "the file '{file}' is not valid TOML (line {line}, column {col}). Fix that line "
              "(compare it with the example in the README, \"Connect the company database\"); "
              "until then its connections are ignored.",
        "zh": "文件“{file}”不是有效的 TOML（第 {line} 行第 {col} 列）。请修正该行（可对照 "
              "README 中“连接公司数据库”一节的示例）；修正之前，其中的连接将被忽略。",
    },
    "problem.secrets_not_utf8": {
        "en": "the file '{file}' is not UTF-8 text. Save it as UTF-8; until then its "
              "connections are ignored.",
        "zh": "文件“{file}”不是 UTF-8 文本。请以 UTF-8 编码保存；修正之前，其中的连接将被忽略。",
    },
    "problem.csv_field_count": {
        "en": "The file '{file}': line {line} has {found} fields but the header has {expected}. "
              "A value probably contains the separator {sep}; put such values in double quotes "
              "or choose another separator.",
        "zh": "文件“{file}”：第 {line} 行有 {found} 个字段，而表头只有 {expected} 个。"
              "可能某个值中含有分隔符 {sep}；请给这类值加上英文双引号，或改用其他分隔符。",
    },
})
