// A child process of the activity benchmark: one activity worker serving a
// no-op activity on a task queue, until SIGTERM. Our worker runs on whichever
// runtime runs this file; the official one on Node only.
//   node dist/bench/activities-worker.js ours|official ADDRESS TASK_QUEUE [POLLERS]
//   bun bench/activities-worker.ts ours ADDRESS TASK_QUEUE
//   deno run -A bench/activities-worker.ts ours ADDRESS TASK_QUEUE
// POLLERS sets our worker's maxConcurrentActivityTaskPolls (default: the
// worker's own default, as the official one's). Prints "ready" once polling,
// and "stopped" after a clean shutdown.
import process from "node:process";
import { connect } from "../src/connection/connection.ts";
import type { Logger } from "../src/logging/types.ts";
import { createActivityWorker } from "../src/worker/activity/activity-worker.ts";
import { runtimePlatform } from "../test/support/platform.ts";

const [side, address, taskQueue, pollers] = process.argv.slice(2);
if ((side !== "ours" && side !== "official") || !address || !taskQueue) {
  throw new Error("usage: activities-worker ours|official ADDRESS TASK_QUEUE");
}

const silent: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const activities = { noop: async () => {} };

async function runOurs(address: string, taskQueue: string): Promise<void> {
  const platform = await runtimePlatform();
  const connection = connect({ address }, platform);
  const worker = createActivityWorker({
    connection,
    taskQueue,
    activities,
    platform,
    logger: silent,
    ...(pollers === undefined ? {} : { maxConcurrentActivityTaskPolls: Number(pollers) }),
  });
  const running = worker.run();
  process.once("SIGTERM", () => worker.shutdown());
  process.stdout.write("ready\n");
  await running;
  await connection.close();
}

async function runOfficial(address: string, taskQueue: string): Promise<void> {
  // Imported here so Bun and Deno never load the official worker's native core.
  const { DefaultLogger, NativeConnection, Runtime, Worker } = await import("@temporalio/worker");
  Runtime.install({ logger: new DefaultLogger("WARN") });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue, activities });
  const running = worker.run();
  process.once("SIGTERM", () => worker.shutdown());
  process.stdout.write("ready\n");
  await running;
  await connection.close();
}

await (side === "ours" ? runOurs(address, taskQueue) : runOfficial(address, taskQueue));
process.stdout.write("stopped\n");
process.exit(0);
