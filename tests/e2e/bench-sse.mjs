// Live stream load (issue 10): many wall screens on one `suangu serve`. N clients hold
// /api/live (server-sent events) on a server bound to 0.0.0.0 (a screen token on every request)
// and reached through 127.0.0.1, for S seconds; measured on the server process: CPU (utime +
// stime from /proc/<pid>/stat over the window, as % of one core) and peak RSS (VmHWM from
// /proc/<pid>/status). Baseline in the same run, on the same server just before: 1 client for S
// seconds. Each window starts once every client has its first frame; frames per client per
// second are counted (the twin ticks at 1 Hz in real time).
//
//   node bench-sse.mjs [--clients N] [--seconds S] [--smoke]
//
// Exit 1 if the run fails (a client refused or starved); a missed goal (< 10 % of one core,
// < 200 MB) is printed, not hidden.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { newDb, serve, suangu } from "./harness.mjs";

const argv = process.argv.slice(2);
const smoke = argv.includes("--smoke");
const arg = (name, fallback) => Number(argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const clients = arg("--clients", smoke ? 20 : 200);
const seconds = arg("--seconds", smoke ? 3 : 60);
if (!Number.isInteger(clients) || clients < 1 || !(seconds > 0)) {
  console.error("bench-sse: --clients N (a whole number >= 1), --seconds S (> 0)");
  process.exit(2);
}
const TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** The process's CPU time so far, in seconds (user + system, all threads). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime (fields 14 and 15)
}

/** A line of /proc/<pid>/status in MB (e.g. VmHWM, VmRSS). */
function memoryMb(pid, key) {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith(`${key}:`));
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** One client holding the event stream; counts the frames it gets. */
function client(port, token) {
  const c = { frames: 0, bytes: 0, first: null, request: null };
  c.first = new Promise((resolve, reject) => {
    c.request = http.get(
      { host: "127.0.0.1", port, path: "/api/live", agent: false, headers: { accept: "text/event-stream", authorization: `Bearer ${token}` } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`/api/live: ${res.statusCode}`));
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          c.bytes += Buffer.byteLength(chunk);
          for (let i = chunk.indexOf("event: frame"); i !== -1; i = chunk.indexOf("event: frame", i + 1)) c.frames++;
          if (c.frames > 0) resolve();
        });
      },
    );
    c.request.on("error", (e) => (c.closed ? null : reject(e)));
  });
  c.close = () => {
    c.closed = true;
    c.request.destroy();
  };
  return c;
}

/** N clients for S seconds once all have a frame: CPU % of one core and frames per client-second. */
async function window(server, token, n) {
  const held = Array.from({ length: n }, () => client(server.port, token));
  await Promise.all(held.map((c) => c.first));
  const frames0 = held.reduce((sum, c) => sum + c.frames, 0);
  const bytes0 = held.reduce((sum, c) => sum + c.bytes, 0);
  const cpu0 = cpuSeconds(server.pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = cpuSeconds(server.pid) - cpu0;
  const elapsed = (performance.now() - t0) / 1000;
  const frames = held.reduce((sum, c) => sum + c.frames, 0) - frames0;
  const bytes = held.reduce((sum, c) => sum + c.bytes, 0) - bytes0;
  const starved = held.filter((c) => c.frames < 2).length;
  held.forEach((c) => c.close());
  return { cpuPct: (100 * cpu) / elapsed, rate: frames / n / elapsed, frameBytes: bytes / Math.max(1, frames), mbps: (bytes * 8) / elapsed / 1e6, starved };
}

const db = newDb();
const token = JSON.parse(suangu(["--db", `sqlite://${db}`, "--json", "token", "add", "--screen", "bench"])).token;
const server = await serve([], { db, bind: "0.0.0.0" });
let failed = false;
try {
  await new Promise((r) => setTimeout(r, 2000)); // past start-up
  const base = await window(server, token, 1);
  const baseHwm = memoryMb(server.pid, "VmHWM");
  const load = await window(server, token, clients);
  const hwm = memoryMb(server.pid, "VmHWM");
  const f = (x, d = 1) => x.toFixed(d);
  console.log(
    `sse: ${clients} clients x ${seconds} s on /api/live (token checked): server CPU ${f(load.cpuPct)} % of one core ` +
      `(1 client: ${f(base.cpuPct)} %, ratio ${f(load.cpuPct / base.cpuPct, 2)}x; per extra client ${f((load.cpuPct - base.cpuPct) / Math.max(1, clients - 1), 3)} %), ` +
      `peak RSS ${f(hwm)} MB (after 1 client: ${f(baseHwm)} MB); ${f(load.rate, 2)} frames/s per client (1 client: ${f(base.rate, 2)}), ` +
      `${f(load.frameBytes / 1024)} KiB per frame, ${f(load.mbps)} Mbit/s sent in all ` +
      `(goal < 10 % and < 200 MB: ${load.cpuPct < 10 && hwm < 200 ? "met" : "MISSED"})`,
  );
  if (load.starved + base.starved > 0) {
    console.error(`bench-sse: ${load.starved + base.starved} clients got fewer than 2 frames`);
    failed = true;
  }
} catch (e) {
  console.error(`bench-sse: ${e.stack ?? e}`);
  failed = true;
} finally {
  await server.stop();
}
process.exit(failed ? 1 : 0);
