// The real Tauri window under Xvfb, driven by tauri-driver + WebKitWebDriver (selenium-webdriver
// as the client). Proves the IPC host end to end: the map in the window comes from the Rust core.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Builder, By, until } from "selenium-webdriver";
import { MINI, QINGYANG, ROOT, SHOTS, SUANGU, TARGET, removeStore, runSources, scenario, stopSources } from "./harness.mjs";

const APP = process.env.SUANGU_APP ?? join(TARGET, "debug", "suangu-app");
const DRIVER = process.env.TAURI_DRIVER ?? join(homedir(), ".cargo", "bin", "tauri-driver");
const PORT = Number(process.env.TAURI_DRIVER_PORT ?? 4444);
const children = [];
// The window's audit key (the app gets it through tauri-driver's environment), so this test can
// read the log the window writes.
process.env.SUANGU_AUDIT_KEY = join(SHOTS, "..", "e2e-db", `window-audit-${process.pid}.key`);

function start(cmd, args, env = {}) {
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.on("exit", (code, signal) => {
    if (!child.stopping) console.error(`${cmd} exited ${code ?? signal}: ${stderr.slice(-2000)}`);
  });
  children.push(child);
  return child;
}

async function waitForPort(port, ms = 20000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`tauri-driver did not answer on port ${port}`);
}

