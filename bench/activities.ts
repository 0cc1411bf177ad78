// Benchmark (not a test): no-op activities per second through this project's
// activity worker versus the official worker, on the same server, in one run.
// The official client and worker run the workflows; only the activity task
// queue's worker changes between the two measurements.
//
//   npx tsc -p tsconfig.json && node dist/bench/activities.js [--address host:port] [--activities N] [--parallel P]
//
// Without --address (or TEMPORAL_ADDRESS) it starts the project's dev server,
// once src/adapters/node/testing.ts provides createDevServer.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Client, Connection } from "@temporalio/client";
import { NativeConnection, Worker } from "@temporalio/worker";
import { nodePlatform } from "../src/adapters/node/platform.ts";
import { connect } from "../src/connection/connection.ts";
import type { Logger } from "../src/logging/types.ts";
import { createActivityWorker } from "../src/worker/activity/activity-worker.ts";

const { values } = parseArgs({
  options: {
    address: { type: "string" },
    activities: { type: "string", default: "2000" },
    parallel: { type: "string", default: "100" },
  },
});
const count = Number(values.activities);
const parallel = Number(values.parallel);
const here = dirname(fileURLToPath(import.meta.url));

async function serverAddress(): Promise<{ address: string; close(): Promise<void> }> {
  const address = values.address ?? process.env.TEMPORAL_ADDRESS;
  if (address) return { address, close: async () => {} };
  // Resolved at run time so the bench builds before the dev server exists.
  const testingModule = pathToFileURL(join(here, "..", "src", "adapters", "node", "testing.js")).href;
  const testing = (await import(testingModule).catch(() => undefined)) as
    | { createDevServer(options: { port: number }): Promise<{ address: string; close(): Promise<void> }> }
    | undefined;
  if (!testing) {
    throw new Error("no server: pass --address host:port (or TEMPORAL_ADDRESS), or build the dev server (src/adapters/node/testing.ts)");
  }
  return testing.createDevServer({ port: 0 });
}

const silent: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

async function main() {
  const server = await serverAddress();
  const clientConnection = await Connection.connect({ address: server.address });
  const client = new Client({ connection: clientConnection });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const workflowQueue = `bench-workflows-${Date.now()}`;
  const workflowWorker = await Worker.create({
    connection: nativeConnection,
    taskQueue: workflowQueue,
    workflowsPath: join(here, "activities-workflow.js"),
  });
  const workflowRun = workflowWorker.run();

  async function measure(label: string, taskQueue: string): Promise<number> {
    // A warm-up round so neither side pays its start-up inside the measurement.
    await client.workflow.execute("noopFanOut", { taskQueue: workflowQueue, workflowId: `${taskQueue}-warm`, args: [taskQueue, 50, parallel] });
    const started = performance.now();
    await client.workflow.execute("noopFanOut", { taskQueue: workflowQueue, workflowId: `${taskQueue}-run`, args: [taskQueue, count, parallel] });
    const perSecond = count / ((performance.now() - started) / 1000);
    console.log(`${label}: ${count} no-op activities, ${parallel} at a time: ${perSecond.toFixed(0)} activities/s`);
    return perSecond;
  }

  const oursQueue = `bench-ours-${Date.now()}`;
  const ourConnection = connect({ address: server.address }, nodePlatform);
  const ours = createActivityWorker({
    connection: ourConnection,
    taskQueue: oursQueue,
    activities: { noop: async () => {} },
    platform: nodePlatform,
    logger: silent,
  });
  const oursRun = ours.run();
  const oursRate = await measure("temporal-edge-worker (node)", oursQueue);
  ours.shutdown();
  await oursRun;
  await ourConnection.close();

  const officialQueue = `bench-official-${Date.now()}`;
  const official = await Worker.create({ connection: nativeConnection, taskQueue: officialQueue, activities: { noop: async () => {} } });
  const officialRun = official.run();
  const officialRate = await measure("@temporalio/worker 1.24", officialQueue);
  official.shutdown();
  await officialRun;

  console.log(`ratio (ours / official): ${(oursRate / officialRate).toFixed(2)}x`);
  workflowWorker.shutdown();
  await workflowRun;
  await nativeConnection.close();
  await clientConnection.close();
  await server.close();
}

await main();
