import { type Duration, durationFromMs, type Timestamp, timestampFromMs } from "@bufbuild/protobuf/wkt";

/** Milliseconds of a protobuf Duration; 0 when absent (Temporal's "unset"). */
export function durationMs(duration: Duration | undefined): number {
  if (duration === undefined) return 0;
  return Number(duration.seconds) * 1000 + Math.floor(duration.nanos / 1_000_000);
}

export function duration(ms: number): Duration {
  return durationFromMs(ms);
}

export function timestamp(ms: number): Timestamp {
  return timestampFromMs(ms);
}
