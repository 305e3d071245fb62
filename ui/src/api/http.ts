// The HTTP host: `GET <base>/<command>` on `suangu serve`, JSON in and out.
import { type Gateway, GatewayError, isApiError, transport } from "./gateway";

export function httpGateway(base: URL, fetcher: typeof fetch = fetch.bind(window)): Gateway {
  return {
    host: "http",
    async call(command) {
      let response: Response;
      try {
        response = await fetcher(new URL(command, base), { headers: { accept: "application/json" } });
      } catch (e) {
        throw new GatewayError(transport(String(e)));
      }
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        throw new GatewayError(
          isApiError(body) ? body : transport(`HTTP ${response.status} for ${command}`),
        );
      }
      return body as never;
    },
  };
}
