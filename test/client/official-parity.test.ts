// The official @temporalio/client as the judge: both clients make the same
// calls against one fake server, which records what arrives on the wire; the
// requests (and what each client makes of the answers) must match.
import { create, toJson } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Client as OfficialClient, Connection as OfficialConnection } from "@temporalio/client";
import assert from "node:assert/strict";
import { WorkflowExecutionStatus } from "../../gen/temporal/api/enums/v1/workflow_pb.ts";
import {
  DescribeWorkflowExecutionResponseSchema,
  SignalWithStartWorkflowExecutionRequestSchema,
  StartWorkflowExecutionRequestSchema,
  StartWorkflowExecutionResponseSchema,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { type TestContext, test } from "../harness.ts";
import { fakeServerClient, json } from "./fake-server.ts";

async function officialClient(t: TestContext, address: string) {
  const connection = await OfficialConnection.connect({ address });
  t.defer(() => connection.close());
  return new OfficialClient({ connection, namespace: "orders", identity: "test-client" });
}

/** Fields that differ by design between two calls: fresh request ids. */
function comparable(json: Record<string, unknown>): Record<string, unknown> {
  const { requestId: _requestId, ...rest } = json;
  return rest;
}

async function orderWorkflow(_id: string, _qty: number): Promise<string> {
  return "ok";
}

const startOptions = {
  workflowId: "order-1",
  taskQueue: "orders-tq",
  args: ["A-17", 3] as [string, number],
  memo: { owner: "ana", tags: ["x"] },
  searchAttributes: { CustomKeywordField: ["gold"], CustomDatetimeField: [new Date(1_700_000_000_000)] },
  retry: { initialInterval: "2s", maximumInterval: "1m", maximumAttempts: 4, backoffCoefficient: 1.5, nonRetryableErrorTypes: ["Fatal"] },
  workflowIdReusePolicy: "REJECT_DUPLICATE",
  workflowIdConflictPolicy: "FAIL",
  workflowExecutionTimeout: "1 day",
  workflowRunTimeout: "2h",
  workflowTaskTimeout: 5000,
  cronSchedule: "*/5 * * * *",
  startDelay: "1.5s",
} as const;

test("start and signalWithStart send the same requests as the official client", async (t) => {
  const starts: Record<string, unknown>[] = [];
  const sws: Record<string, unknown>[] = [];
  const { client, srv } = await fakeServerClient(t, {
    startWorkflowExecution(req) {
      starts.push(toJson(StartWorkflowExecutionRequestSchema, req) as Record<string, unknown>);
      return create(StartWorkflowExecutionResponseSchema, { runId: "run-1" });
    },
    signalWithStartWorkflowExecution(req) {
      sws.push(toJson(SignalWithStartWorkflowExecutionRequestSchema, req) as Record<string, unknown>);
      return { runId: "run-2" };
    },
  });
  const official = await officialClient(t, srv.address);
  await official.workflow.start(orderWorkflow, { ...startOptions, args: [...startOptions.args], retry: { ...startOptions.retry, nonRetryableErrorTypes: ["Fatal"] } });
  await client.workflow.start(orderWorkflow, { ...startOptions, args: [...startOptions.args], retry: { ...startOptions.retry, nonRetryableErrorTypes: ["Fatal"] } });
  assert.equal(starts.length, 2);
  assert.deepEqual(comparable(starts[1] ?? {}), comparable(starts[0] ?? {}));

  const swsOptions = { workflowId: "o-2", taskQueue: "q", args: ["B", 1] as [string, number], signal: "approve", signalArgs: ["boss", 2] };
  await official.workflow.signalWithStart(orderWorkflow, swsOptions);
  await client.workflow.signalWithStart(orderWorkflow, swsOptions);
  assert.deepEqual(comparable(sws[1] ?? {}), comparable(sws[0] ?? {}));
});

test("describe gives the same fields as the official client's", async (t) => {
  const { client, srv } = await fakeServerClient(t, {
    describeWorkflowExecution: () =>
      create(DescribeWorkflowExecutionResponseSchema, {
        workflowExecutionInfo: {
          execution: { workflowId: "x", runId: "x-run" },
          type: { name: "orderWorkflow" },
          taskQueue: "q",
          status: WorkflowExecutionStatus.COMPLETED,
          historyLength: 12n,
          historySizeBytes: 2048n,
          startTime: timestampFromMs(1_700_000_000_000),
          executionTime: timestampFromMs(1_700_000_000_500),
          closeTime: timestampFromMs(1_700_000_100_000),
          memo: { fields: { owner: json("ana") } },
          searchAttributes: { indexedFields: { CustomKeywordField: json(["gold"]) } },
          parentExecution: { workflowId: "parent", runId: "p-run" },
        },
      }),
  });
  const official = await officialClient(t, srv.address);
  const theirs = await official.workflow.getHandle("x").describe();
  const ours = await client.workflow.getHandle("x").describe();
  for (const field of ["type", "workflowId", "runId", "taskQueue", "status", "historyLength", "historySize", "startTime", "executionTime", "closeTime", "memo", "searchAttributes", "parentExecution"] as const) {
    assert.deepEqual(ours[field], theirs[field], field);
  }
});
