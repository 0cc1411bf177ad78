// The process lifecycle against real workers: an unreachable server is
// reported (readiness 503 with the error, WARN logs) while the worker keeps
// trying, and it becomes ready by itself once the server is up; a second
// SIGTERM while draining ends the process at once with a non-zero code.
import assert from "node:assert/strict";
import { eventually, test } from "../harness.ts";
import { fixture, freePort, healthUrl, launchWorker, openClient, processStates, readiness, startDevServerOnPort, startServer } from "./support.ts";

const serveArgs = (address: string, taskQueue: string) => [
  "--address",
  address,
  "--task-queue",
  taskQueue,
  "--workflows",
  fixture("workflows"),
  "--activities",
  fixture("activities"),
  "--health-address",
  "127.0.0.1:0",
];

test(
  "an unreachable server keeps /readyz at 503 with an actionable error; the worker becomes ready once the server is up",
  async (t) => {
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const taskQueue = "pe2e-late-server";
    const worker = launchWorker(t, serveArgs(address, taskQueue));
    const url = await healthUrl(worker);
    const down = await eventually(async () => {
      const r = await readiness(url);
      assert.equal(r.status, 503);
      return r.body.server?.lastError ? r.body : undefined;
    }, { timeoutMs: 15_000, message: "readiness reports the unreachable server" });
    assert.equal(down.ready, false);
    assert.equal(down.server?.reachable, false);
    assert.match(down.server?.lastError ?? "", new RegExp(`cannot reach Temporal at 127\\.0\\.0\\.1:${port} \\(connection refused\\): is the server running\\? Set TEMPORAL_ADDRESS or --address`));
    const warning = worker.logs().find((l) => l.level === "WARN" && String(l.message).startsWith(`the Temporal Service at ${address} does not answer`));
    assert.ok(warning, worker.output());
    assert.equal(worker.proc.exitCode, null, "the worker keeps running while the server is away");

    await startDevServerOnPort(t, port);
    const up = await eventually(async () => {
      const r = await readiness(url);
      return r.status === 200 ? r.body : undefined;
    }, { timeoutMs: 25_000, message: "ready once the server is up" }).catch(async (err: unknown) => {
      throw new Error(`${(err as Error).message}: /readyz ${JSON.stringify((await readiness(url)).body)}\noutput:\n${worker.output().slice(-3000)}`);
    });
    assert.deepEqual(up.server, { reachable: true });
    // The entity's lastPollOk may still hold the outage's verdict: its long polls
    // now wait on an empty queue. The server probe is what says the server is back.
    assert.deepEqual(up.entities.map((e) => [e.taskQueue, e.state, e.polling]), [[taskQueue, "RUNNING", true]]);
    const client = await openClient(t, address);
    assert.equal(await client.workflow.execute("slowStep", { workflowId: "late-server", taskQueue, args: [10] }), "slow work done on attempt 1");

    worker.signal("SIGTERM");
    assert.equal(await worker.exited, 0, worker.output());
    assert.deepEqual(processStates(worker), ["RUNNING", "STOPPING", "DRAINING", "DRAINED", "STOPPED"]);
  },
  { timeoutMs: 45_000 },
);

test(
  "a second SIGTERM while draining exits at once with 143",
  async (t) => {
    const server = await startServer(t);
    const client = await openClient(t, server.address);
    const taskQueue = "pe2e-forced";
    const worker = launchWorker(t, [...serveArgs(server.address, taskQueue), "--shutdown-grace-time", "30s"]);
    const url = await healthUrl(worker);
    await eventually(async () => (await readiness(url)).status === 200, { timeoutMs: 15_000, message: "ready" });
    const handle = await client.workflow.start("slowStep", { workflowId: "forced", taskQueue, args: [20_000] });
    await eventually(() => worker.logs().some((l) => l.message === "slow activity started"), { timeoutMs: 10_000, message: "the activity starts" });
    worker.signal("SIGTERM");
    await eventually(() => worker.logs().some((l) => String(l.message).startsWith("received SIGTERM: draining")));
    const draining = await readiness(url);
    assert.equal(draining.status, 503);
    const t0 = Date.now();
    worker.signal("SIGTERM");
    assert.equal(await worker.exited, 143, worker.output());
    assert.ok(Date.now() - t0 < 5_000, "did not wait for the 20 s activity");
    assert.ok(worker.logs().some((l) => String(l.message).startsWith("received SIGTERM again: exiting without waiting for in-flight tasks")), worker.output());
    assert.ok(!processStates(worker).includes("STOPPED"));
    await handle.terminate("test done");
  },
  { timeoutMs: 40_000 },
);
