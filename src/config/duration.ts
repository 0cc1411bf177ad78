/**
 * Durations in configuration: a number of milliseconds, or text such as
 * "500ms", "10s", "1.5m", "2h" (the units Temporal's tools accept).
 */
const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or `undefined` when the input is not a duration. */
export function parseDuration(input: string | number): number | undefined {
  if (typeof input === "number") return Number.isFinite(input) && input >= 0 ? input : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(input);
  if (!m) return /^\s*\d+\s*$/.test(input) ? Number(input) : undefined;
  return Math.round(Number(m[1]) * (units[m[2] as string] as number));
}
