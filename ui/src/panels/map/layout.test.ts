import { describe, expect, it } from "vitest";
import { centroid, edgePoint, frame, polygonPoints, toScreen, topLeft } from "./layout";

describe("map layout", () => {
  const f = frame([4200, 2700]);

  it("puts the park inside a margin and flips y so north is up", () => {
    expect(f.viewBox).toEqual([-1050, -504, 6300, 3708]);
    expect(toScreen(f, [0, 0])).toEqual([0, 2700]);
    expect(toScreen(f, [4200, 2700])).toEqual([4200, 0]);
  });

  it("places off-site assets on the margin by compass bearing", () => {
    const [nx, ny] = edgePoint(f, 0, 0.5);
    expect(nx).toBeCloseTo(2100);
    expect(ny).toBeCloseTo(-252);
    const [ex, ey] = edgePoint(f, 90, 0.5);
    expect(ex).toBeCloseTo(4725);
    expect(ey).toBeCloseTo(1350);
    const [sx, sy] = edgePoint(f, 180, 0);
    expect(sx).toBeCloseTo(2100);
    expect(sy).toBeCloseTo(2700);
    // A diagonal bearing meets the nearer edge.
    const [, dy] = edgePoint(f, 45, 0);
    expect(dy).toBeCloseTo(0);
  });

  it("scales labels with the park so they read the same on any park", () => {
    expect(frame([1500, 1400]).label).toBeCloseTo(1500 / 66);
    expect(f.label).toBeCloseTo(4200 / 66);
  });

  it("computes centroids, corners and polygon attributes", () => {
    const square = [[0, 0], [10, 0], [10, 10], [0, 10]] as const;
    expect(centroid(square)).toEqual([5, 5]);
    expect(topLeft(square)).toEqual([0, 10]);
    expect(polygonPoints(frame([10, 10]), square)).toBe("0,10 10,10 10,0 0,0");
    expect(centroid([])).toEqual([0, 0]);
  });
});
