//! The briefing's words in zh-CN and English: chart titles, legends, axes and the summary.

/// The language a briefing is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "zh-CN" | "zh" => Some(Self::ZhCn),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The BCP 47 tag, as in `<html lang>` and file names.
    pub fn tag(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }

    pub fn text(self, key: Key) -> &'static str {
        let (zh, en) = key.both();
        match self {
            Self::ZhCn => zh,
            Self::En => en,
        }
    }

    /// A name from the scenario in this language.
    pub fn name(self, name: &suangu_core::scenario::Name) -> &str {
        match self {
            Self::ZhCn => &name.zh,
            Self::En => &name.en,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    DayBriefing,
    WeekBriefing,
    SupplyTitle,
    Load,
    OwnGreen,
    ContractGreen,
    StorageGreen,
    GridImport,
    GreenGeneration,
    ShareTitle,
    MarketBased,
    LocationBased,
    Target,
    PueTitle,
    UtilisationTitle,
    MeanUse,
    PeakUse,
    CurtailmentTitle,
    Curtailed,
    Exported,
    IncidentsTitle,
    ScheduleTitle,
    ScheduleCostTitle,
    ThousandCny,
    NoSchedule,
    PlanOurs,
    PlanFcfs,
    PlanGreedy,
    NoIncidents,
    NoData,
    Mw,
    Mwh,
    Percent,
    Time,
    Summary,
    Energy,
    ItEnergy,
    Pue,
    GreenShare,
    NotGreen,
    PeakIt,
    Co2,
    Intervals,
    Source,
    Generated,
    KindTrip,
    KindCoolingLoss,
    KindWindLull,
    KindLinkCut,
    KindTelemetryLoss,
    KindDrill,
}

impl Key {
    fn both(self) -> (&'static str, &'static str) {
        match self {
            Key::DayBriefing => ("日简报", "Daily briefing"),
            Key::WeekBriefing => ("周简报", "Weekly briefing"),
            Key::SupplyTitle => ("园区负荷与供电来源", "Park load and supply by source"),
            Key::Load => ("园区负荷", "Park load"),
            Key::OwnGreen => ("自有绿电", "Own green"),
            Key::ContractGreen => ("协议绿电", "Contracted green"),
            Key::StorageGreen => ("储能放电（绿）", "Storage (green)"),
            Key::GridImport => ("电网购电", "Grid import"),
            Key::GreenGeneration => ("绿电发电", "Green generation"),
            Key::ShareTitle => ("每 15 分钟绿电占比", "Green share per 15 minutes"),
            Key::MarketBased => ("市场法", "market-based"),
            Key::LocationBased => ("位置法", "location-based"),
            Key::Target => ("目标 100 %", "target 100 %"),
            Key::PueTitle => ("PUE（每 15 分钟）", "PUE per 15 minutes"),
            Key::UtilisationTitle => ("各中心 IT 容量利用率", "IT capacity utilisation by centre"),
            Key::MeanUse => ("平均", "mean"),
            Key::PeakUse => ("峰值", "peak"),
            Key::CurtailmentTitle => ("弃电与上网", "Curtailment and export"),
            Key::Curtailed => ("弃电", "curtailed"),
            Key::Exported => ("上网", "exported"),
            Key::IncidentsTitle => ("演练与故障", "Drills and faults"),
            Key::ScheduleTitle => (
                "调度结果：作业用电的绿电占比",
                "Schedule outcome: green share of the jobs' energy",
            ),
            Key::ScheduleCostTitle => (
                "作业用电成本（未来 48 小时计划）",
                "The jobs' energy cost (48 h plans)",
            ),
            Key::ThousandCny => ("千元", "thousand CNY"),
            Key::NoSchedule => (
                "本期没有记录调度结果",
                "No schedule outcome recorded in this period",
            ),
            Key::PlanOurs => ("算谷调度", "Suangu planner"),
            Key::PlanFcfs => ("先到先服务", "first come, first served"),
            Key::PlanGreedy => ("有绿电就运行", "greedy: run when green"),
            Key::NoIncidents => ("本期无演练或故障", "No drills or faults in this period"),
            Key::NoData => ("本期无数据", "No data in this period"),
            Key::Mw => ("MW", "MW"),
            Key::Mwh => ("MWh", "MWh"),
            Key::Percent => ("%", "%"),
            Key::Time => ("当地时间", "local time"),
            Key::Summary => ("摘要", "Summary"),
            Key::Energy => ("园区用电", "Park energy"),
            Key::ItEnergy => ("IT 用电", "IT energy"),
            Key::Pue => ("平均 PUE", "average PUE"),
            Key::GreenShare => ("绿电占比", "green share"),
            Key::NotGreen => ("未全绿的时段", "intervals not fully green"),
            Key::PeakIt => ("IT 负荷峰值", "peak IT load"),
            Key::Co2 => ("二氧化碳排放", "CO2 emitted"),
            Key::Intervals => ("已存储的 15 分钟时段", "15-minute intervals stored"),
            Key::Source => ("数据来源", "data from"),
            Key::Generated => ("生成于", "generated"),
            Key::KindTrip => ("跳闸", "trip"),
            Key::KindCoolingLoss => ("制冷失效", "cooling loss"),
            Key::KindWindLull => ("风电骤降", "wind lull"),
            Key::KindLinkCut => ("链路中断", "link cut"),
            Key::KindTelemetryLoss => ("遥测中断", "telemetry loss"),
            Key::KindDrill => ("演练", "drill"),
        }
    }

    /// The event kinds the store records for faults and drills.
    pub const EVENT_KINDS: [&'static str; 6] = [
        "drill",
        "trip",
        "cooling_loss",
        "wind_lull",
        "link_cut",
        "telemetry_loss",
    ];

    /// The word for an event kind as the store records it (the kind itself when unknown).
    pub fn event_kind(kind: &str) -> Option<Key> {
        Some(match kind {
            "trip" => Key::KindTrip,
            "cooling_loss" => Key::KindCoolingLoss,
            "wind_lull" => Key::KindWindLull,
            "link_cut" => Key::KindLinkCut,
            "telemetry_loss" => Key::KindTelemetryLoss,
            "drill" => Key::KindDrill,
            _ => return None,
        })
    }
}
