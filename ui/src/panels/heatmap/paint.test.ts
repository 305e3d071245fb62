import { describe, expect, it } from "vitest";
import { colour, scale } from "./paint";

describe("heatmap colours", () => {
  it("runs from viridis purple to yellow and clamps outside [0, 1]", () => {
    expect(colour(0)).toEqual([68, 1, 84]);
    expect(colour(1)).toEqual([253, 231, 37]);
    expect(colour(-3)).toEqual(colour(0));
    expect(colour(7)).toEqual(colour(1));
    expect(colour(Number.NaN)).toEqual(colour(0));
  });

  it("uses fixed scales for temperature and utilisation, and the data for power", () => {
    expect(scale("inlet_c", 25)).toEqual([18, 32]);
    expect(scale("utilisation_pct", 50)).toEqual([0, 100]);
    expect(scale("power_kw", 17.9)).toEqual([0, 20]);
    expect(scale("power_kw", Number.NEGATIVE_INFINITY)).toEqual([0, 5]);
  });
});
