//! The rack heatmap: every physical rack as one cell, one line of cells per rack row; each
//! centre a block of its halls (in a small grid, about twice as wide as tall), blocks packed on
//! shelves into about the shape of the map panel, with a label line above each. Pure: the
//! values come from the engine (now) or the raw store (any past instant).

use crate::dto::{HeatmapBlock, HeatmapRect, HeatmapSource, RackMetricName};
use suangu_core::Park;
use suangu_core::scenario::{Centre, Status};

/// Cells between blocks side by side, and between shelves (room for the centre's label).
const GAP_X: u32 = 3;
const GAP_Y: u32 = 4;
/// Width over height of the whole grid, about that of the map panel.
const ASPECT: f64 = 2.0;

/// Where every rack of the park lands.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    pub blocks: Vec<HeatmapBlock>,
    /// Grid cell of each rack, in rack order (the scenario's centres, halls, rows, racks).
    pub cells: Vec<u32>,
    /// Rack order index of each operating centre's first rack, and its rack count.
    pub operating: Vec<(usize, usize)>,
}

/// A centre's halls laid out: the block's size and each hall's corner within it.
struct Arranged {
    w: u32,
    h: u32,
    corners: Vec<(u32, u32)>,
}

impl Arranged {
    /// How far the block is from twice as wide as tall.
    fn off_shape(&self) -> f64 {
        (f64::from(self.w) / f64::from(self.h.max(1)) - 2.0).abs()
    }
}

/// A centre's halls laid out in `cols` columns.
fn arrange(c: &Centre, cols: usize) -> Arranged {
    let hall_w = c.halls.iter().map(|h| h.racks_per_row).max().unwrap_or(0);
    let hall_h = c.halls.iter().map(|h| h.rows).max().unwrap_or(0);
    let cols = cols.max(1);
    let corners: Vec<(u32, u32)> = (0..c.halls.len())
        .map(|i| {
            let (col, row) = ((i % cols) as u32, (i / cols) as u32);
            (col * (hall_w + 1), row * (hall_h + 1))
        })
        .collect();
    let used_cols = cols.min(c.halls.len()) as u32;
    let rows = c.halls.len().div_ceil(cols) as u32;
    Arranged {
        w: (used_cols * (hall_w + 1)).saturating_sub(1),
        h: (rows * (hall_h + 1)).saturating_sub(1),
        corners,
    }
}

impl Layout {
    pub fn of(park: &Park) -> Self {
        let centres: Vec<&Centre> = park.centres().collect();
        let arranged: Vec<Arranged> = centres
            .iter()
            .filter_map(|c| {
                (1..=c.halls.len().max(1))
                    .map(|cols| arrange(c, cols))
                    .min_by(|a, b| a.off_shape().total_cmp(&b.off_shape()))
            })
            .collect();
        let area: f64 = arranged
            .iter()
            .map(|a| f64::from(a.w + GAP_X) * f64::from(a.h + GAP_Y))
            .sum();
        let widest = arranged.iter().map(|a| a.w).max().unwrap_or(0);
        let target = ((area * ASPECT).sqrt().ceil() as u32).max(widest);

        let (mut x, mut y, mut shelf) = (0u32, GAP_Y, 0u32);
        let mut blocks = Vec::with_capacity(centres.len());
        let mut cells = Vec::new();
        let mut operating = Vec::new();
        let mut width = 0;
        for (c, Arranged { w, h, corners }) in centres.iter().zip(&arranged) {
            if x > 0 && x + w > target {
                x = 0;
                y += shelf + GAP_Y;
                shelf = 0;
            }
            if c.status == Status::Operating {
                operating.push((
                    cells.len(),
                    c.halls.iter().map(|h| h.racks() as usize).sum(),
                ));
            }
            let mut halls = Vec::with_capacity(c.halls.len());
            for (hall, (hx, hy)) in c.halls.iter().zip(corners) {
                let (left, top) = (x + hx, y + hy);
                for row in 0..hall.rows {
                    cells.extend((0..hall.racks_per_row).map(|k| (top + row, left + k)));
                }
                halls.push(HeatmapRect {
                    x: left,
                    y: top,
                    w: hall.racks_per_row,
                    h: hall.rows,
                });
            }
            blocks.push(HeatmapBlock {
                centre: c.id.to_string(),
                x,
                y,
                w: *w,
                h: *h,
                planned: c.status != Status::Operating,
                halls,
            });
            width = width.max(x + w);
            shelf = shelf.max(*h);
            x += w + GAP_X;
        }
        let height = y + shelf;
        Self {
            width,
            height,
            blocks,
            cells: cells
                .into_iter()
                .map(|(row, col)| row * width + col)
                .collect(),
            operating,
        }
    }

