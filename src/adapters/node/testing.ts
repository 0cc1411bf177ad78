// "temporal-edge-worker/testing" on Node: the dev server with the Node platform bound.
import { bindDevServer } from "../../testing/index.ts";
import { nodePlatform } from "./platform.ts";

export * from "../../testing/index.ts";

/** Starts the embedded Temporal dev server, e.g. `createDevServer({ port: 0, timeSkipping: true })`. */
export const createDevServer = bindDevServer(nodePlatform);
