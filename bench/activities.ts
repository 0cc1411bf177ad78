// Benchmark (not a test): no-op activities per second through this project's
// activity worker versus the official worker, on the same dev server, in one
// run, printed as ratios. The official client and an official worker run the
// workflow (bench/activities-workflow.ts); only the worker of the activity
// task queue changes. Each activity worker, and the dev server, runs in its
// own process, so no side shares an event loop with the server.
//
//   npx tsc -p tsconfig.json && node dist/bench/activities.js \
//     [--runtimes node,bun,deno] [--activities 2000] [--parallel 100] [--rounds 3] [--address host:port]
//     [--only ours] [--profile DIR] [--pollers N[,M...]] [--workflows 1]
//
// Without --address it starts the dev server (bench/activities-dev-server.ts) under Node.
// Besides the rate, it prints the CPU time each process spent per activity
// (activity worker, dev server, and this process, which hosts the official
// client and workflow worker), read from /proc on Linux: on a shared machine
// the rate swings with the neighbours' load, CPU per activity much less.
// --profile DIR writes CPU profiles of our worker (Node and Bun) and of the dev server into DIR.
// --only ours skips the official side (for quick iterations; no ratio).
// --workflows W spreads each round over W workflows (count/W activities and
// parallel/W lanes each) instead of funnelling every completion through one
// workflow's tasks.
// --pollers N gives our worker N concurrent polls instead of its default (10,
// as the official worker); a list (10,40) runs one side of ours per value.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
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
    only: { type: "string" },
    profile: { type: "string" },
    pollers: { type: "string" },
    workflows: { type: "string", default: "1" },
  },
});
const count = Number(values.activities);
const parallel = Number(values.parallel);
const rounds = Number(values.rounds);
const workflows = Number(values.workflows);
if (!Number.isInteger(workflows) || workflows < 1 || count % workflows !== 0 || parallel % workflows !== 0) {
  throw new Error(`--workflows must be a positive integer dividing --activities (${count}) and --parallel (${parallel})`);
}
const runtimes = values.runtimes.split(",").map((r) => r.trim());
const dist = join(projectRoot, "dist", "bench");
const bin = (name: string) => join(projectRoot, "node_modules", ".bin", name);
const profileArgs = values.profile === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${values.profile}`];
if (values.only !== undefined && values.only !== "ours") throw new Error(`--only: unknown side "${values.only}"; use ours`);

/** CPU milliseconds (user + system, all threads) a process has used so far, or undefined off Linux. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    // Fields 14 and 15 of /proc/PID/stat (utime, stime in 10 ms clock ticks), after the parenthesised command name.
    const fields = readFileSync(`/proc/${pid ?? "self"}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

interface Side {
  label: string;
  command: string[];
  /** After ADDRESS and TASK_QUEUE. */
  extraArgs?: string[];
}

function oursOn(runtime: string, pollers: string | undefined): Side {
  const source = join(projectRoot, "bench", "activities-worker.ts");
  const command: Record<string, string[]> = {
    node: ["node", ...profileArgs, join(dist, "activities-worker.js")],
    bun: [bin("bun"), ...profileArgs, source],
    deno: [bin("deno"), "run", "-A", source],
  };
  const base = command[runtime];
  if (base === undefined) throw new Error(`--runtimes: unknown runtime "${runtime}"; use node, bun or deno`);
  if (pollers === undefined) return { label: `temporal-edge-worker (${runtime})`, command: [...base, "ours"] };
  return { label: `temporal-edge-worker (${runtime}, ${pollers} pollers)`, command: [...base, "ours"], extraArgs: [pollers] };
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
  const server = values.address ? undefined : await startChild(["node", ...profileArgs, join(dist, "activities-dev-server.js")]);
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
    const each = Math.ceil(n / workflows);
    await Promise.all(
      Array.from({ length: workflows }, () =>
        client.workflow.execute("noopFanOut", {
          taskQueue: workflowQueue,
          workflowId: `${taskQueue}-${runId++}`,
          args: [taskQueue, each, parallel / workflows],
        }),
      ),
    );
    return (each * workflows) / ((performance.now() - started) / 1000);
  };

  interface Running {
    side: Side;
    taskQueue: string;
    worker: Awaited<ReturnType<typeof startChild>>;
    rates: number[];
    /** CPU ms used during the measured rounds: worker, dev server, this process. */
    cpu: [number, number, number];
  }

  const pollerCounts = values.pollers?.split(",").map((p) => p.trim()) ?? [undefined];
  const sides = [...(values.only === "ours" ? [] : [official]), ...runtimes.flatMap((rt) => pollerCounts.map((p) => oursOn(rt, p)))];
  const running: Running[] = [];
  try {
    for (const side of sides) {
      const taskQueue = `bench-${side.label.replace(/\W+/g, "-")}-${Date.now()}`;
      running.push({ side, taskQueue, worker: await startChild([...side.command, address, taskQueue, ...(side.extraArgs ?? [])]), rates: [], cpu: [0, 0, 0] });
    }
    console.log(
      `${count} no-op activities per round over ${workflows} workflow(s), ${parallel} in flight, ${rounds} rounds per side (interleaved), dev server at ${address}`,
    );
    // Warm-up, so no side pays its start-up (JIT, connections) inside a measurement.
    for (const r of running) await fanOut(r.taskQueue, Math.min(count, 200));
    // Rounds alternate between the sides, so a change in the machine's load
    // (other processes) weighs on every side alike rather than on whichever ran last.
    for (let i = 0; i < rounds; i++) {
      for (const r of running) {
        const before = [cpuMs(r.worker.child.pid), cpuMs(server?.child.pid), cpuMs(undefined)];
        r.rates.push(await fanOut(r.taskQueue, count));
        const after = [cpuMs(r.worker.child.pid), cpuMs(server?.child.pid), cpuMs(undefined)];
        for (let k = 0; k < 3; k++) r.cpu[k] = (r.cpu[k] ?? 0) + ((after[k] ?? Number.NaN) - (before[k] ?? Number.NaN));
      }
    }
  } finally {
    await Promise.all(running.map((r) => r.worker.stop()));
  }

  const medians = new Map<Side, number>();
  for (const r of running) {
    const sorted = [...r.rates].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    medians.set(r.side, median);
    const perActivity = (k: number) => (Number.isNaN(r.cpu[k]) ? "n/a" : `${((r.cpu[k] ?? 0) / (rounds * count)).toFixed(2)} ms`);
    console.log(`${r.side.label.padEnd(34)} ${median.toFixed(0).padStart(6)} activities/s (median of ${r.rates.map((x) => x.toFixed(0)).join(", ")})`);
    console.log(
      `${"".padEnd(34)} CPU per activity: worker ${perActivity(0)}, dev server ${perActivity(1)}, official client + workflow worker ${perActivity(2)}`,
    );
  }
  const officialRate = medians.get(official);
  if (officialRate !== undefined) {
    for (const [side, rate] of medians) {
      if (side !== official) console.log(`ratio ${side.label} / official: ${(rate / officialRate).toFixed(2)}x`);
    }
  }

  workflowWorker.shutdown();
  await workflowRun;
  await nativeConnection.close();
  await clientConnection.close();
  await server?.stop();
}

await main();
