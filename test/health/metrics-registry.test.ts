import assert from "node:assert/strict";
import { metricNames } from "../../src/metrics/names.ts";
import { createMetricRegistry } from "../../src/metrics/registry.ts";
import { test } from "../harness.ts";
import { parseExposition, sampleValue } from "./exposition.ts";

test("counters, gauges and histograms render as valid exposition with sdk-core names and labels", () => {
  const registry = createMetricRegistry();
  const meter = registry.withLabels({ namespace: "default", task_queue: "orders" });
  const polls = meter.counter(metricNames.workflowTaskQueuePollSucceed);
  polls.add(1, { poller_type: "workflow_task" });
  polls.add(2, { poller_type: "workflow_task" });
  meter.gauge(metricNames.workerTaskSlotsAvailable).set(99, { worker_type: "ActivityWorker" });
  const latency = meter.histogram(metricNames.activityExecutionLatency);
  for (const ms of [20, 70, 70, 700, 90_000]) latency.record(ms, { activity_type: "charge" });

  const e = parseExposition(registry.render());
  assert.equal(e.types.get("temporal_workflow_task_queue_poll_succeed"), "counter");
  assert.equal(e.types.get("temporal_worker_task_slots_available"), "gauge");
  assert.equal(e.types.get("temporal_activity_execution_latency"), "histogram");
  assert.ok(e.help.get("temporal_activity_execution_latency"), "HELP from the catalogue");
  const base = { namespace: "default", task_queue: "orders", service_name: "temporal-core-sdk" };
  assert.equal(sampleValue(e, "temporal_workflow_task_queue_poll_succeed", { ...base, poller_type: "workflow_task" }), 3);
  assert.equal(sampleValue(e, "temporal_worker_task_slots_available", { ...base, worker_type: "ActivityWorker" }), 99);
  const h = { ...base, activity_type: "charge" };
  // sdk-core's activity buckets, in milliseconds: 50, 100, 500, 1000, 5000, 10000, 60000; cumulative.
  const buckets = e.samples.filter((s) => s.name === "temporal_activity_execution_latency_bucket").map((s) => [s.labels.le, s.value]);
  assert.deepEqual(buckets, [
    ["50", 1],
    ["100", 3],
    ["500", 3],
    ["1000", 4],
    ["5000", 4],
    ["10000", 4],
    ["60000", 4],
    ["+Inf", 5],
  ]);
  assert.equal(sampleValue(e, "temporal_activity_execution_latency_sum", h), 90_860);
  assert.equal(sampleValue(e, "temporal_activity_execution_latency_count", h), 5);
});

test("durations in seconds scale buckets and sums; label values are escaped", () => {
  const registry = createMetricRegistry({ durationsAsSeconds: true, globalLabels: {} });
  registry.histogram(metricNames.workflowTaskExecutionLatency).record(15, { workflow_type: 'say "hi"\\\n' });
  const text = registry.render();
  const e = parseExposition(text);
  const sample = e.samples.find((s) => s.name === "temporal_workflow_task_execution_latency_bucket" && s.labels.le === "0.02");
  assert.equal(sample?.value, 1);
  assert.equal(sample?.labels.workflow_type, 'say "hi"\\\n');
  assert.equal(sampleValue(e, "temporal_workflow_task_execution_latency_sum", {}), 0.015);
  assert.ok(!text.includes("service_name"), "globalLabels {} drops service_name");
});

test("misuse fails with a message that says what to do", () => {
  const registry = createMetricRegistry();
  registry.counter("temporal_thing").add(1);
  assert.throws(() => registry.gauge("temporal_thing"), /already a counter; it cannot also be a gauge/);
  assert.throws(() => registry.counter("temporal_thing").add(-1), /can only grow/);
  assert.throws(() => registry.counter("bad-name"), /invalid metric name "bad-name"/);
  assert.throws(() => registry.counter("ok").add(1, { "bad-label": "x" }), /invalid metric label "bad-label"/);
  assert.equal(createMetricRegistry().render(), "", "nothing recorded renders nothing");
});
