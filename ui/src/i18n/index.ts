// Language state, lookups and number formatting. zh-CN by default; switching is live:
// subscribers re-render their text.
import type { Name } from "../api/bindings";
import { type Key, LANGS, type Lang, messages } from "./messages";

export type { Key, Lang };

const STORAGE_KEY = "suangu.lang";
let current: Lang = initialLang();
const listeners = new Set<(lang: Lang) => void>();

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(globalThis.location?.search ?? "").get("lang");
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return asLang(fromUrl) ?? asLang(stored) ?? "zh-CN";
}

export function asLang(value: string | null | undefined): Lang | undefined {
  return LANGS.find((l) => l === value);
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  globalThis.localStorage?.setItem(STORAGE_KEY, next);
  if (globalThis.document) document.documentElement.lang = next;
  for (const listener of listeners) listener(next);
}

export function onLangChange(listener: (lang: Lang) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function t(key: Key, l: Lang = current): string {
  return messages[l][key];
}

/** An event log kind (`trip`, `drill`, ...) in words; a kind this UI does not know yet is shown
 * as recorded rather than hidden. */
export function eventKind(kind: string, l: Lang = current): string {
  const key = `event_${kind}`;
  return key in messages[l] ? messages[l][key as Key] : kind;
}

/** The park's own names, in the current language. */
export function nameOf(name: Name, l: Lang = current): string {
  return l === "zh-CN" ? name.zh : name.en;
}

const formats = new Map<string, Intl.NumberFormat>();

/** A number for people: grouped digits, at most `digits` decimals, localised. No number (NaN, or
 * null: a value no source measures arrives as null) is "—", never a 0 that looks like one. */
export function num(value: number, digits = 0, l: Lang = current): string {
  if (!Number.isFinite(value)) return "—";
  const key = `${l}/${digits}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(l, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
    formats.set(key, f);
  }
  return f.format(value);
}

/** A calendar date (`YYYY-MM-DD`) as people write it in the language. */
export function date(isoDate: string, l: Lang = current): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  if (y === undefined || m === undefined || d === undefined) return isoDate;
  return new Intl.DateTimeFormat(l, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** A time of day (HH:MM:SS) of an RFC 3339 instant, in the park's time zone. */
export function time(instant: string, timeZone: string, l: Lang = current): string {
  // Called several times a frame: one formatter per language and zone, made once.
  const key = `${l}/${timeZone}`;
  let f = clocks.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(l, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone });
    clocks.set(key, f);
  }
  return f.format(new Date(instant));
}

const clocks = new Map<string, Intl.DateTimeFormat>();
