//! The briefing's charts, drawn once for any plotters backend: SVG (a string) and PNG (a file).
//! Lines break where the store has no interval; nothing is interpolated or filled in.

use crate::briefing::{Briefing, Quarter};
use crate::period::PeriodKind;
use crate::words::{Key, Lang};
use jiff::{SignedDuration, Timestamp};
use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

/// Every chart's size in pixels (SVG user units).
pub const SIZE: (u32, u32) = (1600, 640);

/// The font every chart's text is laid out with (the bundled CJK subset, as OpenType).
const FONT: &[u8] = include_bytes!("../../../assets/fonts/SuanguSans-Regular.otf");
const FAMILY: &str = "sans-serif";

// Colours (ColorBrewer Dark2 / Set2, readable for the common colour-vision deficiencies).
pub const LOAD: RGBColor = RGBColor(0xd9, 0x5f, 0x02);
pub const OWN_GREEN: RGBColor = RGBColor(0x1b, 0x9e, 0x77);
pub const CONTRACT_GREEN: RGBColor = RGBColor(0x66, 0xc2, 0xa5);
pub const STORAGE_GREEN: RGBColor = RGBColor(0x75, 0x70, 0xb3);
pub const GRID: RGBColor = RGBColor(0xa6, 0xa6, 0xa6);
pub const GENERATION: RGBColor = RGBColor(0x1b, 0x5e, 0x20);
pub const MARKET: RGBColor = RGBColor(0x1b, 0x9e, 0x77);
pub const LOCATION: RGBColor = RGBColor(0x75, 0x70, 0xb3);
pub const PUE: RGBColor = RGBColor(0xd9, 0x5f, 0x02);
pub const MEAN_USE: RGBColor = RGBColor(0x37, 0x7e, 0xb8);
pub const PEAK_USE: RGBColor = RGBColor(0xe4, 0x1a, 0x1c);
pub const CURTAILED: RGBColor = RGBColor(0xe6, 0xab, 0x02);
pub const EXPORTED: RGBColor = RGBColor(0x66, 0xa6, 0x1e);
pub const OURS: RGBColor = RGBColor(0x1b, 0x9e, 0x77);
pub const FCFS: RGBColor = RGBColor(0xa6, 0xa6, 0xa6);
pub const GREEDY: RGBColor = RGBColor(0x75, 0x70, 0xb3);
const INK: RGBColor = RGBColor(0x21, 0x21, 0x21);

/// The charts of a briefing, in the order the summary shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    Supply,
    GreenShare,
    Pue,
    Utilisation,
    Curtailment,
    Schedule,
    Incidents,
}

impl Chart {
    pub const ALL: [Chart; 7] = [
        Chart::Supply,
        Chart::GreenShare,
        Chart::Pue,
        Chart::Utilisation,
        Chart::Curtailment,
        Chart::Schedule,
        Chart::Incidents,
    ];

    /// The chart's part of its file names.
    pub fn name(self) -> &'static str {
        match self {
            Chart::Supply => "supply",
            Chart::GreenShare => "green-share",
            Chart::Pue => "pue",
            Chart::Utilisation => "utilisation",
            Chart::Curtailment => "curtailment",
            Chart::Schedule => "schedule",
            Chart::Incidents => "incidents",
        }
    }

    pub fn title(self) -> Key {
        match self {
            Chart::Supply => Key::SupplyTitle,
            Chart::GreenShare => Key::ShareTitle,
            Chart::Pue => Key::PueTitle,
            Chart::Utilisation => Key::UtilisationTitle,
            Chart::Curtailment => Key::CurtailmentTitle,
            Chart::Schedule => Key::ScheduleTitle,
            Chart::Incidents => Key::IncidentsTitle,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the bundled chart font cannot be read")]
    Font,
    #[error("chart {chart}: {message}")]
    Draw {
        chart: &'static str,
        message: String,
    },
}

/// Register the bundled font with plotters, once per process.
fn font_ready() -> Result<(), ChartError> {
    static READY: OnceLock<bool> = OnceLock::new();
    let ok = *READY
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    ok.then_some(()).ok_or(ChartError::Font)
}

/// The chart as an SVG document.
pub fn svg(chart: Chart, b: &Briefing, lang: Lang) -> Result<String, ChartError> {
    font_ready()?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        draw(&root, chart, b, lang).map_err(|e| failed(chart, e))?;
        root.present().map_err(|e| failed(chart, e))?;
    }
    Ok(out)
}

