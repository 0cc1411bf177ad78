// End-to-end plumbing: the dev server in this process, THIS worker on a task
// queue, the official client driven in-process (Node) or from a Node child
// process (Bun, Deno), and the replay half of every scenario.
import { create } from "@bufbuild/protobuf";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type History, HistorySchema, type HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { type Connection, connect } from "../../src/connection/connection.ts";
import { createDevServer, type DevServer } from "../../src/dev-server/server.ts";
import type { LogLevel, Logger } from "../../src/logging/types.ts";
import { runReplayHistory } from "../../src/replay/replayer.ts";
import { createThreadedWorkflowRuntime } from "../../src/workflow/thread-runtime.ts";
import { Worker, type WorkerOptions } from "../../src/worker/worker.ts";
import { currentRuntime, type TestContext } from "../harness.ts";
import { projectRoot } from "../support/paths.ts";
import { runtimePlatform } from "../support/platform.ts";
import type { ClientOutcome } from "./official-client.ts";
import * as activities from "./fixtures/activities.ts";

export const platform = await runtimePlatform();

/** Our workflows module: the .js build on Node (threads import it), the source on Bun and Deno. */
export const workflowsPath = fileURLToPath(new URL(import.meta.url.endsWith(".js") ? "./fixtures/workflows.js" : "./fixtures/workflows.ts", import.meta.url));

export interface LogRecord {
  level: LogLevel;
  message: string;
  meta: Record<string, unknown> | undefined;
}

export function memoryLogger(records: LogRecord[]): Logger {
  const log = (level: LogLevel, message: string, meta?: Record<string, unknown>) => {
    records.push({ level, message, meta });
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

export async function startDevServer(t: TestContext, options: { timeSkipping?: boolean } = {}): Promise<DevServer> {
  const server = await createDevServer({ platform, port: 0, ...options });
  t.defer(() => server.close());
  return server;
}

export function openConnection(t: TestContext, address: string): Connection {
  const connection = connect({ address }, platform);
  t.defer(() => connection.close());
  return connection;
}

export interface RunningOurWorker {
  worker: Worker;
  logs: LogRecord[];
  run: Promise<void>;
  stop(): Promise<void>;
}

/** Starts THIS worker (workflows on threads, activities) on `taskQueue`; stopped at the end of the test. */
export async function startOurWorker(
  t: TestContext,
  connection: Connection,
  taskQueue: string,
  options: Partial<WorkerOptions> = {},
): Promise<RunningOurWorker> {
  const logs: LogRecord[] = [];
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath,
    activities,
    platform,
    logger: memoryLogger(logs),
    ...options,
  });
  const run = worker.run();
  run.catch(() => {});
  const stop = async () => {
    if (worker.getState() === "RUNNING") worker.shutdown();
    await run;
  };
  t.defer(() => stop().catch(() => undefined));
  return { worker, logs, run, stop };
}

let queues = 0;
export const newTaskQueue = (name: string) => `e2e-${name}-${Date.now().toString(36)}-${++queues}`;

/** Runs an official-client scenario against `address`: in-process on Node, in a Node child process elsewhere. */
export async function officialClient(address: string, taskQueue: string, scenario: string): Promise<ClientOutcome> {
  if (currentRuntime() === "node") {
    const { runOfficialClientScenario } = await import("./official-client.ts");
    return runOfficialClientScenario(address, taskQueue, scenario);
  }
  const script = join(projectRoot, "dist", "test", "e2e", "official-client-main.js");
  const child = spawn("node", [script, address, taskQueue, scenario], { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Uint8Array) => {
    stdout += new TextDecoder().decode(d);
  });
  child.stderr?.on("data", (d: Uint8Array) => {
    stderr += new TextDecoder().decode(d);
  });
  await new Promise<void>((resolve) => child.on("close", () => resolve()));
  const line = stdout.trim().split("\n").pop() ?? "";
  let parsed: { ok: boolean; outcome?: ClientOutcome; error?: string };
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`the official client child printed no result (is dist/ built? run npx tsc -p tsconfig.json)\nstdout: ${stdout}\nstderr: ${stderr}`);
  }
  if (!parsed.ok || parsed.outcome === undefined) throw new Error(`official client scenario ${scenario} failed in the child: ${parsed.error}`);
  return parsed.outcome;
}

/** The whole history of a workflow's latest run, page by page, through our connection. */
export async function fetchHistory(connection: Connection, workflowId: string): Promise<History> {
  const events: HistoryEvent[] = [];
  let nextPageToken: Uint8Array = new Uint8Array(0);
  do {
    const page = await connection.workflowService.getWorkflowExecutionHistory({
      namespace: connection.options.namespace,
      execution: { workflowId },
      nextPageToken,
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken;
  } while (nextPageToken.length > 0);
  return create(HistorySchema, { events });
}

/**
 * The second half of every scenario, as sdk-core runs them: the history the
 * first half produced, replayed in full on a fresh runtime; rejects with
 * [TMPRL1100] when the code and the history disagree.
 */
export async function replayAll(t: TestContext, connection: Connection, workflowIds: readonly string[]): Promise<void> {
  const runtime = createThreadedWorkflowRuntime({
    spawnThread: () => platform.spawnWorkflowThread(),
    workflowsPath,
    namespace: "default",
    taskQueue: "replay",
  });
  t.defer(() => runtime.dispose());
  for (const workflowId of workflowIds) {
    await runReplayHistory({ runtime, source: workflowId }, await fetchHistory(connection, workflowId), workflowId);
  }
}
