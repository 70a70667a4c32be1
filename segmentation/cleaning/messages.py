"""Messages of the cleaning problems (English and Chinese), one per problem code."""

from __future__ import annotations

from .. import i18n

_ROW_RULE = ("These rows are skipped; if more than 20% of the rows are affected the table is "
             "not loaded.")
_ROW_RULE_ZH = "这些行已跳过；若超过 20% 的行有此问题，该表将不予加载。"

i18n.register({
    "problem.missing_columns": {
        "en": "{table}: the required column '{column}' was not found. Closest headers in the "
              "file: {suggestions}. Choose the right one in the column mapping, or rename the "
              "header to '{column}' or '{zh_name}'.",
        "zh": "{table}：找不到必需的列“{zh_name}”（{column}）。文件中最接近的列：{suggestions}。"
              "请在列映射中选择正确的列，或把表头改为“{zh_name}”或“{column}”。",
    },
    "problem.duplicate_mapping": {
        "en": "{table}: the columns {headers} are all mapped to '{column}'. Map only one of them "
              "to '{column}' and set the others to \"ignore\".",
        "zh": "{table}：列 {headers} 都被映射到了“{column}”。请只保留其中一列映射到“{column}”，"
              "其余设为“忽略”。",
    },
    "problem.unknown_target": {
        "en": "{table}: the column '{header}' is mapped to '{column}', which this table does not "
              "have. Choose one of: {valid}.",
        "zh": "{table}：列“{header}”被映射到“{column}”，但该表没有这一列。"
              "请从以下列中选择：{valid}。",
    },
    "problem.empty_table": {
        "en": "{table}: there are no data rows. Check that you chose the right file or sheet.",
        "zh": "{table}：没有任何数据行。请确认选择了正确的文件或工作表。",
    },
    "problem.no_transactions": {
        "en": "No transactions table was given. Load a file with the columns customer_id, date "
              "and amount (客户编号, 交易日期, 金额); the other tables are optional.",
        "zh": "缺少交易明细表。请上传包含客户编号、交易日期、金额（customer_id、date、amount）"
              "三列的文件；其他表可选。",
    },
    "problem.bad_dates": {
        "en": "{table}: column {col}: {rows} of {total} rows have a date that could not be read "
              "({examples}). Use a form such as 2024-03-01, 2024/3/1, 20240301 or 2024年3月1日. "
              + _ROW_RULE,
        "zh": "{table}：列 {col} 中有 {rows} 行（共 {total} 行）的日期无法识别（{examples}）。"
              "请使用 2024-03-01、2024/3/1、20240301 或 2024年3月1日 等格式。" + _ROW_RULE_ZH,
    },
    "problem.bad_numbers": {
        "en": "{table}: column {col}: {rows} of {total} rows have a value that is not a number "
              "({examples}). Write numbers such as 1234.5, 1,234.50 or ¥1,234.50. " + _ROW_RULE,
        "zh": "{table}：列 {col} 中有 {rows} 行（共 {total} 行）的值不是数字（{examples}）。"
              "请写成 1234.5、1,234.50 或 ¥1,234.50 这样的数字。" + _ROW_RULE_ZH,
    },
    "problem.missing_ids": {
        "en": "{table}: {rows} of {total} rows have no customer id in column {col} "
              "(rows {examples}). Fill in the customer id. " + _ROW_RULE,
        "zh": "{table}：有 {rows} 行（共 {total} 行）的客户编号（列 {col}）为空"
              "（第 {examples} 行）。请补全客户编号。" + _ROW_RULE_ZH,
    },
    "problem.missing_values": {
        "en": "{table}: column {col} is empty in {rows} of {total} rows (rows {examples}). "
              "Fill it in. " + _ROW_RULE,
        "zh": "{table}：列 {col} 有 {rows} 行（共 {total} 行）为空（第 {examples} 行）。请补全。"
              + _ROW_RULE_ZH,
    },
    "problem.bad_optional_dates": {
        "en": "{table}: column {col}: {rows} rows have a date that could not be read "
              "({examples}). Use a form such as 2024-03-01 or 2024/3/1; these values were left "
              "empty.",
        "zh": "{table}：列 {col} 中有 {rows} 行的日期无法识别（{examples}）。"
              "请使用 2024-03-01 或 2024/3/1 等格式；这些值已按空值处理。",
    },
    "problem.bad_optional_numbers": {
        "en": "{table}: column {col}: {rows} rows have a value that is not a number "
              "({examples}). Write numbers such as 1234.5; these values were left empty.",
        "zh": "{table}：列 {col} 中有 {rows} 行的值不是数字（{examples}）。"
              "请写成 1234.5 这样的数字；这些值已按空值处理。",
    },
    "problem.duplicate_rows": {
        "en": "{table}: {rows} rows are exact copies of an earlier row (rows {examples}) and were "
              "removed. If they are genuine repeat orders, include the time of day in the date "
              "so that they differ.",
        "zh": "{table}：有 {rows} 行与前面某行完全相同（第 {examples} 行），已删除。"
              "如果确实是重复下单，请在日期中带上具体时间以便区分。",
    },
    "problem.duplicate_customers": {
        "en": "{table}: {rows} rows repeat a customer id listed earlier ({examples}); only the "
              "first row of each customer was kept. List each customer once.",
        "zh": "{table}：有 {rows} 行的客户编号与前面的行重复（{examples}），"
              "每个客户只保留了第一行。请确保每个客户只出现一次。",
    },
    "problem.future_dates": {
        "en": "{table}: column {col}: {rows} rows are dated after the analysis date {as_of} "
              "({examples}). They were kept, but the analysis ignores them; check these dates "
              "or choose a later analysis date.",
        "zh": "{table}：列 {col} 中有 {rows} 行的日期晚于分析日期 {as_of}（{examples}）。"
              "这些行已保留，但分析时会忽略；请核对日期或选择更晚的分析日期。",
    },
    "problem.refunds": {
        "en": "{table}: column {col}: {rows} rows have a negative amount, {amount} in total "
              "({examples}). They were kept as refunds and reduce the customer's spend; if they "
              "are not refunds, correct the sign in the file.",
        "zh": "{table}：列 {col} 中有 {rows} 行金额为负数，合计 {amount}（{examples}）。"
              "这些行已作为退款保留，会抵减客户的消费额；如果不是退款，请在文件中更正符号。",
    },
    "problem.score_out_of_range": {
        "en": "{table}: column {col}: {rows} rows are outside the {low}–{high} scale that the "
              "other answers use ({examples}). They were kept; correct them if they are typing "
              "errors.",
        "zh": "{table}：列 {col} 中有 {rows} 行超出了其他答卷所用的 {low}–{high} 分制"
              "（{examples}）。这些行已保留；如为录入错误请更正。",
    },
    "problem.resolved_before_opened": {
        "en": "{table}: {rows} complaints were resolved before they were opened (column {col} is "
              "earlier than the complaint date; {examples}). They were kept; check the two dates.",
        "zh": "{table}：有 {rows} 条投诉的解决日期（列 {col}）早于投诉日期（{examples}）。"
              "这些行已保留；请核对这两个日期。",
    },
    "problem.scientific_ids": {
        "en": "{table}: column {col}: {rows} customer ids are written in scientific notation "
              "({examples}): a spreadsheet turned long numbers into values such as 1.2E+10 and "
              "lost their last digits, so different customers would merge into one. Nothing was "
              "loaded from this table. In Excel, format the id column as Text (or export it "
              "from the source system again) and save the file anew.",
        "zh": "{table}：列 {col} 中有 {rows} 个客户编号是科学计数法（{examples}）："
              "电子表格把长数字变成了 1.2E+10 这样的值并丢掉了末尾数字，不同客户会被合并成一个。"
              "此表未导入。请在 Excel 中把客户编号列设置为“文本”格式（或从源系统重新导出），"
              "再重新保存文件。",
    },
    "problem.formula_without_values": {
        "en": "{table}: column {col} holds {rows} Excel formulas without a calculated value "
              "(cells {examples}): the workbook was written by a program and never opened and "
              "saved in Excel, so these cells are empty when read. Open the workbook in Excel "
              "(or WPS / LibreOffice), save it, and load it again.",
        "zh": "{table}：列 {col} 中有 {rows} 个 Excel 公式没有计算结果（单元格 {examples}）："
              "该工作簿由程序生成，从未在 Excel 中打开并保存过，读取时这些单元格为空。"
              "请用 Excel（或 WPS、LibreOffice）打开并保存该工作簿后重新上传。",
    },
    "problem.control_characters": {
        "en": "{table}: column {col}: {rows} values contained {chars} invisible control "
              "characters such as NUL or vertical tab ({examples}). They were removed; values "
              "that differed only by them are now the same (one customer, not two).",
        "zh": "{table}：列 {col} 中有 {rows} 个值含有 {chars} 个不可见的控制字符"
              "（如 NUL、垂直制表符；{examples}）。这些字符已删除；仅因这些字符而不同的值现在视为"
              "相同（同一个客户）。",
    },
    "problem.competing_columns": {
        "en": "{table}: the columns {used} and {others} both look like '{column}' but hold "
              "different values; {used} was used and {others} ignored. If the other one is "
              "right, choose it in the column mapping, or remove the extra column from the file.",
        "zh": "{table}：列 {used} 和 {others} 看起来都是“{column}”，但内容不同；"
              "已使用 {used}，忽略了 {others}。如果另一列才是正确的，请在列映射中选择它，"
              "或从文件中删除多余的列。",
    },
    "problem.implausible_dates": {
        "en": "{table}: column {col}: {rows} of {total} rows are dated in the future (after "
              "{today}) or far after the other rows, which end on {bulk_end} ({examples}). "
              "These rows were set aside so that they do not become the analysis date and make "
              "every customer look lapsed; correct the dates and load again. If more than 20% "
              "of the rows are affected the table is not loaded.",
        "zh": "{table}：列 {col} 中有 {rows} 行（共 {total} 行）的日期在未来（晚于 {today}），"
              "或远晚于其他行（其他行截至 {bulk_end}）（{examples}）。"
              "这些行已暂不导入，以免它们被当作分析日期、让所有客户都显得已流失；"
              "请更正日期后重新上传。若超过 20% 的行有此问题，该表将不予加载。",
    },
    "problem.ambiguous_date_order": {
        "en": "{table}: column {col}: {rows} dates such as {examples} could be day/month or "
              "month/day, and no date in the column settles it; they were read as month/day "
              "(for example {sample} = {read}). If the file means day/month, choose that date "
              "order (on the Data page, or --date-order day-first in the batch command), or "
              "write the dates year first (2024-03-01).",
        "zh": "{table}：列 {col} 中有 {rows} 个日期（如 {examples}）既可理解为“日/月”也可理解为"
              "“月/日”，且该列中没有能确定顺序的日期；已按“月/日”读取（例如 {sample} = {read}）。"
              "如果文件的意思是“日/月”，请选择该日期顺序（在数据管理页面，或在批处理命令中使用 "
              "--date-order day-first），或把日期写成年份在前的格式（2024-03-01）。",
    },
    "problem.customers_unmatched": {
        "en": "{table}: none of its {customers} customer ids appears in the transactions "
              "(for example {examples}), so no customer gets its attributes (branch, type, "
              "region). Check that the right column is mapped as the customer id and that "
              "both files write the ids the same way (leading zeros, prefixes).",
        "zh": "{table}：其中的 {customers} 个客户编号没有一个出现在交易明细中（例如 {examples}），"
              "因此没有客户能获得其属性（网点、类型、区域）。请检查映射为客户编号的列是否正确，"
              "以及两个文件中的编号写法是否一致（前导零、前缀等）。",
    },
    "problem.unknown_customers": {
        "en": "{table}: {rows} rows belong to {customers} customer ids that have no transactions "
              "(for example {examples}). They were kept; check that the ids are written the "
              "same way in both files (leading zeros, prefixes).",
        "zh": "{table}：有 {rows} 行属于 {customers} 个在交易明细中不存在的客户编号"
              "（例如 {examples}）。这些行已保留；请检查两个文件中的客户编号写法是否一致"
              "（前导零、前缀等）。",
    },
})

i18n.register({
    "problem.ignored_sheets": {
        "en": "The workbook '{file}' has sheets that were not recognised as any table and were "
              "ignored: {sheets}. Rename them (for example 交易明细, 客户资料, 满意度调查, "
              "投诉记录) or load them separately.",
        "zh": "工作簿“{file}”中有未能识别为任何数据表的工作表，已忽略：{sheets}。"
              "请重命名（例如 交易明细、客户资料、满意度调查、投诉记录）或单独上传。",
    },
})
