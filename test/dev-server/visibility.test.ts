// The subset of the visibility query language ListWorkflowExecutions and
// CountWorkflowExecutions understand.
import { Code, ConnectError } from "@connectrpc/connect";
import assert from "node:assert/strict";
import { WorkflowExecutionStatus } from "../../gen/temporal/api/enums/v1/workflow_pb.ts";
import type { RunState } from "../../src/dev-server/executions/run-state.ts";
import { parseQuery } from "../../src/dev-server/service/visibility.ts";
import { test } from "../harness.ts";

const run = (workflowId: string, workflowType: string, status: WorkflowExecutionStatus) =>
  ({ key: { namespace: "default", workflowId, runId: `${workflowId}-run` }, workflowType, taskQueue: "q", status }) as unknown as RunState;

const runs = [
  run("a", "greet", WorkflowExecutionStatus.RUNNING),
  run("b", "greet", WorkflowExecutionStatus.COMPLETED),
  run("c", "order", WorkflowExecutionStatus.FAILED),
];
const ids = (query: string) => runs.filter(parseQuery(query).filter).map((r) => r.key.workflowId);

test("filters on WorkflowId, WorkflowType and ExecutionStatus with AND, OR and !=", () => {
  assert.deepEqual(ids(""), ["a", "b", "c"]);
  assert.deepEqual(ids("WorkflowId = 'b'"), ["b"]);
  assert.deepEqual(ids(`WorkflowType = "greet" AND ExecutionStatus = 'Running'`), ["a"]);
  assert.deepEqual(ids("ExecutionStatus = 'Failed' OR WorkflowId = 'a'"), ["a", "c"]);
  assert.deepEqual(ids("WorkflowType != 'greet' ORDER BY StartTime DESC"), ["c"]);
  assert.equal(parseQuery("ExecutionStatus = 'Running' GROUP BY ExecutionStatus").groupByStatus, true);
});

test("an unsupported query is INVALID_ARGUMENT that says what is supported", () => {
  for (const [query, pattern] of [
    ["CustomKeyword = 'x'", /filters on CustomKeyword; the dev server supports WorkflowId/],
    ["ExecutionStatus = 'Sleeping'", /unknown ExecutionStatus 'Sleeping'/],
    ["StartTime > '2024-01-01'", /cannot read/],
    ["WorkflowId = 'a' GROUP BY WorkflowType", /can only GROUP BY ExecutionStatus/],
  ] as const) {
    assert.throws(
      () => parseQuery(query),
      (err: unknown) => err instanceof ConnectError && err.code === Code.InvalidArgument && pattern.test(err.rawMessage),
      query,
    );
  }
});