    /// The grid of `values` (one per rack, in rack order; None where a rack has no data).
    pub fn grid(&self, values: &[Option<f64>]) -> Vec<Option<f64>> {
        let mut grid = vec![None; (self.width * self.height) as usize];
        for (cell, value) in self.cells.iter().zip(values) {
            if let Some(slot) = grid.get_mut(*cell as usize) {
                *slot = *value;
            }
        }
        grid
    }

    /// The binary frame of `values` (one per rack, in rack order): see [`frame`].
    pub fn frame(&self, head: FrameHead, values: &[Option<f64>]) -> Vec<u8> {
        let (lo, hi) = scale(head.metric, values);
        let per_level = f64::from(frame::MAX_LEVEL) / (hi - lo);
        let mut cells = vec![frame::NO_RACK; (self.width * self.height) as usize];
        let operating = self
            .operating
            .iter()
            .flat_map(|(start, n)| *start..start + n);
        for rack in operating {
            let (Some(cell), Some(value)) = (self.cells.get(rack), values.get(rack)) else {
                continue;
            };
            if let Some(slot) = cells.get_mut(*cell as usize) {
                *slot = match value {
                    Some(v) if v.is_finite() => ((v - lo) * per_level)
                        .round()
                        .clamp(0.0, f64::from(frame::MAX_LEVEL))
                        as u8,
                    _ => frame::NO_DATA,
                };
            }
        }
        let mut out = Vec::with_capacity(frame::HEADER + cells.len());
        out.extend_from_slice(frame::MAGIC);
        out.extend_from_slice(&frame::VERSION.to_le_bytes());
        out.push(match head.metric {
            RackMetricName::PowerKw => 0,
            RackMetricName::InletC => 1,
            RackMetricName::UtilisationPct => 2,
        });
        out.push(match head.source {
            HeatmapSource::Live => 0,
            HeatmapSource::Raw => 1,
        });
        out.extend_from_slice(&self.width.to_le_bytes());
        out.extend_from_slice(&self.height.to_le_bytes());
        out.extend_from_slice(&lo.to_le_bytes());
        out.extend_from_slice(&hi.to_le_bytes());
        out.extend_from_slice(&head.at_s.map_or(f64::NAN, f64::from).to_le_bytes());
        out.extend_from_slice(&0f64.to_le_bytes());
        out.extend_from_slice(&head.racks.to_le_bytes());
        out.extend_from_slice(&head.racks_with_data.to_le_bytes());
        out.extend_from_slice(&cells);
        out
    }
}

/// The colour scale of `metric` for `values`: fixed for inlet temperature (18-32 °C) and
/// utilisation (0-100 %), so screens compare across time; rack power from 0 up to the largest
/// value, rounded up to 5 kW (at least 5).
pub fn scale(metric: RackMetricName, values: &[Option<f64>]) -> (f64, f64) {
    match metric {
        RackMetricName::InletC => (18.0, 32.0),
        RackMetricName::UtilisationPct => (0.0, 100.0),
        RackMetricName::PowerKw => {
            let max = values
                .iter()
                .flatten()
                .copied()
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max);
            (0.0, (max / 5.0).ceil().max(1.0) * 5.0)
        }
    }
}

/// What a binary heatmap frame says besides its cells.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameHead {
    pub metric: RackMetricName,
    pub source: HeatmapSource,
    pub at_s: Option<u32>,
    pub racks: u32,
    pub racks_with_data: u32,
}

