import { describe, expect, it } from "vitest";
import type { ParkSummary } from "../../api/bindings";
import { setLang } from "../../i18n";
import { tiles } from "./header";

const summary: ParkSummary = {
  id: "p",
  name: { zh: "园区", en: "Park" },
  source: "p.toml",
  date: "2025-12-31",
  time_zone: "Asia/Shanghai",
  area_mu: 17000,
  centres: 11,
  planned_centres: 1,
  physical_racks: 18904,
  physical_racks_planned: 750,
  standard_racks: 97196.8,
  standard_racks_planned: 12000,
  it_capacity_mw: 243,
  it_capacity_planned_mw: 30,
  facility_capacity_mw: 288.76,
  pflops: 66500,
  pflops_planned: 30500,
  green_capacity_mw: 1000,
  green_capacity_planned_mw: 0,
  storage_mw: 200,
  storage_mwh: 800,
  target_standard_racks: 100000,
  target_pflops: 100000,
  substations: [
    { id: "a", name: { zh: "甲", en: "A" }, kv: 110, mva: 189, transformers: 3, in_service: true },
    { id: "b", name: { zh: "乙", en: "B" }, kv: 330, mva: 720, transformers: 2, in_service: false },
  ],
  warnings: [],
};

describe("header tiles", () => {
  it("shows the totals, localised, with planned apart", () => {
    setLang("en");
    const byId = Object.fromEntries(tiles(summary).map((t) => [t.id, t]));
    expect(byId.centres?.value).toBe("11");
    expect(byId.centres?.sub).toBe("+1 planned");
    expect(byId.standard_racks?.value).toBe("97,197");
    expect(byId.pflops?.sub).toContain("+30,500");
    expect(byId.green?.value).toBe("1,000");
    expect(byId.substations?.value).toBe("1");
    expect(byId.substations?.sub).toContain("+1 planned");
    setLang("zh-CN");
    const zh = Object.fromEntries(tiles(summary).map((t) => [t.id, t]));
    expect(zh.centres?.sub).toBe("+1 规划");
  });
});
