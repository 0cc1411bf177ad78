// "temporal-edge-worker" on Node: the core API with the Node platform bound.
import { type Connection, connect as connectWith } from "../../connection/connection.ts";
import type { ConnectionOptions } from "../../connection/options.ts";
import { nodePlatform } from "./platform.ts";

export * from "../../index.ts";
export { nodePlatform as platform };

/** Opens a connection to a Temporal frontend (lazily: the first call connects). */
export function connect(options: ConnectionOptions = {}): Connection {
  return connectWith(options, nodePlatform);
}
