import type { Duration as DurationMessage } from "@bufbuild/protobuf/wkt";
import { durationFromMs } from "@bufbuild/protobuf/wkt";

/**
 * A span of time as users write it, as in @temporalio/common: milliseconds as
 * a number, or a string in the `ms` package's format ("10s", "1 day",
 * "2.5 hrs", "500" meaning 500 ms).
 */
export type Duration = number | string;

const MS_PER: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  // The ms package counts a year as 365.25 days; kept so "1y" means the same here and in the official SDK.
  y: 31_557_600_000,
};

/** Every spelling of each unit the `ms` format accepts, case-insensitively. */
const UNIT_ALIASES: Readonly<Record<string, keyof typeof MS_PER>> = Object.fromEntries(
  (
    [
      ["ms", ["milliseconds", "millisecond", "msecs", "msec", "ms"]],
      ["s", ["seconds", "second", "secs", "sec", "s"]],
      ["m", ["minutes", "minute", "mins", "min", "m"]],
      ["h", ["hours", "hour", "hrs", "hr", "h"]],
      ["d", ["days", "day", "d"]],
      ["w", ["weeks", "week", "w"]],
      ["y", ["years", "year", "yrs", "yr", "y"]],
    ] as const
  ).flatMap(([unit, spellings]) => spellings.map((s) => [s, unit])),
);

const PATTERN = /^(-?(?:\d+)?\.?\d+) *([a-z]+)?$/i;

/**
 * Milliseconds for a Duration. Throws a TypeError naming `field` and showing
 * accepted forms when the value is not a finite, non-negative duration.
 */
export function msToNumber(value: Duration, field = "duration"): number {
  let ms: number;
  if (typeof value === "number") {
    ms = value;
  } else if (typeof value === "string") {
    ms = parseDurationString(value, field);
  } else {
    throw new TypeError(`${field}: expected milliseconds (a number) or a string such as "10s" or "1 day", got ${typeof value}`);
  }
  if (!Number.isFinite(ms) || ms < 0) {
    throw new TypeError(`${field}: ${JSON.stringify(value)} is not a valid duration: it must be a finite number of milliseconds, 0 or more`);
  }
  return ms;
}

function parseDurationString(text: string, field: string): number {
  // The ms package refuses strings over 100 characters too.
  const match = text.length <= 100 ? PATTERN.exec(text.trim()) : null;
  const unit = match ? UNIT_ALIASES[(match[2] ?? "ms").toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new TypeError(
      `${field}: invalid duration string ${JSON.stringify(text)}: use a number and a unit, e.g. "500ms", "10s", "5m", "2h", "1 day", "1w"`,
    );
  }
  return Number.parseFloat(match[1] as string) * (MS_PER[unit] as number);
}

/** A Duration as a google.protobuf.Duration (whole milliseconds, as the official SDK sends). */
export function msToDurationMessage(value: Duration, field?: string): DurationMessage {
  return durationFromMs(Math.floor(msToNumber(value, field)));
}

/** As msToDurationMessage, passing `undefined` through. */
export function optionalDurationMessage(value: Duration | undefined, field?: string): DurationMessage | undefined {
  return value === undefined ? undefined : msToDurationMessage(value, field);
}
