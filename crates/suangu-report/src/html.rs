//! The one-page summary: the KPIs in words and every chart, inline as SVG, in one HTML file that
//! can be forwarded as it is (no scripts, nothing fetched).

use crate::briefing::Briefing;
use crate::charts::Chart;
use crate::period::PeriodKind;
use crate::words::{Key, Lang};
use jiff::Timestamp;

/// The summary page. `charts` are the SVG documents, in [`Chart::ALL`] order.
pub fn page(
    b: &Briefing,
    lang: Lang,
    charts: &[(Chart, String)],
    source: &str,
    generated: Timestamp,
) -> String {
    let title = title(b, lang);
    let mut out = String::with_capacity(charts.iter().map(|(_, s)| s.len()).sum::<usize>() + 8192);
    out.push_str(&format!(
        "<!doctype html>\n<html lang=\"{tag}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n",
        tag = lang.tag(),
        title = escape(&title),
    ));
    out.push_str(&format!(
        "<h2>{}</h2>\n<ul class=\"kpis\">\n",
        lang.text(Key::Summary)
    ));
    for line in sentences(b, lang) {
        out.push_str(&format!("<li>{}</li>\n", escape(&line)));
    }
    out.push_str("</ul>\n");
    for (chart, svg) in charts {
        out.push_str(&format!(
            "<figure id=\"{}\" aria-label=\"{}\">\n{}\n</figure>\n",
            chart.name(),
            lang.text(chart.title()),
            svg.trim()
        ));
    }
    out.push_str(&format!(
        "<footer>{}: {} · {} {} ({})</footer>\n</body>\n</html>\n",
        lang.text(Key::Source),
        escape(source),
        lang.text(Key::Generated),
        local(b, generated),
        b.period.tz.iana_name().unwrap_or("UTC"),
    ));
    out
}

const STYLE: &str = "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\",\
\"Microsoft YaHei\",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#212121}\
h1{font-size:1.8em;margin-bottom:.2em}h2{font-size:1.3em}ul.kpis{font-size:1.1em;line-height:1.7}\
figure{margin:2em 0}figure svg{width:100%;height:auto}figure svg text{font-family:inherit}\
footer{color:#777;font-size:.85em;margin-top:3em}";

/// "青阳 … 日简报 2026-04-01" / "Qingyang … Daily briefing 2026-03-30 – 2026-04-05".
pub fn title(b: &Briefing, lang: Lang) -> String {
    let (kind, dates) = match b.period.kind {
        PeriodKind::Day => (Key::DayBriefing, b.period.first.to_string()),
        PeriodKind::Week => (
            Key::WeekBriefing,
            format!("{} – {}", b.period.first, b.period.last),
        ),
    };
    format!(
        "{} · {} {}",
        lang.name(&b.park_name),
        lang.text(kind),
        dates
    )
}

