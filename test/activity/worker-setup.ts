// Starts an activity worker of ours against a fake service, collecting its
// logs, and stops it when the test ends.
import { connect } from "../../src/connection/connection.ts";
import type { LogLevel, Logger } from "../../src/logging/types.ts";
import type { MetricMeter } from "../../src/metrics/types.ts";
import { type ActivityWorker, createActivityWorker } from "../../src/worker/activity/activity-worker.ts";
import type { ActivityWorkerOptions } from "../../src/worker/activity/options.ts";
import type { TestContext } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";
import type { FakeActivityService } from "./fake-activity-service.ts";

const platform = await runtimePlatform();

export interface LogLine {
  level: LogLevel;
  message: string;
  meta: Record<string, unknown> | undefined;
}

export function collectingLogger(lines: LogLine[]): Logger {
  const log = (level: LogLevel, message: string, meta?: Record<string, unknown>) => {
    lines.push({ level, message, meta });
  };
  return {
    log,
    trace: (m, meta) => log("TRACE", m, meta),
    debug: (m, meta) => log("DEBUG", m, meta),
    info: (m, meta) => log("INFO", m, meta),
    warn: (m, meta) => log("WARN", m, meta),
    error: (m, meta) => log("ERROR", m, meta),
  };
}

/** Records every metric update as `name{labels} value`. */
export function recordingMeter(records: string[], labels: Record<string, string> = {}): MetricMeter {
  const fmt = (name: string, extra?: Record<string, string>) => {
    const all = { ...labels, ...extra };
    return `${name}{${Object.entries(all)
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join(",")}}`;
  };
  return {
    counter: (name) => ({ add: (v, l) => records.push(`${fmt(name, l)} +${v}`) }),
    gauge: (name) => ({ set: (v, l) => records.push(`${fmt(name, l)} =${v}`) }),
    histogram: (name) => ({ record: (v, l) => records.push(`${fmt(name, l)} ~${v}`) }),
    withLabels: (more) => recordingMeter(records, { ...labels, ...more }),
  };
}

export interface RunningWorker {
  worker: ActivityWorker;
  logs: LogLine[];
  run: Promise<void>;
}

export function startWorker(
  t: TestContext,
  fake: FakeActivityService,
  options: Partial<ActivityWorkerOptions> & Pick<ActivityWorkerOptions, "activities">,
): RunningWorker {
  const connection = connect({ address: fake.address, retry: { initialMs: 5, maxMs: 20 } }, platform);
  t.defer(() => connection.close());
  const logs: LogLine[] = [];
  const worker = createActivityWorker({
    connection,
    taskQueue: "activities",
    platform,
    logger: collectingLogger(logs),
    ...options,
  });
  const run = worker.run();
  // Keep a failing run from being reported as unhandled before the test looks at it.
  run.catch(() => {});
  t.defer(async () => {
    if (worker.state === "RUNNING") worker.shutdown();
    await run.catch(() => {});
  });
  return { worker, logs, run };
}
