// Spawns the CLI (the real entry, or the fake-entity fixture) as a child on
// the runtime running the suite, and collects its output.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { TestContext } from "../harness.ts";
import { projectRoot } from "../support/paths.ts";

export interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or 128+n for a signal). */
  exited: Promise<number>;
  /** Sends a signal by pid, as an orchestrator does. */
  signal(name: "SIGTERM" | "SIGINT"): void;
}

const built = import.meta.url.endsWith(".js");

/** Command and arguments to run a TypeScript entry file (the built .js on Node). */
function entryCommand(runtime: TestContext["runtime"], srcRelative: string): string[] {
  const execPath = process.execPath;
  if (runtime === "node") return [execPath, join(projectRoot, "dist", srcRelative.replace(/\.ts$/, ".js"))];
  if (runtime === "bun") return [execPath, join(projectRoot, srcRelative)];
  return [execPath, "run", "-A", "--quiet", join(projectRoot, srcRelative)];
}

/** A module path under test/cli/fixtures in the form the running runtime imports. */
export function fixturePath(name: string): string {
  return built ? join(projectRoot, "dist/test/cli/fixtures", `${name}.js`) : join(projectRoot, "test/cli/fixtures", `${name}.ts`);
}

export function spawnCli(t: TestContext, entry: "real" | "fake", args: string[], env: Record<string, string> = {}): Child {
  const file = entry === "real" ? `src/adapters/${t.runtime}/main.ts` : "test/cli/fixtures/fake-worker.ts";
  const [cmd, ...pre] = entryCommand(t.runtime, file);
  const proc = spawn(cmd as string, [...pre, ...args], {
    cwd: projectRoot,
    env: { ...isolatedEnv(), TEMPORAL_WORKER_LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout?.on("data", (d: Uint8Array) => {
    out += new TextDecoder().decode(d);
  });
  proc.stderr?.on("data", (d: Uint8Array) => {
    err += new TextDecoder().decode(d);
  });
  const exited = new Promise<number>((resolve) => {
    proc.on("close", (code, signal) => resolve(code ?? (signal === "SIGKILL" ? 137 : signal === "SIGTERM" ? 143 : 130)));
  });
  t.defer(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGKILL");
      await exited;
    }
  });
  // By pid rather than proc.kill(): Deno 2.9's ChildProcess reports any child
  // it has signalled as killed by that signal, even when it exits 0 itself.
  const signal = (name: "SIGTERM" | "SIGINT") => process.kill(proc.pid as number, name);
  return { proc, stdout: () => out, stderr: () => err, exited, signal };
}

/** The JSON log lines printed so far. */
export function logLines(child: Child): Array<Record<string, unknown>> {
  return child
    .stdout()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The parent's environment without Temporal settings, and with no Temporal TOML file to find. */
function isolatedEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("TEMPORAL_")) out[k] = v;
  out.TEMPORAL_CONFIG_FILE = join(projectRoot, "test/cli/fixtures/no-such-temporal.toml");
  return out;
}
