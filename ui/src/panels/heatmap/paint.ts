// The rack heatmap's colours (pure; unit-tested): viridis. The scale of each metric is the
// core's (`suangu_api::heatmap::scale`); frames are painted by `frame.ts`, one pixel per rack,
// into a small canvas scaled by CSS.

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
