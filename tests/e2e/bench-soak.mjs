// Soak benchmark (issue 8): the desk page (map view) and the wall (its playlist turning) take
// 259,200 live frames (72 h at 1 Hz, delivered 1000x faster by `suangu serve --speed 1000
// --tick-ms 1`); JS heap and DOM nodes (the floor of three full collections) at a baseline after
// 1,000 frames and at the end, in headless Chromium, with the detached DOM nodes a heap snapshot
// finds at each point. Prints the growth of each, and where the heap grew: the page's own objects
// apart from what the browser keeps for itself (compiled code, timing buffers, DevTools' log).
//
//   node bench-soak.mjs [--frames N] [--smoke]
//
// Exit 1 if the run fails; a missed goal (< 10 % growth) is printed, not hidden.
import { chromium } from "playwright-core";
import { serve } from "./harness.mjs";

const argv = process.argv.slice(2);
const frames = Number(argv.includes("--frames") ? argv[argv.indexOf("--frames") + 1] : 259_200);
const smoke = argv.includes("--smoke");
const BASE = Math.min(1000, Math.floor(frames / 2));
if (!Number.isInteger(frames) || frames < 2) {
  console.error("bench-soak: --frames N: a whole number of at least 2");
  process.exit(2);
}

const server = await serve(["--speed", "1000", "--tick-ms", "1"]);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-renderer-backgrounding", "--disable-background-timer-throttling"] });
let failed = false;

/** What a heap snapshot holds that the page's own code did not make: compiled code, the
 * performance timeline's buffers and the text shaping cache (both bounded by the browser), and
 * DevTools' record of network requests (there only because a DevTools session is measuring). */
function notThePage(type, name) {
  if (type === "code") return "compiled code";
  if (/^(Performance|TaskAttributionTiming|blink::ScriptTimingInfo)/.test(name)) return "timing buffers";
  if (name.startsWith("blink::NetworkResourcesData")) return "DevTools network log";
  // Blink's cache of shaped text (canvas labels: a chart's axis ticks are new strings as time
  // moves), bounded by Blink.
  if (/PlainTextNode|ShapeResult|TextRecord|HarfBuzz/.test(name)) return "text shaping cache";
  return null;
}

/** A heap snapshot of the page: V8 collects all garbage (Blink's nodes included, swept) before it
 * writes one. Returns its detached DOM nodes, its total size, and the part of it that is not the
 * page's own. */
async function heapSnapshot(cdp) {
  const chunks = [];
  const onChunk = (e) => chunks.push(e.chunk);
  cdp.on("HeapProfiler.addHeapSnapshotChunk", onChunk);
  await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false, captureNumericValue: false });
  cdp.off("HeapProfiler.addHeapSnapshotChunk", onChunk);
  const snap = JSON.parse(chunks.join(""));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f));
  let detached = 0;
  let total = 0;
  const other = {};
  // The page's own objects by constructor (or node name), to name what grows.
  const byName = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const name = snap.strings[snap.nodes[i + nameAt]];
    const size = snap.nodes[i + sizeAt];
    total += size;
    if (name.startsWith("Detached ")) detached++;
    const what = notThePage(types[snap.nodes[i + typeAt]], name);
    if (what) other[what] = (other[what] ?? 0) + size;
    else {
      const key = `${types[snap.nodes[i + typeAt]]}:${name.length > 60 ? `${name.slice(0, 57)}...` : name}`;
      const seen = byName.get(key) ?? { size: 0, count: 0 };
      seen.size += size;
      seen.count += 1;
      byName.set(key, seen);
    }
  }
  const notPage = Object.values(other).reduce((a, b) => a + b, 0);
  return { detached, total, own: total - notPage, other, byName };
}

/** Heap and DOM counters on the same screen each time (the wall's first screen), so the numbers
 * compare like with like. */
async function measure(page, cdp, wall) {
  // A plain predicate, not waitForSelector: Playwright keeps the elements a selector wait saw,
  // which would count as this page's nodes.
  if (wall) await page.waitForFunction(() => document.querySelector('.wall-stage[data-screen="kpis"]') !== null, null, { timeout: 60000 });
  const snapshot = await heapSnapshot(cdp);
  // Frames keep arriving (1000 a second) while we measure, each leaving garbage behind: what a
  // page retains is the floor of three full collections (V8's and, under memory pressure,
  // Blink's), not one reading taken while the next frame is being built.
  let heap = Infinity;
  let nodes = Infinity;
  let listeners = Infinity;
  for (let round = 0; round < 3; round++) {
    await cdp.send("HeapProfiler.collectGarbage");
    await cdp.send("Memory.simulatePressureNotification", { level: "critical" });
    await cdp.send("HeapProfiler.collectGarbage");
    const dom = await cdp.send("Memory.getDOMCounters");
    heap = Math.min(heap, (await cdp.send("Runtime.getHeapUsage")).usedSize);
    nodes = Math.min(nodes, dom.nodes);
    listeners = Math.min(listeners, dom.jsEventListeners);
  }
  // Beside CDP's counter: the nodes in the page.
  const inDocument = await page.evaluate(() => {
    let n = 0;
    const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
    while (walker.nextNode()) n++;
    return n;
  });
  return { heap, nodes, inDocument, detached: snapshot.detached, snapshot, listeners };
}

