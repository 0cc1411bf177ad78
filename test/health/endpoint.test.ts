import assert from "node:assert/strict";
import { createHealthApp } from "../../src/health/app.ts";
import { serveHealth } from "../../src/health/serve.ts";
import type { ReadinessReport } from "../../src/health/types.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { createMetricRegistry } from "../../src/metrics/registry.ts";
import { createWorkerProcess } from "../../src/process/host.ts";
import { eventually, test } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";
import { createFakeEntity } from "../process/fake-entity.ts";
import { parseExposition, sampleValue } from "./exposition.ts";

const platform = await runtimePlatform();

test("in process: /healthz, /readyz 200/503 with JSON per entity, /metrics, 404", async () => {
  let report: ReadinessReport = { ready: false, state: "STARTING", entities: [], failures: [] };
  const app = createHealthApp({ readiness: () => report, metrics: () => "# TYPE x counter\nx 1\n" });
  const live = await app.request("/healthz");
  assert.equal(live.status, 200);
  assert.deepEqual(await live.json(), { status: "ok" });
  const starting = await app.request("/readyz");
  assert.equal(starting.status, 503);
  assert.equal((await starting.json()).status, "not ready");
  report = {
    ready: true,
    state: "RUNNING",
    entities: [{ taskQueue: "q", roles: ["workflow"], state: "RUNNING", polling: true, lastPollOk: true }],
    failures: [],
  };
  const ready = await app.request("/readyz");
  assert.equal(ready.status, 200);
  const body = await ready.json();
  assert.equal(body.status, "ready");
  assert.deepEqual(body.entities[0], { taskQueue: "q", roles: ["workflow"], state: "RUNNING", polling: true, lastPollOk: true });
  const metrics = await app.request("/metrics");
  assert.equal(metrics.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  assert.equal(await metrics.text(), "# TYPE x counter\nx 1\n");
  const missing = await app.request("/nope");
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).error, /use \/healthz, \/readyz or \/metrics/);
});

test("over real HTTP on the runtime's server: readiness follows a worker process through its states", async (t) => {
  const registry = createMetricRegistry();
  const meter = registry.withLabels({ namespace: "default", task_queue: "orders" });
  const entity = createFakeEntity({
    taskQueue: "orders",
    firstPollMs: 50,
    drainMs: 300,
    onPoll: () => meter.counter("temporal_activity_task_received").add(1),
  });
  const proc = createWorkerProcess({
    entities: [entity],
    logger: createLogger({ write: () => {}, format: "json" }),
    shutdownGraceTimeMs: 2_000,
    shutdownForceTimeMs: 1_000,
  });
  const server = await serveHealth({
    platform,
    hostname: "127.0.0.1",
    port: 0,
    source: { readiness: () => proc.readiness(), metrics: () => registry.render() },
  });
  t.defer(() => server.close());
  assert.ok(server.port > 0);
  const url = `http://127.0.0.1:${server.port}`;
  const readyz = async () => {
    const res = await fetch(`${url}/readyz`);
    return { status: res.status, body: await res.json() };
  };
  assert.equal((await readyz()).status, 503);
  assert.equal((await readyz()).body.state, "STARTING");
  const outcome = proc.run();
  await eventually(async () => (await readyz()).status === 200);
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  const e = parseExposition(await (await fetch(`${url}/metrics`)).text());
  assert.equal(sampleValue(e, "temporal_activity_task_received", { namespace: "default", task_queue: "orders" }), 1);
  proc.shutdown("test");
  const draining = await readyz();
  assert.equal(draining.status, 503);
  assert.ok(["STOPPING", "DRAINING"].includes(draining.body.state), draining.body.state);
  assert.equal((await fetch(`${url}/healthz`)).status, 200, "still alive while draining");
  assert.equal((await outcome).exitCode, 0);
  const stopped = await readyz();
  assert.equal(stopped.status, 503);
  assert.equal(stopped.body.state, "STOPPED");
});

test("a busy health port gives an error naming the address and the fix", async (t) => {
  const source = { readiness: () => ({ ready: true, state: "RUNNING", entities: [], failures: [] }), metrics: () => "" };
  const first = await serveHealth({ platform, hostname: "127.0.0.1", port: 0, source });
  t.defer(() => first.close());
  await assert.rejects(
    serveHealth({ platform, hostname: "127.0.0.1", port: first.port, source }),
    new RegExp(`cannot serve the health endpoint on 127\\.0\\.0\\.1:${first.port} .*--health-address HOST:PORT`),
  );
});
