// Valibot pieces the worker option schemas share (the facade, the activity
// worker and the workflow worker), so each field type is checked, and its
// message worded, in one place.
import * as v from "valibot";
import { type Duration, msToNumber } from "../../common/duration.ts";
import type { Connection } from "../../connection/connection.ts";
import type { DataConverter } from "../../converter/types.ts";
import type { Logger } from "../../logging/types.ts";
import type { MetricMeter } from "../../metrics/types.ts";

/** A check that `value` is an object with a function under each name (duck-typing an interface). */
export const hasMethods =
  (...names: string[]) =>
  (value: unknown): boolean =>
    typeof value === "object" && value !== null && names.every((n) => typeof (value as Record<string, unknown>)[n] === "function");

/** Milliseconds or an ms-format string ("10s", "1m"). */
export const duration = v.custom<Duration>((value) => {
  if (typeof value !== "number" && typeof value !== "string") return false;
  try {
    msToNumber(value);
    return true;
  } catch {
    return false;
  }
}, 'must be milliseconds or a duration string such as "10s" or "1m"');

export const positiveInt = v.pipe(v.number(), v.integer("must be a whole number"), v.minValue(1, "must be at least 1"));

export const connection = v.custom<Connection>(
  (value) => typeof value === "object" && value !== null && typeof (value as Connection).workflowService === "object",
  "must be a Connection (from connect())",
);

export const dataConverter = v.custom<DataConverter>((value) => typeof value === "object" && value !== null, "must be an object");

export const logger = v.custom<Logger>(
  hasMethods("log", "trace", "debug", "info", "warn", "error"),
  "must be a Logger (log, trace, debug, info, warn, error)",
);

export const meter = v.custom<MetricMeter>(
  hasMethods("counter", "gauge", "histogram", "withLabels"),
  "must be a MetricMeter (counter, gauge, histogram, withLabels)",
);
