// "temporal-edge-worker" on Deno: the core API with the Deno platform bound.
import { type Connection, connect as connectWith } from "../../connection/connection.ts";
import type { ConnectionOptions } from "../../connection/options.ts";
import { denoPlatform } from "./platform.ts";

export * from "../../index.ts";
export { denoPlatform as platform };

/** Opens a connection to a Temporal frontend (lazily: the first call connects). */
export function connect(options: ConnectionOptions = {}): Connection {
  return connectWith(options, denoPlatform);
}
