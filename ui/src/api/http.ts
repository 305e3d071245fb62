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
    heatmap(metric, onFrame, onState) {
      // A WebSocket reconnects by hand: after a drop, again and again, backing off to 10 s.
      let socket: WebSocket | null = null;
      let stopped = false;
      let retryMs = 500;
      const open = () => {
        const url = new URL(`rack_heatmap.ws?metric=${metric}`, base);
        url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
        socket = new WebSocket(url);
        socket.binaryType = "arraybuffer";
        socket.onopen = () => {
          retryMs = 500;
          onState("open");
        };
        socket.onmessage = (e: MessageEvent<unknown>) => {
          if (e.data instanceof ArrayBuffer) onFrame(e.data);
        };
        socket.onclose = () => {
          if (stopped) return;
          onState("reconnecting");
          setTimeout(() => stopped || open(), retryMs);
          retryMs = Math.min(10_000, retryMs * 2);
        };
      };
      onState("connecting");
      open();
      return () => {
        stopped = true;
        socket?.close();
      };
    },
    subscribe(stream, onItem, onState) {
      // The browser reconnects an event stream by itself after a network error; one it has
      // given up on (the server answered with an error while restarting) is opened again here,
      // backing off to 10 s. Either way the page says "reconnecting" meanwhile.
      let source: EventSource | null = null;
      let stopped = false;
      let retryMs = 1000;
      const open = () => {
        source = new EventSource(new URL(stream, base));
        source.addEventListener("open", () => {
          retryMs = 1000;
          onState("open");
        });
        source.addEventListener("error", () => {
          onState("reconnecting");
          if (source?.readyState === EventSource.CLOSED && !stopped) {
            setTimeout(() => stopped || open(), retryMs);
            retryMs = Math.min(10_000, retryMs * 2);
          }
        });
        source.addEventListener("frame", (e) => onItem(JSON.parse((e as MessageEvent<string>).data)));
      };
      onState("connecting");
      open();
      return () => {
        stopped = true;
        source?.close();
      };
    },
  };
}
