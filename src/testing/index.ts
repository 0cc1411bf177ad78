// "temporal-edge-worker/testing": the embedded dev server for tests. The
// runtime entries (src/adapters/<runtime>/testing.ts) bind their Platform, so
// users call `createDevServer({ port: 0, timeSkipping: true })` with no
// platform argument; this file is the types entry and the binding helper.
import { createDevServer as createDevServerOn, type DevServer, type DevServerOptions as CoreOptions } from "../dev-server/server.ts";
import type { Platform } from "../platform/platform.ts";

export type { DevServer };
export type { Store, NamespaceRecord } from "../dev-server/store.ts";

/** Options of `createDevServer` from `temporal-edge-worker/testing`. */
export type DevServerOptions = Omit<CoreOptions, "platform">;

/** Starts the embedded dev server (bound to the runtime's Platform by the runtime entry). */
export declare const createDevServer: (options?: DevServerOptions) => Promise<DevServer>;

// ---- for adapters ----
/** Binds a Platform: what each runtime's `/testing` entry exports as `createDevServer`. */
export function bindDevServer(platform: Pick<Platform, "serveGrpc">): (options?: DevServerOptions) => Promise<DevServer> {
  return (options = {}) => createDevServerOn({ ...options, platform });
}
