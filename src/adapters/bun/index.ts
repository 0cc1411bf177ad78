// "temporal-edge-worker" on Bun: the core API with the Bun platform bound.
import { type Connection, connect as connectWith } from "../../connection/connection.ts";
import type { ConnectionOptions } from "../../connection/options.ts";
import { bunPlatform } from "./platform.ts";

export * from "../../index.ts";
export { bunPlatform as platform };

/** Opens a connection to a Temporal frontend (lazily: the first call connects). */
export function connect(options: ConnectionOptions = {}): Connection {
  return connectWith(options, bunPlatform);
}
