// "temporal-edge-worker/testing" on Bun: the dev server with the Bun platform bound.
import { bindDevServer } from "../../testing/index.ts";
import { bunPlatform } from "./platform.ts";

export * from "../../testing/index.ts";

/** Starts the embedded Temporal dev server, e.g. `createDevServer({ port: 0, timeSkipping: true })`. */
export const createDevServer = bindDevServer(bunPlatform);