/// The chart as a PNG file at `path`.
pub fn png(chart: Chart, b: &Briefing, lang: Lang, path: &Path) -> Result<(), ChartError> {
    font_ready()?;
    let root = BitMapBackend::new(path, SIZE).into_drawing_area();
    draw(&root, chart, b, lang).map_err(|e| failed(chart, e))?;
    root.present().map_err(|e| failed(chart, e))
}

fn failed(chart: Chart, e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw {
        chart: chart.name(),
        message: e.to_string(),
    }
}

type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;
type Area<DB> = DrawingArea<DB, Shift>;
type TimeChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn draw<DB: DrawingBackend>(root: &Area<DB>, chart: Chart, b: &Briefing, lang: Lang) -> Drawn<DB> {
    root.fill(&WHITE)?;
    match chart {
        Chart::Supply => supply(root, b, lang),
        Chart::GreenShare => green_share(root, b, lang),
        Chart::Pue => pue(root, b, lang),
        Chart::Utilisation => utilisation(root, b, lang),
        Chart::Curtailment => curtailment(root, b, lang),
        Chart::Schedule => schedule(root, b, lang),
        Chart::Incidents => incidents(root, b, lang),
    }
}

fn title_font<'a>() -> TextStyle<'a> {
    (FAMILY, 30).into_font().color(&INK)
}

fn label_font<'a>() -> TextStyle<'a> {
    (FAMILY, 22).into_font().color(&INK)
}

/// The time axis counts in label steps (3 hours for a day, a day for a week), so that plotters'
/// round tick values fall on round local times.
fn unit_h(b: &Briefing) -> f64 {
    match b.period.kind {
        PeriodKind::Day => 3.0,
        PeriodKind::Week => 24.0,
    }
}

/// The time axis position of `hours` after the period's start.
fn at_hours(b: &Briefing, hours: f64) -> f64 {
    hours / unit_h(b)
}

/// The time axis position of the middle of slot `i`.
fn mid(b: &Briefing, i: usize) -> f64 {
    at_hours(b, i as f64 * 0.25 + 0.125)
}

/// Runs of consecutive slots that hold data.
fn runs(slots: &[Option<Quarter>]) -> Vec<Vec<(usize, &Quarter)>> {
    let mut out: Vec<Vec<(usize, &Quarter)>> = Vec::new();
    let mut open = false;
    for (i, q) in slots.iter().enumerate() {
        match q {
            Some(q) if open => out.last_mut().map_or((), |r| r.push((i, q))),
            Some(q) => {
                out.push(vec![(i, q)]);
                open = true;
            }
            None => open = false,
        }
    }
    out
}

/// The label of a time axis position: the local hour for a day, the local date for a week.
fn time_label(b: &Briefing, x: f64) -> String {
    let hours = x.round() * unit_h(b);
    let at = b
        .period
        .from
        .checked_add(SignedDuration::from_secs_f64(hours * 3600.0))
        .unwrap_or(b.period.from);
    let local = b.period.tz.to_datetime(at);
    match b.period.kind {
        PeriodKind::Day => format!("{:02}:{:02}", local.hour(), local.minute()),
        PeriodKind::Week => format!("{:02}-{:02}", local.month(), local.day()),
    }
}

/// "time (Asia/Shanghai)": local time, in the park's zone.
fn time_desc(b: &Briefing, lang: Lang) -> String {
    format!(
        "{} ({})",
        lang.text(Key::Time),
        b.period.tz.iana_name().unwrap_or("UTC")
    )
}

/// The end of the time axis.
fn end_of(b: &Briefing) -> f64 {
    at_hours(b, b.slots.len() as f64 * 0.25)
}

