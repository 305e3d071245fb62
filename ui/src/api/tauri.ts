// The Tauri host: commands are `#[tauri::command]`s of the same names (src-tauri); a stream
// `s` is `s_subscribe` with a channel. The only module that imports @tauri-apps.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { AccountDto } from "./bindings";
import { type Gateway, GatewayError, isApiError, transport } from "./gateway";

export function tauriGateway(): Gateway {
  return {
    host: "tauri",
    readOnly: false,
    async call(command, args) {
      try {
        return await invoke(command, args);
      } catch (e) {
        throw new GatewayError(isApiError(e) ? e : transport(String(e)));
      }
    },
    async openWall(playlist) {
      try {
        await invoke("wall_open", { playlist });
      } catch (e) {
        throw new GatewayError(isApiError(e) ? e : transport(String(e)));
      }
    },
    account: {
      whoami: () => accountCall("account_whoami", {}),
      signIn: (name, password) => accountCall("account_sign_in", { name, password }),
      signOut: () => accountCall("account_sign_out", {}),
    },
    heatmap(metric, onFrame, onState) {
      let active = true;
      const channel = new Channel<ArrayBuffer>();
      channel.onmessage = (frame) => {
        if (active) onFrame(frame);
      };
      onState("connecting");
      const id = invoke<number>("rack_heatmap_subscribe", { metric, on_frame: channel });
      id.then(
        () => onState("open"),
        () => onState("reconnecting"),
      );
      return () => {
        active = false;
        id.then((id) => invoke("rack_heatmap_unsubscribe", { id })).catch(() => {});
      };
    },
    subscribe(stream, onItem, onState) {
      let active = true;
      const channel = new Channel<Parameters<typeof onItem>[0]>();
      channel.onmessage = (item) => {
        if (active) onItem(item);
      };
      onState("connecting");
      invoke(`${stream}_subscribe`, { onFrame: channel }).then(
        () => onState("open"),
        () => onState("reconnecting"),
      );
      return () => {
        active = false;
      };
    },
  };
}

async function accountCall(command: string, args: Record<string, unknown>): Promise<AccountDto> {
  try {
    return await invoke<AccountDto>(command, args);
  } catch (e) {
    throw new GatewayError(isApiError(e) ? e : transport(String(e)));
  }
}
