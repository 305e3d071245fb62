// The HTTP host: `GET <base>/<command>?args` on `suangu serve`, JSON back; streams are
// server-sent events at `<base>/<stream>` (the browser reconnects by itself).
import { type Gateway, GatewayError, isApiError, transport } from "./gateway";

export function httpGateway(base: URL, fetcher: typeof fetch = fetch.bind(window)): Gateway {
  return {
    host: "http",
    readOnly: true,
    async call(command, args) {
      const url = new URL(command, base);
      for (const [k, v] of Object.entries(args as Record<string, unknown>)) url.searchParams.set(k, String(v));
      let response: Response;
      try {
        response = await fetcher(url, { headers: { accept: "application/json" } });
      } catch (e) {
        throw new GatewayError(transport(String(e)));
      }
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        throw new GatewayError(isApiError(body) ? body : transport(`HTTP ${response.status} for ${command}`));
      }
      return body as never;
    },
    async heatmapFrame(args) {
      const url = new URL("rack_heatmap.bin", base);
      for (const [k, v] of Object.entries(args)) if (v !== undefined) url.searchParams.set(k, String(v));
      let response: Response;
      try {
        response = await fetcher(url);
      } catch (e) {
        throw new GatewayError(transport(String(e)));
      }
      if (!response.ok) {
        const body: unknown = await response.json().catch(() => null);
        throw new GatewayError(isApiError(body) ? body : transport(`HTTP ${response.status} for rack_heatmap.bin`));
      }
      return response.arrayBuffer();
    },
    subscribe(stream, onItem, onState) {
      onState("connecting");
      const source = new EventSource(new URL(stream, base));
      source.addEventListener("open", () => onState("open"));
      source.addEventListener("error", () => onState("reconnecting"));
      source.addEventListener("frame", (e) => onItem(JSON.parse((e as MessageEvent<string>).data)));
      return () => source.close();
    },
  };
}
