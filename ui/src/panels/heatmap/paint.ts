// Painting the rack heatmap (pure; unit-tested): one pixel per rack into an RGBA buffer, drawn
// once into a small canvas and scaled by CSS (the fastest way measured here: ~1 ms a frame).
import type { RackMetricName } from "../../api/bindings";

export type Rgb = [number, number, number];

// Viridis at nine stops: perceptually even and readable with colour-blindness.
const VIRIDIS: Rgb[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** Colour of `t` in [0, 1] (clamped). */
export function colour(t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i] as Rgb;
  const b = VIRIDIS[i + 1] as Rgb;
  return [0, 1, 2].map((k) => Math.round((a[k] as number) + ((b[k] as number) - (a[k] as number)) * f)) as Rgb;
}

/** The colour scale of a metric: fixed for temperature and utilisation, so screens compare
 * across time; rack power up to the largest value shown, rounded up to 5 kW. */
export function scale(metric: RackMetricName, cells: (number | null)[]): [number, number] {
  if (metric === "inlet_c") return [18, 32];
  if (metric === "utilisation_pct") return [0, 100];
  let max = 0;
  for (const v of cells) if (v !== null && v > max) max = v;
  return [0, Math.max(5, Math.ceil(max / 5) * 5)];
}

/** Cell colours: scaled values; racks without data in `noData`; no rack at all transparent.
 * `inBlock(i)` says whether cell i belongs to a centre (a rack). */
export function paint(
  cells: (number | null)[],
  range: [number, number],
  inBlock: (i: number) => boolean,
  noData: Rgb,
  out: Uint8ClampedArray,
): void {
  const [lo, hi] = range;
  const span = hi > lo ? hi - lo : 1;
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    const o = i * 4;
    if (v === null || v === undefined) {
      if (inBlock(i)) {
        out[o] = noData[0];
        out[o + 1] = noData[1];
        out[o + 2] = noData[2];
        out[o + 3] = 255;
      } else {
        out[o + 3] = 0;
      }
      continue;
    }
    const [r, g, b] = colour((v - lo) / span);
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = 255;
  }
}
