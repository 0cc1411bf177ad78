// The metrics area: the contract workers record through, the in-memory
// registry behind GET /metrics, and sdk-core's metric names.
export type { Counter, Gauge, Histogram, MetricLabels, MetricMeter } from "./types.ts";
export { noopMeter } from "./types.ts";
export { createMetricRegistry, type MetricRegistry, type MetricRegistryOptions } from "./registry.ts";
export { metricNames, metricLabels, workerTypes, pollerTypes, metricCatalogue, bucketsMs } from "./names.ts";
export { prometheusContentType } from "./prometheus.ts";
