import { describe, expect, it } from "vitest";
import { date, eventKind, lang, nameOf, num, onLangChange, setLang, t } from "./index";
import { LANGS, messages } from "./messages";

describe("i18n", () => {
  it("defaults to zh-CN", () => {
    expect(lang()).toBe("zh-CN");
    expect(t("map_title")).toBe("园区总图");
  });

  it("has every key, non-empty, in every language", () => {
    const keys = Object.keys(messages["zh-CN"]);
    for (const l of LANGS) {
      expect(Object.keys(messages[l]).sort()).toEqual([...keys].sort());
      for (const k of keys) expect(messages[l][k as keyof (typeof messages)["en"]]).not.toBe("");
    }
  });

  it("switches live and tells subscribers", () => {
    const seen: string[] = [];
    const off = onLangChange((l) => seen.push(l));
    setLang("en");
    expect(t("map_title")).toBe("Park map");
    expect(nameOf({ zh: "庆阳", en: "Qingyang" })).toBe("Qingyang");
    setLang("zh-CN");
    expect(nameOf({ zh: "庆阳", en: "Qingyang" })).toBe("庆阳");
    off();
    setLang("en");
    expect(seen).toEqual(["en", "zh-CN"]);
    setLang("zh-CN");
  });

  it("names event kinds, and shows an unknown one as recorded", () => {
    expect(eventKind("trip", "zh-CN")).toBe("跳闸");
    expect(eventKind("drill", "en")).toBe("drill");
    expect(eventKind("telemetry_loss", "en")).toBe("telemetry lost");
    expect(eventKind("breaker_x", "en")).toBe("breaker_x");
  });

  it("formats numbers and dates per language", () => {
    expect(num(97196.8, 0, "en")).toBe("97,197");
    expect(num(243.04, 1, "en")).toBe("243");
    expect(num(21.6, 1, "zh-CN")).toBe("21.6");
    expect(date("2025-12-31", "zh-CN")).toBe("2025年12月31日");
    expect(date("2025-12-31", "en")).toBe("December 31, 2025");
  });
});
