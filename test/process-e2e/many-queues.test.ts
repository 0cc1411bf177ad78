// One worker process, three task queues from one config file: workflows +
// activities, activities only, workflows only. This project's client starts
// workflows on both workflow queues; /metrics then shows what ran, with
// sdk-core's names and labels.
import assert from "node:assert/strict";
import { eventually, test } from "../harness.ts";
import { fixture, healthUrl, launchWorker, openClient, readiness, samples, startServer, total } from "./support.ts";

const orders = "pe2e-orders";
const emails = "pe2e-emails";
const reports = "pe2e-reports";

test(
  "three entities from temporal-worker.config serve their task queues; /metrics counts what ran",
  async (t) => {
    const server = await startServer(t);
    const worker = launchWorker(t, ["--config", fixture("temporal-worker.config"), "--address", server.address, "--health-address", "127.0.0.1:0"]);
    const url = await healthUrl(worker);
    const client = await openClient(t, server.address);

    const ready = await eventually(async () => {
      const r = await readiness(url);
      return r.status === 200 ? r.body : undefined;
    }, { timeoutMs: 15_000, message: "the process becomes ready" }).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; output:\n${worker.output()}`);
    });
    assert.deepEqual(
      ready.entities.map((e) => [e.taskQueue, e.roles.join("+"), e.state, e.polling]),
      [
        [orders, "workflow+activity", "RUNNING", true],
        [emails, "activity", "RUNNING", true],
        [reports, "workflow", "RUNNING", true],
      ],
    );

    const orderIds = ["o-1", "o-2", "o-3"];
    const results = await Promise.all([
      ...orderIds.map((id) => client.workflow.execute("order", { workflowId: `order-${id}`, taskQueue: orders, args: [id] })),
      client.workflow.execute("report", { workflowId: "report-1", taskQueue: reports, args: [["ana@example.com", "bo@example.com"]] }),
    ]);
    assert.deepEqual(results, [
      ["charged o-1", "email sent to o-1@example.com"],
      ["charged o-2", "email sent to o-2@example.com"],
      ["charged o-3", "email sent to o-3@example.com"],
      ["email sent to ana@example.com", "email sent to bo@example.com"],
    ]);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    const ns = { namespace: "default" };
    // Workflow tasks: at least start + after charge + after email for each order, start + 2 for the report.
    assert.ok(total(metrics, "temporal_workflow_task_queue_poll_succeed", { ...ns, task_queue: orders }) >= 3 * 3, metrics);
    assert.ok(total(metrics, "temporal_workflow_task_queue_poll_succeed", { ...ns, task_queue: reports }) >= 3, metrics);
    assert.equal(total(metrics, "temporal_workflow_task_queue_poll_succeed", { ...ns, task_queue: emails }), 0, "no workflow poller on the activity-only queue");
    assert.equal(total(metrics, "temporal_workflow_completed", { ...ns, task_queue: orders }), 3);
    assert.equal(total(metrics, "temporal_workflow_completed", { ...ns, task_queue: reports }), 1);
    assert.equal(total(metrics, "temporal_activity_execution_latency_count", { ...ns, task_queue: orders, activity_type: "charge" }), 3);
    assert.equal(total(metrics, "temporal_activity_execution_latency_count", { ...ns, task_queue: emails, activity_type: "sendEmail" }), 5);
    assert.ok(total(metrics, "temporal_workflow_task_execution_latency_count", { ...ns, task_queue: orders, workflow_type: "order" }) >= 9, metrics);
    // Idle again: every slot is free, and the activity-only entity has the 7 slots its config gave it.
    // Slots by worker type: the activity-only entity has the 7 its config gave it
    // (free + taken, pollers included), the others a pool per part they run.
    const slots = (queue: string, metric: string) =>
      Object.fromEntries(samples(metrics, metric).filter((s) => s.labels.task_queue === queue).map((s) => [s.labels.worker_type, s.value]));
    const emailSlots = slots(emails, "temporal_worker_task_slots_available");
    assert.deepEqual(Object.keys(emailSlots), ["ActivityWorker"]);
    assert.equal((emailSlots.ActivityWorker ?? 0) + (slots(emails, "temporal_worker_task_slots_used").ActivityWorker ?? 0), 7);
    assert.deepEqual(Object.keys(slots(orders, "temporal_worker_task_slots_available")).sort(), ["ActivityWorker", "WorkflowWorker"]);
    assert.deepEqual(Object.keys(slots(reports, "temporal_worker_task_slots_available")), ["WorkflowWorker"]);
    // One sticky cache per workflow entity; completed runs leave it, as sdk-core evicts them.
    for (const queue of [orders, reports]) {
      const cached = samples(metrics, "temporal_sticky_cache_size").filter((s) => s.labels.task_queue === queue);
      assert.equal(cached.length, 1, `${queue}: ${metrics}`);
      assert.ok((cached[0]?.value ?? -1) >= 0 && (cached[0]?.value ?? 99) <= 3, `sticky cache size ${cached[0]?.value}`);
    }
    assert.equal(samples(metrics, "temporal_sticky_cache_size").filter((s) => s.labels.task_queue === emails).length, 0);
    for (const s of samples(metrics, "temporal_workflow_completed")) {
      assert.equal(s.labels.service_name, "temporal-core-sdk");
      assert.equal(s.labels.namespace, "default");
    }

    worker.signal("SIGTERM");
    assert.equal(await worker.exited, 0, worker.output());
  },
  { timeoutMs: 45_000 },
);
