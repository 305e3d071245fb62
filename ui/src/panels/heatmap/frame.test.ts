import { describe, expect, it } from "vitest";
import type { Heatmap } from "../../api/bindings";
import { decodeFrame, FrameError, fromHeatmap, HEADER, MAX_LEVEL, NO_DATA, NO_RACK, paintFrame, palette } from "./frame";

/** A frame as the core writes it (little-endian, see suangu_api::heatmap::frame). */
function encode(levels: number[], width: number, height: number, lo: number, hi: number, atS: number): ArrayBuffer {
  const buf = new ArrayBuffer(HEADER + levels.length);
  const v = new DataView(buf);
  [..."SGHM"].forEach((c, i) => v.setUint8(i, c.charCodeAt(0)));
  v.setUint16(4, 1, true);
  v.setUint8(6, 1); // inlet_c
  v.setUint8(7, 0); // live
  v.setUint32(8, width, true);
  v.setUint32(12, height, true);
  v.setFloat64(16, lo, true);
  v.setFloat64(24, hi, true);
  v.setFloat64(32, atS, true);
  v.setFloat64(40, 1_780_000_000_123.5, true);
  v.setUint32(48, 3, true);
  v.setUint32(52, 2, true);
  levels.forEach((l, i) => v.setUint8(HEADER + i, l));
  return buf;
}

describe("binary heatmap frames", () => {
  it("decodes the header and views the cells in place", () => {
    const buf = encode([0, MAX_LEVEL, NO_DATA, NO_RACK], 2, 2, 18, 32, 1_780_000_000);
    const f = decodeFrame(buf);
    expect(f).toMatchObject({ metric: "inlet_c", source: "live", width: 2, height: 2, lo: 18, hi: 32, at_s: 1_780_000_000, sent_ms: 1_780_000_000_123.5, racks: 3, racks_with_data: 2 });
    expect(f.levels.buffer).toBe(buf);
    expect([...f.levels]).toEqual([0, MAX_LEVEL, NO_DATA, NO_RACK]);
    expect(decodeFrame(encode([0], 1, 1, 0, 1, Number.NaN)).at_s).toBeNull();
  });

  it("refuses damaged frames with what is wrong", () => {
    expect(() => decodeFrame(new ArrayBuffer(10))).toThrow(FrameError);
    const good = encode([0, 1], 2, 1, 0, 1, 0);
    expect(() => decodeFrame(good.slice(0, good.byteLength - 1))).toThrow(/need 58 bytes, got 57/);
    const bad = encode([0], 1, 1, 0, 1, 0);
    new DataView(bad).setUint8(0, 88);
    expect(() => decodeFrame(bad)).toThrow(/not a heatmap frame/);
    const later = encode([0], 1, 1, 0, 1, 0);
    new DataView(later).setUint16(4, 2, true);
    expect(() => decodeFrame(later)).toThrow(/version 2/);
    const metric = encode([0], 1, 1, 0, 1, 0);
    new DataView(metric).setUint8(6, 9);
    expect(() => decodeFrame(metric)).toThrow(/unknown metric 9/);
  });

  it("paints the scale's ends, grey for no data, clear for no rack", () => {
    const f = decodeFrame(encode([0, MAX_LEVEL, NO_DATA, NO_RACK], 2, 2, 18, 32, 0));
    const out = new Uint32Array(4);
    paintFrame(f, palette([80, 80, 80]), out);
    const rgba = [...new Uint8Array(out.buffer)];
    expect(rgba.slice(0, 4)).toEqual([68, 1, 84, 255]);
    expect(rgba.slice(4, 8)).toEqual([253, 231, 37, 255]);
    expect(rgba.slice(8, 12)).toEqual([80, 80, 80, 255]);
    expect(rgba[15]).toBe(0);
  });

  it("reads the JSON answer into the same levels: planned centres and aisles carry none", () => {
    const heatmap: Heatmap = {
      metric: "power_kw",
      at_s: 100,
      source: "raw",
      width: 4,
      height: 1,
      cells: [0, null, 25, 12],
      scale_lo: 0,
      scale_hi: 20,
      blocks: [
        { centre: "A", x: 0, y: 0, w: 3, h: 1, planned: false, halls: [{ x: 0, y: 0, w: 3, h: 1 }] },
        { centre: "B", x: 3, y: 0, w: 1, h: 1, planned: true, halls: [{ x: 3, y: 0, w: 1, h: 1 }] },
      ],
      racks_with_data: 2,
      racks: 3,
    };
    const f = fromHeatmap(heatmap);
    // Beyond the scale shows at its end.
    expect([...f.levels]).toEqual([0, NO_DATA, MAX_LEVEL, NO_RACK]);
    expect([f.lo, f.hi]).toEqual([0, 20]);
  });
});