/// A chart over the period's time with a numeric y axis: caption, mesh and axis labels drawn.
fn time_chart<'a, DB: DrawingBackend>(
    root: &'a Area<DB>,
    b: &Briefing,
    lang: Lang,
    title: Key,
    y: Range<f64>,
    y_desc: &str,
    decimals: usize,
) -> Result<TimeChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let end = end_of(b);
    let mut chart = ChartBuilder::on(root)
        .caption(lang.text(title), title_font())
        .margin(24)
        .x_label_area_size(56)
        .y_label_area_size(96)
        .build_cartesian_2d(0.0..end, y)?;
    chart
        .configure_mesh()
        .x_labels(end.round() as usize + 1)
        .x_label_formatter(&|x| time_label(b, *x))
        .y_label_formatter(&|y| format!("{y:.decimals$}"))
        .x_desc(time_desc(b, lang))
        .y_desc(y_desc)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    Ok(chart)
}

fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Drawn<DB> {
    chart
        .configure_series_labels()
        .label_font(label_font())
        .background_style(WHITE.mix(0.85))
        .border_style(GRID)
        .position(position)
        .draw()
}

fn swatch(colour: RGBColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 8), (x + 20, y + 8)], colour.filled())
}

fn stroke(colour: RGBColor) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3))
}

/// A message in the middle of an empty chart.
fn empty<DB: DrawingBackend>(root: &Area<DB>, lang: Lang, title: Key, message: Key) -> Drawn<DB> {
    let root = root.titled(lang.text(title), title_font())?;
    let (w, h) = root.dim_in_pixel();
    root.draw(&Text::new(
        lang.text(message),
        (
            i32::try_from(w / 2).unwrap_or(0),
            i32::try_from(h / 2).unwrap_or(0),
        ),
        label_font().pos(Pos::new(HPos::Center, VPos::Center)),
    ))
}

fn supply<DB: DrawingBackend>(root: &Area<DB>, b: &Briefing, lang: Lang) -> Drawn<DB> {
    let top = b
        .slots
        .iter()
        .flatten()
        .map(|q| q.load_mw.max(q.green_generation_mw))
        .fold(0.0, f64::max);
    let mut chart = time_chart(
        root,
        b,
        lang,
        Key::SupplyTitle,
        0.0..(top * 1.15).max(1.0),
        lang.text(Key::Mw),
        0,
    )?;
    // Stacked from the bottom: own green, contracted green, storage, grid (sums to the load).
    type Layer = (Key, RGBColor, fn(&Quarter) -> f64);
    let layers: [Layer; 4] = [
        (Key::GridImport, GRID, |q| {
            q.own_green_mw + q.contract_green_mw + q.storage_green_mw + q.import_mw
        }),
        (Key::StorageGreen, STORAGE_GREEN, |q| {
            q.own_green_mw + q.contract_green_mw + q.storage_green_mw
        }),
        (Key::ContractGreen, CONTRACT_GREEN, |q| {
            q.own_green_mw + q.contract_green_mw
        }),
        (Key::OwnGreen, OWN_GREEN, |q| q.own_green_mw),
    ];
    let runs = runs(&b.slots);
    for (key, colour, height) in layers {
        for (n, run) in runs.iter().enumerate() {
            let series = AreaSeries::new(
                run.iter().map(|(i, q)| (mid(b, *i), height(q))),
                0.0,
                colour.mix(0.85),
            );
            let drawn = chart.draw_series(series)?;
            if n == 0 {
                drawn.label(lang.text(key)).legend(swatch(colour));
            }
        }
    }
    for (key, colour, value, width) in [
        (
            Key::Load,
            LOAD,
            (|q: &Quarter| q.load_mw) as fn(&Quarter) -> f64,
            3,
        ),
        (
            Key::GreenGeneration,
            GENERATION,
            |q: &Quarter| q.green_generation_mw,
            2,
        ),
    ] {
        for (n, run) in runs.iter().enumerate() {
            let line = LineSeries::new(
                run.iter().map(|(i, q)| (mid(b, *i), value(q))),
                colour.stroke_width(width),
            );
            let drawn = chart.draw_series(line)?;
            if n == 0 {
                drawn.label(lang.text(key)).legend(stroke(colour));
            }
        }
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft)
}

