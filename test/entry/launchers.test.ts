import { spawn, spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VERSION } from "../../src/common/version.ts";
import { currentRuntime, eventually, test } from "../harness.ts";
import { projectRoot } from "../support/paths.ts";

const bin = join(projectRoot, "node_modules/.bin");

// Each suite proves its own runtime's launcher: `node worker`, `bun run worker`, `deno task worker`.
function launch(...args: string[]) {
  const rt = currentRuntime();
  const [cmd, pre] =
    rt === "bun" ? [join(bin, "bun"), ["run", "worker"]] : rt === "deno" ? [join(bin, "deno"), ["task", "--quiet", "worker"]] : ["node", ["worker"]];
  return spawnSync(cmd, [...pre, ...args], {
    cwd: projectRoot,
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: "1" },
  });
}

test("the launcher prints usage for --help and exits 0", () => {
  const r = launch("--help");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Usage: (node worker|bun run worker|deno task worker) \[command\] \[options\]/);
});

test("an unknown option exits 2 and names the known ones", () => {
  const r = launch("--frobnicate");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown option --frobnicate; known: --help/);
});

test("--version prints the package version", () => {
  const r = launch("--version");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), VERSION);
});

test("the client-version sent to servers matches package.json", () => {
  const pkg = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string };
  assert.equal(VERSION, pkg.version);
});

test(
  "--dev starts the embedded dev server, runs the example workflow, prints its result, and drains on SIGTERM",
  async (t) => {
    const rt = currentRuntime();
    const [cmd, pre] =
      rt === "bun" ? [join(bin, "bun"), ["run", "worker"]] : rt === "deno" ? [join(bin, "deno"), ["task", "--quiet", "worker"]] : ["node", ["worker"]];
    const child = spawn(cmd, [...pre, "--dev", "--health-address", "127.0.0.1:0"], {
      cwd: projectRoot,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    t.defer(() => {
      if (child.exitCode === null) process.kill(child.pid as number, "SIGKILL");
    });
    await eventually(() => out.includes("Example workflow result:"), { timeoutMs: 30_000, message: `no example result; output:\n${out}` });
    assert.match(out, /Example workflow result: "Hello, World!"/);
    const health = /Health: (http:\/\/\S+)\/readyz/.exec(out)?.[1];
    assert.ok(health, out);
    const ready = await fetch(`${health}/readyz`);
    assert.equal(ready.status, 200, await ready.text());
    const metrics = await (await fetch(`${health}/metrics`)).text();
    assert.match(metrics, /temporal_workflow_task_queue_poll_succeed\{[^}]*task_queue="greeting-example"/);
    assert.match(metrics, /temporal_activity_execution_latency/);
    // By pid: under Deno, ChildProcess.kill marks the child as killed even when it then exits 0.
    process.kill(child.pid as number, "SIGTERM");
    // `deno task` runs the worker under a task shell; its exit code is the worker's.
    assert.equal(await exited, 0, out);
    assert.match(out, /worker process STOPPED/);
  },
  { timeoutMs: 60_000 },
);
