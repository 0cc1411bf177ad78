// Runs official-SDK scenarios in a Node child process (for the Bun and Deno
// suites, where the official worker cannot load), over gRPC to servers this
// process hosts. Needs the Node build in dist/ (`npx tsc -p tsconfig.json`).
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../paths.ts";
import type { ScenarioResult } from "./scenario.ts";

export interface ChildScenarioRun {
  results: Map<string, Promise<ScenarioResult>>;
  done: Promise<void>;
  kill(): void;
}

/**
 * `scenariosModule` is the compiled module's path relative to dist/
 * (e.g. "test/dev-server/official-scenarios.js").
 */
export function runScenariosInNode(
  scenariosModule: string,
  names: readonly string[],
  addresses: Record<string, string>,
): ChildScenarioRun {
  const dist = join(projectRoot, "dist");
  const child: ChildProcess = spawn(
    "node",
    [
      join(dist, "test/support/official/run-scenarios.js"),
      join(dist, scenariosModule),
      ...Object.entries(addresses).map(([k, v]) => `${k}=${v}`),
      "--",
      ...names,
    ],
    { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  const settles = new Map<string, (r: ScenarioResult) => void>();
  const results = new Map<string, Promise<ScenarioResult>>();
  for (const name of names) results.set(name, new Promise((resolve) => settles.set(name, resolve)));
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    let nl = stdout.indexOf("\n");
    while (nl !== -1) {
      const line = stdout.slice(0, nl).trim();
      stdout = stdout.slice(nl + 1);
      if (line.startsWith("{")) {
        const result = JSON.parse(line) as ScenarioResult;
        settles.get(result.scenario)?.(result);
        settles.delete(result.scenario);
      }
      nl = stdout.indexOf("\n");
    }
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const done = new Promise<void>((resolve) => {
    child.on("close", (code) => {
      for (const [name, settle] of settles) {
        settle({ scenario: name, ok: false, ms: 0, error: `the Node scenario runner exited (code ${code}) without a result:\n${stderr}` });
      }
      resolve();
    });
  });
  return { results, done, kill: () => child.kill() };
}
