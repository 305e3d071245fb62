import { describe, expect, it } from "vitest";
import { eventsUpTo } from "./replay";

describe("replay", () => {
  it("lists the period's events up to the instant shown, newest first", () => {
    const events = [
      { at_s: 50, kind: "trip", target: "old", detail: "{}" },
      { at_s: 120, kind: "trip", target: "SS-110-2", detail: "{}" },
      { at_s: 200, kind: "clear", target: "SS-110-2", detail: "{}" },
      { at_s: 150, kind: "trip", target: "F-201", detail: "{}" },
    ];
    const state = { from_s: 100, to_s: 300, at_s: 160, speed: 60, playing: false };
    expect(eventsUpTo(events, state, 160).map((e) => e.target)).toEqual(["F-201", "SS-110-2"]);
    expect(eventsUpTo(events, state, 100)).toEqual([]);
  });
});