fn local(b: &Briefing, at: Timestamp) -> String {
    b.period
        .tz
        .to_datetime(at)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// The KPIs in words, one sentence each.
pub fn sentences(b: &Briefing, lang: Lang) -> Vec<String> {
    let k = &b.kpis;
    let quarters = b.slots.len();
    let peak_at = b.peak_it_at.map(|t| local(b, t)).unwrap_or_default();
    let incidents: Vec<String> = b
        .incidents
        .iter()
        .map(|i| {
            let kind = Key::event_kind(&i.kind).map_or(i.kind.as_str(), |key| lang.text(key));
            match i.until {
                Some(until) => {
                    format!("{kind} {} {}–{}", i.target, local(b, i.at), local(b, until))
                }
                None => format!("{kind} {} {}", i.target, local(b, i.at)),
            }
        })
        .collect();
    match lang {
        Lang::ZhCn => vec![
            format!(
                "园区用电 {:.1} MWh（IT {:.1} MWh），平均 PUE {:.3}。",
                k.facility_energy_mwh, k.it_energy_mwh, k.avg_pue
            ),
            format!(
                "绿电占比：市场法 {:.1} %，位置法 {:.1} %；{} 个 15 分钟时段未全绿（共 {} 个）。",
                k.green_share_market * 100.0,
                k.green_share_location * 100.0,
                b.not_green,
                b.stored()
            ),
            format!("IT 负荷峰值 {:.1} MW，出现于 {peak_at}。", k.peak_it_mw),
            format!(
                "弃电 {:.1} MWh，上网 {:.1} MWh，电网购电 {:.1} MWh；二氧化碳排放：市场法 {:.1} t，位置法 {:.1} t。",
                k.curtailed_mwh, k.exported_mwh, k.import_mwh, k.co2_market_t, k.co2_location_t
            ),
            if incidents.is_empty() {
                "本期无演练或故障。".to_owned()
            } else {
                format!(
                    "演练与故障 {} 次：{}。",
                    incidents.len(),
                    incidents.join("；")
                )
            },
            if b.top_alarms.is_empty() {
                "本期无告警。".to_owned()
            } else {
                format!("主要告警：{}。", alarms(b, "次"))
            },
            match schedule_means(b) {
                Some((ours, fcfs, n, saving)) => format!(
                    "调度：{n} 次计划中作业绿电占比平均 {:.1} %（先到先服务 {:.1} %），用电成本比先到先服务低 {:.1} %。",
                    ours * 100.0,
                    fcfs * 100.0,
                    saving * 100.0
                ),
                None => "本期没有记录调度结果。".to_owned(),
            },
            format!("已存储的 15 分钟时段：{} / {}。", b.stored(), quarters),
        ],
        Lang::En => vec![
            format!(
                "Park energy {:.1} MWh (IT {:.1} MWh), average PUE {:.3}.",
                k.facility_energy_mwh, k.it_energy_mwh, k.avg_pue
            ),
            format!(
                "Green share {:.1} % market-based, {:.1} % location-based; {} of {} 15-minute intervals were not fully green.",
                k.green_share_market * 100.0,
                k.green_share_location * 100.0,
                b.not_green,
                b.stored()
            ),
            format!("Peak IT load {:.1} MW at {peak_at}.", k.peak_it_mw),
            format!(
                "Curtailed {:.1} MWh, exported {:.1} MWh, imported from the grid {:.1} MWh; CO2 emitted {:.1} t market-based, {:.1} t location-based.",
                k.curtailed_mwh, k.exported_mwh, k.import_mwh, k.co2_market_t, k.co2_location_t
            ),
            if incidents.is_empty() {
                "No drills or faults in this period.".to_owned()
            } else {
                format!(
                    "Drills and faults: {}: {}.",
                    incidents.len(),
                    incidents.join("; ")
                )
            },
            match schedule_means(b) {
                Some((ours, fcfs, n, saving)) => format!(
                    "Scheduling: over {n} plans the jobs' energy was {:.1} % green on average (first come, first served: {:.1} %) and cost {:.1} % less than first come, first served.",
                    ours * 100.0,
                    fcfs * 100.0,
                    saving * 100.0
                ),
                None => "No schedule outcome recorded in this period.".to_owned(),
            },
            format!(
                "15-minute intervals stored: {} of {}.",
                b.stored(),
                quarters
            ),
        ],
    }
}

/// Over the recorded plans: the mean green share of ours and of first-come-first-served, the
/// number of plans, and how much cheaper ours was on average (a ratio of FCFS's cost).
fn schedule_means(b: &Briefing) -> Option<(f64, f64, usize, f64)> {
    let n = b.schedule.len();
    (n > 0).then(|| {
        let mean = |f: fn(&crate::briefing::ScheduleOutcome) -> f64| {
            b.schedule.iter().map(f).sum::<f64>() / n as f64
        };
        let fcfs_cost = mean(|o| o.fcfs.cost_cny);
        let saving = if fcfs_cost > 0.0 {
            1.0 - mean(|o| o.ours.cost_cny) / fcfs_cost
        } else {
            0.0
        };
        (
            mean(|o| o.ours.green_share),
            mean(|o| o.fcfs.green_share),
            n,
            saving,
        )
    })
}

/// "ss-110-2-lost on SS-110-2 (critical) ×2; …".
fn alarms(b: &Briefing, times: &str) -> String {
    b.top_alarms
        .iter()
        .map(|a| {
            format!(
                "{} @ {} ({}) {} {times}",
                a.rule, a.target, a.severity, a.raised
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Text as HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_leaves_no_markup() {
        assert_eq!(
            super::escape("<b>\"R&D\"</b>'"),
            "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;&#39;"
        );
    }
}