fn green_share<DB: DrawingBackend>(root: &Area<DB>, b: &Briefing, lang: Lang) -> Drawn<DB> {
    let mut chart = time_chart(
        root,
        b,
        lang,
        Key::ShareTitle,
        0.0..110.0,
        lang.text(Key::Percent),
        0,
    )?;
    chart
        .draw_series(LineSeries::new(
            [(0.0, 100.0), (end_of(b), 100.0)],
            GRID.stroke_width(2),
        ))?
        .label(lang.text(Key::Target))
        .legend(stroke(GRID));
    let runs = runs(&b.slots);
    for (key, colour, value) in [
        (
            Key::MarketBased,
            MARKET,
            (|q: &Quarter| q.share_market) as fn(&Quarter) -> f64,
        ),
        (Key::LocationBased, LOCATION, |q: &Quarter| q.share_location),
    ] {
        for (n, run) in runs.iter().enumerate() {
            let line = LineSeries::new(
                run.iter().map(|(i, q)| (mid(b, *i), value(q) * 100.0)),
                colour.stroke_width(3),
            );
            let drawn = chart.draw_series(line)?;
            if n == 0 {
                drawn.label(lang.text(key)).legend(stroke(colour));
            }
        }
    }
    legend(&mut chart, SeriesLabelPosition::LowerLeft)
}

fn pue<DB: DrawingBackend>(root: &Area<DB>, b: &Briefing, lang: Lang) -> Drawn<DB> {
    let values = || b.slots.iter().flatten().filter_map(|q| q.pue);
    let low = values().fold(f64::INFINITY, f64::min);
    let high = values().fold(f64::NEG_INFINITY, f64::max);
    if !low.is_finite() {
        return empty(root, lang, Key::PueTitle, Key::NoData);
    }
    let pad = ((high - low) * 0.2).max(0.02);
    let mut chart = time_chart(
        root,
        b,
        lang,
        Key::PueTitle,
        (low - pad).max(1.0)..high + pad,
        "PUE",
        2,
    )?;
    let mut open: Vec<(f64, f64)> = Vec::new();
    let mut lines: Vec<Vec<(f64, f64)>> = Vec::new();
    for (i, q) in b.slots.iter().enumerate() {
        match q.as_ref().and_then(|q| q.pue) {
            Some(p) => open.push((mid(b, i), p)),
            None if !open.is_empty() => lines.push(std::mem::take(&mut open)),
            None => {}
        }
    }
    lines.push(open);
    for line in lines.into_iter().filter(|l| !l.is_empty()) {
        chart.draw_series(LineSeries::new(line, PUE.stroke_width(3)))?;
    }
    Ok(())
}

fn utilisation<DB: DrawingBackend>(root: &Area<DB>, b: &Briefing, lang: Lang) -> Drawn<DB> {
    if b.centres.is_empty() {
        return empty(root, lang, Key::UtilisationTitle, Key::NoData);
    }
    let n = b.centres.len() as i32;
    let top = b
        .centres
        .iter()
        .map(|c| c.peak_utilisation() * 100.0)
        .fold(100.0, f64::max);
    let mut chart = ChartBuilder::on(root)
        .caption(lang.text(Key::UtilisationTitle), title_font())
        .margin(24)
        .x_label_area_size(56)
        .y_label_area_size(260)
        .build_cartesian_2d(0.0..top * 1.1, (0..n - 1).into_segmented())?;
    let name = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => usize::try_from(*i)
            .ok()
            .and_then(|i| b.centres.get(i))
            .map(|c| lang.name(&c.name).to_owned())
            .unwrap_or_default(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .y_labels(b.centres.len())
        .y_label_formatter(&name)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .x_desc(lang.text(Key::Percent))
        .label_style(label_font())
        .axis_desc_style(label_font())
        .light_line_style(WHITE.mix(0.0))
        .disable_y_mesh()
        .draw()?;
    chart
        .draw_series(b.centres.iter().zip(0..).map(|(c, i)| {
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (c.mean_utilisation() * 100.0, SegmentValue::Exact(i + 1)),
                ],
                MEAN_USE.filled(),
            );
            bar.set_margin(6, 6, 0, 0);
            bar
        }))?
        .label(lang.text(Key::MeanUse))
        .legend(swatch(MEAN_USE));
    chart
        .draw_series(b.centres.iter().zip(0..).map(|(c, i)| {
            Rectangle::new(
                [
                    (c.peak_utilisation() * 100.0 - 0.3, SegmentValue::Exact(i)),
                    (
                        c.peak_utilisation() * 100.0 + 0.3,
                        SegmentValue::Exact(i + 1),
                    ),
                ],
                PEAK_USE.filled(),
            )
        }))?
        .label(lang.text(Key::PeakUse))
        .legend(swatch(PEAK_USE));
    chart.draw_series(b.centres.iter().zip(0..).map(|(c, i)| {
        Text::new(
            format!(
                " {:.0} % / {:.0} %",
                c.mean_utilisation() * 100.0,
                c.peak_utilisation() * 100.0
            ),
            (
                c.peak_utilisation() * 100.0 + 0.5,
                SegmentValue::CenterOf(i),
            ),
            label_font().pos(Pos::new(HPos::Left, VPos::Center)),
        )
    }))?;
    legend(&mut chart, SeriesLabelPosition::LowerRight)
}

