// Plumbing of the worker-process tests: the real CLI of the suite's runtime
// (`node worker`, `bun run worker`, `deno task --quiet worker`) as a child
// process, a dev server, this project's client, and readers for the JSON
// logs, /readyz and /metrics.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Client } from "../../src/client/index.ts";
import type { DevServer } from "../../src/dev-server/server.ts";
import { currentRuntime, eventually, type TestContext } from "../harness.ts";
import { clientEntry } from "../client/fake-server.ts";
import { projectRoot } from "../support/paths.ts";
import { startPeerDevServer } from "../support/peer-dev-server.ts";

const bin = join(projectRoot, "node_modules/.bin");
const built = import.meta.url.endsWith(".js");

/** A fixture module in the form the running runtime imports (the tsc build on Node). */
export function fixture(name: string): string {
  return built ? join(projectRoot, "dist/test/process-e2e/fixtures", `${name}.js`) : join(projectRoot, "test/process-e2e/fixtures", `${name}.ts`);
}

export interface WorkerChild {
  proc: ChildProcess;
  output(): string;
  /** The JSON log lines printed so far. */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the exit code (128 + n after a signal). */
  exited: Promise<number>;
  /** Sends a signal to the launcher by pid, as an orchestrator does. */
  signal(name: "SIGTERM" | "SIGINT"): void;
}

/**
 * Starts the worker CLI through the runtime's own launcher. The child gets
 * its own process group so cleanup also reaches what `bun run` and
 * `deno task` start under them.
 */
export function launchWorker(t: TestContext, args: string[], env: Record<string, string> = {}): WorkerChild {
  const rt = currentRuntime();
  const [cmd, pre] =
    rt === "bun" ? [join(bin, "bun"), ["run", "worker"]] : rt === "deno" ? [join(bin, "deno"), ["task", "--quiet", "worker"]] : ["node", ["worker"]];
  const proc = spawn(cmd, [...pre, ...args], {
    cwd: projectRoot,
    env: { ...isolatedEnv(), PATH: `${bin}:${process.env.PATH}`, TEMPORAL_WORKER_LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  const collect = (d: Uint8Array) => {
    out += new TextDecoder().decode(d);
  };
  proc.stdout?.on("data", collect);
  proc.stderr?.on("data", collect);
  const exited = new Promise<number>((resolve) => {
    proc.on("close", (code, signal) => resolve(code ?? (signal === "SIGKILL" ? 137 : signal === "SIGTERM" ? 143 : 130)));
  });
  let done = false;
  exited.then(() => (done = true));
  t.defer(async () => {
    if (done) return;
    try {
      process.kill(-(proc.pid as number), "SIGKILL");
    } catch {
      // The group is already gone.
    }
    await exited;
  });
  const logs = () =>
    out
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  // By pid: Deno 2.9's ChildProcess.kill reports a signalled child as killed even when it exits 0.
  const signal = (name: "SIGTERM" | "SIGINT") => process.kill(proc.pid as number, name);
  return { proc, output: () => out, logs, exited, signal };
}

/** The environment without Temporal settings, and with no Temporal TOML file to find. */
function isolatedEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("TEMPORAL_")) out[k] = v;
  out.TEMPORAL_CONFIG_FILE = join(projectRoot, "test/process-e2e/fixtures/no-such-temporal.toml");
  return out;
}

/** The health endpoint's base URL, from the worker's start-up log. */
export async function healthUrl(child: WorkerChild): Promise<string> {
  const line = await eventually(() => child.logs().find((l) => typeof l.healthUrl === "string"), {
    timeoutMs: 20_000,
    message: "the worker logs its health URL",
  }).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; output:\n${child.output()}`);
  });
  return line.healthUrl as string;
}

export async function readiness(url: string): Promise<{ status: number; body: Readiness }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as Readiness };
}

export interface Readiness {
  ready: boolean;
  state: string;
  server?: { reachable: boolean; lastError?: string };
  entities: Array<{ taskQueue: string; roles: string[]; state: string; polling: boolean; lastPollOk?: boolean; lastError?: string }>;
  failures: Array<{ taskQueue: string; error: string }>;
}

/** The process states logged so far, in order. */
export const processStates = (child: WorkerChild) => child.logs().filter((l) => l.message === `worker process ${l.state}`).map((l) => l.state);

/** A dev server for the test (Node-hosted on Deno, see test/support/peer-dev-server.ts), closed at the end. */
export async function startServer(t: TestContext): Promise<DevServer> {
  const server = await startPeerDevServer();
  t.defer(() => server.close());
  return server;
}

/** This project's client (the runtime's temporal-edge-worker/client), closed before the server. */
export async function openClient(t: TestContext, address: string): Promise<Client> {
  const { Client, Connection } = await clientEntry();
  const connection = await Connection.connect({ address });
  t.defer(() => connection.close());
  return new Client({ connection });
}

/** A TCP port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `node worker dev-server --port PORT` (Node-hosted on every runtime, like the peer server on Deno); stopped at the end. */
export async function startDevServerOnPort(t: TestContext, port: number): Promise<void> {
  const child = spawn("node", [join(projectRoot, "worker.js"), "dev-server", "--port", String(port)], { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const onData = (d: Uint8Array) => {
    output += new TextDecoder().decode(d);
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  t.defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(child.pid as number, "SIGTERM");
    await exited;
  });
  await eventually(() => output.includes("listening on"), { timeoutMs: 15_000, message: `dev server on port ${port} did not start: ${output}` });
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** The samples of one metric (a name as exposed, e.g. `temporal_activity_execution_latency_count`). */
export function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of a metric's samples whose labels include `match`. */
export function total(text: string, name: string, match: Record<string, string>): number {
  return samples(text, name)
    .filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
