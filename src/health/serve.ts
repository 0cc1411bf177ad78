import type { HttpServer, Platform } from "../platform/platform.ts";
import { createHealthApp } from "./app.ts";
import type { HealthSource } from "./types.ts";

export interface ServeHealthOptions {
  platform: Pick<Platform, "serveHttp">;
  hostname: string;
  /** 0 picks a free port. */
  port: number;
  source: HealthSource;
}

/** Serves /healthz, /readyz and /metrics; the error says which address was busy. */
export async function serveHealth(options: ServeHealthOptions): Promise<HttpServer> {
  const app = createHealthApp(options.source);
  try {
    return await options.platform.serveHttp({ hostname: options.hostname, port: options.port, fetch: (request) => app.fetch(request) });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `cannot serve the health endpoint on ${options.hostname}:${options.port} (${why}): pick another with --health-address HOST:PORT (or TEMPORAL_WORKER_HEALTH_ADDRESS), or "off"`,
      { cause: err },
    );
  }
}
