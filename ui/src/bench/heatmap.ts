// The heatmap benchmark page (`make bench`, tests/e2e/bench-heatmap.mjs): the live heatmap of
// every rack updated once a second, timed from the moment a frame leaves the core (stamped by
// the host) to the frame painted, pushed over the same WebSocket the app uses, decoding
// included; beside an SVG rendering of the same map, fed the same way, in the same run. Not part of the app: the page is built beside it
// and only this benchmark opens it.
import type { Heatmap } from "../api/bindings";
import { httpGateway } from "../api/http";
import { s } from "../dom";
import { heatmapPanel } from "../panels/heatmap/heatmap";
import { decodeFrame, fromHeatmap, type HeatmapFrame, MAX_LEVEL, NO_DATA, NO_RACK } from "../panels/heatmap/frame";
import { colour } from "../panels/heatmap/paint";

interface Result {
  renderer: "canvas" | "svg";
  /** Leaving the core to painted, ms, one per frame. */
  latency_ms: number[];
  /** Of which: in the page (decoding, drawing, until painted), ms. */
  page_ms: number[];
  /** Of which: from leaving the core to the page holding the bytes, ms. */
  transport_ms: number[];
  /** Of which: decoding and drawing (before the browser paints), ms. */
  draw_ms: number[];
  racks: number;
  cells: number;
}

declare global {
  interface Window {
    __bench?: { results: Result[]; error?: string; done: boolean };
  }
}

const params = new URLSearchParams(location.search);
const FRAMES = Number(params.get("frames") ?? 30);
const status = document.getElementById("bench-status") as HTMLElement;
const stage = document.getElementById("bench-stage") as HTMLElement;
const gateway = httpGateway(new URL("./api/", location.href));
const now = () => performance.timeOrigin + performance.now();

/** Resolves after the next frame is painted: rAF runs before the paint, the task after it. */
const painted = () => new Promise<void>((done) => requestAnimationFrame(() => setTimeout(done, 0)));

function emptyResult(renderer: Result["renderer"], racks: number, layout: Heatmap): Result {
  return { renderer, latency_ms: [], page_ms: [], transport_ms: [], draw_ms: [], racks, cells: layout.width * layout.height };
}

/** Take `FRAMES` frames of the live stream (one a second), each drawn by `draw` and timed from
 * leaving the core to painted. */
function measure(result: Result, draw: (frame: HeatmapFrame) => void): Promise<Result> {
  return new Promise((done, fail) => {
    let busy = false;
    const stop = gateway.heatmap(
      "power_kw",
      (buffer) => {
        if (busy) return; // never queue: a late frame is a missed frame, and shows in the numbers
        busy = true;
        const start = now();
        const frame = decodeFrame(buffer);
        draw(frame);
        const drawn = now();
        painted().then(() => {
          const end = now();
          result.latency_ms.push(end - frame.sent_ms);
          result.page_ms.push(end - start);
          result.transport_ms.push(start - frame.sent_ms);
          result.draw_ms.push(drawn - start);
          status.textContent = `${result.renderer} ${result.latency_ms.length} / ${FRAMES}`;
          busy = false;
          if (result.latency_ms.length >= FRAMES) {
            stop();
            done(result);
          }
        }, fail);
      },
      (state) => {
        if (state === "reconnecting") fail(new Error("the heatmap stream dropped"));
      },
    );
  });
}

/** The product's heatmap panel: canvas, one pixel per rack, painted through a colour table. */
async function canvasRun(layout: Heatmap): Promise<Result> {
  const panel = heatmapPanel([], "power_kw", "Asia/Shanghai", () => {});
  stage.replaceChildren(panel.el);
  panel.setData(layout);
  await painted();
  const result = await measure(emptyResult("canvas", layout.racks, layout), (frame) => panel.setFrame(frame));
  panel.destroy();
  return result;
}

/** The baseline: the same map as SVG, one rect per reporting rack, its fill set from each frame
 * through the same colour table. */
async function svgRun(layout: Heatmap): Promise<Result> {
  const svg = s("svg", { viewBox: `0 0 ${layout.width} ${layout.height}`, width: "1600", height: "800", "shape-rendering": "crispEdges" });
  const first = fromHeatmap(layout);
  const rects: [number, SVGRectElement][] = [];
  for (let i = 0; i < first.levels.length; i++) {
    if (first.levels[i] === NO_RACK) continue;
    const r = s("rect", { x: i % layout.width, y: Math.floor(i / layout.width), width: 1, height: 1 });
    rects.push([i, r]);
    svg.append(r);
  }
  stage.replaceChildren(svg);
  await painted();
  const fills = Array.from({ length: 256 }, (_, k) => `rgb(${colour(k / MAX_LEVEL).join(",")})`);
  fills[NO_DATA] = "rgb(72,80,96)";
  return measure(emptyResult("svg", rects.length, layout), (frame) => {
    for (const [cell, rect] of rects) rect.setAttribute("fill", fills[frame.levels[cell] as number] as string);
  });
}

async function run(): Promise<void> {
  window.__bench = { results: [], done: false };
  try {
    // The layout once (the engine has sampled the racks by then), then the live stream.
    let layout = await gateway.call("rack_heatmap", { metric: "power_kw" });
    while (layout.at_s === null) {
      await new Promise((r) => setTimeout(r, 200));
      layout = await gateway.call("rack_heatmap", { metric: "power_kw" });
    }
    window.__bench.results.push(await canvasRun(layout));
    window.__bench.results.push(await svgRun(layout));
    status.textContent = "done";
  } catch (e) {
    window.__bench.error = String(e);
    status.textContent = `failed: ${String(e)}`;
  }
  window.__bench.done = true;
}

void run();