fn curtailment<DB: DrawingBackend>(root: &Area<DB>, b: &Briefing, lang: Lang) -> Drawn<DB> {
    let top = b
        .slots
        .iter()
        .flatten()
        .map(|q| q.curtailed_mwh + q.exported_mwh)
        .fold(0.0, f64::max);
    let mut chart = time_chart(
        root,
        b,
        lang,
        Key::CurtailmentTitle,
        0.0..(top * 1.15).max(1.0),
        lang.text(Key::Mwh),
        1,
    )?;
    let bars = |value: fn(&Quarter) -> (f64, f64), colour: RGBColor| {
        b.slots.iter().enumerate().filter_map(move |(i, q)| {
            let (low, high) = value(q.as_ref()?);
            (high > low).then(|| {
                Rectangle::new(
                    [
                        (at_hours(b, i as f64 * 0.25), low),
                        (at_hours(b, (i + 1) as f64 * 0.25), high),
                    ],
                    colour.filled(),
                )
            })
        })
    };
    chart
        .draw_series(bars(|q| (0.0, q.curtailed_mwh), CURTAILED))?
        .label(lang.text(Key::Curtailed))
        .legend(swatch(CURTAILED));
    chart
        .draw_series(bars(
            |q| (q.curtailed_mwh, q.curtailed_mwh + q.exported_mwh),
            EXPORTED,
        ))?
        .label(lang.text(Key::Exported))
        .legend(swatch(EXPORTED));
    legend(&mut chart, SeriesLabelPosition::UpperLeft)
}

/// The green share of the scheduled jobs' energy, each time the engine recorded the live plan:
/// ours beside first-come-first-served and greedy.
fn schedule<DB: DrawingBackend>(root: &Area<DB>, b: &Briefing, lang: Lang) -> Drawn<DB> {
    if b.schedule.is_empty() {
        return empty(root, lang, Key::ScheduleTitle, Key::NoSchedule);
    }
    // Left the green share of the jobs' energy, right what their energy costs: in a season
    // without green to spare the shares are all nought and the cost still tells the planners apart.
    let (left, right) = root.split_horizontally(SIZE.0 / 2);
    type Pick = fn(&crate::briefing::PlanResult) -> f64;
    let share: Pick = |r| r.green_share * 100.0;
    let cost: Pick = |r| r.cost_cny / 1000.0;
    let top = b
        .schedule
        .iter()
        .flat_map(|o| [o.ours, o.fcfs, o.greedy])
        .map(|r| cost(&r))
        .fold(0.0, f64::max);
    schedule_panel(
        &left,
        b,
        lang,
        Key::ScheduleTitle,
        0.0..110.0,
        Key::Percent,
        share,
        true,
    )?;
    schedule_panel(
        &right,
        b,
        lang,
        Key::ScheduleCostTitle,
        0.0..(top * 1.15).max(1.0),
        Key::ThousandCny,
        cost,
        false,
    )
}

