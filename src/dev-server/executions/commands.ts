import { create } from "@bufbuild/protobuf";
import type { Command } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { WorkflowTaskFailedCause } from "../../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { ContinueAsNewInitiator, RetryState } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { type Failure, FailureSchema } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { Message } from "../../../gen/temporal/api/protocol/v1/message_pb.ts";
import type { RespondWorkflowTaskCompletedRequest } from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { EngineContext } from "../engine-context.ts";
import { newId } from "../ids.ts";
import { durationMs } from "../time.ts";
import { type ActivityTimeouts, requestCancelActivity, scheduleActivity } from "./activities.ts";
import { validateCommands } from "./command-validation.ts";
import { startChild } from "./children.ts";
import { cancelExternal, signalExternal } from "./external.ts";
import { addEvent, flushBuffered, writeEvent } from "./history-writer.ts";
import { closeRun, startRun } from "./lifecycle.ts";
import { isOpen, type RunState, type WorkflowTaskState } from "./run-state.ts";
import { decideRetry } from "./retry-policy.ts";
import { applyUpdateMessage, returnUndelivered, updatesAwaitingDelivery } from "./updates.ts";
import { failWorkflowTask, finishWorkflowTask, persistTransient, scheduleWorkflowTask } from "./workflow-tasks.ts";

const terminalCommands = new Set([
  "completeWorkflowExecutionCommandAttributes",
  "failWorkflowExecutionCommandAttributes",
  "cancelWorkflowExecutionCommandAttributes",
  "continueAsNewWorkflowExecutionCommandAttributes",
]);

/**
 * RespondWorkflowTaskCompleted: validates every command first (a malformed
 * one fails the whole task with the cause a real server gives, and nothing
 * is written), then writes WorkflowTaskCompleted and the events of the
 * commands in order, then the events buffered while the task ran.
 */
/**
 * Returns the `resetHistoryEventId` of the response: non-zero when a
 * speculative task was discarded, so the worker rewinds to that event.
 */
export function completeWorkflowTask(ctx: EngineContext, run: RunState, wft: WorkflowTaskState, req: RespondWorkflowTaskCompletedRequest): bigint {
  const messages = new Map(req.messages.map((m) => [m.id, m]));
  const timeouts = new Map<number, ActivityTimeouts>();
  const problem = validateCommands(run, req.commands, messages, timeouts);
  const failure = (message: string) => create(FailureSchema, { message, source: "Server" });
  if (problem !== undefined) {
    failWorkflowTask(ctx, run, problem.cause, failure(problem.message), req.identity);
    return 0n;
  }
  const closes = req.commands.some((c) => terminalCommands.has(c.attributes.case ?? ""));
  if (closes && run.buffered.length > 0) {
    failWorkflowTask(
      ctx,
      run,
      WorkflowTaskFailedCause.UNHANDLED_COMMAND,
      failure("UnhandledCommand: new events arrived while the workflow task ran; the workflow must see them before closing"),
      req.identity,
    );
    return 0n;
  }
  if (wft.speculative && isRejectionOnly(req) && run.buffered.length === 0) {
    // Nothing to record: the task and its events vanish, only the rejections count.
    for (const message of req.messages) applyUpdateMessage(ctx, run, message);
    finishWorkflowTask(run);
    if (updatesAwaitingDelivery(run)) scheduleWorkflowTask(ctx, run, 1, true);
    return run.lastCompletedStartedEventId;
  }
  persistTransient(ctx, run, wft);
  const completed = writeEvent(ctx, run, {
    case: "workflowTaskCompletedEventAttributes",
    value: {
      scheduledEventId: wft.scheduledEventId,
      startedEventId: wft.startedEventId,
      identity: req.identity,
      binaryChecksum: req.binaryChecksum,
      workerVersion: req.workerVersionStamp,
      sdkMetadata: req.sdkMetadata,
      meteringMetadata: req.meteringMetadata,
    },
  });
  run.lastCompletedStartedEventId = wft.startedEventId;
  const after: Array<() => void> = [];
  const applied = new Set<string>();
  req.commands.forEach((command, index) => {
    if (command.attributes.case === "protocolMessageCommandAttributes") {
      const message = messages.get(command.attributes.value.messageId) as Message;
      applied.add(message.id);
      applyUpdateMessage(ctx, run, message);
      return;
    }
    if (isOpen(run)) apply(ctx, run, command, completed.eventId, timeouts.get(index), after);
  });
  for (const message of req.messages) if (!applied.has(message.id)) applyUpdateMessage(ctx, run, message);
  // An update the worker neither accepted nor rejected goes out again with the next task.
  returnUndelivered(run, wft);
  finishWorkflowTask(run);
  if (isOpen(run)) {
    const sticky = req.stickyAttributes;
    run.sticky = sticky?.workerTaskQueue?.name
      ? { queue: sticky.workerTaskQueue.name, scheduleToStartMs: durationMs(sticky.scheduleToStartTimeout) || 10_000 }
      : undefined;
    const newEvents = flushBuffered(ctx, run);
    if (newEvents || updatesAwaitingDelivery(run) || req.forceCreateNewWorkflowTask) scheduleWorkflowTask(ctx, run, 1);
  }
  for (const action of after) action();
  return 0n;
}

