// Pure geometry of the park map: park coordinates (metres, y north) to SVG user units
// (y down), the margin where off-site assets sit by bearing, label sizes. No DOM here.

export type World = readonly [number, number];
export type Screen = readonly [number, number];

export interface Frame {
  /** Park width and height, metres. */
  readonly bounds: World;
  /** Width of the bands around the park for off-site assets (left/right, top/bottom), in
   * user units. Wider at the sides: screens are wide. */
  readonly margin: readonly [number, number];
  /** SVG viewBox: x, y, width, height. */
  readonly viewBox: readonly [number, number, number, number];
  /** Base font size for labels, in user units (scales with the map, so crisp at any size). */
  readonly label: number;
}

export function frame(bounds: World): Frame {
  const [w, h] = bounds;
  const side = Math.max(w, h);
  const mx = side * 0.25;
  const my = side * 0.12;
  return {
    bounds,
    margin: [mx, my],
    viewBox: [-mx, -my, w + 2 * mx, h + 2 * my],
    label: side / 66,
  };
}

/** A park point on screen: same x, y flipped so north is up. */
export function toScreen(f: Frame, [x, y]: World): Screen {
  return [x, f.bounds[1] - y];
}

/** Where a ray from the park centre at `bearingDeg` (clockwise from north) crosses the
 * rectangle `depth` of the way out through the margin (0 = the park's edge, 1 = the view's). */
export function edgePoint(f: Frame, bearingDeg: number, depth: number): Screen {
  const [w, h] = f.bounds;
  const cx = w / 2;
  const cy = h / 2;
  const rad = (bearingDeg * Math.PI) / 180;
  const dx = Math.sin(rad);
  const dy = -Math.cos(rad);
  const halfW = w / 2 + depth * f.margin[0];
  const halfH = h / 2 + depth * f.margin[1];
  const tx = dx === 0 ? Infinity : halfW / Math.abs(dx);
  const ty = dy === 0 ? Infinity : halfH / Math.abs(dy);
  const t = Math.min(tx, ty);
  return [cx + dx * t, cy + dy * t];
}

/** Mean of a polygon's vertices, in park coordinates. */
export function centroid(points: readonly World[]): World {
  if (points.length === 0) return [0, 0];
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  return [sx / points.length, sy / points.length];
}

/** The north-west corner of a polygon's bounding box (where its name is written). */
export function topLeft(points: readonly World[]): World {
  let minX = Infinity;
  let maxY = -Infinity;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    maxY = Math.max(maxY, y);
  }
  return Number.isFinite(minX) ? [minX, maxY] : [0, 0];
}

/** SVG `points` attribute of a polygon in park coordinates. */
export function polygonPoints(f: Frame, points: readonly World[]): string {
  return points.map((p) => toScreen(f, p).map(round).join(",")).join(" ");
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
