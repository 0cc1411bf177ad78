// "temporal-edge-worker/testing" on Deno: the dev server with the Deno platform bound.
import { bindDevServer } from "../../testing/index.ts";
import { denoPlatform } from "./platform.ts";

export * from "../../testing/index.ts";

/** Starts the embedded Temporal dev server, e.g. `createDevServer({ port: 0, timeSkipping: true })`. */
export const createDevServer = bindDevServer(denoPlatform);
