/**
 * The health endpoint, a Hono app served by each runtime's own server
 * (Platform.serveHttp):
 *   GET /healthz  200 while the event loop answers (liveness)
 *   GET /readyz   200 only while every entity polls and the server answered;
 *                 503 while starting, draining or failed; JSON per entity
 *   GET /metrics  Prometheus text exposition
 */
import { Hono } from "hono";
import { prometheusContentType } from "../metrics/prometheus.ts";
import type { HealthSource } from "./types.ts";

export function createHealthApp(source: HealthSource): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", (c) => {
    const report = source.readiness();
    return c.json({ status: report.ready ? "ready" : "not ready", ...report }, report.ready ? 200 : 503);
  });
  app.get("/metrics", (c) => c.body(source.metrics(), 200, { "content-type": prometheusContentType }));
  app.notFound((c) => c.json({ error: `no such endpoint ${c.req.path}: use /healthz, /readyz or /metrics` }, 404));
  return app;
}
