import { create } from "@bufbuild/protobuf";
import { anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import { type Message, MessageSchema } from "../../../gen/temporal/api/protocol/v1/message_pb.ts";
import {
  AcceptanceSchema,
  type Outcome,
  OutcomeSchema,
  RejectionSchema,
  type Request as UpdateRequest,
  RequestSchema,
  ResponseSchema,
} from "../../../gen/temporal/api/update/v1/message_pb.ts";
import type { EngineContext } from "../engine-context.ts";
import { invalidArgument } from "../errors.ts";
import { writeEvent } from "./history-writer.ts";
import type { RunState, UpdateState, WorkflowTaskState } from "./run-state.ts";
import { ensureWorkflowTask } from "./workflow-tasks.ts";

/**
 * The update protocol: an admitted update's request rides on the next
 * workflow task as a protocol message; the worker answers with acceptance
 * (WorkflowExecutionUpdateAccepted), rejection (no event at all) and
 * response (WorkflowExecutionUpdateCompleted).
 */
export function admitUpdate(ctx: EngineContext, run: RunState, request: UpdateRequest): UpdateState {
  const id = request.meta?.updateId ?? "";
  const existing = run.updates.get(id);
  if (existing !== undefined) return existing;
  const update: UpdateState = { id, request, stage: "admitted", acceptedEventId: 0n, outcome: undefined, listeners: new Set() };
  run.updates.set(id, update);
  ensureWorkflowTask(ctx, run, true);
  return update;
}

export function updatesAwaitingDelivery(run: RunState): boolean {
  for (const u of run.updates.values()) if (u.stage === "admitted") return true;
  return false;
}

/** The request messages to send with a workflow task that is starting. */
export function updateMessages(run: RunState, wft: WorkflowTaskState): Message[] {
  const messages: Message[] = [];
  for (const update of run.updates.values()) {
    if (update.stage !== "admitted") continue;
    update.stage = "sent";
    wft.deliveredUpdates.push(update.id);
    messages.push(
      create(MessageSchema, {
        id: `${update.id}/request`,
        protocolInstanceId: update.id,
        // The request applies after the last event before WorkflowTaskStarted.
        sequencingId: { case: "eventId", value: wft.startedEventId - 1n },
        body: anyPack(RequestSchema, update.request),
      }),
    );
  }
  return messages;
}

/** A failed or timed-out task's update requests go out again with the next one. */
export function returnUndelivered(run: RunState, wft: WorkflowTaskState): void {
  for (const id of wft.deliveredUpdates) {
    const update = run.updates.get(id);
    if (update?.stage === "sent") update.stage = "admitted";
  }
}

/** Applies one protocol message from a workflow task completion. */
export function applyUpdateMessage(ctx: EngineContext, run: RunState, message: Message): void {
  const update = run.updates.get(message.protocolInstanceId);
  const body = message.body;
  if (update === undefined || body === undefined) {
    throw invalidArgument("messages", `refer to unknown update "${message.protocolInstanceId}"`);
  }
  const acceptance = anyUnpack(body, AcceptanceSchema);
  if (acceptance !== undefined && body.typeUrl.endsWith("Acceptance")) {
    update.acceptedEventId = writeEvent(ctx, run, {
      case: "workflowExecutionUpdateAcceptedEventAttributes",
      value: {
        protocolInstanceId: update.id,
        acceptedRequestMessageId: acceptance.acceptedRequestMessageId,
        acceptedRequestSequencingEventId: acceptance.acceptedRequestSequencingEventId,
        acceptedRequest: acceptance.acceptedRequest ?? update.request,
      },
    }).eventId;
    setStage(update, "accepted");
    return;
  }
  if (body.typeUrl.endsWith("Rejection")) {
    const rejection = anyUnpack(body, RejectionSchema);
    update.outcome = create(OutcomeSchema, { value: { case: "failure", value: rejection?.failure ?? {} } });
    setStage(update, "completed");
    return;
  }
  if (body.typeUrl.endsWith("Response")) {
    const response = anyUnpack(body, ResponseSchema);
    update.outcome = response?.outcome;
    writeEvent(ctx, run, {
      case: "workflowExecutionUpdateCompletedEventAttributes",
      value: {
        meta: response?.meta ?? update.request.meta,
        acceptedEventId: update.acceptedEventId,
        outcome: response?.outcome,
      },
    });
    setStage(update, "completed");
    return;
  }
  throw invalidArgument("messages", `carry an unknown protocol body ${body.typeUrl}`);
}

/** The run closed: updates not yet completed fail, as on a real server. */
export function abandonUpdates(run: RunState): void {
  for (const update of run.updates.values()) {
    if (update.stage === "completed") continue;
    update.outcome = create(OutcomeSchema, {
      value: {
        case: "failure",
        value: { message: "Workflow Update failed because the Workflow completed before the Update completed.", source: "Server" },
      },
    });
    setStage(update, "completed");
  }
}

function setStage(update: UpdateState, stage: UpdateState["stage"]): void {
  update.stage = stage;
  for (const listener of [...update.listeners]) listener();
}

/** Waits until the update reaches `stage` or the wait ends; resolves either way. */
export function waitForStage(update: UpdateState, stage: "accepted" | "completed", signal: AbortSignal, timeoutMs: number): Promise<void> {
  const reached = () =>
    update.stage === "completed" || (stage === "accepted" && update.stage === "accepted");
  if (reached() || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      update.listeners.delete(listener);
      resolve();
    };
    const listener = () => {
      if (reached()) done();
    };
    const timer = setTimeout(done, timeoutMs);
    signal.addEventListener("abort", done, { once: true });
    update.listeners.add(listener);
  });
}