async function soak(name, url) {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Memory.getDOMCounters").catch(() => null);
  await page.goto(url);
  const until = (n) => page.waitForFunction((n) => Number(document.body.dataset.frames ?? 0) >= n, n, { timeout: 0, polling: 1000 });
  const started = Date.now();
  await until(BASE);
  const wall = url.includes("wall=");
  // Frames come 1000x faster than at 1 Hz; the page's life does not. At 1 Hz the 1,000th frame
  // comes after 16 minutes of loading, lazy chunks, trend fetches and playlist turns: the
  // baseline is taken after 1,000 frames and also a minute of life (and one whole turn).
  await page.waitForTimeout(Math.max(0, 60_000 - (Date.now() - started)) * (smoke ? 0.1 : 1));
  if (wall) await page.waitForFunction(() => Number(document.querySelector(".wall-canvas")?.dataset.turns ?? 0) >= 1, null, { timeout: 120000 });
  const first = await measure(page, cdp, wall);
  const base = Number(await page.evaluate(() => document.body.dataset.frames));
  // Along the way, to tell a plateau from a leak.
  const along = [];
  for (const share of [0.25, 0.5, 0.75]) {
    await until(Math.max(base, Math.floor(frames * share)));
    along.push(await measure(page, cdp, wall));
  }
  await until(frames);
  const seconds = (Date.now() - started) / 1000;
  const last = await measure(page, cdp, wall);
  const taken = Number(await page.evaluate(() => document.body.dataset.frames));
  await page.close();
  // The first few, counted: one broken frame handler fails every frame.
  if (errors.length > 0) throw new Error(`${name}: ${errors.length} page errors, the first: ${errors.slice(0, 3).join("; ")}`);
  const growth = (a, b) => ((b - a) / a) * 100;
  return { name, taken, base, along, rate: taken / seconds, first, last, heap: growth(first.heap, last.heap), nodes: growth(first.nodes, last.nodes), inDocument: growth(first.inDocument, last.inDocument), own: growth(first.snapshot.own, last.snapshot.own) };
}

try {
  const results = [await soak("desk page, map view", server.url), await soak("wall, playlist turning every 5 s", `${server.url}?wall=kpis:5,map:5,green:5,capacity:5`)];
  console.log(`## soak: ${frames.toLocaleString("en")} live frames vs ${BASE.toLocaleString("en")}${smoke ? " (smoke: numbers mean nothing)" : ""}`);
  console.log("| page | frames taken | frames/s | baseline at frame | JS heap (MB): baseline, 25 %, 50 %, 75 %, end | growth | DOM nodes (CDP, floor of 3 collections): the same points | growth | nodes in the document | growth | detached nodes (heap snapshot) |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  const mb = (b) => (b / 1e6).toFixed(2);
  for (const r of results) {
    const points = [r.first, ...r.along, r.last];
    console.log(
      `| ${r.name} | ${r.taken.toLocaleString("en")} | ${r.rate.toFixed(0)} | ${r.base.toLocaleString("en")} | ${points.map((p) => mb(p.heap)).join(", ")} | ${r.heap.toFixed(1)} % | ${points.map((p) => p.nodes).join(", ")} | ${r.nodes.toFixed(1)} % | ${points.map((p) => p.inDocument).join(", ")} | ${r.inDocument.toFixed(1)} % | ${points.map((p) => p.detached).join(", ")} |`,
    );
  }
  // Where the heap grew: the snapshots at the baseline and the end, split into the page's own
  // objects and what the browser holds for itself.
  console.log("");
  console.log("| page | heap snapshot (MB): baseline, end | of which not the page's own, growth (KB) | the page's own objects (MB): baseline, end | growth |");
  console.log("|---|---|---|---|---|");
  const kb = (b) => (b / 1e3).toFixed(0);
  for (const r of results) {
    const [a, b] = [r.first.snapshot, r.last.snapshot];
    const kinds = [...new Set([...Object.keys(a.other), ...Object.keys(b.other)])].sort();
    const split = kinds.map((k) => `${k} ${kb((b.other[k] ?? 0) - (a.other[k] ?? 0))}`).join(", ");
    console.log(`| ${r.name} | ${mb(a.total)}, ${mb(b.total)} | ${split} | ${mb(a.own)}, ${mb(b.own)} | ${r.own.toFixed(1)} % |`);
  }
  // What grew most among the page's own objects, to tell a leak (one kind growing with the
  // frames) from churn.
  for (const r of results) {
    const [a, b] = [r.first.snapshot.byName, r.last.snapshot.byName];
    const grown = [...b.entries()]
      .map(([k, v]) => [k, v.size - (a.get(k)?.size ?? 0), v.count - (a.get(k)?.count ?? 0)])
      .sort((x, y) => y[1] - x[1])
      .slice(0, 8);
    console.log("");
    console.log(`${r.name}, the page's own objects that grew most (KB, count): ${grown.map(([k, s, n]) => `${k} ${kb(s)} (${n >= 0 ? "+" : ""}${n})`).join("; ")}`);
  }
  const met = results.every((r) => r.heap < 10 && r.nodes < 10);
  console.log(`goal < 10 % growth of JS heap and DOM nodes: ${met ? "met" : "MISSED"}`);
} catch (e) {
  console.error(`bench-soak: ${e.message ?? e}`);
  failed = true;
} finally {
  await browser.close();
  await server.stop();
}
process.exit(failed ? 1 : 0);