/** A completion that only rejects updates (no commands, no acceptances, no new task asked for). */
function isRejectionOnly(req: RespondWorkflowTaskCompletedRequest): boolean {
  if (req.forceCreateNewWorkflowTask) return false;
  if (req.commands.some((c) => c.attributes.case !== "protocolMessageCommandAttributes")) return false;
  return req.messages.length > 0 && req.messages.every((m) => m.body?.typeUrl.endsWith(".Rejection") === true);
}

function apply(
  ctx: EngineContext,
  run: RunState,
  command: Command,
  completedId: bigint,
  timeouts: ActivityTimeouts | undefined,
  after: Array<() => void>,
): void {
  const a = command.attributes;
  switch (a.case) {
    case "scheduleActivityTaskCommandAttributes":
      scheduleActivity(ctx, run, a.value, timeouts as ActivityTimeouts, completedId);
      return;
    case "requestCancelActivityTaskCommandAttributes": {
      const activity = run.activities.get(a.value.scheduledEventId);
      if (activity !== undefined) requestCancelActivity(ctx, run, activity, completedId);
      return;
    }
    case "startTimerCommandAttributes": {
      const ms = durationMs(a.value.startToFireTimeout);
      const timerId = a.value.timerId;
      const started = writeEvent(ctx, run, {
        case: "timerStartedEventAttributes",
        value: { timerId, startToFireTimeout: a.value.startToFireTimeout, workflowTaskCompletedEventId: completedId },
      });
      const cancel = ctx.clock.schedule(
        ctx.clock.now() + ms,
        () => {
          if (!isOpen(run) || run.timers.get(timerId)?.startedEventId !== started.eventId) return;
          run.timers.delete(timerId);
          addTimerFired(ctx, run, timerId, started.eventId);
          ctx.clock.poke();
        },
        true,
      );
      run.timers.set(timerId, { startedEventId: started.eventId, cancel });
      return;
    }
    case "cancelTimerCommandAttributes": {
      const timer = run.timers.get(a.value.timerId);
      if (timer === undefined) return;
      timer.cancel();
      run.timers.delete(a.value.timerId);
      writeEvent(ctx, run, {
        case: "timerCanceledEventAttributes",
        value: { timerId: a.value.timerId, startedEventId: timer.startedEventId, workflowTaskCompletedEventId: completedId, identity: ctx.identity },
      });
      return;
    }
    case "recordMarkerCommandAttributes":
      writeEvent(ctx, run, {
        case: "markerRecordedEventAttributes",
        value: { markerName: a.value.markerName, details: a.value.details, workflowTaskCompletedEventId: completedId, header: a.value.header, failure: a.value.failure },
      });
      return;
    case "upsertWorkflowSearchAttributesCommandAttributes": {
      const fields = { ...run.searchAttributes?.indexedFields, ...a.value.searchAttributes?.indexedFields };
      run.searchAttributes = { $typeName: "temporal.api.common.v1.SearchAttributes", indexedFields: fields };
      writeEvent(ctx, run, {
        case: "upsertWorkflowSearchAttributesEventAttributes",
        value: { workflowTaskCompletedEventId: completedId, searchAttributes: a.value.searchAttributes },
      });
      return;
    }
    case "modifyWorkflowPropertiesCommandAttributes": {
      const fields = { ...run.memo?.fields, ...a.value.upsertedMemo?.fields };
      run.memo = { $typeName: "temporal.api.common.v1.Memo", fields };
      writeEvent(ctx, run, {
        case: "workflowPropertiesModifiedEventAttributes",
        value: { workflowTaskCompletedEventId: completedId, upsertedMemo: a.value.upsertedMemo },
      });
      return;
    }
    case "startChildWorkflowExecutionCommandAttributes": {
      const namespace = a.value.namespace || run.key.namespace;
      const initiated = writeEvent(ctx, run, {
        case: "startChildWorkflowExecutionInitiatedEventAttributes",
        value: {
          namespace,
          namespaceId: ctx.store.getNamespace(namespace)?.id ?? "",
          workflowId: a.value.workflowId,
          workflowType: a.value.workflowType,
          taskQueue: { name: a.value.taskQueue?.name || run.taskQueue },
          input: a.value.input,
          workflowExecutionTimeout: a.value.workflowExecutionTimeout,
          workflowRunTimeout: a.value.workflowRunTimeout,
          workflowTaskTimeout: a.value.workflowTaskTimeout,
          parentClosePolicy: a.value.parentClosePolicy,
          control: a.value.control,
          workflowTaskCompletedEventId: completedId,
          workflowIdReusePolicy: a.value.workflowIdReusePolicy,
          retryPolicy: a.value.retryPolicy,
          cronSchedule: a.value.cronSchedule,
          header: a.value.header,
          memo: a.value.memo,
          searchAttributes: a.value.searchAttributes,
          priority: a.value.priority,
        },
      });
      const attrs = a.value;
      after.push(() => startChild(ctx, run, attrs, initiated.eventId, completedId));
      return;
    }
    case "signalExternalWorkflowExecutionCommandAttributes": {
      const initiated = writeEvent(ctx, run, {
        case: "signalExternalWorkflowExecutionInitiatedEventAttributes",
        value: {
          namespace: a.value.namespace || run.key.namespace,
          namespaceId: "",
          workflowExecution: a.value.execution,
          signalName: a.value.signalName,
          input: a.value.input,
          control: a.value.control,
          childWorkflowOnly: a.value.childWorkflowOnly,
          header: a.value.header,
          workflowTaskCompletedEventId: completedId,
        },
      });
      const attrs = a.value;
      after.push(() => signalExternal(ctx, run, attrs, initiated.eventId));
      return;
    }
    case "requestCancelExternalWorkflowExecutionCommandAttributes": {
      const initiated = writeEvent(ctx, run, {
        case: "requestCancelExternalWorkflowExecutionInitiatedEventAttributes",
        value: {
          namespace: a.value.namespace || run.key.namespace,
          workflowExecution: { workflowId: a.value.workflowId, runId: a.value.runId },
          control: a.value.control,
          childWorkflowOnly: a.value.childWorkflowOnly,
          reason: a.value.reason,
          workflowTaskCompletedEventId: completedId,
        },
      });
      const attrs = a.value;
      after.push(() => cancelExternal(ctx, run, attrs, initiated.eventId));
      return;
    }
    case "completeWorkflowExecutionCommandAttributes":
      closeRun(ctx, run, { case: "workflowExecutionCompletedEventAttributes", value: { result: a.value.result, workflowTaskCompletedEventId: completedId } });
      return;
    case "failWorkflowExecutionCommandAttributes":
      failRun(ctx, run, a.value.failure, completedId);
      return;
    case "cancelWorkflowExecutionCommandAttributes":
      closeRun(ctx, run, { case: "workflowExecutionCanceledEventAttributes", value: { details: a.value.details, workflowTaskCompletedEventId: completedId } });
      return;
    case "continueAsNewWorkflowExecutionCommandAttributes": {
      const v = a.value;
      const namespace = ctx.store.getNamespace(run.key.namespace);
      if (namespace === undefined) return;
      const runId = newId();
      const workflowType = v.workflowType?.name || run.workflowType;
      const taskQueue = v.taskQueue?.name || run.taskQueue;
      const runTimeoutMs = durationMs(v.workflowRunTimeout) || run.config.runTimeoutMs;
      const taskTimeoutMs = durationMs(v.workflowTaskTimeout) || run.config.taskTimeoutMs;
      closeRun(ctx, run, {
        case: "workflowExecutionContinuedAsNewEventAttributes",
        value: {
          newExecutionRunId: runId,
          workflowType: { name: workflowType },
          taskQueue: { name: taskQueue },
          input: v.input,
          workflowRunTimeout: v.workflowRunTimeout,
          workflowTaskTimeout: v.workflowTaskTimeout,
          workflowTaskCompletedEventId: completedId,
          backoffStartInterval: v.backoffStartInterval,
          initiator: ContinueAsNewInitiator.WORKFLOW,
          header: v.header,
          memo: v.memo,
          searchAttributes: v.searchAttributes,
        },
      });
      run.nextRunId = runId;
      startRun(ctx, {
        namespace,
        runId,
        workflowId: run.key.workflowId,
        workflowType,
        taskQueue,
        input: v.input,
        header: v.header,
        memo: v.memo ?? run.memo,
        searchAttributes: v.searchAttributes ?? run.searchAttributes,
        executionTimeoutMs: run.config.executionTimeoutMs,
        runTimeoutMs,
        taskTimeoutMs,
        retryPolicy: v.retryPolicy ?? run.config.retryPolicy,
        identity: run.config.identity,
        requestId: "",
        continued: { previous: run, initiator: ContinueAsNewInitiator.WORKFLOW, attempt: 1, lastCompletionResult: v.lastCompletionResult },
      });
      return;
    }
    default:
      return;
  }
}

