// Replay scrubbing benchmark (issue 8): a park records 24 h (played 1200x faster: a sample every
// 120 simulated seconds, more than one in every 5-minute chunk), then the desk page in replay jumps to
// instants spread over the whole 24 h; timed from the slider's input to the picture of that
// instant painted (the request to `park_replay`, the store's snapshot, the map and the live
// panel redrawn). Prints p50 / p95 / worst.
//
//   node bench-replay.mjs [--jumps N] [--hours H] [--smoke]
import { chromium } from "playwright-core";
import { serve } from "./harness.mjs";

const argv = process.argv.slice(2);
const num = (name, fallback) => Number(argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const jumps = num("--jumps", 50);
const hours = num("--hours", 24);
const smoke = argv.includes("--smoke");
if (!Number.isInteger(jumps) || jumps < 1 || !Number.isInteger(hours) || hours < 1 || hours > 24) {
  console.error("bench-replay: --jumps N (>= 1) and --hours H (1..24)");
  process.exit(2);
}

const server = await serve(["--speed", "1200", "--tick-ms", "100"]);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
let failed = false;
try {
  const status = async () => (await fetch(`${server.url}api/demo_status`)).json();
  const start = (await status()).now_s;
  // Let the park record the period.
  for (;;) {
    const now = (await status()).now_s;
    if (now >= start + hours * 3600) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(server.url);
  await page.waitForSelector('[data-testid=live-quality][data-state="live"]');
  await page.click("[data-testid=replay-toggle]");
  await page.waitForSelector("[data-testid=replay-slider]");
  const to = Number(await page.$eval("[data-testid=replay-slider]", (el) => el.max));
  const from = Math.max(start + 300, to - hours * 3600 + 300);
  // Instants spread over the period in a scrambled order (a fixed sequence: runs compare).
  const times = [];
  let lcg = 12345;
  for (let i = 0; i < jumps; i++) {
    lcg = (lcg * 1103515245 + 12345) % 2 ** 31;
    times.push(from + Math.floor((lcg / 2 ** 31) * (to - from)));
  }
  const ms = [];
  for (const at of times) {
    const t0 = await page.$eval("[data-testid=replay-slider]", (el, v) => {
      const t = performance.now();
      el.value = String(v);
      el.dispatchEvent(new Event("input"));
      return t;
    }, at);
    await page.waitForFunction((v) => document.body.dataset.replayPainted === String(v), at, { timeout: 10000, polling: "raf" });
    const state = await page.getAttribute("[data-testid=live-quality]", "data-state");
    if (state !== "replay") throw new Error(`jump to ${at}: the picture says ${state}, not a recorded instant: ${await page.textContent("[data-testid=replay-note]")}`);
    ms.push(Number(await page.evaluate(() => document.body.dataset.replayPaintedMs)) - t0);
  }
  ms.sort((a, b) => a - b);
  const q = (p) => ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)].toFixed(1);
  console.log(`## replay scrubbing: ${jumps} jumps over ${hours} h recorded${smoke ? " (smoke: numbers mean nothing)" : ""}`);
  console.log(`jump to painted: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, worst ${ms[ms.length - 1].toFixed(1)} ms; goal < 200 ms: ${ms[ms.length - 1] < 200 ? "met" : "MISSED"}`);
} catch (e) {
  console.error(`bench-replay: ${e.message ?? e}`);
  failed = true;
} finally {
  await browser.close();
  await server.stop();
}
process.exit(failed ? 1 : 0);