/// One panel of the schedule outcome: a metric of the three planners at each recorded plan.
#[allow(clippy::too_many_arguments)]
fn schedule_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    b: &Briefing,
    lang: Lang,
    title: Key,
    y: Range<f64>,
    unit: Key,
    pick: fn(&crate::briefing::PlanResult) -> f64,
    with_legend: bool,
) -> Drawn<DB> {
    let mut chart = time_chart(area, b, lang, title, y, lang.text(unit), 0)?;
    let x = |at: Timestamp| {
        at_hours(
            b,
            (at.as_second() - b.period.from.as_second()) as f64 / 3600.0,
        )
    };
    type Planner = fn(&crate::briefing::ScheduleOutcome) -> crate::briefing::PlanResult;
    let planners: [(Key, RGBColor, Planner); 3] = [
        (Key::PlanOurs, OURS, |o| o.ours),
        (Key::PlanFcfs, FCFS, |o| o.fcfs),
        (Key::PlanGreedy, GREEDY, |o| o.greedy),
    ];
    for (key, colour, planner) in planners {
        let points: Vec<(f64, f64)> = b
            .schedule
            .iter()
            .map(|o| (x(o.at), pick(&planner(o))))
            .collect();
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                colour.stroke_width(3),
            ))?
            .label(lang.text(key))
            .legend(stroke(colour));
        chart.draw_series(points.iter().map(|p| Circle::new(*p, 4, colour.filled())))?;
    }
    if with_legend {
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    }
    Ok(())
}

fn incidents<DB: DrawingBackend>(root: &Area<DB>, b: &Briefing, lang: Lang) -> Drawn<DB> {
    if b.incidents.is_empty() {
        return empty(root, lang, Key::IncidentsTitle, Key::NoIncidents);
    }
    // A lane for every kind of fault the twin knows, the same in every briefing, then any other
    // kind the store holds.
    let mut kinds: Vec<&str> = Key::EVENT_KINDS.to_vec();
    for i in &b.incidents {
        if !kinds.contains(&i.kind.as_str()) {
            kinds.push(&i.kind);
        }
    }
    let end = end_of(b);
    let lane = |kind: &str| {
        kinds
            .iter()
            .position(|k| *k == kind)
            .and_then(|p| i32::try_from(p).ok())
            .unwrap_or(0)
    };
    let offset = |t: Timestamp| {
        at_hours(
            b,
            (t.as_second() - b.period.from.as_second()) as f64 / 3600.0,
        )
        .clamp(0.0, end)
    };
    let mut chart = ChartBuilder::on(root)
        .caption(lang.text(Key::IncidentsTitle), title_font())
        .margin(24)
        .x_label_area_size(56)
        .y_label_area_size(200)
        .build_cartesian_2d(0.0..end, (0..kinds.len() as i32 - 1).into_segmented())?;
    let kind_name = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => usize::try_from(*i)
            .ok()
            .and_then(|i| kinds.get(i))
            .map(|k| Key::event_kind(k).map_or((*k).to_owned(), |key| lang.text(key).to_owned()))
            .unwrap_or_default(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .x_labels(end.round() as usize + 1)
        .x_label_formatter(&|x| time_label(b, *x))
        .y_labels(kinds.len())
        .y_label_formatter(&kind_name)
        .x_desc(time_desc(b, lang))
        .label_style(label_font())
        .axis_desc_style(label_font())
        .light_line_style(WHITE.mix(0.0))
        .disable_y_mesh()
        .draw()?;
    chart.draw_series(b.incidents.iter().map(|i| {
        let from = offset(i.at);
        // An event without an end is drawn as a mark a quarter of an hour wide.
        let quarter = at_hours(b, 0.25);
        let to = i.until.map_or(from + quarter, offset).max(from + quarter);
        let y = lane(&i.kind);
        let mut bar = Rectangle::new(
            [
                (from, SegmentValue::Exact(y)),
                (to, SegmentValue::Exact(y + 1)),
            ],
            PEAK_USE.mix(0.7).filled(),
        );
        bar.set_margin(10, 10, 0, 0);
        bar
    }))?;
    chart.draw_series(b.incidents.iter().map(|i| {
        Text::new(
            format!(" {}", i.target),
            (offset(i.at), SegmentValue::CenterOf(lane(&i.kind))),
            label_font().pos(Pos::new(HPos::Left, VPos::Bottom)),
        )
    }))?;
    Ok(())
}
