// Heatmap benchmark (issue 7): every rack of a park updated at 1 Hz in headless Chromium, timed
// from the frame leaving the core (stamped by `suangu serve`) to the frame painted, decoding
// included; our canvas panel beside an SVG rendering of the same map fed by the same frames, in
// the same run. Prints p50/p95 of both and their ratio.
//
//   node bench-heatmap.mjs --scenario FILE [--frames N] [--smoke]
//
// `make bench` runs it on Qingyang six times over (113,424 operating racks) with the release
// build; `make test` runs it small (--smoke) so it keeps working. Exit 1 if the run fails; a
// missed goal is printed, not hidden, and is not a failure of the run.
import { chromium } from "playwright-core";
import { serve } from "./harness.mjs";

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const scenario = arg("--scenario", null);
const frames = Number(arg("--frames", "30"));
const smoke = argv.includes("--smoke");
if (!Number.isInteger(frames) || frames < 1) {
  console.error(`bench-heatmap: --frames ${arg("--frames")}: a positive whole number`);
  process.exit(2);
}

// rAF unthrottled: a frame is painted as soon as it is ready, not at the next 60 Hz vsync, so
// the time measured is the work (the same for both renderers).
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-gpu-vsync", "--disable-frame-rate-limit", "--disable-background-networking", "--no-first-run", "--disable-renderer-backgrounding", "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows"];

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const server = await serve([...(scenario ? ["--scenario", scenario] : []), "--speed", "1"]);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ARGS });
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  page.on("pageerror", (e) => console.error(`page error: ${e}`));
  await page.goto(`${server.url}bench.html?frames=${frames}`);
  await page.waitForFunction(() => window.__bench?.done, null, { timeout: (frames * 2 + 120) * 1000, polling: 500 });
  const bench = await page.evaluate(() => window.__bench);
  if (bench.error) throw new Error(bench.error);
  const [canvas, svg] = bench.results;
  console.log(`## heatmap: ${canvas.racks.toLocaleString("en")} racks (${canvas.cells.toLocaleString("en")} cells), ${frames} frames at 1 Hz each${smoke ? " (smoke: numbers mean nothing)" : ""}`);
  console.log("| renderer | leaving the core to painted, p50 / p95 ms | of which: transport p50 | decode + draw p50 | to painted p50 |");
  console.log("|---|---|---|---|---|");
  const ms = (v, q) => quantile(v, q).toFixed(2);
  for (const r of [canvas, svg]) {
    const present = r.page_ms.map((p, i) => p - r.draw_ms[i]);
    console.log(`| ${r.renderer} | ${ms(r.latency_ms, 0.5)} / ${ms(r.latency_ms, 0.95)} | ${ms(r.transport_ms, 0.5)} | ${ms(r.draw_ms, 0.5)} | ${ms(present, 0.5)} |`);
  }
  const ours = quantile(canvas.latency_ms, 0.95);
  const ratio = quantile(svg.latency_ms, 0.95) / ours;
  console.log(`canvas vs SVG at p95: ${ratio.toFixed(1)}x faster; goal <= 8 ms and >= 10x: ${ours <= 8 && ratio >= 10 ? "met" : "MISSED"}`);
  if (canvas.racks !== svg.racks) throw new Error(`the two maps differ: ${canvas.racks} vs ${svg.racks} racks`);
} catch (e) {
  console.error(`bench-heatmap: ${e.message ?? e}`);
  failed = true;
} finally {
  await browser.close();
  await server.stop();
}
process.exit(failed ? 1 : 0);
