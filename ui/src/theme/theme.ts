// The look: the dark command-centre theme, or its high-contrast variant for bright rooms and LED
// walls (pure black, brighter text and borders). Chosen in Settings, kept across restarts, and
// also taken from the page address (`?theme=contrast`) so a browser wall can be set by URL.

export const THEMES = ["dark", "contrast"] as const;
export type Theme = (typeof THEMES)[number];

const STORAGE_KEY = "suangu.theme";

export function asTheme(value: string | null | undefined): Theme | undefined {
  return THEMES.find((t) => t === value);
}

export function theme(): Theme {
  return asTheme(document.documentElement.dataset.theme) ?? "dark";
}

/** Apply the theme to the page (tokens switch on `html[data-theme]`), and remember it. */
export function setTheme(next: Theme, remember = true): void {
  document.documentElement.dataset.theme = next;
  if (remember) globalThis.localStorage?.setItem(STORAGE_KEY, next);
}

/** The theme at start: the address, else the last one chosen, else dark. */
export function initialTheme(): Theme {
  const fromUrl = new URLSearchParams(globalThis.location?.search ?? "").get("theme");
  return asTheme(fromUrl) ?? asTheme(globalThis.localStorage?.getItem(STORAGE_KEY)) ?? "dark";
}