before(async () => {
  assert.ok(existsSync(APP), `${APP} not built (make build)`);
  if (!process.env.DISPLAY) {
    const display = `:${process.env.XVFB_DISPLAY ?? 99}`;
    start("Xvfb", [display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"]);
    process.env.DISPLAY = display;
    await new Promise((r) => setTimeout(r, 800));
  }
  start(DRIVER, ["--port", String(PORT), "--native-port", String(PORT + 1), "--native-driver", "/usr/bin/WebKitWebDriver"]);
  await waitForPort(PORT);
});

const stores = [];

after(() => {
  for (const db of stores) removeStore(db);
  rmSync(process.env.SUANGU_AUDIT_KEY, { force: true });
  for (const child of children.reverse()) {
    child.stopping = true;
    child.kill("SIGTERM");
  }
});

let sessions = 0;

/** The app on a new store (`prepare` may put something in it first), under tauri-driver. */
async function session(args = [], prepare = null) {
  const db = join(SHOTS, "..", "e2e-db", `window-${process.pid}-${sessions++}.db`);
  mkdirSync(dirname(db), { recursive: true });
  rmSync(db, { force: true });
  stores.push(db);
  await prepare?.(db);
  const driver = await new Builder()
    .usingServer(`http://127.0.0.1:${PORT}/`)
    .withCapabilities({ browserName: "wry", "tauri:options": { application: APP, args: ["--db", `sqlite://${db}`, ...args] } })
    .build();
  try {
    await driver.manage().window().setRect({ width: 1600, height: 960 }).catch(() => {});
    // The app remembers the language across runs; each test starts from the default.
    await driver.wait(until.elementLocated(By.css("#app > *")), 20000);
    await driver.executeScript("localStorage.clear();");
    await driver.navigate().refresh();
    return driver;
  } catch (e) {
    await driver.quit();
    throw e;
  }
}

/** Click (or type `keys` into) what `css` finds, again if the page redrew it between finding and clicking (live views
 * are rebuilt as the park moves on). */
async function click(driver, css, keys = null) {
  for (let attempt = 0; ; attempt++) {
    try {
      const el = await driver.findElement(By.css(css));
      return await (keys === null ? el.click() : el.sendKeys(keys));
    } catch (e) {
      if (e.name !== "StaleElementReferenceError" || attempt >= 4) throw e;
    }
  }
}

async function centreNames(driver) {
  await driver.wait(until.elementLocated(By.css(".park-map g.centre")), 20000);
  return driver.executeScript(
    "return Object.fromEntries([...document.querySelectorAll('g.centre')].map(g => [g.dataset.id, g.dataset.name]))",
  );
}

/** The wall window's handle (found by its address); the driver is left on it. */
async function wallWindow(driver) {
  let wall = null;
  await driver.wait(async () => {
    for (const handle of await driver.getAllWindowHandles()) {
      await driver.switchTo().window(handle);
      if ((await driver.getCurrentUrl()).includes("wall=")) {
        wall = handle;
        return true;
      }
    }
    return false;
  }, 15000);
  assert.ok(wall, "a wall window");
  return wall;
}

/** Invoke a Tauri command from the current window's webview, as the UI does (`invoke`). */
function invokeIn(driver, command, args) {
  return driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(
       (value) => done({ ok: true, value }),
       (error) => done({ ok: false, error: typeof error === "string" ? error : JSON.stringify(error) }),
     );`,
    command,
    args,
  );
}

async function screenshot(driver, name) {
  writeFileSync(join(SHOTS, name), await driver.takeScreenshot(), "base64");
}

describe("the real window", () => {
  it("opens on Qingyang: the map shows every centre of the scenario, from the core over IPC", async () => {
    const park = scenario(QINGYANG);
    const driver = await session();
    try {
      const shown = await centreNames(driver);
      assert.equal(Object.keys(shown).length, park.centres.length);
      for (const c of park.centres) assert.equal(shown[c.id], c.name.zh, c.id);
      assert.equal(await driver.findElement(By.css("[data-testid=park-name]")).getText(), park.name.zh);
      // The window's host is Tauri IPC, not HTTP.
      assert.equal(await driver.findElement(By.css("[data-testid=host]")).getText(), "桌面");
      assert.equal(await driver.findElement(By.css("#fatal")).isDisplayed(), false);
      // The page comes over Tauri's custom protocol (ui/dist embedded, as in a release), under
      // the strict CSP of tauri.conf.json: no eval, no inline script, no fetch to anywhere but
      // the IPC; and the IPC works under it (this whole test).
      const csp = await driver.executeAsyncScript(`
        const done = arguments[arguments.length - 1];
        const seen = [];
        document.addEventListener("securitypolicyviolation", (e) => seen.push(e.violatedDirective));
        let evaluated;
        try { evaluated = String(eval("1 + 1")); } catch (e) { evaluated = e.name; }
        const script = document.createElement("script");
        script.textContent = "window.__inline_ran = true";
        document.head.append(script);
        fetch("http://127.0.0.1:9/").then(() => "fetched", (e) => e.name).then((fetched) =>
          setTimeout(() => done({ protocol: location.protocol, evaluated, inline: window.__inline_ran ?? false, fetched, seen }), 300));`);
      assert.equal(csp.protocol, "tauri:", JSON.stringify(csp));
      assert.equal(csp.evaluated, "EvalError", JSON.stringify(csp));
      assert.equal(csp.inline, false, JSON.stringify(csp));
      assert.equal(csp.fetched, "TypeError", JSON.stringify(csp));
      assert.ok(csp.seen.some((d) => d.startsWith("script-src")) && csp.seen.some((d) => d.startsWith("connect-src")), JSON.stringify(csp));
      // Live over the Tauri channel: the data time moves, the trend has 24 h from the store.
      await driver.wait(until.elementLocated(By.css('[data-testid=live-quality][data-state="live"]')), 15000);
      const at = await driver.findElement(By.css("[data-testid=live-at]")).getText();
      await driver.wait(async () => (await driver.findElement(By.css("[data-testid=live-at]")).getText()) !== at, 10000);
      await driver.wait(
        async () => Number(await driver.findElement(By.css(".trend-panel")).getAttribute("data-points")) >= 96,
        15000,
      );
      await screenshot(driver, "window-qingyang.png");
      // The last hour point by point from the raw store, over IPC (`series_history`).
      await driver.findElement(By.css("[data-testid=period-1]")).click();
      await driver.wait(until.elementLocated(By.css('.trend-panel[data-period="1"][data-level="raw"]')), 10000);
      await driver.wait(
        async () => Number(await driver.findElement(By.css(".trend-panel")).getAttribute("data-points")) >= 1,
        15000,
      );
      await driver.findElement(By.css("[data-testid=period-24]")).click();
      await driver.wait(until.elementLocated(By.css('.trend-panel[data-period="24"][data-level="interval"]')), 10000);
      // Every rack on the heatmap, over IPC (`rack_heatmap`), then back to the map.
      await driver.findElement(By.css("[data-testid=view-heatmap]")).click();
      await driver.wait(until.elementLocated(By.css('.heatmap-view[data-source="live"]')), 15000);
      assert.ok(Number(await driver.findElement(By.css(".heatmap-view")).getAttribute("data-with-data")) > 1000);
      // Then the racks' every new sample, pushed as binary frames over a Tauri channel.
      const first = Number(await driver.findElement(By.css(".heatmap-view")).getAttribute("data-at"));
      await driver.wait(async () => Number(await driver.findElement(By.css(".heatmap-view")).getAttribute("data-at")) > first, 10000);
      await screenshot(driver, "window-heatmap.png");
      await driver.findElement(By.css("[data-testid=view-map]")).click();
      await driver.wait(until.elementLocated(By.css(".park-map g.centre")), 10000);
      // Drill into a centre from the map, in the real window.
      await driver.findElement(By.css('g.centre[data-id="CM-N02"] .centre-value')).click();
      await driver.wait(until.elementLocated(By.css('[data-testid=centre][data-id="CM-N02"] .rack')), 15000);
      assert.equal((await driver.findElements(By.css("[data-testid=centre] .hall"))).length, 8);
      await screenshot(driver, "window-centre.png");
      await driver.findElement(By.css("[data-testid=centre-back]")).click();
      await driver.wait(until.elementLocated(By.css(".park-map g.centre")), 10000);
      // A drill from the window: trip a substation; the map shows it and its centres go dark.
      await driver.findElement(By.css("[data-testid=view-n1]")).click();
      await driver.wait(until.elementLocated(By.css("[data-testid=drill-SS-110-2]")), 15000);
      await screenshot(driver, "window-n1.png");
      await driver.findElement(By.css("[data-testid=drill-SS-110-2]")).click();
      await driver.wait(until.elementLocated(By.css('[data-testid=drill-banner][data-asset="SS-110-2"]')), 10000);
      await driver.wait(until.elementLocated(By.css('g.substation[data-id="SS-110-2"][data-energised="false"]')), 10000);
      // The same frame that shows the station lost raises its alarm: lit on the map, in the list.
      assert.equal(await driver.findElement(By.css('g.substation[data-id="SS-110-2"]')).getAttribute("data-alarm"), "critical", "alarm in the same tick");
      const alarm = By.css('[data-testid=alarms] li[data-rule="ss-110-2-lost"][data-target="SS-110-2"][data-active="true"]');
      await driver.wait(until.elementLocated(alarm), 5000);
      await driver.wait(until.elementLocated(By.css('g.centre[data-id="CM-N01"][data-supply="lost"]')), 10000);
      await screenshot(driver, "window-drill.png");
      // The operator acknowledges it: the list says who, the time line and the audit log keep it.
      await driver.findElement(By.css('[data-testid="alarm-ack-ss-110-2-lost-SS-110-2"]')).click();
      await driver.wait(until.elementLocated(By.css('[data-testid=alarms] li[data-rule="ss-110-2-lost"][data-acked="true"]')), 10000).catch(async (e) => { throw new Error(`${e.message}: ${await driver.findElement(By.css("[data-testid=alarms]")).getText()}`); });
      await screenshot(driver, "window-alarm-acked.png");
      // The drill is on the event time line.
      await driver.findElement(By.css("[data-testid=view-n1]")).click();
      await driver.wait(until.elementLocated(By.css('[data-testid=events] li[data-kind="drill"]')), 15000);
      // The planned jobs of the tripped centres have an evacuation plan.
      await driver.wait(until.elementLocated(By.css("[data-testid=evacuation] li[data-job]")), 10000);
      // The operator approves the plan: it says by whom, and the audit log keeps it.
      await click(driver, "[data-testid=evacuation-approve]");
      await driver.wait(until.elementLocated(By.css("[data-testid=evacuation-approved]")), 10000);
      await screenshot(driver, "window-evacuation.png");
      // The drill is in the audit log: the window's operator, chained and intact.
      const csv = join(SHOTS, "..", "e2e-db", `window-audit-${process.pid}.csv`);
      const exported = spawnSync(SUANGU, ["audit", "export", "--json", "--db", `sqlite://${stores.at(-1)}`, "--out", csv], { encoding: "utf8" });
      assert.equal(exported.status, 0, exported.stderr);
      assert.equal(JSON.parse(exported.stdout).intact, true);
      assert.match(readFileSync(csv, "utf8"), /,operator,window,drill,SS-110-2,.*,ok,/);
      assert.match(readFileSync(csv, "utf8"), /,operator,window,alarm_ack,ss-110-2-lost SS-110-2,.*,ok,/);
      assert.match(readFileSync(csv, "utf8"), /,operator,window,evacuation_approve,SS-110-2,.*,ok,/);
      rmSync(csv, { force: true });
      // Replay the drill from the store: before its instant the station is energised, from it
      // on it is tripped, whatever the live park is doing now.
      const drilledAt = Number(await driver.findElement(By.css('[data-testid=events] li[data-kind="drill"]')).getAttribute("data-at"));
      await driver.findElement(By.css("[data-testid=replay-toggle]")).click();
      await driver.wait(until.elementLocated(By.css("[data-testid=replay-slider]")), 10000);
      const seek = async (at) => {
        await driver.executeScript("const el = document.querySelector('[data-testid=replay-slider]'); el.value = String(arguments[0]); el.dispatchEvent(new Event('input'));", at);
        await driver.wait(async () => (await driver.executeScript("return document.body.dataset.replayPainted")) === String(at), 10000);
        return driver.findElement(By.css('g.substation[data-id="SS-110-2"]')).getAttribute("data-energised");
      };
      assert.equal(await seek(drilledAt - 3), "true", "before the drill");
      assert.equal(await seek(drilledAt + 1), "false", "during the drill");
      await screenshot(driver, "window-replay-drill.png");
      await driver.findElement(By.css("[data-testid=replay-exit]")).click();
      // The alarm is an incident: the centres the station feeds, their tenants, the drill, the
      // alarm and its acknowledgement on the time line, and the threshold checklist. Read in one
      // go: the view is redrawn as the park moves on.
      await click(driver, "[data-testid=view-incidents]");
      await driver.wait(until.elementLocated(By.css('[data-testid=incident] [data-testid=incident-alarms] li[data-rule="ss-110-2-lost"]')), 15000);
      const card = await driver.executeScript(`
        const card = document.querySelector('[data-testid=incident-alarms] li[data-rule="ss-110-2-lost"]').closest("[data-testid=incident]");
        const count = (css, text = "") => [...card.querySelectorAll(css)].filter((el) => el.textContent.includes(text)).length;
        return {
          severity: card.dataset.severity,
          centres: card.dataset.centres,
          tenants: Number(card.querySelector("[data-testid=incident-tenants]").dataset.count),
          drill: count('[data-testid=incident-timeline] li[data-kind="drill"][data-target="SS-110-2"]'),
          approved: count('[data-testid=incident-timeline] li[data-kind="evacuation_approved"][data-target="SS-110-2"]'),
          raised: count('[data-testid=incident-timeline] li[data-kind="alarm_raised"][data-target="SS-110-2"]', "ss-110-2-lost"),
          acknowledged: count('[data-testid=incident-timeline] li[data-kind="alarm_acknowledged"][data-target="SS-110-2"]', "ss-110-2-lost"),
          steps: count('[data-testid=incident-procedures] .procedure[data-kind="threshold"] li'),
        };`);
      assert.equal(card.severity, "critical", JSON.stringify(card));
      assert.match(card.centres, /CM-N01/, JSON.stringify(card));
      assert.ok(card.tenants >= 1, JSON.stringify(card));
      assert.deepEqual([card.drill, card.approved, card.raised, card.acknowledged, card.steps], [1, 1, 1, 1, 5], JSON.stringify(card));
      // The duty officer writes what was done: it joins the incident's time line, and the audit log.
      // (The station's incident is the critical one, drawn first.)
      const station = '[data-testid=incident][data-severity="critical"]';
      await click(driver, `${station} [data-testid=incident-note-text]`, "Called SS-110-2 on duty: breaker open, crew on site.");
      await click(driver, `${station} [data-testid=incident-note-add]`);
      await driver.wait(async () => (await driver.executeScript(`return [...document.querySelectorAll('${station} [data-testid=incident-timeline] li[data-kind="note"]')].map((li) => li.textContent).join("|")`)).includes("crew on site"), 15000);
      assert.equal(await driver.executeScript("return document.querySelector('[data-testid=incident]').dataset.severity"), "critical", "the most severe incident first");
      assert.equal(await driver.executeScript("return document.querySelector('[data-testid=incident-note-text]').value"), "", "the written note leaves the form");
      // The first step of the threshold checklist ticked off: done, by whom.
      await click(driver, `${station} [data-testid=incident-step-threshold-0]`);
      await driver.wait(until.elementLocated(By.css(`${station} .procedure[data-kind="threshold"] li[data-step="0"][data-done="true"]`)), 15000);
      const noted = join(SHOTS, "..", "e2e-db", `window-note-${process.pid}.csv`);
      const again = spawnSync(SUANGU, ["audit", "export", "--json", "--db", `sqlite://${stores.at(-1)}`, "--out", noted], { encoding: "utf8" });
      assert.equal(again.status, 0, again.stderr);
      assert.match(readFileSync(noted, "utf8"), /,operator,window,incident_note,[\w-]+@[\w-]+#\d+,.*crew on site.*,ok,/);
      assert.match(readFileSync(noted, "utf8"), /,operator,window,incident_step,[\w-]+@[\w-]+#\d+,.*threshold.*,ok,/);
      rmSync(noted, { force: true });
      await screenshot(driver, "window-incident.png");
      // From the incident to the building it touches, rack by rack.
      await click(driver, `${station} [data-testid=incident-centre-CM-N01]`);
      await driver.wait(until.elementLocated(By.css('[data-testid=centre][data-id="CM-N01"] .rack')), 15000);
      await click(driver, "[data-testid=view-map]");

      await click(driver, "[data-testid=lang-toggle]");
      await driver.wait(until.elementTextIs(driver.findElement(By.css("[data-testid=park-name]")), park.name.en), 5000);
      const english = await centreNames(driver);
      for (const c of park.centres) assert.equal(english[c.id], c.name.en, c.id);
      await screenshot(driver, "window-qingyang-en.png");
    } finally {
      await driver.quit();
    }
  });

  it("plays a demo pack from Settings, and goes back to the live park", async () => {
    const driver = await session();
    try {
      await driver.wait(until.elementLocated(By.css('[data-testid=live-quality][data-state="live"]')), 15000);
      await driver.findElement(By.css("[data-testid=view-settings]")).click();
      // The view is redrawn as the park moves: elements are looked up afresh for each step.
      const play = By.css("[data-testid=demo-play-trip-330kv]");
      await driver.wait(until.elementLocated(play), 10000);
      assert.equal(await driver.findElement(play).isEnabled(), true, "the window may start demos");
      await screenshot(driver, "window-settings.png");
      // The wall window opens from Settings too, on the playlist given there.
      const desk = await driver.getWindowHandle();
      await driver.findElement(By.css("[data-testid=wall-playlist]")).clear();
      await driver.findElement(By.css("[data-testid=wall-playlist]")).sendKeys("capacity:10");
      await driver.findElement(By.css("[data-testid=wall-open]")).click();
      await driver.wait(async () => (await driver.getAllWindowHandles()).length === 2, 10000);
      const wall = (await driver.getAllWindowHandles()).find((w) => w !== desk);
      await driver.switchTo().window(wall);
      assert.match(await driver.getCurrentUrl(), /wall=capacity:10/);
      await driver.wait(until.elementLocated(By.css('.wall-canvas[data-screen="capacity"] .wall-cap-row')), 20000);
      await driver.switchTo().window(desk);
      await driver.findElement(play).click();
      // The park restarts on the pack's story: the banner names it.
      const banner = By.css('[data-testid=demo][data-id="trip-330kv"]');
      await driver.wait(until.elementLocated(banner), 30000);
      await driver.wait(async () => /330/.test(await driver.findElement(banner).getText().catch(() => "")), 10000);
      await driver.wait(until.elementLocated(By.css('[data-testid=live-quality][data-state="live"]')), 15000);
      await screenshot(driver, "window-demo.png");
      await driver.findElement(By.css("[data-testid=view-settings]")).click();
      await driver.wait(until.elementLocated(By.css('[data-testid=demo-play-trip-330kv][aria-pressed="true"]')), 10000);
      await driver.findElement(By.css("[data-testid=demo-stop]")).click();
      await driver.wait(until.elementLocated(By.css('[data-testid=live-quality][data-state="live"]')), 30000);
      await driver.wait(async () => (await driver.findElements(By.css("[data-testid=demo]"))).length === 0, 10000);
    } finally {
      await driver.quit();
    }
  });

  it("exports a briefing from Settings into files, and says when a day has no data", async () => {
    const driver = await session();
    let html = null;
    try {
      await driver.wait(until.elementLocated(By.css('[data-testid=live-quality][data-state="live"]')), 15000);
      await driver.findElement(By.css("[data-testid=view-settings]")).click();
      await driver.wait(until.elementLocated(By.css("[data-testid=briefing-export]")), 10000);
      await driver.findElement(By.css("[data-testid=briefing-lang-en]")).click();
      await driver.findElement(By.css("[data-testid=briefing-export]")).click();
      // Today so far, from the store the live twin has been filling.
      const done = By.css("[data-testid=briefing-done]");
      const outcome = By.css("[data-testid=briefing-done], [data-testid=briefing-error]");
      await driver.wait(until.elementLocated(outcome), 60000);
      const failed = await driver.findElements(By.css("[data-testid=briefing-error]"));
      assert.equal(failed.length, 0, failed.length ? await failed[0].getText() : "");
      html = await driver.findElement(done).getAttribute("data-html");
      assert.match(html, /briefing-qingyang-day-\d{4}-\d{2}-\d{2}-en\.html$/);
      const page = readFileSync(html, "utf8");
      assert.equal(page.match(/<svg/g)?.length, 7, "seven charts inline");
      assert.match(page, /Park energy \d+\.\d MWh/);
      await screenshot(driver, "window-briefing.png");
      // A day the store has nothing for: the window says so, with the days it does have.
      await driver.executeScript(`const d = document.querySelector("[data-testid=briefing-date]"); d.value = "2001-01-01"; d.dispatchEvent(new Event("change"));`);
      await driver.findElement(By.css("[data-testid=briefing-export]")).click();
      const error = By.css("[data-testid=briefing-error]");
      await driver.wait(until.elementLocated(error), 30000);
      assert.match(await driver.findElement(error).getText(), /(no data for that period|没有这段时间的数据).*there is data for: \d{4}-\d{2}-\d{2}/);
    } finally {
      await driver.quit();
      if (html) for (const f of readdirSync(dirname(html))) if (f.startsWith("briefing-qingyang-")) rmSync(join(dirname(html), f));
    }
  });

  it("opens the wall window beside the desk window, and it plays its screens", async () => {
    const driver = await session(["--wall", "kpis:3,map:3"]);
    try {
      // The wall is its own window (its own label and permissions), found by its address.
      await wallWindow(driver);
      await driver.wait(until.elementLocated(By.css('.wall-canvas[data-screen="kpis"] .wall-tile')), 20000);
      await driver.wait(until.elementLocated(By.css('[data-testid=wall-link][data-state="live"]')), 15000);
      await screenshot(driver, "window-wall.png");
      await driver.wait(until.elementLocated(By.css('.wall-canvas[data-screen="map"] .wall-map')), 10000);
    } finally {
      await driver.quit();
    }
  });

  it("the wall window is viewer-only (every command that changes something refused by Tauri's ACL); arguments are checked whole", async () => {
    const park = scenario(QINGYANG);
    const driver = await session(["--wall", "kpis:5"]);
    try {
      const desk = await driver.getWindowHandle();
      const wall = await wallWindow(driver);
      assert.notEqual(wall, desk);
      await driver.wait(until.elementLocated(By.css('.wall-canvas[data-screen="kpis"] .wall-tile')), 20000);
      // From the wall's own webview, straight through the IPC (what any script in it could do).
      const mutating = {
        drill: { asset: "SS-110-2", minutes: 1 },
        demo_play: { pack: "trip-330kv" },
        export_briefing: { period: "day", date: "2026-01-01", lang: "en" },
        alarm_ack: { rule: "ss-110-2-lost", target: "SS-110-2" },
        alarm_shelve: { rule: "ss-110-2-lost", target: "SS-110-2", minutes: 30 },
        wall_open: { playlist: "map:5" },
      };
      for (const [command, args] of Object.entries(mutating)) {
        const answer = await invokeIn(driver, command, args);
        assert.equal(answer.ok, false, `${command} ran from the wall window`);
        // Debug builds name the window and the capability that would allow it; release ones
        // say only "not allowed by ACL".
        assert.match(answer.error, new RegExp(`^(${command} not allowed on window "wall"|Command ${command} not allowed by ACL)`), command);
      }
      // What changes nothing still answers there.
      const summary = await invokeIn(driver, "park_summary", {});
      assert.equal(summary.ok, true, summary.error);
      assert.equal(summary.value.id, park.id);
      const events = await invokeIn(driver, "park_events", { hours: 24 });
      assert.equal(events.ok, true, events.error);
      assert.deepEqual(events.value.events.filter((e) => e.kind === "drill"), [], "no drill was recorded");
      assert.equal((await driver.getAllWindowHandles()).length, 2, "wall_open opened nothing");
      // The desk window (capability `default`) may still drill.
      await driver.switchTo().window(desk);
      const drill = await invokeIn(driver, "drill", mutating.drill);
      assert.equal(drill.ok, true, drill.error);
      // Arguments are checked whole before a command runs: unknown fields, a field for a command
      // that takes none, wrong types and oversized arguments are refused and named.
      const refused = {
        drill: [{ asset: "SS-110-2", minutes: 1, as_admin: true }, /unknown field `as_admin`/],
        park_summary: [{ x: 1 }, /unknown field `x`/],
        park_events: [{ hours: "all" }, /invalid type/],
        centre_detail: [{ centre: "C".repeat(5000) }, /arguments of \d+ bytes; at most 4096/],
      };
      for (const [command, [args, why]] of Object.entries(refused)) {
        const answer = await invokeIn(driver, command, args);
        assert.equal(answer.ok, false, `${command} took ${JSON.stringify(args).slice(0, 80)}`);
        const error = JSON.parse(answer.error);
        assert.equal(error.code, "bad_arguments", answer.error);
        assert.ok(error.message.startsWith(`${command}: `), answer.error);
        assert.match(error.message, why, command);
      }
    } finally {
      await driver.quit();
    }
  });

  it("with accounts in the store the window is a viewer until an operator signs in; refusals are audited", async () => {
    let store = null;
    const driver = await session([], (db) => {
      store = db;
      const added = spawnSync(SUANGU, ["user", "add", "duty-1", "--role", "operator", "--password-stdin", "--db", `sqlite://${db}`], { input: "correct horse battery\n", encoding: "utf8" });
      assert.equal(added.status, 0, added.stderr);
    });
    try {
      await centreNames(driver);
      await driver.findElement(By.css("[data-testid=view-settings]")).click();
      await driver.wait(until.elementLocated(By.css('[data-testid=account-who][data-role="viewer"][data-signed-in="false"]')), 15000);
      // Signed out, the core refuses a change (not only the page's buttons), and says why.
      const drill = { asset: "SS-110-2", minutes: 1 };
      const refused = await invokeIn(driver, "drill", drill);
      assert.equal(refused.ok, false, "a viewer drilled");
      const error = JSON.parse(refused.error);
      assert.equal(error.code, "forbidden", refused.error);
      assert.match(error.message, /^drill: needs the operator role; .* is a viewer here \(sign in under Settings\)$/);
      // A wrong password: one answer, whatever was wrong.
      const signIn = async (name, password) => {
        await driver.findElement(By.css("[data-testid=account-name]")).sendKeys(name);
        await driver.findElement(By.css("[data-testid=account-password]")).sendKeys(password);
        await driver.findElement(By.css("[data-testid=account-sign-in]")).click();
      };
      await signIn("duty-1", "not the password at all");
      await driver.wait(until.elementLocated(By.css("[data-testid=account-error]")), 15000);
      assert.match(await driver.findElement(By.css("[data-testid=account-error]")).getText(), /用户名或密码错误|name or password wrong/);
      await signIn("duty-1", "correct horse battery");
      await driver.wait(until.elementLocated(By.css('[data-testid=account-who][data-role="operator"][data-signed-in="true"]')), 15000);
      await screenshot(driver, "window-signed-in.png");
      const done = await invokeIn(driver, "drill", drill);
      assert.equal(done.ok, true, done.error);
      await driver.findElement(By.css("[data-testid=account-sign-out]")).click();
      await driver.wait(until.elementLocated(By.css('[data-testid=account-who][data-role="viewer"][data-signed-in="false"]')), 15000);
      assert.equal((await invokeIn(driver, "drill", drill)).ok, false, "signed out, a viewer again");
      // All of it is in the audit log, chained and intact; the password nowhere.
      const csv = join(SHOTS, "..", "e2e-db", `window-accounts-${process.pid}.csv`);
      const exported = spawnSync(SUANGU, ["audit", "export", "--json", "--db", `sqlite://${store}`, "--out", csv], { encoding: "utf8" });
      assert.equal(exported.status, 0, exported.stderr);
      assert.equal(JSON.parse(exported.stdout).intact, true);
      const log = readFileSync(csv, "utf8");
      assert.match(log, /,viewer,window,drill,SS-110-2,.*,refused: needs the operator role,/);
      assert.match(log, /,viewer,window,sign_in,duty-1,.*,refused: name or password wrong,/);
      assert.match(log, /,viewer,window,sign_in,duty-1,.*,ok,/);
      assert.match(log, /duty-1,operator,window,drill,SS-110-2,.*,ok,/);
      assert.match(log, /duty-1,operator,window,sign_out,duty-1,.*,ok,/);
      assert.doesNotMatch(log, /correct horse|not the password/);
      rmSync(csv, { force: true });
    } finally {
      await driver.quit();
    }
  });

  it("opens a second, different park from a file and finds its centres", async () => {
    const park = scenario(MINI);
    const driver = await session(["--scenario", MINI]);
    try {
      const shown = await centreNames(driver);
      assert.deepEqual(Object.keys(shown).sort(), park.centres.map((c) => c.id).sort());
      for (const c of park.centres) assert.equal(shown[c.id], c.name.zh, c.id);
      assert.equal(await driver.findElement(By.css("[data-testid=park-name]")).getText(), park.name.zh);
      await screenshot(driver, "window-zhongwei-mini.png");
    } finally {
      await driver.quit();
    }
  });

  it("shows a broken scenario's errors with file, line and field instead of a map", async () => {
    const bad = join(ROOT, "tests/fixtures/scenarios/invalid/unknown_feeder.toml");
    const driver = await session(["--scenario", bad]);
    try {
      const failure = await driver.wait(until.elementLocated(By.css("[data-testid=failure]")), 20000);
      const text = await failure.getText();
      assert.match(text, /unknown_feeder\.toml:\d+:\d+/);
      assert.match(text, /centres\[0\]\.feeds\[1\]\.feeder/);
      await screenshot(driver, "window-invalid-scenario.png");
    } finally {
      await driver.quit();
    }
  });
});