function addTimerFired(ctx: EngineContext, run: RunState, timerId: string, startedEventId: bigint): void {
  addEvent(ctx, run, { case: "timerFiredEventAttributes", value: { timerId, startedEventId } });
}

/**
 * FailWorkflowExecution: with a retry policy whose rules allow it, the
 * workflow is retried as a new run (initiator RETRY), as a real server does.
 */
function failRun(ctx: EngineContext, run: RunState, failure: Failure | undefined, completedId: bigint): void {
  const policy = run.config.retryPolicy;
  const decision = policy === undefined ? undefined : decideRetry(policy, run.config.attempt, failure, ctx.clock.now(), run.config.executionExpiryMs);
  const namespace = ctx.store.getNamespace(run.key.namespace);
  if (decision?.retry !== true || namespace === undefined) {
    closeRun(ctx, run, {
      case: "workflowExecutionFailedEventAttributes",
      value: { failure, retryState: decision?.retry === false ? decision.state : RetryState.RETRY_POLICY_NOT_SET, workflowTaskCompletedEventId: completedId },
    });
    return;
  }
  const runId = newId();
  closeRun(ctx, run, {
    case: "workflowExecutionFailedEventAttributes",
    value: { failure, retryState: RetryState.IN_PROGRESS, workflowTaskCompletedEventId: completedId, newExecutionRunId: runId },
  });
  run.nextRunId = runId;
  startRun(ctx, {
    namespace,
    runId,
    workflowId: run.key.workflowId,
    workflowType: run.workflowType,
    taskQueue: run.taskQueue,
    input: run.config.input,
    header: run.config.header,
    memo: run.memo,
    searchAttributes: run.searchAttributes,
    executionTimeoutMs: run.config.executionTimeoutMs,
    runTimeoutMs: run.config.runTimeoutMs,
    taskTimeoutMs: run.config.taskTimeoutMs,
    retryPolicy: policy,
    identity: run.config.identity,
    requestId: "",
    firstTaskDelayMs: decision.delayMs,
    continued: { previous: run, initiator: ContinueAsNewInitiator.RETRY, attempt: run.config.attempt + 1, ...(failure ? { failure } : {}) },
  });
}
