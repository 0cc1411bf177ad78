/**
 * Runs official-SDK scenarios concurrently, one official environment per
 * server, each scenario on its own task queue. In-process on Node
 * (`runScenarios`), or as a Node child process for Bun and Deno:
 *   node dist/test/support/official/run-scenarios.js <scenarios.js> name=host:port... [-- scenario...]
 * which prints one JSON ScenarioResult per line as scenarios finish.
 */
import { pathToFileURL } from "node:url";
import { createOfficialEnvironment, type OfficialEnvironment } from "./environment.ts";
import type { ScenarioModule, ScenarioResult } from "./scenario.ts";

export interface ScenarioRun {
  results: Map<string, Promise<ScenarioResult>>;
  /** Resolves when every scenario has finished and the environments are closed. */
  done: Promise<void>;
}

export function runScenarios(module: ScenarioModule, addresses: Record<string, string>, only: readonly string[] = []): ScenarioRun {
  const environments = new Map<string, Promise<OfficialEnvironment>>();
  const envFor = (server: string) => {
    let env = environments.get(server);
    if (env === undefined) {
      const address = addresses[server];
      if (address === undefined) throw new Error(`no address given for server "${server}"`);
      env = createOfficialEnvironment(address);
      environments.set(server, env);
    }
    return env;
  };
  const results = new Map<string, Promise<ScenarioResult>>();
  for (const [name, scenario] of Object.entries(module.scenarios)) {
    if (only.length > 0 && !only.includes(name)) continue;
    const started = Date.now();
    const taskQueue = `${name}-${Math.random().toString(36).slice(2, 8)}`;
    results.set(
      name,
      (async () => scenario.run(await envFor(scenario.server), taskQueue))().then(
        () => ({ scenario: name, ok: true, ms: Date.now() - started }),
        (err: unknown) => ({
          scenario: name,
          ok: false,
          ms: Date.now() - started,
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        }),
      ),
    );
  }
  const done = Promise.all(results.values()).then(async () => {
    await Promise.all([...environments.values()].map(async (env) => (await env).close().catch(() => undefined)));
  });
  return { results, done };
}

async function main(argv: string[]): Promise<void> {
  const [modulePath, ...rest] = argv;
  if (modulePath === undefined) throw new Error("usage: run-scenarios.js <scenarios.js> name=host:port... [-- scenario...]");
  const split = rest.indexOf("--");
  const pairs = split === -1 ? rest : rest.slice(0, split);
  const only = split === -1 ? [] : rest.slice(split + 1);
  const addresses = Object.fromEntries(pairs.map((p) => p.split("=") as [string, string]));
  const module = (await import(pathToFileURL(modulePath).href)) as ScenarioModule;
  const run = runScenarios(module, addresses, only);
  for (const result of run.results.values()) {
    result.then((r) => process.stdout.write(`${JSON.stringify(r)}\n`));
  }
  await run.done;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
      process.exit(1);
    },
  );
}
