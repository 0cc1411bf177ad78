import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, test } from "../harness.ts";
import { type Child, fixturePath, logLines, spawnCli } from "./spawn.ts";

// These tests run the CLI as a child process on the suite's runtime and talk
// to it as an operator would: flags, environment, HTTP and real signals.

async function healthUrl(child: Child): Promise<string> {
  const line = await eventually(() => logLines(child).find((l) => typeof l.healthUrl === "string"), {
    timeoutMs: 15_000,
    message: "the worker logs its health URL",
  });
  return line.healthUrl as string;
}

const states = (child: Child) => logLines(child).filter((l) => l.message === `worker process ${l.state}`).map((l) => l.state);

test("--help works for the CLI and every subcommand", async (t) => {
  const main = spawnCli(t, "real", ["--help"]);
  assert.equal(await main.exited, 0, main.stderr());
  assert.match(main.stdout(), /run\s+Run worker entities .*\[default\]/);
  const names = [...main.stdout().matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((m) => m[1] as string);
  assert.ok(names.includes("run"), `commands listed: ${names.join(", ")}`);
  for (const name of names) {
    const child = spawnCli(t, "real", [name, "--help"]);
    assert.equal(await child.exited, 0, `${name} --help: ${child.stderr()}`);
    assert.match(child.stdout(), /^Usage: /, `${name} --help prints its usage`);
  }
  const run = spawnCli(t, "real", ["run", "--help"]);
  await run.exited;
  for (const flag of ["--address", "--namespace", "--task-queue", "--workflows", "--activities", "--config", "--health-address", "--tls", "--api-key", "--dev"]) {
    assert.ok(run.stdout().includes(flag), `run --help lists ${flag}`);
  }
}, { timeoutMs: 60_000 });

test("a configuration error exits 2 with its message on stderr, secrets kept out", async (t) => {
  const secret = "sk-live-do-not-print-me";
  const child = spawnCli(t, "real", ["--address", "https://temporal:7233", "--task-queue", "q"], { TEMPORAL_API_KEY: secret });
  assert.equal(await child.exited, 2);
  assert.match(child.stderr(), /error: invalid worker configuration:\n {2}- --address: must be "host:port", for example "localhost:7233" \(no scheme, no path\) \(got "https:\/\/temporal:7233"\)/);
  assert.match(child.stderr(), /nothing to serve/);
  assert.ok(!child.stderr().includes(secret) && !child.stdout().includes(secret));
});

test("SIGTERM drains: readiness 503 first, RUNNING -> STOPPING -> DRAINING -> DRAINED -> STOPPED, exit 0", async (t) => {
  // No "run": it is the default command.
  const child = spawnCli(t, "fake", ["--task-queue", "orders", "--activities", fixturePath("activities"), "--health-address", "127.0.0.1:0"], {
    FAKE_DRAIN_MS: "600",
  });
  const url = await healthUrl(child);
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  await eventually(async () => (await fetch(`${url}/readyz`)).status === 200, { message: "ready once polling" });
  const ready = await (await fetch(`${url}/readyz`)).json();
  assert.deepEqual(ready.entities.map((e: { taskQueue: string; roles: string[] }) => [e.taskQueue, e.roles]), [["orders", ["activity"]]]);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, /^temporal_activity_task_received\{namespace="default",service_name="temporal-core-sdk",task_queue="orders"\} 1$/m);
  const polling = logLines(child).find((l) => l.message === "polling");
  assert.equal(polling?.activities, "greet,shout", "the activities module was imported and handed over");
  assert.equal(polling?.taskQueue, "orders");

  child.signal("SIGTERM");
  await eventually(async () => (await fetch(`${url}/readyz`)).status === 503, { message: "503 once draining" });
  const draining = await (await fetch(`${url}/readyz`)).json();
  assert.ok(["STOPPING", "DRAINING"].includes(draining.state), `state while draining: ${draining.state}`);
  assert.equal(await child.exited, 0, child.stderr());
  assert.deepEqual(states(child), ["RUNNING", "STOPPING", "DRAINING", "DRAINED", "STOPPED"]);
  assert.ok(logLines(child).some((l) => String(l.message).startsWith("received SIGTERM")));
}, { timeoutMs: 60_000 });

test("a second signal forces exit while a drain hangs", async (t) => {
  const child = spawnCli(t, "fake", ["run", "--task-queue", "q", "--activities", fixturePath("activities"), "--health-address", "127.0.0.1:0", "--shutdown-grace-time", "1m"], {
    FAKE_HANG: "1",
  });
  const url = await healthUrl(child);
  await eventually(async () => (await fetch(`${url}/readyz`)).status === 200);
  child.signal("SIGTERM");
  await eventually(() => states(child).includes("DRAINING"), { message: "draining after the first signal" });
  child.signal("SIGTERM");
  assert.equal(await child.exited, 143);
  assert.ok(logLines(child).some((l) => String(l.message).startsWith("received SIGTERM again: exiting without waiting")));
}, { timeoutMs: 60_000 });

test("two task queues in one process; one failing is reported and the process exits 1", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tew-cli-"));
  t.defer(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, "temporal-worker.config.json");
  const activities = fixturePath("activities");
  writeFileSync(config, JSON.stringify({ workers: [{ taskQueue: "orders", activities, maxConcurrentActivityTaskExecutions: 10 }, { taskQueue: "billing", activities }] }));
  const child = spawnCli(t, "fake", ["--config", config, "--health-address", "127.0.0.1:0"], { FAKE_FAIL_QUEUE: "billing" });
  const url = await healthUrl(child);
  const report = await eventually(async () => {
    const body = await (await fetch(`${url}/readyz`)).json();
    return body.entities.length === 2 && body.entities.every((e: { lastPollOk?: boolean }) => e.lastPollOk) ? body : undefined;
  }).catch(() => undefined);
  if (report) assert.deepEqual(report.entities.map((e: { taskQueue: string }) => e.taskQueue), ["orders", "billing"]);
  assert.equal(await child.exited, 1);
  const failed = logLines(child).find((l) => l.message === "worker entity failed");
  assert.equal(failed?.taskQueue, "billing");
  const summary = logLines(child).find((l) => l.message === "worker process stopped with failures");
  assert.deepEqual(summary?.failures, ["billing: poller for billing gave up: PermissionDenied"]);
  assert.deepEqual(states(child).slice(-2), ["DRAINED", "FAILED"]);
}, { timeoutMs: 60_000 });