/// The binary heatmap frame: what the live heatmap receives every second (a JSON array of
/// 100,000 numbers costs more to parse than to paint). A display frame: each rack's colour
/// level on the metric's scale (254 levels; values beyond the scale show at its ends; exact
/// values come from the raw series). Little-endian:
///
/// | offset | type | field |
/// |---|---|---|
/// | 0 | 4 bytes | magic `SGHM` |
/// | 4 | u16 | version (1) |
/// | 6 | u8 | metric: 0 power_kw, 1 inlet_c, 2 utilisation_pct |
/// | 7 | u8 | source: 0 live, 1 raw |
/// | 8 | u32, u32 | grid width, height |
/// | 16 | f64, f64 | the scale `lo`, `hi`: level `l` is the value `lo + l * (hi - lo) / 253` |
/// | 32 | f64 | the instant shown, unix seconds (NaN: no sample yet) |
/// | 40 | f64 | when the host sent it, unix milliseconds (0: not stamped) |
/// | 48 | u32, u32 | racks of the operating centres, racks with data |
/// | 56 | u8 per cell | level 0..=253, 254 rack without data, 255 no reporting rack (an aisle, or a planned centre's rack) |
pub mod frame {
    pub const MAGIC: &[u8; 4] = b"SGHM";
    pub const VERSION: u16 = 1;
    pub const HEADER: usize = 56;
    pub const MAX_LEVEL: u8 = 253;
    pub const NO_DATA: u8 = 254;
    pub const NO_RACK: u8 = 255;
    const SENT_AT: usize = 40;

    /// Stamp the moment the host sends the frame (the host reads the clock, not the API).
    pub fn stamp_sent(frame: &mut [u8], unix_ms: f64) {
        if let Some(slot) = frame.get_mut(SENT_AT..SENT_AT + 8) {
            slot.copy_from_slice(&unix_ms.to_le_bytes());
        }
    }
}

impl RackMetricName {
    /// The raw series suffix of the metric (see `suangu_sim::RACK_METRICS`).
    pub fn series_suffix(self) -> &'static str {
        match self {
            RackMetricName::PowerKw => "power_kw",
            RackMetricName::InletC => "inlet_c",
            RackMetricName::UtilisationPct => "utilisation_pct",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rack_gets_its_own_cell_inside_its_centre_block() {
        let park = suangu_core::qingyang().expect("park");
        let layout = Layout::of(&park);
        let racks: usize = park
            .centres()
            .map(|c| c.physical_racks.value as usize)
            .sum();
        assert_eq!(layout.cells.len(), racks);
        let mut seen = std::collections::HashSet::new();
        assert!(
            layout.cells.iter().all(|c| seen.insert(*c)),
            "two racks share a cell"
        );
        // Each rack falls inside its centre's block, and blocks do not overlap.
        let mut start = 0usize;
        for (c, block) in park.centres().zip(&layout.blocks) {
            let n = c.physical_racks.value as usize;
            for cell in &layout.cells[start..start + n] {
                let (row, col) = (cell / layout.width, cell % layout.width);
                assert!(
                    (block.x..block.x + block.w).contains(&col)
                        && (block.y..block.y + block.h).contains(&row),
                    "{}",
                    c.id
                );
            }
            start += n;
        }
        for (i, a) in layout.blocks.iter().enumerate() {
            for b in &layout.blocks[i + 1..] {
                let apart =
                    a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                assert!(apart, "{} overlaps {}", a.centre, b.centre);
            }
        }
        // About the shape of the map panel, and well filled.
        let aspect = f64::from(layout.width) / f64::from(layout.height);
        assert!((1.0..2.5).contains(&aspect), "{aspect}");
        let fill = racks as f64 / f64::from(layout.width * layout.height);
        assert!(fill > 0.45, "only {fill:.2} of the grid is racks");
        // Every rack lies inside one of its centre's halls.
        let mut start = 0usize;
        for (c, block) in park.centres().zip(&layout.blocks) {
            for cell in &layout.cells[start..start + c.physical_racks.value as usize] {
                let (row, col) = (cell / layout.width, cell % layout.width);
                assert!(block.halls.iter().any(|h| (h.x..h.x + h.w).contains(&col) && (h.y..h.y + h.h).contains(&row)));
            }
            start += c.physical_racks.value as usize;
        }
        assert_eq!(layout.blocks.iter().filter(|b| b.planned).count(), 1);
    }

    /// Read a frame back the way the UI does (`ui/src/panels/heatmap/frame.ts`).
    fn read(bytes: &[u8]) -> (Vec<u8>, u32, u32, f64, f64, f64, Vec<u8>) {
        let f64_at = |o: usize| f64::from_le_bytes(bytes[o..o + 8].try_into().expect("8"));
        let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().expect("4"));
        (
            bytes[..8].to_vec(),
            u32_at(8),
            u32_at(12),
            f64_at(16),
            f64_at(24),
            f64_at(40),
            bytes[frame::HEADER..].to_vec(),
        )
    }

