import { describe, expect, it } from "vitest";
import { colour, paint, scale } from "./paint";

describe("heatmap colours", () => {
  it("runs from viridis purple to yellow and clamps outside [0, 1]", () => {
    expect(colour(0)).toEqual([68, 1, 84]);
    expect(colour(1)).toEqual([253, 231, 37]);
    expect(colour(-3)).toEqual(colour(0));
    expect(colour(7)).toEqual(colour(1));
    expect(colour(Number.NaN)).toEqual(colour(0));
  });

  it("uses fixed scales for temperature and utilisation, and the data for power", () => {
    expect(scale("inlet_c", [25])).toEqual([18, 32]);
    expect(scale("utilisation_pct", [50])).toEqual([0, 100]);
    expect(scale("power_kw", [3.2, 17.9, null])).toEqual([0, 20]);
    expect(scale("power_kw", [])).toEqual([0, 5]);
  });

  it("paints values, racks without data in grey, and leaves the space between centres clear", () => {
    const out = new Uint8ClampedArray(3 * 4);
    paint([10, null, null], [0, 10], (i) => i < 2, [80, 80, 80], out);
    expect([...out.slice(0, 4)]).toEqual([253, 231, 37, 255]);
    expect([...out.slice(4, 8)]).toEqual([80, 80, 80, 255]);
    expect(out[11]).toBe(0);
  });
});
