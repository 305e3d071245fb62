//! The rack heatmap: every physical rack as one cell, each centre a block (its halls side by
//! side, one line of cells per rack row), blocks packed on shelves into a roughly 16:9 grid. Pure:
//! the values come from the engine (now) or the raw store (any past instant).

use crate::dto::{HeatmapBlock, RackMetricName};
use suangu_core::Park;
use suangu_core::scenario::Status;

/// Cells between blocks.
const GAP: u32 = 2;

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

impl Layout {
    pub fn of(park: &Park) -> Self {
        let centres: Vec<_> = park.centres().collect();
        let sizes: Vec<(u32, u32)> = centres
            .iter()
            .map(|c| {
                let across: u32 = c.halls.iter().map(|h| h.racks_per_row).sum();
                let gaps = u32::try_from(c.halls.len().saturating_sub(1)).unwrap_or(0);
                let rows = c.halls.iter().map(|h| h.rows).max().unwrap_or(0);
                (across + gaps, rows)
            })
            .collect();
        let area: u64 = sizes
            .iter()
            .map(|(w, h)| u64::from(w + GAP) * u64::from(h + GAP))
            .sum();
        let widest = sizes.iter().map(|(w, _)| *w).max().unwrap_or(0);
        let target = ((area as f64 * 16.0 / 9.0).sqrt().ceil() as u32).max(widest);

        let (mut x, mut y, mut shelf) = (0u32, 0u32, 0u32);
        let mut blocks = Vec::with_capacity(centres.len());
        let mut cells = Vec::new();
        let mut operating = Vec::new();
        let mut width = 0;
        for (c, (w, h)) in centres.iter().zip(&sizes) {
            if x > 0 && x + w > target {
                x = 0;
                y += shelf + GAP;
                shelf = 0;
            }
            blocks.push(HeatmapBlock {
                centre: c.id.to_string(),
                x,
                y,
                w: *w,
                h: *h,
                planned: c.status != Status::Operating,
            });
            if c.status == Status::Operating {
                operating.push((
                    cells.len(),
                    c.halls.iter().map(|h| h.racks() as usize).sum(),
                ));
            }
            let mut left = x;
            for hall in &c.halls {
                for row in 0..hall.rows {
                    cells.extend((0..hall.racks_per_row).map(|k| (y + row, left + k)));
                }
                left += hall.racks_per_row + 1;
            }
            width = width.max(x + w);
            shelf = shelf.max(*h);
            x += w + GAP;
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
        // Roughly the shape of a screen.
        let aspect = f64::from(layout.width) / f64::from(layout.height);
        assert!((0.8..4.0).contains(&aspect), "{aspect}");
        assert_eq!(layout.blocks.iter().filter(|b| b.planned).count(), 1);
    }
}
