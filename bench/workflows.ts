// Benchmark (not a test): the workflow worker against the official one on the
// same dev server, in one run, printed as ratios:
//  - cold start: from exec of the worker's process to its first
//    PollWorkflowTaskQueue at the server (seen with DescribeTaskQueue);
//  - idle RSS of the worker process, polling with nothing to do;
//  - memory per cached workflow: RSS with N runs cached (each waiting on a
//    signal) minus idle RSS, divided by N.
// Replay speed of a 10,000-event history is bench/replay.ts.
//
//   npx tsc -p tsconfig.json && node dist/bench/workflows.js [--runtimes node,bun,deno] [--starts 3] [--cached 1000] [--skip-official]
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Client, Connection } from "@temporalio/client";
import { nodePlatform } from "../src/adapters/node/platform.ts";
import { connect } from "../src/connection/connection.ts";
import { projectRoot } from "../test/support/paths.ts";

const { values } = parseArgs({
  options: {
    runtimes: { type: "string", default: "node,bun,deno" },
    starts: { type: "string", default: "3" },
    cached: { type: "string", default: "1000" },
    // Measures our worker only (no ratios): for quick before/after comparisons.
    "skip-official": { type: "boolean", default: false },
  },
});
const starts = Number(values.starts);
const cachedRuns = Number(values.cached);
const runtimes = values.runtimes.split(",").map((r) => r.trim());
const dist = join(projectRoot, "dist", "bench");
const bin = (name: string) => join(projectRoot, "node_modules", ".bin", name);

interface Side {
  label: string;
  command: string[];
}

function oursOn(runtime: string): Side {
  const source = join(projectRoot, "bench", "workflows-worker.ts");
  const command: Record<string, string[]> = {
    node: ["node", join(dist, "workflows-worker.js")],
    bun: [bin("bun"), source],
    deno: [bin("deno"), "run", "-A", source],
  };
  const base = command[runtime];
  if (base === undefined) throw new Error(`--runtimes: unknown runtime "${runtime}"; use node, bun or deno`);
  return { label: `temporal-edge-worker (${runtime})`, command: [...base, "ours"] };
}

const official: Side = { label: "@temporalio/worker 1.24 (node)", command: ["node", join(dist, "workflows-worker.js"), "official"] };

/** Resident set size of a process, in bytes (Linux). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** RSS of a process and its children (the official worker's and Deno's helper processes, if any). */
function treeRss(pid: number): number {
  let total = rssOf(pid);
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    for (const child of children) total += treeRss(Number(child));
  } catch {
    // The process has no children listing (or ended): its own RSS is the total.
  }
  return total;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const server = spawn("node", [join(dist, "workflows-dev-server.js")], { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
  const [address] = (await once(createInterface({ input: server.stdout as NodeJS.ReadableStream }), "line")) as [string];
  const ours = connect({ address }, nodePlatform);
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection });

  /** Spawns a worker; resolves once the server has seen its first workflow poll, with the time that took. */
  async function launch(side: Side, taskQueue: string): Promise<{ child: ChildProcess; coldStartMs: number }> {
    const identity = `bench-${Math.random().toString(36).slice(2)}`;
    const [file, ...args] = side.command as [string, ...string[]];
    const t0 = performance.now();
    const child = spawn(file, [...args, address, taskQueue, identity], { cwd: projectRoot, stdio: ["ignore", "ignore", "ignore"] });
    for (;;) {
      const res = await ours.workflowService.describeTaskQueue({ namespace: "default", taskQueue: { name: taskQueue } });
      if (res.pollers.some((p) => p.identity === identity)) return { child, coldStartMs: performance.now() - t0 };
      if (child.exitCode !== null) throw new Error(`${side.label} exited with code ${child.exitCode} before polling`);
      if (performance.now() - t0 > 60_000) throw new Error(`${side.label} did not poll within 60 s`);
      await sleep(2);
    }
  }

  async function stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }

  /** Starts `n` waiting runs on `taskQueue` and resolves once each has completed its first workflow task. */
  async function fillCache(taskQueue: string, n: number): Promise<void> {
    const ids = Array.from({ length: n }, (_, i) => `${taskQueue}-${i}`);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(ids.slice(i, i + 50).map((workflowId) => client.workflow.start("waiter", { taskQueue, workflowId })));
    }
    let pending = ids;
    while (pending.length > 0) {
      const still: string[] = [];
      for (let i = 0; i < pending.length; i += 50) {
        const batch = pending.slice(i, i + 50);
        const described = await Promise.all(
          batch.map((workflowId) => ours.workflowService.describeWorkflowExecution({ namespace: "default", execution: { workflowId } })),
        );
        described.forEach((d, j) => {
          // Started, task scheduled, task started, task completed: the run is cached.
          if (Number(d.workflowExecutionInfo?.historyLength ?? 0n) < 4) still.push(batch[j] as string);
        });
      }
      pending = still;
      if (pending.length > 0) await sleep(100);
    }
  }

  interface Figures {
    coldStartMs: number;
    idleRss: number;
    perCachedRun: number;
  }

  async function measure(side: Side): Promise<Figures> {
    const colds: number[] = [];
    for (let i = 0; i < starts; i++) {
      const { child, coldStartMs } = await launch(side, `bench-cold-${Date.now()}-${i}`);
      colds.push(coldStartMs);
      await stop(child);
    }
    colds.sort((a, b) => a - b);
    const coldStartMs = colds[Math.floor(colds.length / 2)] ?? 0;
    const taskQueue = `bench-mem-${Date.now()}`;
    const { child } = await launch(side, taskQueue);
    try {
      await sleep(2_000);
      const idleRss = treeRss(child.pid as number);
      await fillCache(taskQueue, cachedRuns);
      await sleep(1_000);
      const cachedRss = treeRss(child.pid as number);
      const perCachedRun = (cachedRss - idleRss) / cachedRuns;
      console.log(
        `${side.label.padEnd(34)} cold start ${coldStartMs.toFixed(0).padStart(5)} ms (median of ${colds.map((c) => c.toFixed(0)).join(", ")}), ` +
          `idle RSS ${mb(idleRss)}, ${cachedRuns} cached: ${mb(cachedRss)} = ${(perCachedRun / 1024).toFixed(1)} KB per run`,
      );
      return { coldStartMs, idleRss, perCachedRun };
    } finally {
      await stop(child);
    }
  }

  console.log(`dev server at ${address}; ${starts} cold starts per side; ${cachedRuns} cached runs`);
  const theirs = values["skip-official"] ? undefined : await measure(official);
  const results = new Map<string, Figures>();
  for (const runtime of runtimes) results.set(runtime, await measure(oursOn(runtime)));
  for (const [runtime, f] of results) {
    if (theirs === undefined) break;
    console.log(
      `ours (${runtime}) vs official: cold start ${(theirs.coldStartMs / f.coldStartMs).toFixed(1)}x faster, ` +
        `idle RSS ${(f.idleRss / theirs.idleRss).toFixed(2)}x, memory per cached run ${(f.perCachedRun / theirs.perCachedRun).toFixed(2)}x`,
    );
  }
  await clientConnection.close();
  await ours.close();
  server.kill("SIGKILL");
}

await main();
