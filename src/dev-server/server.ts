import { WorkflowService } from "../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import type { Platform } from "../platform/platform.ts";
import { closeEngine, createEngine } from "./engine.ts";
import { createWorkflowService } from "./service/service.ts";
import type { Store } from "./store.ts";

export interface DevServerOptions {
  /** Serves gRPC: any runtime's Platform (the `/testing` entry binds it for you). */
  platform: Pick<Platform, "serveGrpc">;
  /** Interface to listen on. Default 127.0.0.1. */
  ip?: string;
  /** Port; 0 (the default) picks a free one. */
  port?: number;
  /** Namespaces to create besides `default`. */
  namespaces?: readonly string[];
  /** Jump to the next timer whenever no task is outstanding (for tests). */
  timeSkipping?: boolean;
  /** Where state lives; in memory when absent. */
  store?: Store;
}

export interface DevServer {
  /** host:port to give a client or worker. */
  readonly address: string;
  readonly port: number;
  /** Stops serving: long polls end at once and timers stop. */
  close(): Promise<void>;
}

/**
 * Starts the embedded Temporal dev server: the WorkflowService over gRPC on
 * HTTP/2, in memory, with namespace `default`.
 */
export async function createDevServer(options: DevServerOptions): Promise<DevServer> {
  const ctx = createEngine({
    namespaces: options.namespaces ?? [],
    timeSkipping: options.timeSkipping ?? false,
    ...(options.store ? { store: options.store } : {}),
  });
  const impl = createWorkflowService(ctx);
  const hostname = options.ip ?? "127.0.0.1";
  const server = await options.platform.serveGrpc({
    hostname,
    port: options.port ?? 0,
    routes: (router) => router.service(WorkflowService, impl),
  });
  let closing: Promise<void> | undefined;
  return {
    address: `${hostname.includes(":") ? `[${hostname}]` : hostname}:${server.port}`,
    port: server.port,
    close() {
      closing ??= (async () => {
        closeEngine(ctx);
        await server.close();
      })();
      return closing;
    },
  };
}
