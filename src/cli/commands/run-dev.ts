/**
 * The `--dev` flow of the run command: start the embedded dev server, serve
 * the examples in examples/ and run one example workflow, printing its result.
 * The dev server and the workflow client are plugged in through DevSupport,
 * so this file depends only on their contracts.
 */
import type { EntitySpec } from "../../config/resolve.ts";
import type { Connection } from "../../connection/connection.ts";
import type { Logger } from "../../logging/types.ts";
import type { Platform } from "../../platform/platform.ts";

export interface DevServerHandle {
  /** host:port of its gRPC frontend. */
  readonly address: string;
  close(): Promise<void>;
}

export interface DevSupport {
  /** Starts the embedded dev server (createDevServer) on a free local port. */
  startServer(platform: Platform, logger: Logger): Promise<DevServerHandle>;
  /** Starts the example greeting workflow on `taskQueue` with the client and resolves with its result. */
  runExample(args: { connection: Connection; namespace: string; taskQueue: string; logger: Logger }): Promise<unknown>;
}

export const exampleTaskQueue = "greeting-example";

/** The examples' entity: examples/greeting, as source (Bun, Deno) or as the tsc build (Node). */
export function exampleEntity(): EntitySpec {
  const built = import.meta.url.endsWith(".js");
  const ext = built ? "js" : "ts";
  // src/cli/commands/ -> the repository root (or dist/ for the build, which holds examples/ too).
  const dir = new URL("../../../examples/greeting/", import.meta.url);
  return {
    taskQueue: exampleTaskQueue,
    workflowsPath: fileUrlToPath(new URL(`workflows.${ext}`, dir)),
    activitiesPath: fileUrlToPath(new URL(`activities.${ext}`, dir)),
  };
}

export async function startDev(dev: DevSupport, platform: Platform, logger: Logger) {
  const server = await dev.startServer(platform, logger);
  logger.info(`dev server listening on ${server.address}`, { address: server.address });
  return { address: server.address, close: () => server.close(), runExample: dev.runExample };
}

function fileUrlToPath(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  // file:///C:/x has the pathname /C:/x on Windows.
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}
