// The official side for the suite's runtime: in-process on Node, a Node child
// process (official-side-main.ts) on Bun and Deno.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { currentRuntime, type TestContext } from "../harness.ts";
import { projectRoot } from "../support/paths.ts";
import type { OfficialSide } from "./official-side.ts";

export async function openOfficialSide(t: TestContext, address: string): Promise<OfficialSide> {
  if (currentRuntime() === "node") {
    const { createOfficialSide } = await import("./official-side.ts");
    const side = await createOfficialSide(address);
    t.defer(() => side.close());
    return side;
  }
  const child = spawn("node", [join(projectRoot, "dist", "test", "e2e", "official-side-main.js"), address], {
    cwd: projectRoot,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let buffer = "";
  let stderr = "";
  let ready!: () => void;
  const started = new Promise<void>((resolve) => {
    ready = resolve;
  });
  child.stderr?.on("data", (d: Uint8Array) => {
    stderr += new TextDecoder().decode(d);
  });
  child.stdout?.on("data", (d: Uint8Array) => {
    buffer += new TextDecoder().decode(d);
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line.startsWith("{")) continue;
      const reply = JSON.parse(line) as { id: number; ok: boolean; value?: unknown; error?: string };
      if (reply.id === 0) ready();
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.value);
      else waiter?.reject(new Error(`official side: ${reply.error}`));
    }
  });
  // "exit", not "close": Bun reports "close" only once every pipe has closed.
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  void exited.then(() => {
    for (const w of pending.values()) w.reject(new Error(`the official side's process ended\n${stderr}`));
    pending.clear();
  });
  t.defer(async () => {
    child.stdin?.end();
    child.kill();
    await exited;
  });
  await Promise.race([started, exited.then(() => Promise.reject(new Error(`the official side did not start (is dist/ built?)\n${stderr}`)))]);
  const call = (op: keyof OfficialSide, ...args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.stdin?.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  return {
    startWorker: async (taskQueue) => void (await call("startWorker", taskQueue)),
    stopWorker: async () => void (await call("stopWorker")),
    start: async (workflowType, workflowId, taskQueue, args, options) => void (await call("start", workflowType, workflowId, taskQueue, args, options)),
    signal: async (workflowId, signalName) => void (await call("signal", workflowId, signalName)),
    result: (workflowId) => call("result", workflowId),
    close: async () => void (await call("close")),
  };
}
