"""The CLI's messages (``cli.*``), in English and Simplified Chinese."""

from __future__ import annotations

from .. import i18n

i18n.register({
    "cli.db.both": {
        "en": "use one of --database, --workspace or files (--transactions ...), not several",
        "zh": "请只使用 --database、--workspace 或文件（--transactions ...）其中之一",
    },
    "cli.db.need_input": {
        "en": "--transactions PATH is required (or --database NAME, or --workspace DIR)",
        "zh": "需要 --transactions 文件路径（或 --database 连接名，或 --workspace 工作区目录）",
    },
    "cli.workspace.empty": {
        "en": "--workspace {folder}: no dataset is loaded there; load one in the app, or "
              "give the files (--transactions ...)",
        "zh": "--workspace {folder}：该工作区尚未加载数据；请先在应用中加载，"
              "或直接提供文件（--transactions ...）",
    },
    "cli.db.unknown": {
        "en": "--database {name}: no [connections.{name}] in {secrets} and no connection of "
              "that name saved in {folder}",
        "zh": "--database {name}：{secrets} 中没有 [connections.{name}]，{folder} 中也没有保存"
              "该名称的连接",
    },
    "cli.db.no_password": {
        "en": "--database {name}: saved without its password; save it in the app with "
              "'Remember the password', or put it in {secrets} under [connections.{name}]",
        "zh": "--database {name}：保存时未记住密码；请在应用中勾选“记住密码”后保存，"
              "或把它写入 {secrets} 的 [connections.{name}]",
    },
    "cli.write_failed": {
        "en": "--out {path}: the file could not be written ({reason}); nothing was written",
        "zh": "--out {path}：无法写入文件（{reason}），未写入任何内容",
    },
    "cli.internal": {
        "en": "unexpected problem ({kind}: {reason}); no output file was written",
        "zh": "发生意外问题（{kind}：{reason}），未写入输出文件",
    },
    "cli.db.failed": {
        "en": "--database {name}: {message}",
        "zh": "--database {name}：{message}",
    },
})

i18n.register({
    "cli.user.unknown": {
        "en": "--as-user {name}: no such user (or the user is disabled) in {folder}",
        "zh": "--as-user {name}：{folder} 中没有该用户（或该用户已停用）",
    },
    "cli.user.no_store": {
        "en": "--as-user {name}: this installation keeps no users",
        "zh": "--as-user {name}：本安装未保存任何用户",
    },
    "cli.user.both": {
        "en": "use either --as-user or --scope-branch / --scope-region, not both",
        "zh": "请只使用 --as-user 或 --scope-branch / --scope-region 其中之一",
    },
    "cli.user.no_rows": {
        "en": "{name}: the {role} role sees aggregates only; no customer file is written",
        "zh": "{name}：{role}角色只能查看汇总数据，不生成客户明细文件",
    },
})

i18n.register({
    "cli.role.hq": {"en": "HQ analyst", "zh": "总部分析师"},
    "cli.role.regional": {"en": "regional lead", "zh": "区域负责人"},
    "cli.role.branch": {"en": "branch manager", "zh": "网点负责人"},
    "cli.role.viewer": {"en": "viewer", "zh": "只读查看者"},
})

i18n.register({
    "cli.users.added": {"en": "added user {name} ({role}{scope})",
                        "zh": "已添加用户 {name}（{role}{scope}）"},
    "cli.users.role_set": {"en": "user {name} is now {role}{scope}",
                           "zh": "用户 {name} 的角色已改为 {role}{scope}"},
    "cli.users.password_set": {"en": "password of {name} changed",
                               "zh": "已修改 {name} 的密码"},
    "cli.users.disabled": {"en": "user {name} disabled (cannot sign in)",
                           "zh": "已停用用户 {name}（无法登录）"},
    "cli.users.enabled": {"en": "user {name} enabled", "zh": "已启用用户 {name}"},
    "cli.users.email_set": {"en": "e-mail of {name}: {email}", "zh": "{name} 的电子邮件：{email}"},
    "cli.users.none": {
        "en": "no users in {folder}: the app runs open (anyone who opens it sees all data)",
        "zh": "{folder} 中没有用户：应用以开放模式运行（任何打开它的人都能看到全部数据）",
    },
    "cli.users.prompt": {"en": "Password for {name}: ", "zh": "{name} 的密码："},
    "cli.users.prompt_again": {"en": "Repeat the password: ", "zh": "再次输入密码："},
    "cli.users.mismatch": {"en": "the two passwords differ; nothing changed",
                           "zh": "两次输入的密码不一致；未做任何修改"},
    "cli.users.no_input": {"en": "no password given (empty input); nothing changed",
                           "zh": "未输入密码（输入为空）；未做任何修改"},
    "cli.users.unknown_scope": {
        "en": "{problem}; nothing changed (check the spelling, or pass --allow-unknown to "
              "keep it anyway)",
        "zh": "{problem}；未做任何修改（请检查拼写，或加上 --allow-unknown 仍然保存）",
    },
    "cli.users.no_dataset": {
        "en": "no dataset is loaded in {folder} yet, so {column} “{value}” cannot be checked; "
              "nothing changed (load the data first, or pass --allow-unknown)",
        "zh": "{folder} 中尚未加载数据，无法核对{column}“{value}”；未做任何修改"
              "（请先加载数据，或加上 --allow-unknown）",
    },
    "cli.users.missing_note": {
        "en": "! {n} user(s) see a branch or region that is not in the current data "
              "(scope_in_data = no): fix with users set-role",
        "zh": "! {n} 个用户的网点或区域不在当前数据中（scope_in_data = no）："
              "请用 users set-role 修改",
    },
    "cli.forecast.backtest": {
        "en": "backtest {metric} {level}: MASE {mase} (seasonal naive {snaive}), 80% interval "
              "held {c80}, 95% {c95}",
        "zh": "回测 {metric}（{level}）：MASE {mase}（季节性朴素法 {snaive}），80% 区间命中 {c80}，"
              "95% 区间命中 {c95}"},
})

i18n.register({
    "cli.out.missing": {
        "en": "--out PATH is required (or --write-table TABLE with --database NAME)",
        "zh": "需要 --out 文件路径（或与 --database 连接名一起使用 --write-table 表名）",
    },
    "cli.write_table.no_database": {
        "en": "--write-table writes the scores back to a database: use it with --database "
              "NAME (for files or a workspace, write a file with --out PATH)",
        "zh": "--write-table 会把评分写回数据库：请与 --database 连接名一起使用"
              "（文件或工作区的数据请用 --out 写入文件）",
    },
    "cli.write_table.done": {
        "en": "wrote {rows} customers' scores to the table {table} of {name}",
        "zh": "已将 {rows} 位客户的评分写入 {name} 的表 {table}",
    },
    "cli.buckets.start": {
        "en": "the network has {n} customers, more than the {limit} one run may hold: "
              "learning once, then scoring and writing back {parts} parts one at a time",
        "zh": "全网共 {n} 位客户，超过单次运行可容纳的 {limit} 位：先统一学习一次，再分 {parts} "
              "批逐批评分并写回",
    },
})
