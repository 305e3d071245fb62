//! Rolling rack values up to rows, halls, centres, zones and the park, every tick.
//!
//! Racks are numbered so that every row, hall and centre is a contiguous range (the order
//! [`Hierarchy::from_park`] lays them out in, and the twin emits them in). A rollup is then a
//! sum over slices: no hashing, no allocation per tick.

use crate::park::Park;
use std::ops::Range;

/// The rack layout of a park as contiguous ranges.
#[derive(Debug, Clone, PartialEq)]
pub struct Hierarchy {
    /// Rack range of each row.
    pub rows: Vec<Range<usize>>,
    /// Row range of each hall.
    pub halls: Vec<Range<usize>>,
    /// Hall range of each centre.
    pub centres: Vec<Range<usize>>,
    /// Zone index of each centre.
    pub centre_zone: Vec<usize>,
    pub zones: usize,
    pub racks: usize,
}

/// Sums at every level, reused from tick to tick.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rollup {
    pub rows: Vec<f64>,
    pub halls: Vec<f64>,
    pub centres: Vec<f64>,
    pub zones: Vec<f64>,
    pub park: f64,
}

impl Hierarchy {
    /// From the scenario: centres in file order, halls in order, rows of `racks_per_row`.
    pub fn from_park(park: &Park) -> Self {
        let s = park.scenario();
        let layout: Vec<(usize, Vec<Vec<usize>>)> = s
            .centres
            .iter()
            .map(|c| {
                let zone = s.zones.iter().position(|z| z.id == c.zone).unwrap_or(0);
                let halls = c
                    .halls
                    .iter()
                    .map(|h| vec![h.racks_per_row as usize; h.rows as usize])
                    .collect();
                (zone, halls)
            })
            .collect();
        Self::from_layout(&layout, s.zones.len())
    }

    /// From an explicit layout: per centre, its zone and, per hall, the racks in each row.
    pub fn from_layout(centres: &[(usize, Vec<Vec<usize>>)], zones: usize) -> Self {
        let mut h = Hierarchy {
            rows: Vec::new(),
            halls: Vec::new(),
            centres: Vec::new(),
            centre_zone: Vec::new(),
            zones,
            racks: 0,
        };
        for (zone, halls) in centres {
            let first_hall = h.halls.len();
            for rows in halls {
                let first_row = h.rows.len();
                for &racks in rows {
                    h.rows.push(h.racks..h.racks + racks);
                    h.racks += racks;
                }
                h.halls.push(first_row..h.rows.len());
            }
            h.centres.push(first_hall..h.halls.len());
            h.centre_zone.push(*zone);
        }
        h
    }

    /// Roll `values` (one per rack, in layout order) up into `out`.
    pub fn roll_up(&self, values: &[f32], out: &mut Rollup) {
        out.rows.resize(self.rows.len(), 0.0);
        out.halls.resize(self.halls.len(), 0.0);
        out.centres.resize(self.centres.len(), 0.0);
        out.zones.clear();
        out.zones.resize(self.zones, 0.0);
        for (sum, range) in out.rows.iter_mut().zip(&self.rows) {
            *sum = values
                .get(range.clone())
                .map_or(0.0, |v| v.iter().map(|x| f64::from(*x)).sum());
        }
        for (sum, range) in out.halls.iter_mut().zip(&self.halls) {
            *sum = out.rows[range.clone()].iter().sum();
        }
        for (sum, range) in out.centres.iter_mut().zip(&self.centres) {
            *sum = out.halls[range.clone()].iter().sum();
        }
        for (centre, zone) in out.centres.iter().zip(&self.centre_zone) {
            if let Some(z) = out.zones.get_mut(*zone) {
                *z += centre;
            }
        }
        out.park = out.zones.iter().sum();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_every_level() {
        // Two centres in zones 1 and 0: halls of rows of racks.
        let h = Hierarchy::from_layout(&[(1, vec![vec![2, 3], vec![1]]), (0, vec![vec![4]])], 2);
        assert_eq!(h.racks, 10);
        let values: Vec<f32> = (1..=10).map(|v| v as f32).collect();
        let mut r = Rollup::default();
        h.roll_up(&values, &mut r);
        assert_eq!(r.rows, vec![3.0, 12.0, 6.0, 34.0]);
        assert_eq!(r.halls, vec![15.0, 6.0, 34.0]);
        assert_eq!(r.centres, vec![21.0, 34.0]);
        assert_eq!(r.zones, vec![34.0, 21.0]);
        assert_eq!(r.park, 55.0);
    }

    #[test]
    fn qingyang_layout_has_every_physical_rack() {
        let park = crate::qingyang().expect("park");
        let h = Hierarchy::from_park(&park);
        assert_eq!(
            h.racks as u64,
            park.totals().physical_racks + park.totals().physical_racks_planned
        );
        assert_eq!(h.centres.len(), park.centres().count());
    }
}
