import { describe, expect, it } from "vitest";
import { GatewayError } from "./gateway";
import { httpGateway } from "./http";

const base = new URL("http://127.0.0.1:1/api/");

function fakeFetch(status: number, body: unknown, seen: string[] = []): typeof fetch {
  return (async (url: URL | RequestInfo) => {
    seen.push(String(url));
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
}

describe("http gateway", () => {
  it("calls GET <base>/<command> and returns the JSON", async () => {
    const seen: string[] = [];
    const gw = httpGateway(base, fakeFetch(200, { id: "p" }, seen));
    const summary = await gw.call("park_summary", {});
    expect(summary.id).toBe("p");
    expect(seen).toEqual(["http://127.0.0.1:1/api/park_summary"]);
  });

  it("passes arguments as query parameters", async () => {
    const seen: string[] = [];
    const gw = httpGateway(base, fakeFetch(200, { points: [] }, seen));
    await gw.call("park_trend", { hours: 24 });
    expect(seen).toEqual(["http://127.0.0.1:1/api/park_trend?hours=24"]);
  });

  it("turns an API error body into a GatewayError with its code and details", async () => {
    const error = { code: "scenario_invalid", message: "bad", details: [{ file: "f", line: 3, column: 1, field: "x", kind: "k", message: "m" }] };
    const gw = httpGateway(base, fakeFetch(422, error));
    await expect(gw.call("park_map", {})).rejects.toMatchObject({ error });
  });

  it("reports a non-JSON failure with the status", async () => {
    const gw = httpGateway(base, (async () => new Response("nope", { status: 502 })) as typeof fetch);
    const err = await gw.call("park_map", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).message).toContain("502");
  });
});
