/**
 * Prometheus text exposition format 0.0.4: what `GET /metrics` answers and
 * any Prometheus-compatible scraper reads.
 */
import type { MetricKind } from "./names.ts";

export interface SeriesFamily {
  name: string;
  kind: MetricKind;
  help: string;
  series: Array<{
    labels: Record<string, string>;
    value: number;
    /** For histograms: per-bound counts, already cumulative (value <= bound). */
    histogram: { bounds: readonly number[]; cumulative: readonly number[]; sum: number; count: number } | undefined;
  }>;
}

export const prometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

export function renderPrometheus(families: readonly SeriesFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.kind}`);
    for (const s of f.series) {
      if (!s.histogram) {
        lines.push(`${f.name}${labelText(s.labels)} ${number(s.value)}`);
        continue;
      }
      const h = s.histogram;
      h.bounds.forEach((bound, i) => {
        lines.push(`${f.name}_bucket${labelText({ ...s.labels, le: number(bound) })} ${h.cumulative[i] ?? 0}`);
      });
      lines.push(`${f.name}_bucket${labelText({ ...s.labels, le: "+Inf" })} ${h.count}`);
      lines.push(`${f.name}_sum${labelText(s.labels)} ${number(h.sum)}`);
      lines.push(`${f.name}_count${labelText(s.labels)} ${h.count}`);
    }
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

function labelText(labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => (a === "le" ? 1 : b === "le" ? -1 : a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return "";
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function number(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}
