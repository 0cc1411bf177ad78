import { bucketsMs as sdkBuckets, defaultServiceName, type MetricKind, metricCatalogue } from "./names.ts";
import { renderPrometheus, type SeriesFamily } from "./prometheus.ts";
import type { Counter, Gauge, Histogram, MetricLabels, MetricMeter } from "./types.ts";

export interface MetricRegistryOptions {
  /**
   * Labels put on every series. Default `{ service_name: "temporal-core-sdk" }`,
   * as sdk-core does, so existing dashboards match; pass `{}` for none.
   */
  globalLabels?: MetricLabels;
  /**
   * Render durations in seconds (buckets and sums divided by 1000). Default
   * false: milliseconds, sdk-core's Prometheus default.
   */
  durationsAsSeconds?: boolean;
  /** Bucket bounds in milliseconds per metric name, replacing the defaults. */
  histogramBuckets?: Record<string, readonly number[]>;
}

/** An in-memory MetricMeter whose contents render as Prometheus text. */
export interface MetricRegistry extends MetricMeter {
  /** The Prometheus text exposition (format 0.0.4) of everything recorded. */
  render(): string;
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface HistogramState {
  buckets: number[];
  sum: number;
  count: number;
}

interface Family {
  kind: MetricKind;
  help: string;
  bounds: readonly number[];
  series: Map<string, { labels: MetricLabels; value: number; histogram?: HistogramState }>;
}

export function createMetricRegistry(options: MetricRegistryOptions = {}): MetricRegistry {
  const globalLabels = options.globalLabels ?? { service_name: defaultServiceName };
  validateLabels(globalLabels, "globalLabels");
  const families = new Map<string, Family>();

  function family(name: string, kind: MetricKind, description: string | undefined): Family {
    const existing = families.get(name);
    if (existing) {
      if (existing.kind !== kind) {
        throw new TypeError(`metric "${name}" is already a ${existing.kind}; it cannot also be a ${kind}: use another name`);
      }
      return existing;
    }
    if (!metricName.test(name)) {
      throw new TypeError(`invalid metric name "${name}": use letters, digits, "_" and ":" only, not starting with a digit`);
    }
    const known = metricCatalogue[name];
    const bounds = options.histogramBuckets?.[name] ?? known?.bucketsMs ?? sdkBuckets.default;
    const created: Family = { kind, help: description ?? known?.help ?? name, bounds: [...bounds].sort((a, b) => a - b), series: new Map() };
    families.set(name, created);
    return created;
  }

  function series(f: Family, labels: MetricLabels) {
    const key = labelKey(labels);
    let s = f.series.get(key);
    if (!s) {
      validateLabels(labels, "labels");
      s = { labels: { ...labels }, value: 0 };
      if (f.kind === "histogram") s.histogram = { buckets: f.bounds.map(() => 0), sum: 0, count: 0 };
      f.series.set(key, s);
    }
    return s;
  }

  function meter(base: MetricLabels): MetricMeter {
    const merged = (labels: MetricLabels | undefined) => (labels ? { ...base, ...labels } : base);
    return {
      counter(name, description): Counter {
        const f = family(name, "counter", description);
        return {
          add(value, labels) {
            if (!(value >= 0)) throw new RangeError(`counter "${name}" can only grow: add(${value}) is not allowed`);
            series(f, merged(labels)).value += value;
          },
        };
      },
      gauge(name, description): Gauge {
        const f = family(name, "gauge", description);
        return {
          set(value, labels) {
            series(f, merged(labels)).value = value;
          },
        };
      },
      histogram(name, description): Histogram {
        const f = family(name, "histogram", description);
        return {
          record(value, labels) {
            const h = series(f, merged(labels)).histogram as HistogramState;
            for (let i = 0; i < f.bounds.length; i++) if (value <= (f.bounds[i] as number)) h.buckets[i] = (h.buckets[i] as number) + 1;
            h.sum += value;
            h.count++;
          },
        };
      },
      withLabels: (labels) => meter(merged(labels)),
    };
  }

  const root = meter({});
  return {
    ...root,
    render() {
      const scale = options.durationsAsSeconds ? 1 / 1000 : 1;
      const out: SeriesFamily[] = [];
      for (const [name, f] of [...families].sort(([a], [b]) => a.localeCompare(b))) {
        out.push({
          name,
          kind: f.kind,
          help: f.help,
          series: [...f.series.values()].map((s) => ({
            labels: { ...globalLabels, ...s.labels },
            value: s.value,
            histogram: s.histogram && {
              bounds: f.bounds.map((b) => b * scale),
              cumulative: s.histogram.buckets,
              sum: s.histogram.sum * scale,
              count: s.histogram.count,
            },
          })),
        });
      }
      return renderPrometheus(out);
    },
  };
}

function labelKey(labels: MetricLabels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function validateLabels(labels: MetricLabels, where: string): void {
  for (const [name, value] of Object.entries(labels)) {
    if (!labelName.test(name) || name.startsWith("__")) {
      throw new TypeError(`invalid metric label "${name}" in ${where}: use letters, digits and "_", not starting with a digit or "__"`);
    }
    if (typeof value !== "string") throw new TypeError(`metric label "${name}" in ${where} must be a string, got ${typeof value}`);
  }
}
