// The official @temporalio/client and @temporalio/worker against the dev
// server. The dev server runs in this process on Node and Bun; on Deno it runs
// in a Node child process, because Deno 2.9's node:http2 can abort the process
// when the official SDK drops its connections (see test/support/peer-dev-server.ts
// and docs/runtimes.md). The official SDK runs in-process on Node and in a
// Node child process on Bun and Deno (its worker needs Node).
// Scenarios run concurrently, one task queue each; each test awaits its own.
import type { DevServer } from "../../src/dev-server/server.ts";
import { currentRuntime, type TestContext, test } from "../harness.ts";
import type { ScenarioResult } from "../support/official/scenario.ts";
import { startPeerDevServer } from "../support/peer-dev-server.ts";
import { type ScenarioName, scenarioNames } from "./official-scenario-names.ts";

interface SharedRun {
  results: Map<string, Promise<ScenarioResult>>;
  close(): Promise<void>;
}

let shared: Promise<SharedRun> | undefined;
let remaining = scenarioNames.length;

async function startRun(): Promise<SharedRun> {
  const servers: DevServer[] = [await startPeerDevServer(), await startPeerDevServer({ timeSkipping: true })];
  const [normal, skipping] = servers as [DevServer, DevServer];
  const addresses = { normal: normal.address, skipping: skipping.address };
  if (currentRuntime() === "node") {
    const { runScenarios } = await import("../support/official/run-scenarios.ts");
    const module = await import("./official-scenarios.ts");
    const run = runScenarios(module, addresses);
    return {
      results: run.results,
      async close() {
        await run.done;
        await Promise.all(servers.map((s) => s.close()));
      },
    };
  }
  const { runScenariosInNode } = await import("../support/official/child-runner.ts");
  const run = runScenariosInNode("test/dev-server/official-scenarios.js", scenarioNames, addresses);
  return {
    results: run.results,
    async close() {
      run.kill();
      await run.done;
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

async function resultOf(t: TestContext, name: ScenarioName): Promise<ScenarioResult> {
  shared ??= startRun();
  // The last scenario test to finish closes the servers and the official SDK.
  t.defer(async () => {
    remaining--;
    if (remaining === 0) await (await shared)?.close();
  });
  const run = await shared;
  const result = await run.results.get(name);
  if (result === undefined) throw new Error(`scenario "${name}" was not run`);
  return result;
}

for (const name of scenarioNames) {
  test(
    `official SDK on the dev server: ${name}`,
    async (t) => {
      const result = await resultOf(t, name);
      if (!result.ok) throw new Error(`scenario failed after ${result.ms} ms:\n${result.error}`);
    },
    { timeoutMs: 60_000 },
  );
}
