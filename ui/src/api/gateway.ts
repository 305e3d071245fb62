// The one way panels reach the core. Two hosts implement it: Tauri IPC in the window and HTTP
// under `suangu serve`. No panel imports either host; they get a Gateway.
import type { AccountDto, ApiError, Commands, RackMetricName, Streams } from "./bindings";

export type CommandName = keyof Commands;
export type Args<K extends CommandName> = Commands[K]["args"];
export type Result<K extends CommandName> = Commands[K]["result"];
export type StreamName = keyof Streams;

/** The state of a live connection, shown to the user. */
export type LinkState = "connecting" | "open" | "reconnecting";

export interface Gateway {
  /** Which host this is, for the status line only. Panels never branch on it. */
  readonly host: "tauri" | "http";
  /** A read-only host refuses commands that change something (drills): their buttons say so. */
  readonly readOnly: boolean;
  call<K extends CommandName>(command: K, args: Args<K>): Promise<Result<K>>;
  /** The live rack heatmap as binary frames (`rack_heatmap`'s values without the layout), one at
   * every new sample of the racks, until the returned function is called. Decoded by
   * panels/heatmap/frame.ts. */
  heatmap(metric: RackMetricName, onFrame: (frame: ArrayBuffer) => void, onState: (state: LinkState) => void): () => void;
  /** Open the wall window on a playlist, where the host has windows (the desktop app); a
   * browser opens the wall's address instead. */
  openWall?(playlist: string): Promise<void>;
  /** Who acts at this console, and signing in and out with a local account, where the host has
   * people (the desktop window); a browser wall is a viewer by construction. */
  account?: {
    whoami(): Promise<AccountDto>;
    signIn(name: string, password: string): Promise<AccountDto>;
    signOut(): Promise<AccountDto>;
  };
  /** Receive a stream's items until the returned function is called. */
  subscribe<S extends StreamName>(
    stream: S,
    onItem: (item: Streams[S]) => void,
    onState: (state: LinkState) => void,
  ): () => void;
}

/** What went wrong: an error from the core, or the host could not be reached. */
export type Failure = ApiError | { code: "transport"; message: string; details: [] };

export class GatewayError extends Error {
  constructor(readonly error: Failure) {
    super(error.message);
  }
}

export function transport(message: string): Failure {
  return { code: "transport", message, details: [] };
}

export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    "code" in value &&
    "message" in value &&
    "details" in value
  );
}

/** Pick the host the page is running in. */
export async function connect(): Promise<Gateway> {
  if ("__TAURI_INTERNALS__" in window) {
    const { tauriGateway } = await import("./tauri");
    return tauriGateway();
  }
  const { httpGateway } = await import("./http");
  return httpGateway(new URL("./api/", window.location.href));
}
