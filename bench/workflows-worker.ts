// A child process of bench/workflows.ts: one workflow worker, ours or the
// official one, on a task queue, as a user would start it (the official one
// bundles its workflows at start-up, as `workflowsPath` makes it do).
//   <runtime> workflows-worker <ours|official> <address> <taskQueue> <identity>
import { fileURLToPath } from "node:url";

const argv: string[] = (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? process.argv.slice(2);
const [side, address, taskQueue, identity] = argv;
if (side === undefined || address === undefined || taskQueue === undefined || identity === undefined) {
  throw new Error("usage: workflows-worker <ours|official> <address> <taskQueue> <identity>");
}
const js = import.meta.url.endsWith(".js");

if (side === "official") {
  const { DefaultLogger, NativeConnection, Runtime, Worker } = await import("@temporalio/worker");
  Runtime.install({ logger: new DefaultLogger("WARN") });
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address }),
    taskQueue,
    identity,
    workflowsPath: fileURLToPath(new URL("./workflows-code-official.js", import.meta.url)),
    maxCachedWorkflows: 2000,
  });
  await worker.run();
} else {
  const { connect } = await import("../src/connection/connection.ts");
  const { Worker } = await import("../src/worker/worker.ts");
  const { runtimePlatform } = await import("../test/support/platform.ts");
  const platform = await runtimePlatform();
  const worker = await Worker.create({
    connection: connect({ address }, platform),
    taskQueue,
    identity,
    workflowsPath: fileURLToPath(new URL(js ? "./workflows-code.js" : "./workflows-code.ts", import.meta.url)),
    maxCachedWorkflows: 2000,
    platform,
  });
  await worker.run();
}
