// Benchmark (not a test): no-op activities per second through this project's
// activity worker versus the official worker, on the same dev server, in one
// run, printed as ratios. The official client and an official worker run the
// workflow (bench/activities-workflow.ts); only the worker of the activity
// task queue changes. Each activity worker, and the dev server, runs in its
// own process, so no side shares an event loop with the server.
//
//   npx tsc -p tsconfig.json && node dist/bench/activities.js \
//     [--runtimes node,bun,deno] [--activities 2000] [--parallel 100] [--rounds 3] [--address host:port]
//
// Without --address it starts the dev server (bench/activities-dev-server.ts) under Node.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Client, Connection } from "@temporalio/client";
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from "@temporalio/worker";
import { projectRoot } from "../test/support/paths.ts";

const { values } = parseArgs({
  options: {
    address: { type: "string" },
    runtimes: { type: "string", default: "node" },
    activities: { type: "string", default: "2000" },
    parallel: { type: "string", default: "100" },
    rounds: { type: "string", default: "3" },
  },
});
const count = Number(values.activities);
const parallel = Number(values.parallel);
const rounds = Number(values.rounds);
const runtimes = values.runtimes.split(",").map((r) => r.trim());
const dist = join(projectRoot, "dist", "bench");
const bin = (name: string) => join(projectRoot, "node_modules", ".bin", name);

interface Side {
  label: string;
  command: string[];
}

function oursOn(runtime: string): Side {
  const source = join(projectRoot, "bench", "activities-worker.ts");
  const command: Record<string, string[]> = {
    node: ["node", join(dist, "activities-worker.js")],
    bun: [bin("bun"), source],
    deno: [bin("deno"), "run", "-A", source],
  };
  const base = command[runtime];
  if (base === undefined) throw new Error(`--runtimes: unknown runtime "${runtime}"; use node, bun or deno`);
  return { label: `temporal-edge-worker (${runtime})`, command: [...base, "ours"] };
}

const official: Side = { label: "@temporalio/worker 1.24 (node)", command: ["node", join(dist, "activities-worker.js"), "official"] };

/** Starts a child and resolves with its first stdout line (readiness, or the server's address). */
async function startChild(command: string[]): Promise<{ child: ChildProcess; firstLine: string; stop(): Promise<void> }> {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = once(child, "exit");
  const first = await Promise.race([
    once(lines, "line").then(([line]) => String(line)),
    exited.then(([code]) => {
      throw new Error(`${command.join(" ")} exited (code ${code}) before it was ready`);
    }),
  ]);
  return {
    child,
    firstLine: first,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger("WARN") });
  const server = values.address ? undefined : await startChild(["node", join(dist, "activities-dev-server.js")]);
  const address = values.address ?? server?.firstLine ?? "";
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection });
  const nativeConnection = await NativeConnection.connect({ address });
  const workflowQueue = `bench-workflows-${Date.now()}`;
  const workflowWorker = await Worker.create({
    connection: nativeConnection,
    taskQueue: workflowQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: join(dist, "activities-workflow.js"), logger: new DefaultLogger("WARN") }),
  });
  const workflowRun = workflowWorker.run();

  let runId = 0;
  const fanOut = async (taskQueue: string, n: number): Promise<number> => {
    const started = performance.now();
    await client.workflow.execute("noopFanOut", { taskQueue: workflowQueue, workflowId: `${taskQueue}-${runId++}`, args: [taskQueue, n, parallel] });
    return n / ((performance.now() - started) / 1000);
  };

  async function measure(side: Side): Promise<number> {
    const taskQueue = `bench-${side.label.replace(/\W+/g, "-")}-${Date.now()}`;
    const worker = await startChild([...side.command, address, taskQueue]);
    try {
      // Warm-up, so neither side pays its start-up (JIT, connections) inside a measurement.
      await fanOut(taskQueue, Math.min(count, 200));
      const rates: number[] = [];
      for (let i = 0; i < rounds; i++) rates.push(await fanOut(taskQueue, count));
      rates.sort((a, b) => a - b);
      const median = rates[Math.floor(rates.length / 2)] ?? 0;
      console.log(`${side.label.padEnd(34)} ${median.toFixed(0).padStart(6)} activities/s (median of ${rates.map((r) => r.toFixed(0)).join(", ")})`);
      return median;
    } finally {
      await worker.stop();
    }
  }

  console.log(`${count} no-op activities per round, ${parallel} in flight, ${rounds} rounds per side, dev server at ${address}`);
  const officialRate = await measure(official);
  const ours = new Map<string, number>();
  for (const runtime of runtimes) ours.set(runtime, await measure(oursOn(runtime)));
  for (const [runtime, rate] of ours) console.log(`ratio ours (${runtime}) / official: ${(rate / officialRate).toFixed(2)}x`);

  workflowWorker.shutdown();
  await workflowRun;
  await nativeConnection.close();
  await clientConnection.close();
  await server?.stop();
}

await main();
