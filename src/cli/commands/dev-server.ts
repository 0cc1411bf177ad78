/**
 * `worker dev-server [--port 7233] [--ip 127.0.0.1] [--namespace NAME]... [--time-skipping]`:
 * the embedded Temporal dev server, in memory, until SIGINT or SIGTERM.
 */
import type { Platform } from "../../platform/platform.ts";
import { type OptionSpecs, UsageError } from "../args.ts";
import { type Command, registerCommand } from "../main.ts";

const options: OptionSpecs = {
  port: { type: "string", valueName: "PORT", description: "Port of the gRPC frontend (0 picks a free one) [default 7233]" },
  ip: { type: "string", valueName: "IP", description: "Interface to listen on [default 127.0.0.1]" },
  namespace: { type: "string", multiple: true, valueName: "NAME", description: "Namespace to create besides `default` (repeatable)" },
  "time-skipping": { type: "boolean", description: "Jump to the next timer whenever no task is outstanding (for tests)" },
};

export const devServerCommand: Command = {
  name: "dev-server",
  summary: "Run the embedded Temporal dev server (in memory) until interrupted",
  usage: "worker dev-server [--port 7233] [--ip 127.0.0.1] [--namespace NAME]... [--time-skipping]",
  options,
  run: (args, platform) => runDevServer(args.values, platform),
};

registerCommand(devServerCommand);

function parsePort(value: unknown): number {
  if (value === undefined) return 7233;
  const port = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || port > 65_535) {
    throw new UsageError(`--port must be a number from 0 to 65535, got "${String(value)}"`);
  }
  return port;
}

async function runDevServer(values: Record<string, unknown>, platform: Platform): Promise<number> {
  const port = parsePort(values.port);
  const ip = typeof values.ip === "string" && values.ip !== "" ? values.ip : "127.0.0.1";
  const namespaces = (values.namespace as string[] | undefined) ?? [];
  // Loaded here, not at start-up: `worker run` does not need the dev server.
  const { createDevServer } = await import("../../dev-server/server.ts");
  const server = await createDevServer({
    platform,
    ip,
    port,
    namespaces,
    timeSkipping: values["time-skipping"] === true,
  }).catch((err: unknown) => {
    throw new Error(`cannot serve the dev server on ${ip}:${port}: ${err instanceof Error ? err.message : String(err)} (is the port in use? try --port 0)`);
  });
  // The handler goes in before the address is printed: whoever reads the
  // address may signal at once.
  const signal = new Promise<string>((resolve) => {
    const remove = platform.onShutdownSignal((s) => {
      remove();
      resolve(s);
    });
  });
  platform.write("stdout", `Temporal dev server listening on ${server.address}\n`);
  platform.write("stdout", `${await signal}: stopping the dev server\n`);
  await server.close();
  return 0;
}
