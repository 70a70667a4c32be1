"""User-facing strings of sign-in, roles, the open-mode banner and the audit log."""

from segmentation import i18n

i18n.register({
    # sign-in page
    "auth.nav": {"en": "Sign in", "zh": "登录"},
    "auth.title": {"en": "Sign in", "zh": "登录"},
    "auth.intro": {
        "en": "Customer tiering dashboard. Sign in with the user name and password an HQ "
              "analyst gave you.",
        "zh": "客户分层看板。请使用总部分析员为您设置的用户名和密码登录。",
    },
    "auth.name": {"en": "User name", "zh": "用户名"},
    "auth.password": {"en": "Password", "zh": "密码"},
    "auth.submit": {"en": "Sign in", "zh": "登录"},
    "auth.empty": {"en": "Enter your user name and password.", "zh": "请输入用户名和密码。"},
    "auth.idle": {
        "en": "You were signed out after {minutes} minutes without activity. Sign in again.",
        "zh": "您已超过 {minutes} 分钟未操作，已自动退出。请重新登录。",
    },
    "auth.revoked": {
        "en": "Your account was disabled or removed; you were signed out.",
        "zh": "您的账号已被停用或删除，已退出登录。",
    },
    "auth.signed_out": {"en": "You are signed out.", "zh": "您已退出登录。"},
    # OIDC
    "auth.oidc.intro": {
        "en": "Customer tiering dashboard. Sign in with your company account.",
        "zh": "客户分层看板。请使用公司账号登录。",
    },
    "auth.oidc.button": {"en": "Sign in with your company account",
                         "zh": "使用公司账号登录"},
    "auth.oidc.provider": {"en": "Sign in with {provider}", "zh": "使用 {provider} 登录"},
    "auth.oidc.unknown": {
        "en": "The account {email} is not registered for this dashboard. Ask an HQ analyst "
              "to add it: python -m segmentation users add NAME --role ROLE --email {email} "
              "--no-password",
        "zh": "账号 {email} 尚未登记为本看板的用户。请联系总部分析员添加："
              "python -m segmentation users add 用户名 --role 角色 --email {email} --no-password",
    },
    "auth.oidc.disabled": {
        "en": "The account {email} is disabled for this dashboard. Ask an HQ analyst to "
              "enable it.",
        "zh": "账号 {email} 在本看板已被停用。请联系总部分析员启用。",
    },
    "auth.oidc.unverified": {
        "en": "Your identity provider has not verified the e-mail {email}; it cannot be used "
              "to sign in.",
        "zh": "您的身份提供方尚未验证电子邮件 {email}，无法用于登录。",
    },
    "auth.oidc.no_email": {
        "en": "Your identity provider sent no e-mail address; ask your administrator to "
              "include the email scope.",
        "zh": "身份提供方未返回电子邮件地址；请联系管理员开启 email 权限范围。",
    },
    "auth.oidc.other_account": {"en": "Use another account", "zh": "使用其他账号"},
    "auth.users_broken": {
        "en": "The dashboard's user list cannot be read, so nobody can sign in. An "
              "administrator can check it with: python -m segmentation users list",
        "zh": "无法读取本看板的用户列表，因此无人可以登录。管理员可用以下命令检查："
              "python -m segmentation users list",
    },
    # sidebar
    "auth.signed_in_as": {"en": "Signed in as **{name}** · {role}",
                          "zh": "当前用户：**{name}** · {role}"},
    "auth.scope.branch": {"en": "Branch: {value}", "zh": "网点：{value}"},
    "auth.scope.region": {"en": "Region: {value}", "zh": "区域：{value}"},
    "auth.sign_out": {"en": "Sign out", "zh": "退出登录"},
    # roles
    "auth.role.hq": {"en": "HQ analyst", "zh": "总部分析员"},
    "auth.role.regional": {"en": "Regional lead", "zh": "区域负责人"},
    "auth.role.branch": {"en": "Branch manager", "zh": "网点负责人"},
    "auth.role.viewer": {"en": "Viewer", "zh": "查看者"},
    # open mode
    "auth.open_banner": {
        "en": "**Open mode:** no users are set up, so anyone who opens this app sees all "
              "data, including names and phones, and can replace it. To require sign-in, "
              "add users: `python -m segmentation users add NAME --role hq`",
        "zh": "**开放模式：** 尚未设置用户，任何打开本应用的人都能看到全部数据（包括姓名和电话）"
              "并可替换数据。若要求登录，请添加用户：`python -m segmentation users add 用户名 "
              "--role hq`",
    },
    # rights: why a control is disabled
    "auth.denied.load_data": {
        "en": "Only HQ analysts may replace the dataset (you are signed in as {role}).",
        "zh": "只有总部分析员可以替换数据集（您的角色：{role}）。",
    },
    "auth.denied.connect_db": {
        "en": "Only HQ analysts may connect or save database connections (you are signed in "
              "as {role}).",
        "zh": "只有总部分析员可以连接或保存数据库连接（您的角色：{role}）。",
    },
    "auth.denied.save_default_preset": {
        "en": "Only HQ analysts may change the default preset or delete presets (you are "
              "signed in as {role}).",
        "zh": "只有总部分析员可以更改默认方案或删除方案（您的角色：{role}）。",
    },
    "auth.denied.import_preset": {
        "en": "Only HQ analysts, who manage the shared presets, may import a preset from a "
              "file (you are signed in as {role}).",
        "zh": "只有管理共享方案的总部分析员可以从文件导入方案（您的角色：{role}）。",
    },
    "auth.denied.edit_personas": {
        "en": "Only HQ analysts may rename personas (you are signed in as {role}).",
        "zh": "只有总部分析员可以修改客群名称（您的角色：{role}）。",
    },
    # audit log on the Data page
    "audit.title": {"en": "Audit log", "zh": "审计日志"},
    "audit.help": {
        "en": "Who signed in, loaded data, connected databases, exported files or changed "
              "presets and persona names. Times are UTC; newest first.",
        "zh": "记录登录、加载数据、连接数据库、导出文件以及修改方案和客群名称的操作。"
              "时间为 UTC，最新的在前。",
    },
    "audit.empty": {"en": "Nothing recorded yet.", "zh": "暂无记录。"},
    "audit.filter.users": {"en": "Users", "zh": "用户"},
    "audit.filter.actions": {"en": "Actions", "zh": "操作"},
    "audit.col.time": {"en": "Time (UTC)", "zh": "时间（UTC）"},
    "audit.col.user": {"en": "User", "zh": "用户"},
    "audit.col.role": {"en": "Role", "zh": "角色"},
    "audit.col.action": {"en": "Action", "zh": "操作"},
    "audit.col.details": {"en": "Details", "zh": "详情"},
    "audit.download": {"en": "Download the audit log (CSV)", "zh": "下载审计日志（CSV）"},
    "audit.shown": {"en": "{n} of {total} records", "zh": "共 {total} 条，显示 {n} 条"},
    # users whose scope the data lacks (Data page, HQ)
    "auth.scope_missing": {
        "en": "These users see a branch or region that is not in the current data, so their "
              "pages are empty. Correct it with `python -m segmentation users set-role NAME "
              "...` (or fix the data):",
        "zh": "以下用户的网点或区域不在当前数据中，他们的页面为空。请用 "
              "`python -m segmentation users set-role 用户名 ...` 修改（或修正数据）：",
    },
})
