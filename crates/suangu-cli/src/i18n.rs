//! The CLI's human-readable words in zh-CN and English. JSON output is language-neutral.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `--lang` wins; otherwise LC_ALL / LANG; otherwise zh-CN, the product's default.
    pub fn from_env(flag: Option<&str>) -> Lang {
        let pick = |v: &str| {
            let v = v.to_ascii_lowercase();
            if v.starts_with("en") {
                Some(Lang::En)
            } else if v.starts_with("zh") {
                Some(Lang::Zh)
            } else {
                None
            }
        };
        if let Some(lang) = flag.and_then(pick) {
            return lang;
        }
        ["LC_ALL", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find_map(|v| pick(&v))
            .unwrap_or(Lang::Zh)
    }

    pub fn text(self, key: Key) -> &'static str {
        use Key::*;
        match (self, key) {
            (Lang::Zh, AlarmRulesOk) => "条告警规则，处置步骤覆盖",
            (Lang::En, AlarmRulesOk) => "alarm rules; procedures for",
            (Lang::Zh, AsOf) => "截至",
            (Lang::En, AsOf) => "as of",
            (Lang::Zh, Source) => "场景文件",
            (Lang::En, Source) => "scenario",
            (Lang::Zh, Centres) => "运营算力中心",
            (Lang::En, Centres) => "operating centres",
            (Lang::Zh, Planned) => "规划",
            (Lang::En, Planned) => "planned",
            (Lang::Zh, InService) => "在运",
            (Lang::En, InService) => "in service",
            (Lang::Zh, PhysicalRacks) => "物理机架",
            (Lang::En, PhysicalRacks) => "physical racks",
            (Lang::Zh, StandardRacks) => "标准机架",
            (Lang::En, StandardRacks) => "standard racks",
            (Lang::Zh, ItCapacity) => "IT容量",
            (Lang::En, ItCapacity) => "IT capacity",
            (Lang::Zh, FacilityCapacity) => "设施容量",
            (Lang::En, FacilityCapacity) => "facility capacity",
            (Lang::Zh, Compute) => "算力",
            (Lang::En, Compute) => "compute",
            (Lang::Zh, GreenCapacity) => "绿电装机",
            (Lang::En, GreenCapacity) => "green capacity",
            (Lang::Zh, Storage) => "储能",
            (Lang::En, Storage) => "storage",
            (Lang::Zh, Substation) => "变电站",
            (Lang::En, Substation) => "substation",
            (Lang::Zh, Warning) => "警告",
            (Lang::En, Warning) => "warning",
            (Lang::Zh, RunContext) => "存储",
            (Lang::En, RunContext) => "store",
            (Lang::Zh, BadInput) => "输入错误",
            (Lang::En, BadInput) => "bad input",
            (Lang::Zh, Serving) => "正在服务",
            (Lang::En, Serving) => "serving",
            (Lang::Zh, RawRecorded) => "原始遥测（序列 × 点）",
            (Lang::En, RawRecorded) => "raw telemetry (series × points)",
            (Lang::Zh, RawChunks) => "个压缩块",
            (Lang::En, RawChunks) => "compressed chunks",
            (Lang::Zh, Simulating) => "模拟中",
            (Lang::En, Simulating) => "simulating",
            (Lang::Zh, ItEnergy) => "IT 用电",
            (Lang::En, ItEnergy) => "IT energy",
            (Lang::Zh, FacilityEnergy) => "设施用电",
            (Lang::En, FacilityEnergy) => "facility energy",
            (Lang::Zh, PeakIt) => "IT 峰值",
            (Lang::En, PeakIt) => "IT peak",
            (Lang::Zh, GreenShare) => "绿电占比",
            (Lang::En, GreenShare) => "green share",
            (Lang::Zh, MarketBased) => "市场法",
            (Lang::En, MarketBased) => "market-based",
            (Lang::Zh, LocationBased) => "区位法",
            (Lang::En, LocationBased) => "location-based",
            (Lang::Zh, Curtailed) => "弃电",
            (Lang::En, Curtailed) => "curtailed",
            (Lang::Zh, Exported) => "上网",
            (Lang::En, Exported) => "exported",
            (Lang::Zh, Imported) => "电网购电",
            (Lang::En, Imported) => "grid import",
            (Lang::Zh, ResidualMixNote) => {
                "注：市场法碳排放按西北电网平均因子计（剩余电力结构因子未公布）。"
            }
            (Lang::En, ResidualMixNote) => {
                "note: market-based CO2 uses the Northwest grid average factor (the residual mix is not published)."
            }
            (Lang::Zh, BalanceError) => "最大平衡误差",
            (Lang::En, BalanceError) => "max balance error",
            (Lang::Zh, Day) => "当日",
            (Lang::En, Day) => "day",
            (Lang::Zh, MonthToDate) => "本月",
            (Lang::En, MonthToDate) => "month",
            (Lang::Zh, YearToDate) => "本年",
            (Lang::En, YearToDate) => "year",
            (Lang::Zh, Stored) => "储能",
            (Lang::En, Stored) => "stored",
            (Lang::Zh, NotGreen) => "非全绿时段",
            (Lang::En, NotGreen) => "intervals not fully green",
            (Lang::Zh, NoLedger) => "没有绿电台账数据",
            (Lang::En, NoLedger) => "no green ledger intervals for",
            (Lang::Zh, NotLogged) => "已执行，但未能写入审计日志",
            (Lang::En, NotLogged) => "done, but not written to the audit log",
            (Lang::Zh, AuditLog) => "审计日志",
            (Lang::En, AuditLog) => "audit log",
            (Lang::Zh, AuditRows) => "行",
            (Lang::En, AuditRows) => "rows",
            (Lang::Zh, AuditIntact) => "链完整",
            (Lang::En, AuditIntact) => "chain intact",
            (Lang::Zh, AuditBroken) => "审计链断裂",
            (Lang::En, AuditBroken) => "audit chain broken",
            (Lang::Zh, AuditHead) => "最新一行（请另处保存以发现末尾被截断）",
            (Lang::En, AuditHead) => {
                "newest row (keep it elsewhere to notice rows cut off the end)"
            }
            (Lang::Zh, StoreEmpty) => "存储中没有任何数据",
            (Lang::En, StoreEmpty) => "the store holds no data at all",
            (Lang::Zh, DataFor) => "有数据的日期",
            (Lang::En, DataFor) => "there is data for",
            (Lang::Zh, Rendering) => "生成简报",
            (Lang::En, Rendering) => "rendering the briefing",
            (Lang::Zh, Written) => "已写入",
            (Lang::En, Written) => "written",
            (Lang::Zh, Charts) => "张图",
            (Lang::En, Charts) => "charts",
            (Lang::Zh, SimulateFirst) => "先运行 suangu simulate 或启动实时孪生",
            (Lang::En, SimulateFirst) => "run suangu simulate or the live twin first",
            (Lang::Zh, Evacuation) => "疏散计划（作业）",
            (Lang::En, Evacuation) => "evacuation plan (jobs)",
            (Lang::Zh, Paused) => "暂停",
            (Lang::En, Paused) => "paused",
            (Lang::Zh, JobLost) => "丢失",
            (Lang::En, JobLost) => "lost",
            (Lang::Zh, PeakHours) => "峰时",
            (Lang::En, PeakHours) => "peak",
            (Lang::Zh, FlatHours) => "平时",
            (Lang::En, FlatHours) => "flat",
            (Lang::Zh, ValleyHours) => "谷时",
            (Lang::En, ValleyHours) => "valley",
            (Lang::Zh, Deferred) => "推迟",
            (Lang::En, Deferred) => "deferred",
            (Lang::Zh, StartsAt) => "按时开始",
            (Lang::En, StartsAt) => "starts at",
            (Lang::Zh, GreenPlanned) => "计划用绿电",
            (Lang::En, GreenPlanned) => "planned on green power",
            (Lang::Zh, Latency) => "时延",
            (Lang::En, Latency) => "latency",
            (Lang::Zh, Slack) => "截止前余量",
            (Lang::En, Slack) => "deadline met with slack",
            (Lang::Zh, Jobs) => "个作业",
            (Lang::En, Jobs) => "jobs",
            (Lang::Zh, OurPlan) => "本计划",
            (Lang::En, OurPlan) => "this plan",
            (Lang::Zh, GreedyGreen) => "贪心绿电",
            (Lang::En, GreedyGreen) => "greedy green",
            (Lang::Zh, Missed) => "个错过截止",
            (Lang::En, Missed) => "missed deadlines",
            (Lang::Zh, ItLoad) => "IT 负荷",
            (Lang::En, ItLoad) => "IT load",
            (Lang::Zh, Contingencies) => "个预想事故",
            (Lang::En, Contingencies) => "contingencies",
            (Lang::Zh, Shed) => "需切除",
            (Lang::En, Shed) => "shed",
            (Lang::Zh, LostIt) => "失电",
            (Lang::En, LostIt) => "lost",
            (Lang::Zh, Capped) => "限负荷",
            (Lang::En, Capped) => "capped",
            (Lang::Zh, RacksLost) => "台机柜失电",
            (Lang::En, RacksLost) => "racks dark",
            (Lang::Zh, LostSupply) => "失去供电",
            (Lang::En, LostSupply) => "lose supply",
            (Lang::Zh, LostRedundancy) => "失去冗余",
            (Lang::En, LostRedundancy) => "lose redundancy",
            (Lang::Zh, Overload) => "过载",
            (Lang::En, Overload) => "overload",
            (Lang::Zh, NoSuchAsset) => "没有这个设备",
            (Lang::En, NoSuchAsset) => "no such asset",
            (Lang::Zh, Closest) => "最接近的",
            (Lang::En, Closest) => "closest",
            (Lang::Zh, Drill) => "演练",
            (Lang::En, Drill) => "drill",
            (Lang::Zh, Failure) => "失败",
            (Lang::En, Failure) => "failure",
            (Lang::Zh, ReportAge) => "上报距今",
            (Lang::En, ReportAge) => "report age",
            (Lang::Zh, NeverReported) => "从未上报（suangu run 是否在运行？）",
            (Lang::En, NeverReported) => "never reported (is suangu run running?)",
            (Lang::Zh, ConfigOk) => "配置有效",
            (Lang::En, ConfigOk) => "configuration valid",
            (Lang::Zh, Points) => "个点位",
            (Lang::En, Points) => "points",
            (Lang::Zh, Every) => "每",
            (Lang::En, Every) => "every",
            (Lang::Zh, Running) => "正在运行",
            (Lang::En, Running) => "running",
            (Lang::Zh, SourcesWord) => "个数据源",
            (Lang::En, SourcesWord) => "sources",
            (Lang::Zh, Connecting) => "正在连接",
            (Lang::En, Connecting) => "connecting",
            (Lang::Zh, Up) => "在线",
            (Lang::En, Up) => "up",
            (Lang::Zh, BackingOff) => "重连等待",
            (Lang::En, BackingOff) => "backing off",
            (Lang::Zh, Misconfigured) => "配置错误",
            (Lang::En, Misconfigured) => "misconfigured",
            (Lang::Zh, Stopped) => "已停止",
            (Lang::En, Stopped) => "stopped",
            (Lang::Zh, Rejected) => "条拒收",
            (Lang::En, Rejected) => "rejected",
            (Lang::Zh, Duplicates) => "条重复",
            (Lang::En, Duplicates) => "duplicates",
            (Lang::Zh, StaleSeries) => "条序列过期",
            (Lang::En, StaleSeries) => "stale series",
            (Lang::Zh, ActiveTokens) => "有效令牌",
            (Lang::En, ActiveTokens) => "active tokens",
            (Lang::Zh, StoreUnreachable) => "存储暂不可用，请稍后重试",
            (Lang::En, StoreUnreachable) => "the store is unavailable; try again shortly",
            (Lang::Zh, TokenShownOnce) => "屏幕访问令牌（只显示这一次，不会保存）",
            (Lang::En, TokenShownOnce) => {
                "access token of the screen (shown this once, never stored)"
            }
            (Lang::Zh, OneTimeLink) => {
                "一次性登录链接（在该屏幕的浏览器中打开服务地址加此路径，仅可使用一次）"
            }
            (Lang::En, OneTimeLink) => {
                "one-time link (open the server's address with this path in the screen's browser; works once)"
            }
            (Lang::Zh, BearerUse) => "或在每个请求中发送请求头",
            (Lang::En, BearerUse) => "or send with every request the header",
            (Lang::Zh, ScreenTaken) => "该屏幕已有有效令牌（先吊销：suangu token revoke --screen）",
            (Lang::En, ScreenTaken) => {
                "this screen already has an active token (revoke it first: suangu token revoke --screen)"
            }
            (Lang::Zh, NoSuchScreen) => "没有该屏幕的有效令牌（suangu token list 列出全部）",
            (Lang::En, NoSuchScreen) => {
                "no active token for this screen (suangu token list shows them)"
            }
            (Lang::Zh, BadScreenName) => "屏幕名称须为 1 到 64 个字符，且不含控制字符",
            (Lang::En, BadScreenName) => {
                "a screen name is 1 to 64 characters, without control characters"
            }
            (Lang::Zh, TokenRevoked) => "已吊销；运行中的服务在 2 秒内拒绝该令牌及其会话",
            (Lang::En, TokenRevoked) => {
                "revoked; a running server refuses it and its sessions within 2 s"
            }
            (Lang::Zh, NoTokens) => "还没有屏幕令牌（suangu token add --screen <名称>）",
            (Lang::En, NoTokens) => "no screen tokens yet (suangu token add --screen <name>)",
            (Lang::Zh, Screen) => "屏幕",
            (Lang::En, Screen) => "screen",
            (Lang::Zh, Created) => "创建",
            (Lang::En, Created) => "created",
            (Lang::Zh, RevokedAt) => "吊销",
            (Lang::En, RevokedAt) => "revoked",
            (Lang::Zh, Active) => "有效",
            (Lang::En, Active) => "active",
            (Lang::Zh, LastSeen) => "最近使用",
            (Lang::En, LastSeen) => "last seen",
            (Lang::Zh, Never) => "从未",
            (Lang::En, Never) => "never",
            (Lang::Zh, LinkUnused) => "一次性链接未使用",
            (Lang::En, LinkUnused) => "one-time link unused",
            (Lang::Zh, TokenNeeded) => {
                "需要访问令牌：请在此屏幕上打开 suangu token add 给出的一次性链接，或使用 Authorization: Bearer 请求头。"
            }
            (Lang::En, TokenNeeded) => {
                "A token is needed: open the one-time link from suangu token add on this screen, or send an Authorization: Bearer header."
            }
            (Lang::Zh, NetworkWarning) => "警告：正在向网络提供服务，每个请求都需要屏幕令牌",
            (Lang::En, NetworkWarning) => {
                "warning: serving to the network; every request needs a screen token"
            }
            (Lang::Zh, BadUserName) => {
                "用户名须为 1 到 64 个字符：字母、数字、'.'、'_'、'-' 或 '@'"
            }
            (Lang::En, BadUserName) => {
                "a user name is 1 to 64 characters: letters, digits, '.', '_', '-' or '@'"
            }
            (Lang::Zh, UnknownRole) => {
                "未知角色；角色为 viewer（查看）、operator（值班操作）或 admin（管理）"
            }
            (Lang::En, UnknownRole) => "unknown role; a role is viewer, operator or admin",
            (Lang::Zh, PasswordTooShort) => "密码太短：至少 12 个字符",
            (Lang::En, PasswordTooShort) => "the password is too short: at least 12 characters",
            (Lang::Zh, PasswordTooLong) => "密码太长：最多 1024 字节",
            (Lang::En, PasswordTooLong) => "the password is too long: at most 1024 bytes",
            (Lang::Zh, PasswordOneLine) => "密码须为一行",
            (Lang::En, PasswordOneLine) => "the password must be one line",
            (Lang::Zh, PasswordNotUtf8) => "密码不是 UTF-8 文本",
            (Lang::En, PasswordNotUtf8) => "the password is not UTF-8 text",
            (Lang::Zh, NoTerminal) => {
                "没有可输入密码的终端；请用 --password-stdin 从标准输入传入密码"
            }
            (Lang::En, NoTerminal) => {
                "no terminal to type the password on; pipe it in with --password-stdin"
            }
            (Lang::Zh, PasswordPrompt) => "输入密码",
            (Lang::En, PasswordPrompt) => "password for",
            (Lang::Zh, PasswordAgain) => "再次输入密码",
            (Lang::En, PasswordAgain) => "the same password again for",
            (Lang::Zh, PasswordsDiffer) => "两次输入的密码不一致",
            (Lang::En, PasswordsDiffer) => "the two passwords differ",
            (Lang::Zh, UserTaken) => "该用户已存在（修改密码：suangu user passwd）",
            (Lang::En, UserTaken) => {
                "this user already exists (to change the password: suangu user passwd)"
            }
            (Lang::Zh, NoSuchUser) => "没有该用户（suangu user list 列出全部）",
            (Lang::En, NoSuchUser) => "no such user (suangu user list shows them)",
            (Lang::Zh, UserAdded) => "已添加用户",
            (Lang::En, UserAdded) => "user added:",
            (Lang::Zh, NoUsers) => "还没有用户（suangu user add <名称> --role admin）",
            (Lang::En, NoUsers) => "no users yet (suangu user add <name> --role admin)",
            (Lang::Zh, RoleWord) => "角色",
            (Lang::En, RoleWord) => "role",
            (Lang::Zh, Changed) => "修改",
            (Lang::En, Changed) => "changed",
            (Lang::Zh, UserDisabledWord) => "已停用",
            (Lang::En, UserDisabledWord) => "disabled",
            (Lang::Zh, PasswordChanged) => "密码已修改",
            (Lang::En, PasswordChanged) => "password changed",
            (Lang::Zh, UserDisabled) => "已停用，不能再登录",
            (Lang::En, UserDisabled) => "disabled: can no longer sign in",
            (Lang::Zh, UserEnabled) => "已重新启用",
            (Lang::En, UserEnabled) => "enabled again",
            (Lang::Zh, RoleChanged) => "角色改为",
            (Lang::En, RoleChanged) => "role now",
            (Lang::Zh, SignedIn) => "登录成功",
            (Lang::En, SignedIn) => "signed in:",
            (Lang::Zh, SignInRefused) => "用户名或密码错误",
            (Lang::En, SignInRefused) => "name or password wrong",
            (Lang::Zh, SignInThrottled) => "连续多次密码错误：请等待 30 秒后再试",
            (Lang::En, SignInThrottled) => {
                "too many wrong passwords in a row: wait 30 s and try again"
            }
            (Lang::Zh, BadSecretName) => "条目名须为 1 到 128 个字符，不含控制字符",
            (Lang::En, BadSecretName) => {
                "an entry's name is 1 to 128 characters, none of them control characters"
            }
            (Lang::Zh, SecretPrompt) => "输入密钥，条目",
            (Lang::En, SecretPrompt) => "secret for keyring entry",
            (Lang::Zh, SecretAgain) => "再次输入密钥，条目",
            (Lang::En, SecretAgain) => "the same secret again for",
            (Lang::Zh, SecretOneLine) => "密钥须为一行",
            (Lang::En, SecretOneLine) => "the secret must be one line",
            (Lang::Zh, SecretNotUtf8) => "密钥不是 UTF-8 文本",
            (Lang::En, SecretNotUtf8) => "the secret is not UTF-8 text",
            (Lang::Zh, SecretEmpty) => "密钥为空",
            (Lang::En, SecretEmpty) => "the secret is empty",
            (Lang::Zh, SecretTooLong) => "密钥太长：最多 16 KiB",
            (Lang::En, SecretTooLong) => "the secret is too long: at most 16 KiB",
            (Lang::Zh, SecretStored) => "已存入系统密钥库：",
            (Lang::En, SecretStored) => "stored in the OS keyring:",
            (Lang::Zh, SecretDeleted) => "已从系统密钥库删除：",
            (Lang::En, SecretDeleted) => "deleted from the OS keyring:",
            (Lang::Zh, KeyringNoEntry) => {
                "系统密钥库中没有该条目（用 suangu secret set <名称> 存入）"
            }
            (Lang::En, KeyringNoEntry) => {
                "no such entry in the OS keyring (suangu secret set <name> stores one)"
            }
            (Lang::Zh, KeyringNotText) => "该条目保存的不是 UTF-8 文本",
            (Lang::En, KeyringNotText) => "what the entry holds is not UTF-8 text",
            (Lang::Zh, KeyringAmbiguous) => "有多个条目与之匹配：请全部删除后重新存入一次",
            (Lang::En, KeyringAmbiguous) => {
                "several entries match it: delete them and store it once"
            }
            (Lang::Zh, KeyringUnreachable) => {
                "无法访问系统密钥库：需要会话 D-Bus 上运行并已解锁的 Secret Service（如 gnome-keyring）"
            }
            (Lang::En, KeyringUnreachable) => {
                "the OS keyring could not be reached: it needs a Secret Service, such as gnome-keyring, running and unlocked on the session D-Bus"
            }
            (Lang::Zh, NoActiveTokens) => {
                "没有有效的屏幕令牌，不在非回环地址上提供服务；先运行 suangu token add --screen <名称>"
            }
            (Lang::En, NoActiveTokens) => {
                "no active screen tokens, so nothing is served on a non-loopback address; run suangu token add --screen <name> first"
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Key {
    AlarmRulesOk,
    BadUserName,
    UnknownRole,
    PasswordTooShort,
    PasswordTooLong,
    PasswordOneLine,
    PasswordNotUtf8,
    NoTerminal,
    PasswordPrompt,
    PasswordAgain,
    PasswordsDiffer,
    UserTaken,
    NoSuchUser,
    UserAdded,
    NoUsers,
    RoleWord,
    Changed,
    UserDisabledWord,
    PasswordChanged,
    UserDisabled,
    UserEnabled,
    RoleChanged,
    SignedIn,
    SignInRefused,
    SignInThrottled,
    ActiveTokens,
    StoreUnreachable,
    TokenShownOnce,
    OneTimeLink,
    BearerUse,
    ScreenTaken,
    NoSuchScreen,
    BadScreenName,
    TokenRevoked,
    NoTokens,
    Screen,
    Created,
    RevokedAt,
    Active,
    LastSeen,
    Never,
    LinkUnused,
    TokenNeeded,
    NetworkWarning,
    NoActiveTokens,
    ReportAge,
    NeverReported,
    ConfigOk,
    Points,
    Every,
    Running,
    SourcesWord,
    Connecting,
    Up,
    BackingOff,
    Misconfigured,
    Stopped,
    Rejected,
    Duplicates,
    StaleSeries,
    AsOf,
    Source,
    Centres,
    Planned,
    InService,
    PhysicalRacks,
    StandardRacks,
    ItCapacity,
    FacilityCapacity,
    Compute,
    GreenCapacity,
    Storage,
    Substation,
    Warning,
    RunContext,
    BadInput,
    Serving,
    Failure,
    Simulating,
    ItLoad,
    PeakHours,
    Evacuation,
    Paused,
    JobLost,
    FlatHours,
    ValleyHours,
    Deferred,
    StartsAt,
    GreenPlanned,
    Latency,
    Slack,
    Jobs,
    OurPlan,
    GreedyGreen,
    Missed,
    Day,
    MonthToDate,
    YearToDate,
    Stored,
    NotGreen,
    NoLedger,
    SimulateFirst,
    StoreEmpty,
    AuditLog,
    NotLogged,
    AuditRows,
    AuditIntact,
    AuditBroken,
    AuditHead,
    DataFor,
    Rendering,
    Written,
    Charts,
    Contingencies,
    Shed,
    LostIt,
    Capped,
    RacksLost,
    LostSupply,
    LostRedundancy,
    Overload,
    NoSuchAsset,
    Closest,
    Drill,
    RawRecorded,
    RawChunks,
    ItEnergy,
    FacilityEnergy,
    PeakIt,
    GreenShare,
    MarketBased,
    LocationBased,
    Curtailed,
    Exported,
    Imported,
    ResidualMixNote,
    BalanceError,
    BadSecretName,
    SecretPrompt,
    SecretAgain,
    SecretOneLine,
    SecretNotUtf8,
    SecretEmpty,
    SecretTooLong,
    SecretStored,
    SecretDeleted,
    KeyringNoEntry,
    KeyringUnreachable,
    KeyringNotText,
    KeyringAmbiguous,
}
