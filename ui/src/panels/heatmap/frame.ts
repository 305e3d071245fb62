// The binary heatmap frame (pure; unit-tested): decoding what the core sends every second
// (`suangu_api::heatmap::frame`, little-endian) and painting it through a 256-colour table into
// a 32-bit pixel buffer. A frame of 100,000 racks decodes in place: the cells are a view of the
// received buffer, never copied or parsed.
import type { Heatmap, HeatmapSource, RackMetricName } from "../../api/bindings";
import { colour, type Rgb } from "./paint";

export const HEADER = 56;
export const MAX_LEVEL = 65_533;
export const NO_DATA = 65_534;
export const NO_RACK = 65_535;
const METRICS: RackMetricName[] = ["power_kw", "inlet_c", "utilisation_pct"];
const SOURCES: HeatmapSource[] = ["live", "raw"];

export interface HeatmapFrame {
  metric: RackMetricName;
  source: HeatmapSource;
  width: number;
  height: number;
  /** A cell's value is `lo + level * step`. */
  lo: number;
  step: number;
  at_s: number | null;
  /** When the host sent it (unix ms), or 0. */
  sent_ms: number;
  racks: number;
  racks_with_data: number;
  levels: Uint16Array;
}

export class FrameError extends Error {}

/** Read a frame; a damaged one is refused with what is wrong, never drawn half. */
export function decodeFrame(buffer: ArrayBuffer): HeatmapFrame {
  if (buffer.byteLength < HEADER) throw new FrameError(`heatmap frame: ${buffer.byteLength} bytes, shorter than its header`);
  const view = new DataView(buffer);
  const magic = String.fromCharCode(view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3));
  if (magic !== "SGHM") throw new FrameError(`heatmap frame: not a heatmap frame (starts ${JSON.stringify(magic)})`);
  const version = view.getUint16(4, true);
  if (version !== 1) throw new FrameError(`heatmap frame: version ${version}, this UI reads version 1`);
  const metric = METRICS[view.getUint8(6)];
  const source = SOURCES[view.getUint8(7)];
  if (!metric || !source) throw new FrameError(`heatmap frame: unknown metric ${view.getUint8(6)} or source ${view.getUint8(7)}`);
  const width = view.getUint32(8, true);
  const height = view.getUint32(12, true);
  const cells = width * height;
  if (buffer.byteLength !== HEADER + cells * 2) {
    throw new FrameError(`heatmap frame: ${width} x ${height} cells need ${HEADER + cells * 2} bytes, got ${buffer.byteLength}`);
  }
  const at = view.getFloat64(32, true);
  return {
    metric,
    source,
    width,
    height,
    lo: view.getFloat64(16, true),
    step: view.getFloat64(24, true),
    at_s: Number.isNaN(at) ? null : at,
    sent_ms: view.getFloat64(40, true),
    racks: view.getUint32(48, true),
    racks_with_data: view.getUint32(52, true),
    levels: new Uint16Array(buffer, HEADER, cells),
  };
}

/** The same frame from the JSON answer (history and first paint come that way). Racks of
 * planned centres and aisles carry no level, like the core's frames. */
export function fromHeatmap(heatmap: Heatmap): HeatmapFrame {
  const { width, height, cells } = heatmap;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of cells) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) [lo, hi] = [0, 0];
  const step = (hi - lo) / MAX_LEVEL;
  const reporting = new Uint8Array(width * height);
  for (const b of heatmap.blocks) {
    if (b.planned) continue;
    for (const r of b.halls) {
      for (let y = r.y; y < r.y + r.h; y++) reporting.fill(1, y * width + r.x, y * width + r.x + r.w);
    }
  }
  const levels = new Uint16Array(width * height).fill(NO_RACK);
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (reporting[i] !== 1) continue;
    levels[i] = v === null || v === undefined || !Number.isFinite(v) ? NO_DATA : step > 0 ? Math.round((v - lo) / step) : 0;
  }
  return {
    metric: heatmap.metric,
    source: heatmap.source,
    width,
    height,
    lo,
    step,
    at_s: heatmap.at_s,
    sent_ms: 0,
    racks: heatmap.racks,
    racks_with_data: heatmap.racks_with_data,
    levels,
  };
}

/** The largest value a frame can hold (its data's maximum). */
export function frameMax(frame: HeatmapFrame): number {
  return frame.lo + frame.step * MAX_LEVEL;
}

/** 256 colours of the scale as RGBA words (little-endian: 0xAABBGGRR). */
function table(): Uint32Array {
  const lut = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = colour(i / 255);
    lut[i] = (255 << 24) | (b << 16) | (g << 8) | r;
  }
  return lut;
}
const LUT = table();

/** Paint a frame into `out` (one 32-bit pixel per cell): `range` is the colour scale; racks
 * without data in `noData`; everything else transparent. */
export function paintFrame(frame: HeatmapFrame, range: [number, number], noData: Rgb, out: Uint32Array): void {
  const [lo, hi] = range;
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  // Colour index of a level, as one multiply-add: (frame.lo + level * step - lo) * scale.
  const a = frame.step * scale;
  const b = (frame.lo - lo) * scale;
  const grey = (255 << 24) | (noData[2] << 16) | (noData[1] << 8) | noData[0];
  const levels = frame.levels;
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as number;
    if (level >= NO_DATA) {
      out[i] = level === NO_DATA ? grey : 0;
      continue;
    }
    const k = level * a + b;
    out[i] = LUT[k <= 0 ? 0 : k >= 255 ? 255 : k | 0] as number;
  }
}
