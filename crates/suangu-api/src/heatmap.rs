//! The rack heatmap: every physical rack as one cell, one line of cells per rack row; each
//! centre a block of its halls (in a small grid, about twice as wide as tall), blocks packed on
//! shelves into about the shape of the map panel, with a label line above each. Pure: the
//! values come from the engine (now) or the raw store (any past instant).

use crate::dto::{HeatmapBlock, HeatmapRect, RackMetricName};
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
}
