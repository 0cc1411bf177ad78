// `worker dev-server` as a user runs it, on the suite's runtime: it prints
// its address once ready, serves the namespaces asked for, and stops on SIGTERM.
import { spawn } from "node:child_process";
import assert from "node:assert/strict";
import { join } from "node:path";
import { connect } from "../../src/connection/connection.ts";
import { eventually, test } from "../harness.ts";
import { projectRoot } from "../support/paths.ts";
import { runtimePlatform } from "../support/platform.ts";

const platform = await runtimePlatform();

function cliCommand(runtime: "node" | "bun" | "deno"): [string, string[]] {
  const bin = join(projectRoot, "node_modules/.bin");
  if (runtime === "bun") return [join(bin, "bun"), [join(projectRoot, "src/adapters/bun/main.ts")]];
  if (runtime === "deno") return [join(bin, "deno"), ["run", "--allow-all", "--quiet", join(projectRoot, "src/adapters/deno/main.ts")]];
  return ["node", [join(projectRoot, "worker.js")]];
}

test("worker dev-server prints its address, serves, and stops cleanly on SIGTERM", async (t) => {
  const [cmd, args] = cliCommand(t.runtime);
  const child = spawn(cmd, [...args, "dev-server", "--port", "0", "--namespace", "orders"], { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
  let exited = false;
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => ((exited = true), resolve(code))));
  // Deno's node:child_process reports a child that handled SIGTERM and exited 0
  // as killed by the signal (code null); a Node parent sees 0. So on Deno the
  // check is the child's own message and its port being closed.
  const expectedCode = t.runtime === "deno" ? null : 0;
  t.defer(() => {
    if (!exited) child.kill("SIGKILL");
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
  const address = await eventually(() => /Temporal dev server listening on (\S+)/.exec(out)?.[1], {
    timeoutMs: 15_000,
    message: `no address printed (stderr: ${err})`,
  });
  const conn = connect({ address, retry: false }, platform);
  const ns = await conn.workflowService.describeNamespace({ namespace: "orders" });
  assert.equal(ns.namespaceInfo?.name, "orders");
  // Closed before the server goes: Deno 2.9's HTTP/2 client can abort the
  // process (an nghttp2 assertion) on the GOAWAY of a server that exits.
  await conn.close();
  child.kill("SIGTERM");
  assert.equal(await exit, expectedCode, `exit code (stderr: ${err})`);
  assert.match(out, /SIGTERM: stopping the dev server/);
  const after = connect({ address, retry: false }, platform);
  t.defer(() => after.close());
  await assert.rejects(after.workflowService.getSystemInfo({}), "the port is closed after exit");
}, { timeoutMs: 30_000 });

test("worker dev-server rejects a bad --port with a usage error", async (t) => {
  const [cmd, args] = cliCommand(t.runtime);
  const child = spawn(cmd, [...args, "dev-server", "--port", "seventy"], { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 2);
  assert.match(err, /--port must be a number from 0 to 65535, got "seventy"/);
}, { timeoutMs: 30_000 });
