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
}
