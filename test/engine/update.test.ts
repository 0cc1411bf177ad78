import { create } from "@bufbuild/protobuf";
import { anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import assert from "node:assert/strict";
import { CommandType } from "../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { MessageSchema } from "../../gen/temporal/api/protocol/v1/message_pb.ts";
import { AcceptanceSchema, RejectionSchema, RequestSchema, ResponseSchema } from "../../gen/temporal/api/update/v1/message_pb.ts";
import { driveWorkflowTask } from "../../src/engine/drive-task.ts";
import { WorkflowRun } from "../../src/engine/workflow-run.ts";
import { test } from "../harness.ts";
import { HistoryBuilder, jsonPayload } from "./history-builder.ts";
import { jobCases, runFullReplay, ScriptedRuntime } from "./scenario.ts";

const request = create(RequestSchema, { meta: { updateId: "u1", identity: "client" }, input: { name: "setValue", args: { payloads: [jsonPayload("7")] } } });
const updateMessage = (sequencingEventId: bigint) =>
  create(MessageSchema, { id: "u1/request", protocolInstanceId: "u1", sequencingId: { case: "eventId", value: sequencingEventId }, body: anyPack(RequestSchema, request) });
const accept = { variant: { case: "updateResponse", value: { protocolInstanceId: "u1", response: { case: "accepted", value: {} } } } } as const;
const completeUpdate = { variant: { case: "updateResponse", value: { protocolInstanceId: "u1", response: { case: "completed", value: jsonPayload('"done"') } } } } as const;
const reject = { variant: { case: "updateResponse", value: { protocolInstanceId: "u1", response: { case: "rejected", value: { message: "bad value" } } } } } as const;
const newRun = () => new WorkflowRun({ runId: "r", workflowId: "w", workflowType: "testWorkflow", sdkName: "temporal-edge-worker", sdkVersion: "0.1.0" });

test("update: a request from the poll becomes DoUpdate; accept and complete are messages, each with a ProtocolMessage command", async () => {
  const events = new HistoryBuilder().start().events;
  const runtime = new ScriptedRuntime((a) => (a.jobs.some((j) => j.variant.case === "doUpdate") ? [accept, completeUpdate] : []));
  const result = await driveWorkflowTask(newRun(), runtime, { events, previousStartedEventId: 0, messages: [updateMessage(2n)] });
  assert.deepEqual(jobCases(runtime.activations[0]!), ["initializeWorkflow", "doUpdate"]);
  const job = runtime.activations[0]!.jobs[1]!.variant;
  assert.ok(job.case === "doUpdate" && job.value.runValidator && job.value.name === "setValue" && job.value.id === "u1");
  assert.equal(result.kind, "completed");
  if (result.kind !== "completed") return;
  assert.deepEqual(result.commands.map((c) => c.commandType), [CommandType.PROTOCOL_MESSAGE, CommandType.PROTOCOL_MESSAGE]);
  assert.deepEqual(result.messages.map((m) => m.id), ["u1/request/accept", "u1/request/complete"]);
  assert.deepEqual(
    result.commands.map((c) => (c.attributes.case === "protocolMessageCommandAttributes" ? c.attributes.value.messageId : "")),
    ["u1/request/accept", "u1/request/complete"],
  );
  const acceptance = anyUnpack(result.messages[0]!.body!, AcceptanceSchema);
  assert.equal(acceptance?.acceptedRequestSequencingEventId, 2n);
  assert.equal(acceptance?.acceptedRequest?.meta?.updateId, "u1");
  const response = anyUnpack(result.messages[1]!.body!, ResponseSchema);
  assert.equal(response?.outcome?.value.case, "success");
});

test("update: a rejection is only a message, no command (the history will show nothing)", async () => {
  const events = new HistoryBuilder().start().events;
  const runtime = new ScriptedRuntime((a) => (a.jobs.some((j) => j.variant.case === "doUpdate") ? [reject] : []));
  const result = await driveWorkflowTask(newRun(), runtime, { events, previousStartedEventId: 0, messages: [updateMessage(2n)] });
  assert.equal(result.kind, "completed");
  if (result.kind !== "completed") return;
  assert.deepEqual(result.commands, []);
  assert.deepEqual(result.messages.map((m) => m.id), ["u1/request/reject"]);
  assert.equal(anyUnpack(result.messages[0]!.body!, RejectionSchema)?.failure?.message, "bad value");
});

function acceptedHistory() {
  const b = new HistoryBuilder().start().wftCompleted();
  b.add(EventType.WORKFLOW_EXECUTION_UPDATE_ACCEPTED, {
    case: "workflowExecutionUpdateAcceptedEventAttributes",
    value: { protocolInstanceId: "u1", acceptedRequestMessageId: "u1/request", acceptedRequestSequencingEventId: 2n, acceptedRequest: request } as never,
  });
  b.add(EventType.WORKFLOW_EXECUTION_UPDATE_COMPLETED, { case: "workflowExecutionUpdateCompletedEventAttributes", value: { meta: request.meta } as never });
  return b.workflowCompleted().events;
}

test("update: on replay the UpdateAccepted event makes the DoUpdate job (validator off) and no message is sent", async () => {
  const runtime = new ScriptedRuntime((a) => (a.jobs.some((j) => j.variant.case === "doUpdate") ? [accept, completeUpdate, { variant: { case: "completeWorkflowExecution", value: {} } }] : []));
  const result = await runFullReplay(acceptedHistory(), runtime);
  assert.equal(result.kind, "none");
  const job = runtime.activations[0]!.jobs.find((j) => j.variant.case === "doUpdate")?.variant;
  assert.ok(job?.case === "doUpdate" && !job.value.runValidator);
});

test("update: code that no longer accepts the recorded update is [TMPRL1100]", async () => {
  const runtime = new ScriptedRuntime((a) => (a.jobs.some((j) => j.variant.case === "doUpdate") ? [reject, { variant: { case: "completeWorkflowExecution", value: {} } }] : []));
  const result = await runFullReplay(acceptedHistory(), runtime);
  assert.equal(result.kind, "failed");
  if (result.kind === "failed") assert.match(result.error.message, /^\[TMPRL1100\].*WorkflowExecutionUpdateAccepted/);
});
