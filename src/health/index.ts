// The health area: /healthz, /readyz and /metrics as a Hono app.
export { createHealthApp } from "./app.ts";
export { serveHealth, type ServeHealthOptions } from "./serve.ts";
export type { EntityReadiness, HealthSource, ReadinessReport } from "./types.ts";
