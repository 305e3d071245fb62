import { describe, expect, it } from "vitest";
import type { CentreHeadroom, Contingency } from "../../api/bindings";
import { setLang } from "../../i18n";
import { bar, bindingText, impactText, reasonText, regionsServed, shareClass } from "./format";

const centre = (over: Partial<CentreHeadroom>): CentreHeadroom => ({
  centre: "CM-N02",
  planned: false,
  racks_installed: 2304,
  racks_used: 1500,
  it_mw: 40,
  it_capacity_mw: 53,
  chain_limit_mw: 43.2,
  cooling_mw: 60,
  headroom_mw: 3.2,
  binding: "chain",
  binding_element: "F-203",
  violation: false,
  pflops: 1,
  pflops_allocated: 0.5,
  ...over,
});

describe("capacity words", () => {
  it("names the binding constraint and what is left", () => {
    setLang("en");
    expect(bindingText(centre({}))).toBe("power-bound · F-203 left 3.2 MW");
    expect(bindingText(centre({ binding: "cooling" }))).toBe("cooling-bound · left 3.2 MW");
    expect(bindingText(centre({ binding: "no_supply" }))).toBe("no supply");
    setLang("zh-CN");
    expect(bindingText(centre({}))).toContain("F-203");
  });

  it("draws used and headroom as parts of the IT capacity, never past it", () => {
    const b = bar(centre({}));
    expect(b.used).toBeCloseTo(40 / 53);
    expect(b.headroom).toBeCloseTo(3.2 / 53);
    expect(bar(centre({ it_mw: 60, headroom_mw: 0 }))).toEqual({ used: 1, headroom: 0 });
  });
});

describe("contingency words", () => {
  it("lists what is lost, then redundancy, then overloads", () => {
    setLang("en");
    const c: Contingency = {
      asset: "F-201",
      kind: "feeder",
      shed_mw: 1,
      lost_it_mw: 0,
      capped_it_mw: 1,
      racks_lost: 0,
      affected_centres: ["CM-N01"],
      lost_supply: [],
      lost_redundancy: ["CM-N01"],
      capped: [],
      overloads: [{ element: "F-203", load_mw: 21.5, rating_mw: 20 }],
    };
    expect(impactText(c)).toBe("lose redundancy: CM-N01 · overload: F-203 21.5/20 MW");
    expect(impactText({ ...c, lost_redundancy: [], overloads: [] })).toBe("no centre affected");
  });

  it("classes intervals by green share", () => {
    const i = { start_s: 0, green_share_location: 0, import_mwh: 1, curtailed_mwh: 0 };
    expect(shareClass({ ...i, green_share_market: 1, not_green: false })).toBe("green");
    expect(shareClass({ ...i, green_share_market: 0.7, not_green: true })).toBe("partial");
    expect(shareClass({ ...i, green_share_market: 0.2, not_green: true })).toBe("grey");
  });
});

describe("schedule words", () => {
  it("says why a job is where it is", () => {
    setLang("en");
    const job = {
      job: "chat-east",
      kind: "inference",
      origin: "YRD",
      centre: "QH-A1",
      start_s: 0,
      end_s: 3600,
      demand_kw: 200,
      green_fraction: 0.92,
      deferred_s: 6 * 3600,
      slack_s: 9 * 3600,
      period: "valley",
      ring_ms: 14,
      latency_ms: 11,
    };
    expect(reasonText(job)).toBe("deferred 6 h · valley · 92 % green · 11 ms ≤ 14 ms · 9 h slack");
    expect(reasonText({ ...job, deferred_s: 0, ring_ms: null, latency_ms: null })).toBe("on time · valley · 92 % green · 9 h slack");
  });
});

describe("overview", () => {
  it("sums the planned compute served to each region, largest first", () => {
    const job = (origin: string | null, kw: number, hours: number) => ({
      job: "j",
      kind: "inference",
      origin,
      centre: "A",
      start_s: 0,
      end_s: hours * 3600,
      demand_kw: kw,
      green_fraction: 0,
      deferred_s: 0,
      slack_s: 0,
      period: "flat",
      ring_ms: null,
      latency_ms: null,
    });
    expect(regionsServed([job("YRD", 200, 2), job("BTH", 100, 1), job("YRD", 100, 1), job(null, 500, 1)])).toEqual([
      ["YRD", 0.5],
      ["BTH", 0.1],
    ]);
  });
});
