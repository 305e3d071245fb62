// WebKitGTK reports the POSIX locale ("C") as navigator.language when LANG is unset or C, and
// Intl throws a RangeError for it, so any library that formats with navigator.language fails
// (uPlot does, at load). Report the product's default language instead. Imported first.

function valid(tag: string): boolean {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

if (!valid(navigator.language)) {
  Object.defineProperty(navigator, "language", { get: () => "zh-CN", configurable: true });
  Object.defineProperty(navigator, "languages", { get: () => ["zh-CN", "en"], configurable: true });
}