    #[test]
    fn a_binary_frame_carries_every_rack_on_its_scale_and_tells_gaps_from_aisles() {
        let park = suangu_core::qingyang().expect("park");
        let layout = Layout::of(&park);
        let operating: std::collections::HashSet<usize> = layout
            .operating
            .iter()
            .flat_map(|(start, n)| *start..start + n)
            .collect();
        assert!(operating.len() < layout.cells.len(), "B01 is planned");
        // Every third rack without data, the others spread over 0..40 °C (beyond the scale at
        // both ends), one NaN.
        let mut values: Vec<Option<f64>> = (0..layout.cells.len())
            .map(|i| (i % 3 != 0).then_some((i % 997) as f64 * 0.04))
            .collect();
        values[1] = Some(f64::NAN);
        let head = FrameHead {
            metric: RackMetricName::InletC,
            source: HeatmapSource::Raw,
            at_s: Some(1_780_000_000),
            racks: 7,
            racks_with_data: 5,
        };
        let mut bytes = layout.frame(head, &values);
        frame::stamp_sent(&mut bytes, 1_780_000_000_123.5);
        let (start, w, h, lo, hi, sent, cells) = read(&bytes);
        assert_eq!(&start[..4], b"SGHM");
        assert_eq!(&start[6..8], &[1, 1], "metric inlet_c, source raw");
        assert_eq!((w, h), (layout.width, layout.height));
        assert_eq!((lo, hi), (18.0, 32.0), "the inlet scale");
        assert_eq!(cells.len(), (w * h) as usize);
        assert_eq!(sent, 1_780_000_000_123.5);
        let step = (hi - lo) / f64::from(frame::MAX_LEVEL);
        for (rack, (cell, value)) in layout.cells.iter().zip(&values).enumerate() {
            let level = cells[*cell as usize];
            if !operating.contains(&rack) {
                assert_eq!(level, frame::NO_RACK, "a planned centre's rack {rack}");
                continue;
            }
            match value {
                Some(v) if v.is_finite() => {
                    let back = lo + f64::from(level) * step;
                    let on_scale = v.clamp(lo, hi);
                    assert!(
                        (back - on_scale).abs() <= step / 2.0 + 1e-9,
                        "rack {rack}: {v} -> {back}"
                    );
                }
                _ => assert_eq!(level, frame::NO_DATA, "rack {rack}: {value:?}"),
            }
        }
        let racks: std::collections::HashSet<u32> = layout.cells.iter().copied().collect();
        for (i, level) in cells.iter().enumerate() {
            if !racks.contains(&(i as u32)) {
                assert_eq!(*level, frame::NO_RACK, "cell {i} is an aisle");
            }
        }
        // Power: the scale runs to the largest value rounded up to 5 kW; all zero, to 5 kW.
        let power = |v: Option<f64>| {
            let bytes = layout.frame(
                FrameHead {
                    metric: RackMetricName::PowerKw,
                    ..head
                },
                &vec![v; layout.cells.len()],
            );
            let (_, _, _, lo, hi, _, cells) = read(&bytes);
            (
                lo,
                hi,
                operating
                    .iter()
                    .map(|r| cells[layout.cells[*r] as usize])
                    .max(),
            )
        };
        assert_eq!(power(Some(17.9)), (0.0, 20.0, Some(226)));
        assert_eq!(power(Some(0.0)), (0.0, 5.0, Some(0)));
        assert_eq!(power(None), (0.0, 5.0, Some(frame::NO_DATA)));
    }
}