describe("the park observed from its sources, in the window", () => {
  // `suangu run` feeds a store from a files source (a row every 2 s, stamped now) and the
  // window opens on it with `--config`: the map shows what the source measures and, once the
  // feed stops, greys the centre "stale since" its last point; the twin's commands say why
  // they cannot answer (no twin runs).
  it("greys a dead feed on the map and refuses a drill, saying why", async (t) => {
    const dir = join(SHOTS, "..", "e2e-db", `window-observed-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, "in"), { recursive: true });
    const config = join(dir, "suangu.toml");
    writeFileSync(
      config,
      `park = "qingyang"\n\n[[sources]]\nid = "meters"\nexpected_interval_s = 4\nfiles = { dir = "${join(dir, "in")}", settle_s = 0.2 }\n\n` +
        `[[sources.points]]\ncolumn = "n01_mw"\nseries = "CM-N01/it_kw"\nunit = "MW"\nresolution = 1\n`,
    );
    let ingest = null;
    let n = 0;
    let last = null;
    const feed = () => {
      n += 1;
      last = { at: new Date(), mw: 17 + n / 10 };
      writeFileSync(join(dir, "in", `rows-${n}.csv`), `ts,n01_mw\n${last.at.toISOString()},${last.mw.toFixed(1)}\n`);
    };
    const driver = await session(["--config", config], async (db) => {
      ingest = await runSources(config, db, /"id":"meters"[^\n]*"link":\{"state":"up"/);
    });
    const n01 = 'g.centre[data-id="CM-N01"]';
    try {
      feed();
      const feeding = setInterval(feed, 2000);
      try {
        await driver.wait(
          () => driver.executeScript((sel) => {
            const g = document.querySelector(sel);
            return g?.dataset.quality === "live" && Number.parseFloat(g.querySelector(".centre-value")?.textContent ?? "") >= 17.3;
          }, n01),
          30000,
        );
      } finally {
        clearInterval(feeding);
      }
      // Not measured by any source: "—", never the twin's number.
      assert.equal(await driver.executeScript(() => document.querySelector('g.centre[data-id="CM-N02"]')?.dataset.quality), "not_measured");
      const stopped = last;
      await driver.wait(until.elementLocated(By.css(`${n01}[data-quality="stale"]`)), 30000);
      const after = (Date.now() - stopped.at.getTime()) / 1000;
      t.diagnostic(`stale ${after.toFixed(1)} s after the last point (interval 4 s)`);
      assert.ok(after >= 8 && after <= 14, `stale ${after.toFixed(1)} s after the last point`);
      // The last value stays, greyed, with the time it was measured (the park's clock).
      const since = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: "Asia/Shanghai" }).format(stopped.at);
      assert.equal(await driver.findElement(By.css(`${n01} .centre-value`)).getText(), `${stopped.mw.toFixed(1)} MW`);
      assert.ok((await driver.findElement(By.css(`${n01} .centre-note`)).getText()).includes(since));
      await screenshot(driver, "window-observed-stale.png");
      // A drill needs the twin: refused, saying the park is observed.
      const drill = await invokeIn(driver, "drill", { asset: "SS-110-2", minutes: 1 });
      assert.equal(drill.ok, false);
      const error = JSON.parse(drill.error);
      assert.equal(error.code, "not_ready", drill.error);
      assert.match(error.message, /observed from its data sources/);
    } finally {
      await driver.quit();
      await stopSources(ingest);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
