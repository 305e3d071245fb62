import { describe, expect, it } from "vitest";
import { DEFAULT_PLAYLIST, entryKey, parsePlaylist, Rotation } from "./playlist";

describe("wall playlist", () => {
  it("parses screens, arguments and dwell times, naming every entry it leaves out", () => {
    const { entries, errors } = parsePlaylist("kpis:10, map, centre/CM-N02:15,bogus:5,green:1,centre:9");
    expect(entries.map(entryKey)).toEqual(["kpis", "map", "centre/CM-N02"]);
    expect(entries.map((e) => e.dwell_s)).toEqual([10, 20, 15]);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/entry 4 "bogus:5"/);
    expect(errors[1]).toMatch(/dwell 1 s/);
    expect(errors[2]).toMatch(/needs a centre id/);
    expect(parsePlaylist(DEFAULT_PLAYLIST).errors).toEqual([]);
  });

  it("skips a failing screen at once and carries on", () => {
    const r = new Rotation(parsePlaylist("kpis:10,centre/NOPE:10,map:10").entries);
    expect(entryKey(r.advance(false).entry)).toBe("centre/NOPE");
    const next = r.advance(true);
    expect(entryKey(next.entry)).toBe("map");
    expect(next.wait_s).toBe(0);
    expect(entryKey(r.advance(false).entry)).toBe("kpis");
  });

  it("waits a dwell when every screen failed in a row, never spinning", () => {
    const r = new Rotation(parsePlaylist("kpis:7,map:9").entries);
    expect(r.advance(true).wait_s).toBe(0);
    const second = r.advance(true);
    expect(second.wait_s).toBe(7);
    expect(entryKey(second.entry)).toBe("kpis");
  });

  it("stays on a pinned screen until unpinned, unless it fails", () => {
    const r = new Rotation(parsePlaylist("kpis:5,map:5,green:5").entries);
    r.advance(false);
    r.pin("map");
    expect(entryKey(r.advance(false).entry)).toBe("map");
    expect(entryKey(r.advance(false).entry)).toBe("map");
    expect(entryKey(r.advance(true).entry)).toBe("green");
    r.pin(null);
    expect(entryKey(r.advance(false).entry)).toBe("kpis");
  });

  it("goes to a pinned screen, and pins nothing that is not in the playlist", () => {
    const r = new Rotation(parsePlaylist("kpis:5,map:5").entries);
    r.pin("map");
    expect(entryKey(r.current())).toBe("map");
    r.pin("green");
    expect(r.pinned).toBeNull();
  });

  it("refuses an empty playlist", () => {
    expect(() => new Rotation([])).toThrow(/empty/);
  });
});
