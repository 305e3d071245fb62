// The Tauri host: commands are `#[tauri::command]`s of the same names (src-tauri).
// The only module that imports @tauri-apps.
import { invoke } from "@tauri-apps/api/core";
import { type Gateway, GatewayError, isApiError, transport } from "./gateway";

export function tauriGateway(): Gateway {
  return {
    host: "tauri",
    async call(command) {
      try {
        return await invoke(command);
      } catch (e) {
        throw new GatewayError(
          isApiError(e) ? e : transport(String(e)),
        );
      }
    },
  };
}
