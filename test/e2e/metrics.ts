// A MetricMeter that records every update as `name{labels} value`.
import type { MetricMeter } from "../../src/metrics/types.ts";

export function recordingMeter(records: string[], labels: Record<string, string> = {}): MetricMeter {
  const fmt = (name: string, extra?: Record<string, string>) => {
    const all = { ...labels, ...extra };
    const text = Object.entries(all)
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    return `${name}{${text}}`;
  };
  return {
    counter: (name) => ({ add: (v, l) => records.push(`${fmt(name, l)} +${v}`) }),
    gauge: (name) => ({ set: (v, l) => records.push(`${fmt(name, l)} =${v}`) }),
    histogram: (name) => ({ record: (v, l) => records.push(`${fmt(name, l)} ~${v}`) }),
    withLabels: (more) => recordingMeter(records, { ...labels, ...more }),
  };
}
