// Shared pieces of the end-to-end tests: paths, the scenario as the test reads it (parsed here
// with an independent TOML parser, not through our core), and `suangu serve` as a child process.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const TARGET = process.env.CARGO_TARGET_DIR ?? "/var/tmp/suangu-target";
export const SUANGU = process.env.SUANGU_BIN ?? join(TARGET, "debug", "suangu");
export const SHOTS = process.env.SCREENSHOT_DIR ?? join(TARGET, "screenshots");
mkdirSync(SHOTS, { recursive: true });

export const QINGYANG = join(ROOT, "assets/scenarios/qingyang.toml");
export const MINI = join(ROOT, "tests/fixtures/scenarios/valid/zhongwei-mini.toml");

/** The park as the scenario file says it: names and counts the screen must show. */
export function scenario(file) {
  const doc = parse(readFileSync(file, "utf8"));
  return {
    id: doc.park.id,
    name: doc.park.name,
    centres: doc.centres.map((c) => ({ id: c.id, name: c.name, status: c.status })),
    operating: doc.centres.filter((c) => c.status === "operating").length,
    operatingRacks: doc.centres.filter((c) => c.status === "operating").reduce((n, c) => n + c.physical_racks.value, 0),
  };
}

let servers = 0;

/** Remove a test's store: the database, its WAL files and its raw log (`<name>.<park>.rawlog`). */
export function removeStore(db) {
  const stem = db.replace(/\.db$/, "");
  for (const entry of readdirSync(dirname(db))) {
    const path = join(dirname(db), entry);
    if (path === db || path.startsWith(`${db}-`) || path.startsWith(`${stem}.`)) rmSync(path, { recursive: true, force: true });
  }
}

/** A fresh store path for one server (nothing there yet). */
export function newDb() {
  const db = join(SHOTS, "..", "e2e-db", `serve-${process.pid}-${servers++}.db`);
  mkdirSync(dirname(db), { recursive: true });
  rmSync(db, { force: true });
  return db;
}

/** Run `suangu` to its end (e.g. `token add`); its stdout, or a thrown error with its stderr. */
export function suangu(args) {
  const out = spawnSync(SUANGU, args, { encoding: "utf8", env: { ...process.env, LANG: "en_US.UTF-8" } });
  if (out.status !== 0) throw new Error(`suangu ${args.join(" ")} exited ${out.status}: ${out.stderr}`);
  return out.stdout;
}

/** Start `suangu serve` on a free port (or `port`) of `bind` (loopback by default; "0.0.0.0" asks
 * for screen tokens, clients still connect through 127.0.0.1) with its own store (or `db`),
 * removed when it stops unless `keep`; resolves to { url, port, pid, db, stop }, `url` on 127.0.0.1. */
export function serve(args = [], { port = 0, db = null, keep = false, bind = "127.0.0.1" } = {}) {
  if (db === null) db = newDb();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(SUANGU, ["serve", "--bind", `${bind}:${port}`, "--db", `sqlite://${db}`, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LANG: "en_US.UTF-8" },
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => reject(new Error(`suangu serve exited ${code}: ${stderr}`)));
    child.stdout.on("data", (d) => {
      const m = /http:\/\/(\S+)\//.exec(String(d));
      if (m) {
        const port = Number(m[1].split(":").pop());
        resolvePromise({
          url: bind === "0.0.0.0" ? `http://127.0.0.1:${port}/` : `http://${m[1]}/`,
          port,
          pid: child.pid,
          db,
          stop: () =>
            new Promise((done) => {
              child.removeAllListeners("exit");
              child.on("exit", () => {
                if (!keep) removeStore(db);
                done();
              });
              child.kill("SIGTERM");
            }),
        });
      }
    });
  });
}

/** `suangu run --config` into `db`, resolved once a health line matches `ready`. */
export async function runSources(config, db, ready) {
  const ingest = spawn(SUANGU, ["run", "--json", "--report-ms", "200", "--config", config, "--db", `sqlite://${db}`], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise((done, fail) => {
    let out = "";
    ingest.on("exit", (code) => fail(new Error(`suangu run exited ${code}`)));
    ingest.stdout.on("data", (d) => {
      out += d;
      if (ready.test(out)) done();
    });
  });
  return ingest;
}

/** Stop a `runSources` child and wait for it: it writes its raw log until it has stopped, so its
 * folder goes only after it exits. */
export async function stopSources(ingest) {
  if (ingest && ingest.exitCode === null && ingest.signalCode === null) {
    ingest.removeAllListeners("exit");
    const exited = new Promise((done) => ingest.once("exit", done));
    ingest.kill("SIGTERM");
    await exited;
  }
}
