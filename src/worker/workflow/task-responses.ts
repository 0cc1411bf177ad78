import { create } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { PayloadsSchema } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import { TaskQueueKind } from "../../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import { type StickyExecutionAttributes, StickyExecutionAttributesSchema } from "../../../gen/temporal/api/taskqueue/v1/message_pb.ts";
import {
  type RespondQueryTaskCompletedRequest,
  RespondQueryTaskCompletedRequestSchema,
  type RespondWorkflowTaskCompletedRequest,
  RespondWorkflowTaskCompletedRequestSchema,
  type RespondWorkflowTaskFailedRequest,
  RespondWorkflowTaskFailedRequestSchema,
} from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { WorkflowTaskResult } from "../../engine/workflow-run.ts";

/** Where this worker's sticky queue is and how long the server waits on it. */
export interface StickyQueue {
  name: string;
  normalName: string;
  scheduleToStartTimeoutMs: number;
}

/** A sticky queue name unique to one worker entity, so its tasks reach no other worker. */
export function stickyQueueName(identity: string, taskQueue: string): string {
  return `${identity}-${taskQueue}-${crypto.randomUUID()}`;
}

export function stickyAttributes(sticky: StickyQueue): StickyExecutionAttributes {
  return create(StickyExecutionAttributesSchema, {
    workerTaskQueue: { name: sticky.name, kind: TaskQueueKind.STICKY, normalName: sticky.normalName },
    scheduleToStartTimeout: durationFromMs(sticky.scheduleToStartTimeoutMs),
  });
}

export interface ResponseContext {
  namespace: string;
  identity: string;
  taskToken: Uint8Array;
  /** Undefined when the cache is off: the server then sends every task to the normal queue. */
  sticky: StickyQueue | undefined;
}

/**
 * RespondWorkflowTaskCompleted as sdk-core sends it: sticky attributes on
 * every completion (when caching), no eager new task, sdk metadata, and no
 * binary checksum, deployment or metering fields.
 */
export function completedRequest(
  result: Extract<WorkflowTaskResult, { kind: "completed" }>,
  ctx: ResponseContext,
): RespondWorkflowTaskCompletedRequest {
  return create(RespondWorkflowTaskCompletedRequestSchema, {
    taskToken: ctx.taskToken,
    namespace: ctx.namespace,
    identity: ctx.identity,
    commands: result.commands,
    messages: result.messages,
    queryResults: result.queryResults,
    sdkMetadata: result.sdkMetadata,
    forceCreateNewWorkflowTask: result.forceCreateNewWorkflowTask,
    returnNewWorkflowTask: false,
    ...(ctx.sticky ? { stickyAttributes: stickyAttributes(ctx.sticky) } : {}),
  });
}

export function failedRequest(result: Extract<WorkflowTaskResult, { kind: "failed" }>, ctx: ResponseContext): RespondWorkflowTaskFailedRequest {
  return create(RespondWorkflowTaskFailedRequestSchema, {
    taskToken: ctx.taskToken,
    namespace: ctx.namespace,
    identity: ctx.identity,
    cause: result.cause,
    failure: result.failure,
  });
}

export function queryAnswerRequest(
  result: Extract<WorkflowTaskResult, { kind: "legacyQuery" }>,
  ctx: Pick<ResponseContext, "namespace" | "taskToken">,
): RespondQueryTaskCompletedRequest {
  const response = result.answer?.variant.case === "succeeded" ? result.answer.variant.value.response : undefined;
  return create(RespondQueryTaskCompletedRequestSchema, {
    taskToken: ctx.taskToken,
    namespace: ctx.namespace,
    completedType: result.completedType,
    errorMessage: result.errorMessage,
    ...(response ? { queryResult: create(PayloadsSchema, { payloads: [response] }) } : {}),
    ...(result.failure ? { failure: result.failure } : {}),
  });
}

/** The kind of close a completion's commands ask for, if any (for the workflow_* counters). */
export function closingCommand(commands: readonly Command[]): "completed" | "failed" | "canceled" | "continueAsNew" | undefined {
  for (const c of commands) {
    switch (c.attributes.case) {
      case "completeWorkflowExecutionCommandAttributes":
        return "completed";
      case "failWorkflowExecutionCommandAttributes":
        return "failed";
      case "cancelWorkflowExecutionCommandAttributes":
        return "canceled";
      case "continueAsNewWorkflowExecutionCommandAttributes":
        return "continueAsNew";
      default:
        break;
    }
  }
  return undefined;
}
