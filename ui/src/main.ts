// Entry point: connect to the core through whichever host we run in, then draw the screen.
import "./theme/fonts.css";
import "./theme/tokens.css";
import "./app.css";
import type { ParkMap, ParkSummary } from "./api/bindings";
import { connect, type Failure, GatewayError, transport } from "./api/gateway";
import { h } from "./dom";
import { type Key, lang, onLangChange, setLang, t } from "./i18n";
import { messages } from "./i18n/messages";
import { renderHeader } from "./panels/header/header";
import { renderLegend, renderMap } from "./panels/map/map";

type View =
  | { kind: "loading" }
  | { kind: "ready"; summary: ParkSummary; map: ParkMap; host: "tauri" | "http" }
  | { kind: "failed"; failure: Failure };

const app = document.getElementById("app") as HTMLElement;
let view: View = { kind: "loading" };

// WebKit's console is invisible in tests and to users: show script errors on the page.
function showFatal(message: string): void {
  const box = document.getElementById("fatal");
  if (!box) return;
  box.hidden = false;
  box.textContent = `${t("error_script")}: ${message}`;
}
window.addEventListener("error", (e) => showFatal(String(e.message)));
window.addEventListener("unhandledrejection", (e) => showFatal(String(e.reason)));

function render(): void {
  document.documentElement.lang = lang();
  document.title = t("app_title");
  if (view.kind === "loading") {
    app.replaceChildren(h("div", { class: "loading" }, t("loading")));
    return;
  }
  if (view.kind === "failed") {
    app.replaceChildren(renderFailure(view.failure));
    return;
  }
  const { summary, map, host } = view;
  const toggle = () => setLang(lang() === "zh-CN" ? "en" : "zh-CN");
  app.replaceChildren(
    renderHeader(summary, toggle),
    h(
      "main",
      { class: "map-panel", "aria-label": t("map_title") },
      h("h2", { class: "panel-title" }, t("map_title")),
      renderMap(map),
      renderLegend(),
    ),
    h(
      "footer",
      { class: "status-line" },
      h("span", {}, `${t("source")}: ${summary.source}`),
      h("span", { "data-testid": "host" }, t(host === "tauri" ? "host_tauri" : "host_http")),
      ...summary.warnings.map((w) => h("span", { class: "warning" }, w)),
    ),
  );
}

const FAILURE_KEY: Record<Failure["code"], Key> = {
  transport: "error_transport",
  scenario_invalid: "error_scenario_invalid",
  scenario_unreadable: "error_scenario_unreadable",
  unknown_command: "error_unknown_command",
};

/** The localised name of a scenario error kind (the core's stable snake_case code). */
function kindLabel(kind: string): string {
  const key = `kind_${kind}`;
  return isKey(key) ? t(key) : kind;
}

function isKey(key: string): key is Key {
  return key in messages.en;
}

function renderFailure(failure: Failure): HTMLElement {
  return h(
    "section",
    { class: "failure", role: "alert", "data-testid": "failure" },
    h("h1", {}, t("error_title")),
    h("h2", {}, t(FAILURE_KEY[failure.code])),
    failure.details.length === 0
      ? h("pre", {}, failure.message)
      : h(
          "ul",
          {},
          ...failure.details.map((d) =>
            h(
              "li",
              {},
              h("code", {}, `${d.file}:${d.line}:${d.column}`),
              " ",
              h("strong", {}, kindLabel(d.kind)),
              ` ${d.field}: ${d.message}`,
            ),
          ),
        ),
  );
}

async function start(): Promise<void> {
  render();
  onLangChange(render);
  try {
    const gateway = await connect();
    const [summary, map] = await Promise.all([gateway.call("park_summary"), gateway.call("park_map")]);
    view = { kind: "ready", summary, map, host: gateway.host };
  } catch (e) {
    view = { kind: "failed", failure: e instanceof GatewayError ? e.error : transport(String(e)) };
  }
  render();
}

void start();
