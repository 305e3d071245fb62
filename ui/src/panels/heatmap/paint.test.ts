import { describe, expect, it } from "vitest";
import { colour } from "./paint";

describe("heatmap colours", () => {
  it("runs from viridis purple to yellow and clamps outside [0, 1]", () => {
    expect(colour(0)).toEqual([68, 1, 84]);
    expect(colour(1)).toEqual([253, 231, 37]);
    expect(colour(-3)).toEqual(colour(0));
    expect(colour(7)).toEqual(colour(1));
    expect(colour(Number.NaN)).toEqual(colour(0));
  });
});
