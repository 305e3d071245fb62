// The binary heatmap frame (pure; unit-tested): decoding what the core sends every second
// (`suangu_api::heatmap::frame`, little-endian: each rack's colour level on the metric's scale)
// and painting it through a colour table into a 32-bit pixel buffer. A frame of 100,000 racks
// decodes in place: the cells are a view of the received buffer, never copied or parsed.
import type { Heatmap, HeatmapSource, RackMetricName } from "../../api/bindings";
import { colour, type Rgb } from "./paint";

export const HEADER = 56;
export const MAX_LEVEL = 253;
export const NO_DATA = 254;
export const NO_RACK = 255;
const METRICS: RackMetricName[] = ["power_kw", "inlet_c", "utilisation_pct"];
const SOURCES: HeatmapSource[] = ["live", "raw"];

export interface HeatmapFrame {
  metric: RackMetricName;
  source: HeatmapSource;
  width: number;
  height: number;
  /** The colour scale: level `l` is the value `lo + l * (hi - lo) / MAX_LEVEL`. */
  lo: number;
  hi: number;
  at_s: number | null;
  /** When the host sent it (unix ms), or 0. */
  sent_ms: number;
  racks: number;
  racks_with_data: number;
  levels: Uint8Array;
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
  if (buffer.byteLength !== HEADER + cells) {
    throw new FrameError(`heatmap frame: ${width} x ${height} cells need ${HEADER + cells} bytes, got ${buffer.byteLength}`);
  }
  const at = view.getFloat64(32, true);
  return {
    metric,
    source,
    width,
    height,
    lo: view.getFloat64(16, true),
    hi: view.getFloat64(24, true),
    at_s: Number.isNaN(at) ? null : at,
    sent_ms: view.getFloat64(40, true),
    racks: view.getUint32(48, true),
    racks_with_data: view.getUint32(52, true),
    levels: new Uint8Array(buffer, HEADER, cells),
  };
}

/** The same frame from the JSON answer (history and first paint come that way), on the scale
 * the core chose. Racks of planned centres and aisles carry no level, like the core's frames. */
export function fromHeatmap(heatmap: Heatmap): HeatmapFrame {
  const { width, height, cells, scale_lo: lo, scale_hi: hi } = heatmap;
  const perLevel = hi > lo ? MAX_LEVEL / (hi - lo) : 0;
  const reporting = new Uint8Array(width * height);
  for (const b of heatmap.blocks) {
    if (b.planned) continue;
    for (const r of b.halls) {
      for (let y = r.y; y < r.y + r.h; y++) reporting.fill(1, y * width + r.x, y * width + r.x + r.w);
    }
  }
  const levels = new Uint8Array(width * height).fill(NO_RACK);
  for (let i = 0; i < cells.length; i++) {
    if (reporting[i] !== 1) continue;
    const v = cells[i];
    levels[i] = v === null || v === undefined || !Number.isFinite(v) ? NO_DATA : Math.min(MAX_LEVEL, Math.max(0, Math.round((v - lo) * perLevel)));
  }
  return {
    metric: heatmap.metric,
    source: heatmap.source,
    width,
    height,
    lo,
    hi,
    at_s: heatmap.at_s,
    sent_ms: 0,
    racks: heatmap.racks,
    racks_with_data: heatmap.racks_with_data,
    levels,
  };
}

/** The colour of every level as an RGBA word (little-endian: 0xAABBGGRR): the scale, then grey
 * for no data, then clear for no rack. */
export function palette(noData: Rgb): Uint32Array {
  const lut = new Uint32Array(256);
  for (let i = 0; i <= MAX_LEVEL; i++) {
    const [r, g, b] = colour(i / MAX_LEVEL);
    lut[i] = ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
  }
  lut[NO_DATA] = ((255 << 24) | (noData[2] << 16) | (noData[1] << 8) | noData[0]) >>> 0;
  lut[NO_RACK] = 0;
  return lut;
}

/** Paint a frame into `out` (one 32-bit pixel per cell) through `lut` (see [`palette`]). */
export function paintFrame(frame: HeatmapFrame, lut: Uint32Array, out: Uint32Array): void {
  const levels = frame.levels;
  for (let i = 0; i < levels.length; i++) out[i] = lut[levels[i] as number] as number;
}
