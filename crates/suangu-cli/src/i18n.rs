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
            (Lang::Zh, SimulateFirst) => "先运行 suangu simulate 或启动实时孪生",
            (Lang::En, SimulateFirst) => "run suangu simulate or the live twin first",
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
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Key {
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
    Day,
    MonthToDate,
    YearToDate,
    Stored,
    NotGreen,
    NoLedger,
    SimulateFirst,
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
}
